//! The organisation's accounts as the console sees them: how far each could be reached,
//! kept current from its sources' polls, what fails in each (counted when the data is
//! derived, never per frame), and how fresh each kind of its data is.

use super::{Data, SourceStatus, Summary};
use crate::domain::{AlarmState, Reach, Severity, SourceId, SourceKind};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// What is counted of each account of an organisation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccountCounts {
    /// What fails, by severity (indexed by `Severity as usize`): failing checks,
    /// unarchived findings, and alarms in ALARM at the alarms' severity.
    pub failing: [usize; 5],
    /// The Overview's counters, of this account alone.
    pub summary: Summary,
}

impl Data {
    /// Brings the reach of `account` up to date with its sources' latest polls: unreachable
    /// while one of them last failed on its credentials (the member role cannot be assumed,
    /// or the credentials expired), with that source's message; reachable once one has
    /// succeeded. An account skipped by discovery (suspended, closing) stays skipped, and
    /// one none of whose sources has answered keeps the reach the session gave it. Says
    /// whether it changed.
    pub fn update_reach(&mut self, account: &str) -> bool {
        let Some(current) = self
            .org
            .as_ref()
            .and_then(|org| org.account(account))
            .map(|a| &a.reach)
        else {
            return false;
        };
        if matches!(current, Reach::Skipped(_)) {
            return false;
        }
        let credentials = self
            .sources_of(account)
            .find_map(|(_, s)| s.credentials_error.as_deref());
        let reach = match credentials {
            Some(why) => Reach::Unreachable(why.to_string()),
            None if self
                .sources_of(account)
                .any(|(_, s)| s.last_success.is_some()) =>
            {
                Reach::Reachable
            }
            None => return false,
        };
        if *current == reach {
            return false;
        }
        if let Some(entry) = self.org.as_mut().and_then(|org| org.account_mut(account)) {
            entry.reach = reach;
        }
        self.changed();
        true
    }

    /// The name of `account` in the organisation, or `account` itself: the Account column
    /// asks for every row drawn, and `/` for every row, so it is looked up by index.
    pub fn account_name<'a>(&'a self, account: &'a str) -> &'a str {
        let Some(org) = &self.org else {
            return account;
        };
        let indexed = self
            .account_index
            .get(account)
            .and_then(|&i| org.accounts.get(i))
            .filter(|a| a.id == *account);
        match indexed {
            Some(a) => &a.name,
            None => org.name_of(account),
        }
    }

    /// What fails in `account`, by severity.
    pub fn failing_of(&self, account: &str) -> [usize; 5] {
        self.by_account
            .get(account)
            .map(|counts| counts.failing)
            .unwrap_or_default()
    }

    /// The Overview's counters of the accounts `keep` keeps (in an organisation).
    pub fn summary_of(&self, keep: impl Fn(&str) -> bool) -> Summary {
        let mut summary = Summary::default();
        for (_, counts) in self.by_account.iter().filter(|(id, _)| keep(id)) {
            let other = &counts.summary;
            summary.alarms_alarm += other.alarms_alarm;
            summary.alarms_insufficient += other.alarms_insufficient;
            summary.alarms_ok += other.alarms_ok;
            for (n, more) in summary.findings.iter_mut().zip(other.findings) {
                *n += more;
            }
            summary.failing_iam_checks += other.failing_iam_checks;
            summary.baseline_results += other.baseline_results;
            summary.baseline_failing += other.baseline_failing;
            summary.baseline_unevaluated += other.baseline_unevaluated;
        }
        summary
    }

    /// The sources of `account`, with how their polls went. Sources sort by kind, then
    /// account: one short range per kind, not every source of the organisation.
    pub fn sources_of<'a, 'b>(
        &'a self,
        account: &'b str,
    ) -> impl Iterator<Item = (&'a SourceId, &'a SourceStatus)> + use<'a, 'b> {
        SourceKind::ALL.into_iter().flat_map(move |kind| {
            let from = SourceId {
                kind,
                account_id: account.to_string(),
                region: None,
            };
            self.sources
                .range(from..)
                .take_while(move |(id, _)| id.kind == kind && id.account_id == account)
        })
    }

    /// The newest data of `account`'s sources of `kind`, and whether any of them is
    /// failing now; `None` when the account has no source of that kind.
    pub fn freshness_of(
        &self,
        account: &str,
        kind: SourceKind,
    ) -> Option<(Option<DateTime<Utc>>, bool)> {
        // Sources sort by kind, then account: this account's of one kind are together.
        let from = SourceId {
            kind,
            account_id: account.to_string(),
            region: None,
        };
        let mut found = None;
        for (_, status) in self
            .sources
            .range(from..)
            .take_while(|(id, _)| id.kind == kind && id.account_id == account)
        {
            let (newest, failing) = found.get_or_insert((None, false));
            *newest = (*newest).max(status.last_success);
            *failing |= status.last_error.is_some();
        }
        found
    }

    /// Counts what fails in each account, and the Overview's counters of each, in an
    /// organisation.
    pub(super) fn count_by_account(&mut self, alarm_severity: Severity) {
        self.by_account.clear();
        let Some(org) = &self.org else {
            self.account_index.clear();
            return;
        };
        if self.account_index.len() != org.accounts.len() {
            self.account_index = org
                .accounts
                .iter()
                .enumerate()
                .map(|(i, a)| (Box::from(a.id.as_str()), i))
                .collect();
        }
        let mut by_account = Tally::default();
        let fail = |counts: &mut AccountCounts, severity: Severity| {
            if let Some(n) = counts.failing.get_mut(severity as usize) {
                *n += 1;
            }
        };
        for check in &self.checks {
            by_account.with(&check.account_id, |counts| {
                if check.failed() {
                    fail(counts, check.severity());
                }
                counts.summary.count_check(check);
            });
        }
        for finding in self.findings.iter().filter(|f| !f.archived) {
            by_account.with(&finding.account_id, |counts| {
                fail(counts, finding.severity());
                super::data::count_finding(&mut counts.summary, finding, true);
            });
        }
        for alarm in &self.alarms {
            by_account.with(&alarm.account_id, |counts| match alarm.state {
                AlarmState::Alarm => {
                    fail(counts, alarm_severity);
                    counts.summary.alarms_alarm += 1;
                }
                AlarmState::InsufficientData => counts.summary.alarms_insufficient += 1,
                AlarmState::Ok => counts.summary.alarms_ok += 1,
            });
        }
        self.by_account = by_account.finish();
    }
}

/// Counts per account. Results, findings and alarms come in runs of one account (each
/// account's posture, each source's batch): a run is counted in hand and filed once, so
/// hundreds of thousands of items cost a comparison each, not a hash lookup each.
#[derive(Default)]
struct Tally<'a> {
    filed: HashMap<Box<str>, AccountCounts>,
    current: Option<(&'a str, AccountCounts)>,
}

impl<'a> Tally<'a> {
    fn with(&mut self, account: &'a str, count: impl FnOnce(&mut AccountCounts)) {
        if self
            .current
            .as_ref()
            .is_none_or(|(held, _)| *held != account)
        {
            self.file();
            let counts = self.filed.remove(account).unwrap_or_default();
            self.current = Some((account, counts));
        }
        if let Some((_, counts)) = self.current.as_mut() {
            count(counts);
        }
    }

    fn file(&mut self) {
        if let Some((account, counts)) = self.current.take() {
            self.filed.insert(account.into(), counts);
        }
    }

    fn finish(mut self) -> HashMap<Box<str>, AccountCounts> {
        self.file();
        self.filed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Discovery, OrgAccount, Organization};

    fn data(reaches: &[(&str, Reach)]) -> Data {
        let accounts = reaches
            .iter()
            .map(|(id, reach)| OrgAccount {
                id: (*id).into(),
                name: format!("name-{id}"),
                ou_path: String::new(),
                ou_ids: Vec::new(),
                reach: reach.clone(),
                read_only: None,
                banner: None,
            })
            .collect();
        let mut data = Data::default();
        data.org = Some(Organization {
            id: None,
            management_account: None,
            discovery: Discovery::Listed,
            accounts,
            member_role: None,
            guardduty_admin: None,
        });
        data
    }

    fn source<'a>(data: &'a mut Data, account: &str, kind: SourceKind) -> &'a mut SourceStatus {
        let id = SourceId {
            kind,
            account_id: account.into(),
            region: Some("us-east-1".into()),
        };
        data.sources.entry(id).or_default()
    }

    fn reach(data: &Data, account: &str) -> Reach {
        data.org
            .as_ref()
            .and_then(|o| o.account(account))
            .map(|a| a.reach.clone())
            .unwrap_or(Reach::Pending)
    }

    #[test]
    fn reach_follows_the_last_polls_of_an_accounts_sources() {
        let mut data = data(&[
            ("1", Reach::Pending),
            ("2", Reach::Skipped("SUSPENDED".into())),
        ]);
        assert!(!data.update_reach("1"), "nothing answered yet");
        assert_eq!(reach(&data, "1"), Reach::Pending);
        source(&mut data, "1", SourceKind::Alarms).last_success = Some(Utc::now());
        let generation = data.generation();
        assert!(data.update_reach("1"));
        assert_eq!(reach(&data, "1"), Reach::Reachable);
        assert_ne!(
            data.generation(),
            generation,
            "a change the detail view sees"
        );
        source(&mut data, "1", SourceKind::Identity).credentials_error = Some("denied".into());
        assert!(data.update_reach("1"));
        assert_eq!(reach(&data, "1"), Reach::Unreachable("denied".into()));
        assert!(!data.update_reach("1"), "no change");
        source(&mut data, "1", SourceKind::Identity).credentials_error = None;
        assert!(data.update_reach("1"));
        assert_eq!(reach(&data, "1"), Reach::Reachable);
        source(&mut data, "2", SourceKind::Alarms).last_success = Some(Utc::now());
        assert!(!data.update_reach("2"));
        assert_eq!(reach(&data, "2"), Reach::Skipped("SUSPENDED".into()));
        assert!(!data.update_reach("3"), "not one of the organisation's");
    }

    #[test]
    fn names_are_found_by_index_and_fall_back_to_the_id() {
        let mut data = data(&[("1", Reach::Pending), ("2", Reach::Pending)]);
        assert_eq!(data.account_name("2"), "name-2", "before the index is made");
        data.count_by_account(Severity::High);
        assert_eq!(data.account_name("2"), "name-2");
        assert_eq!(data.account_name("3"), "3");
        if let Some(org) = data.org.as_mut() {
            org.accounts.swap(0, 1);
        }
        assert_eq!(
            data.account_name("1"),
            "name-1",
            "a stale index is not trusted"
        );
        assert_eq!(Data::default().account_name("1"), "1");
    }

    #[test]
    fn freshness_is_per_account_and_kind() {
        let mut data = data(&[("1", Reach::Pending), ("2", Reach::Pending)]);
        let at = Utc::now();
        source(&mut data, "1", SourceKind::Alarms).last_success = Some(at);
        source(&mut data, "2", SourceKind::Alarms).last_error = Some((at, "x".into()));
        assert_eq!(
            data.freshness_of("1", SourceKind::Alarms),
            Some((Some(at), false))
        );
        assert_eq!(
            data.freshness_of("2", SourceKind::Alarms),
            Some((None, true))
        );
        assert_eq!(data.freshness_of("1", SourceKind::Findings), None);
        assert_eq!(data.sources_of("1").count(), 1);
    }
}
