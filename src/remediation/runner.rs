//! Runs a confirmed action: journal the intent (flushed and fsync'd) before the call, make
//! the call, journal the outcome. If the intent cannot be written, the action does not run:
//! an action that leaves no trace is worse than one that does not happen.

use super::{ActionError, Execute, Offer};
use crate::aws::attribution::LocalOperator;
use crate::journal::{JournalContents, JournalRecord, JournalWriter};
use chrono::Utc;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

pub struct Runner {
    executor: Arc<dyn Execute>,
    journal: Option<PathBuf>,
    /// Opened at the first action, so a journal that cannot be opened is reported in the
    /// dialog of the action it stops.
    writer: Arc<Mutex<Option<JournalWriter>>>,
    caller_arn: String,
    /// Who is at the keyboard, journaled beside the caller ARN.
    operator: LocalOperator,
}

impl Runner {
    pub fn new(executor: Arc<dyn Execute>, journal: Option<PathBuf>, caller_arn: &str) -> Runner {
        Runner {
            executor,
            journal,
            writer: Arc::new(Mutex::new(None)),
            caller_arn: caller_arn.to_string(),
            operator: LocalOperator::current().clone(),
        }
    }

    /// The offer on its target's live state, for the preview (see [`Execute::resolve`]).
    pub async fn resolve(&self, offer: &Offer) -> Result<Offer, ActionError> {
        self.executor.resolve(offer).await
    }

    /// Runs a confirmed offer, stamped with the moment it runs (what the journal and the
    /// outcome show), and returns it with the result.
    pub async fn run(&self, offer: &Offer) -> (Offer, Result<String, ActionError>) {
        let offer = offer.stamped(Utc::now());
        let result = self.run_stamped(&offer).await;
        (offer, result)
    }

    async fn run_stamped(&self, offer: &Offer) -> Result<String, ActionError> {
        let intent = JournalRecord::intent(
            offer.spec().name,
            offer.target.describe(),
            offer.target.account_id().as_str(),
            offer.target.region().map(|r| r.to_string()),
            self.caller_arn.clone(),
            offer.cli.clone(),
            Utc::now(),
        )
        .by(&self.operator.user, &self.operator.host);
        let intent = self.append(intent).await.map_err(ActionError::Journal)?;
        let result = self.executor.perform(offer).await;
        let error = result.as_ref().err().map(ToString::to_string);
        let outcome = JournalRecord::outcome(&intent, error, Utc::now());
        match (self.append(outcome).await, result) {
            (Ok(_), result) => result,
            (Err(e), Ok(done)) => Ok(format!(
                "{done} (the outcome could not be journaled: {e}; the intent was)"
            )),
            (Err(journal), Err(error)) => Err(ActionError::Unjournaled {
                error: Box::new(error),
                journal,
            }),
        }
    }

    /// Appends on the blocking pool: an fsync must not stall the console's threads.
    async fn append(&self, record: JournalRecord) -> Result<JournalRecord, String> {
        let Some(path) = self.journal.clone() else {
            return Err("there is no state directory for the journal (set XDG_STATE_HOME)".into());
        };
        let writer = self.writer.clone();
        tokio::task::spawn_blocking(move || {
            let mut slot = writer
                .lock()
                .map_err(|_| "the journal writer failed earlier".to_string())?;
            if slot.is_none() {
                *slot = Some(
                    JournalWriter::open(&path)
                        .map_err(|e| format!("cannot open {}: {e}", path.display()))?,
                );
            }
            match slot.as_mut() {
                Some(journal) => journal
                    .append(record)
                    .map_err(|e| format!("cannot write {}: {e}", path.display())),
                None => Err("the journal is not open".to_string()),
            }
        })
        .await
        .map_err(|e| format!("the journal write did not finish: {e}"))?
    }

    /// The journal as it is now, for the Journal tab.
    pub fn journal_contents(&self) -> Option<JournalContents> {
        let path = self.journal.as_ref()?;
        crate::journal::read_checked(path).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::{Outcome, Phase};
    use crate::remediation::{ActionId, Target};
    use async_trait::async_trait;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// An executor that checks the intent is on disk before it "acts".
    struct ChecksJournal {
        path: PathBuf,
        calls: AtomicUsize,
        fail: bool,
    }

    #[async_trait]
    impl Execute for ChecksJournal {
        async fn perform(&self, _offer: &Offer) -> Result<String, ActionError> {
            self.calls.fetch_add(1, Ordering::SeqCst);
            let text = std::fs::read_to_string(&self.path).unwrap_or_default();
            assert!(
                text.contains("\"phase\":\"intent\""),
                "intent first: {text}"
            );
            if self.fail {
                Err(ActionError::NotDone("AccessDenied".into()))
            } else {
                Ok("done".into())
            }
        }
    }

    fn offer() -> Offer {
        Offer::new(
            ActionId::DisableAlarmActions,
            Target::Alarm {
                account_id: "123456789012".into(),
                region: "us-east-1".into(),
                name: "cpu".into(),
                actions_enabled: true,
            },
            Utc::now(),
        )
    }

    fn runner_with(path: Option<PathBuf>, fail: bool) -> (Runner, Arc<ChecksJournal>) {
        let executor = Arc::new(ChecksJournal {
            path: path.clone().unwrap_or_default(),
            calls: AtomicUsize::new(0),
            fail,
        });
        (
            Runner::new(
                executor.clone(),
                path,
                "arn:aws:iam::123456789012:user/oncall",
            ),
            executor,
        )
    }

    #[tokio::test]
    async fn intent_before_the_call_and_outcome_after() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state/journal.jsonl");
        let (runner, executor) = runner_with(Some(path.clone()), false);
        assert_eq!(runner.run(&offer()).await.1, Ok("done".to_string()));
        assert_eq!(executor.calls.load(Ordering::SeqCst), 1);
        let contents = crate::journal::read(&path).unwrap();
        assert_eq!(contents.entries.len(), 1);
        let entry = &contents.entries[0];
        assert_eq!(entry.outcome, Outcome::Succeeded);
        assert_eq!(entry.intent.phase, Phase::Intent);
        assert_eq!(entry.intent.action, "disable-alarm-actions");
        assert_eq!(entry.intent.region.as_deref(), Some("us-east-1"));
        let operator = LocalOperator::current();
        assert_eq!(
            entry.intent.local_user.as_deref(),
            Some(operator.user.as_str())
        );
        assert_eq!(entry.intent.host.as_deref(), Some(operator.host.as_str()));
        assert!(
            entry
                .intent
                .cli
                .starts_with("aws cloudwatch disable-alarm-actions")
        );
        assert!(crate::journal::verify(&path).unwrap().is_intact());
    }

    #[tokio::test]
    async fn a_time_dependent_action_runs_and_is_journaled_at_the_moment_it_runs() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        let (runner, _) = runner_with(Some(path.clone()), false);
        // Previewed an hour ago; the menu stood open since.
        let an_hour_ago = Utc::now() - chrono::Duration::hours(1);
        let offer = Offer::new(
            ActionId::RevokeRoleSessions,
            Target::Role {
                account_id: "123456789012".into(),
                name: "ops".into(),
            },
            an_hour_ago,
        );
        let before = Utc::now();
        let (ran, _) = runner.run(&offer).await;
        assert!(ran.prepared_at >= before, "stamped when it ran");
        let stamp = ran.prepared_at.format("%Y-%m-%dT%H:%M:%SZ").to_string();
        assert!(ran.cli.contains(&stamp), "{}", ran.cli);
        let journaled = &crate::journal::read(&path).unwrap().entries[0].intent;
        assert_eq!(journaled.cli, ran.cli);
        let stale = an_hour_ago.format("%Y-%m-%dT%H:%M:%SZ").to_string();
        assert!(!journaled.cli.contains(&stale), "{}", journaled.cli);
    }

    #[tokio::test]
    async fn a_failure_is_journaled_with_its_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        let (runner, _) = runner_with(Some(path.clone()), true);
        assert!(runner.run(&offer()).await.1.is_err());
        let contents = crate::journal::read(&path).unwrap();
        assert_eq!(
            contents.entries[0].outcome,
            Outcome::Failed("AccessDenied".into())
        );
    }

    #[tokio::test]
    async fn without_a_journal_nothing_runs() {
        let (runner, executor) = runner_with(None, false);
        let error = runner.run(&offer()).await.1.unwrap_err();
        assert!(error.to_string().starts_with("nothing was done"), "{error}");
        assert_eq!(executor.calls.load(Ordering::SeqCst), 0);

        let dir = tempfile::tempdir().unwrap();
        let blocked = dir.path().join("a-file");
        std::fs::write(&blocked, "not a directory").unwrap();
        let (runner, executor) = runner_with(Some(blocked.join("journal.jsonl")), false);
        assert!(runner.run(&offer()).await.1.is_err());
        assert_eq!(executor.calls.load(Ordering::SeqCst), 0);
    }
}
