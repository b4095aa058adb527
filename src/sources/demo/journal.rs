//! The demo account's simulated remediation history, so the Journal tab shows what an
//! on-call week looks like: actions that succeeded, one that was denied, and one whose
//! outcome never came back (the console was killed mid-call).

use super::DemoWorld;
use crate::journal::{JournalRecord, Phase};
use crate::remediation::ActionId;
use chrono::{DateTime, Duration, Utc};

impl DemoWorld {
    /// The sample history, hours before `anchor` (the demo clock when the session starts),
    /// oldest record first: the console writes it into the demo's journal file at start.
    pub fn journal_at(&self, anchor: DateTime<Utc>) -> Vec<JournalRecord> {
        let caller = self.caller().arn;
        // The world's own users, not a fresh inventory: a large demo would copy every user.
        let users = &self.people().identity.users;
        let mut keyed = users
            .iter()
            .filter_map(|u| u.access_keys.first().map(|k| (u, k)));
        let mut records = Vec::new();
        let mut add = |id: &str,
                       hours_ago: i64,
                       action: &str,
                       target: String,
                       region: Option<&str>,
                       cli: String,
                       outcome: Option<Option<&str>>| {
            let time = anchor - Duration::hours(hours_ago);
            let intent = JournalRecord {
                id: format!("demo-{id}"),
                time,
                phase: Phase::Intent,
                action: action.to_string(),
                target,
                account_id: self.account.clone(),
                region: region.map(str::to_string),
                caller_arn: caller.clone(),
                local_user: None,
                host: None,
                cli,
                error: None,
                prev_hash: None,
            };
            let outcome = outcome.map(|error| JournalRecord {
                time: time + Duration::seconds(1),
                phase: Phase::Outcome,
                error: error.map(str::to_string),
                ..intent.clone()
            });
            // In the order a journal file holds them: oldest first, each intent before its outcome.
            records.push(intent);
            records.extend(outcome);
        };
        if let Some((user, key)) = keyed.next() {
            add(
                "1",
                70,
                ActionId::DeactivateKey.spec().name,
                format!("{} ({})", user.name(), key.id),
                None,
                format!(
                    "aws iam update-access-key --user-name {} --access-key-id {} --status Inactive",
                    user.name(),
                    key.id
                ),
                Some(None),
            );
        }
        // One of the findings archived before the demo started: `:archived` lists it.
        if let Some(finding) = self.first_archived("us-east-1") {
            add(
                "2",
                46,
                ActionId::ArchiveFinding.spec().name,
                finding.id.to_string(),
                Some("us-east-1"),
                format!(
                    "aws guardduty archive-findings --detector-id {} --finding-ids {}",
                    finding.detector_id, finding.id
                ),
                Some(None),
            );
        }
        if let Some((user, key)) = keyed.next() {
            add(
                "3",
                20,
                ActionId::DeleteKey.spec().name,
                format!("{} ({})", user.name(), key.id),
                None,
                format!(
                    "aws iam delete-access-key --user-name {} --access-key-id {}",
                    user.name(),
                    key.id
                ),
                Some(Some(
                    "AccessDenied: not authorized to perform iam:DeleteAccessKey",
                )),
            );
        }
        if let Some(user) = users.first() {
            add(
                "4",
                5,
                ActionId::QuarantineUser.spec().name,
                user.name().to_string(),
                None,
                format!(
                    "aws iam put-user-policy --user-name {} --policy-name watchpost-quarantine --policy-document file://deny-all.json",
                    user.name()
                ),
                None,
            );
        }
        records
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::{Outcome, assemble};
    use crate::sources::demo::DemoOptions;

    #[test]
    fn demo_history_has_success_failure_and_an_unknown_outcome() {
        let anchor = DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let world = DemoWorld::new(DemoOptions::default(), anchor);
        let contents = assemble(world.journal_at(anchor), Vec::new());
        let outcomes: Vec<&Outcome> = contents.entries.iter().map(|e| &e.outcome).collect();
        assert_eq!(contents.entries.len(), 4);
        assert_eq!(contents.incomplete(), 1);
        assert!(
            outcomes
                .iter()
                .any(|o| matches!(o, Outcome::Failed(e) if e.starts_with("AccessDenied")))
        );
        assert_eq!(
            outcomes
                .iter()
                .filter(|o| ***o == Outcome::Succeeded)
                .count(),
            2
        );
    }

    #[test]
    fn demo_history_is_in_the_order_a_journal_file_holds_it() {
        let anchor = DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let world = DemoWorld::new(DemoOptions::default(), anchor);
        let records = world.journal_at(anchor);
        assert!(records.windows(2).all(|w| w[0].time < w[1].time));
        assert!(records.iter().all(|r| r.time < anchor));
        assert_eq!(records.first().map(|r| r.phase), Some(Phase::Intent));
    }

    #[test]
    fn demo_history_names_its_actions_as_the_catalog_does() {
        let anchor = DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let world = DemoWorld::new(DemoOptions::default(), anchor);
        for record in world.journal_at(anchor) {
            assert!(
                crate::remediation::CATALOG
                    .iter()
                    .any(|id| id.spec().name == record.action),
                "{} is not a catalog action",
                record.action
            );
        }
    }
}
