//! Posture results, kept account by account. An organisation holds hundreds of thousands
//! of results, and its data arrives a source (one account, one region) at a time: only the
//! accounts whose inputs changed are evaluated again, and where an account keeps the same
//! number of results (the usual case: an alarm changed state, a key aged a day), its results
//! are replaced where they lie, so the tables and the triage queue re-place only the
//! results that changed instead of being rebuilt.

use super::data::{Data, RowsChange};
use crate::domain::{AccountBaseline, Alarm, CheckResult, DetectorStatus, RegionalBaseline};
use crate::posture::{self, Thresholds};
use chrono::{DateTime, TimeDelta, Utc};
use std::collections::{BTreeSet, HashMap};
use std::ops::Range;

/// The accounts whose posture inputs changed.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Accounts {
    #[default]
    None,
    Some(BTreeSet<Box<str>>),
    All,
}

impl Accounts {
    pub fn add(&mut self, account: &str) {
        match self {
            Accounts::None => *self = Accounts::Some(BTreeSet::from([account.into()])),
            Accounts::Some(accounts) => {
                if !accounts.contains(account) {
                    accounts.insert(account.into());
                }
            }
            Accounts::All => {}
        }
    }

    pub fn all(&mut self) {
        *self = Accounts::All;
    }
}

/// Where one account's results lie in [`Data::checks`], and when they were evaluated.
#[derive(Clone, Debug, PartialEq)]
pub struct Segment {
    account: Box<str>,
    range: Range<usize>,
    evaluated: DateTime<Utc>,
}

/// What evaluating posture changed.
pub(super) struct Evaluated {
    pub checks: RowsChange,
    /// The failing checks of some user changed (the Identity tab counts them).
    pub users: bool,
}

impl Data {
    /// Evaluates posture for `accounts`, and for every account whose results are older than
    /// `max_age` (rules count days; each account keeps its own clock, so an organisation's
    /// accounts are not all evaluated in the same second).
    pub(super) fn evaluate_accounts(
        &mut self,
        accounts: Accounts,
        thresholds: &Thresholds,
        now: DateTime<Utc>,
        max_age: TimeDelta,
    ) -> Evaluated {
        let mut targets = match accounts {
            Accounts::All => return self.evaluate_all(thresholds, now),
            Accounts::Some(accounts) => accounts,
            Accounts::None => BTreeSet::new(),
        };
        for segment in &self.segments {
            let stale = now < segment.evaluated || now - segment.evaluated >= max_age;
            if stale && !targets.contains(&segment.account) {
                targets.insert(segment.account.clone());
            }
        }
        if targets.is_empty() {
            return Evaluated {
                checks: RowsChange::None,
                users: false,
            };
        }
        let alarms = self.alarms_by_account();
        let mut changed = Vec::new();
        let mut moved: HashMap<Box<str>, Vec<CheckResult>> = HashMap::new();
        for account in targets {
            let results = self.evaluate_account(&account, &alarms, thresholds, now);
            let segment = self.segments.iter_mut().find(|s| s.account == account);
            match segment {
                None if results.is_empty() => {}
                Some(segment) if segment.range.len() == results.len() => {
                    segment.evaluated = now;
                    for (at, result) in segment.range.clone().zip(results) {
                        if let Some(slot) = self.checks.get_mut(at) {
                            if *slot != result {
                                *slot = result;
                                changed.push(at);
                            }
                        }
                    }
                }
                _ => {
                    moved.insert(account, results);
                }
            }
        }
        let checks = if moved.is_empty() {
            changed.sort_unstable();
            RowsChange::Rows(changed)
        } else {
            self.lay_out(moved, now);
            RowsChange::All
        };
        let users = self.count_failures(&checks);
        Evaluated { checks, users }
    }

    /// Evaluates every account from scratch.
    fn evaluate_all(&mut self, thresholds: &Thresholds, now: DateTime<Utc>) -> Evaluated {
        // The old results go first, so two full sets are never held at once.
        self.checks = Vec::new();
        self.segments.clear();
        let alarms = self.alarms_by_account();
        for account in self.posture_accounts() {
            let results = self.evaluate_account(&account, &alarms, thresholds, now);
            self.push_segment(account, results, now);
        }
        self.checks.shrink_to_fit();
        let users = self.count_failures(&RowsChange::All);
        Evaluated {
            checks: RowsChange::All,
            users,
        }
    }

    /// Lays the results out again where some accounts' results changed in number: every
    /// account keeps its place, `moved` replaces its accounts' results (an account without
    /// results any more goes), and new accounts come last. Done in place, last segment
    /// first, so the results are never held twice (an organisation's are tens of MB).
    fn lay_out(&mut self, mut moved: HashMap<Box<str>, Vec<CheckResult>>, now: DateTime<Utc>) {
        for index in (0..self.segments.len()).rev() {
            let Some(segment) = self.segments.get(index) else {
                continue;
            };
            let Some(results) = moved.remove(&segment.account) else {
                continue;
            };
            let range = segment.range.clone();
            let (old, new) = (range.len(), results.len());
            self.checks.splice(range.clone(), results);
            if new == 0 {
                self.segments.remove(index);
            } else if let Some(segment) = self.segments.get_mut(index) {
                segment.range = range.start..range.start + new;
                segment.evaluated = now;
            }
            // The segments after it moved by the difference.
            for later in self.segments.iter_mut().skip(index + usize::from(new != 0)) {
                later.range = later.range.start + new - old..later.range.end + new - old;
            }
        }
        let mut new: Vec<(Box<str>, Vec<CheckResult>)> = moved.into_iter().collect();
        new.sort_by(|a, b| a.0.cmp(&b.0));
        for (account, results) in new {
            self.push_segment(account, results, now);
        }
    }

    fn push_segment(&mut self, account: Box<str>, results: Vec<CheckResult>, at: DateTime<Utc>) {
        if results.is_empty() {
            return;
        }
        let start = self.checks.len();
        self.checks.extend(results);
        self.segments.push(Segment {
            account,
            range: start..self.checks.len(),
            evaluated: at,
        });
    }

    /// Every account posture reads something of, each once, in the order they are first
    /// met: IAM inventories, detectors, alarms, baselines.
    fn posture_accounts(&self) -> Vec<Box<str>> {
        let mut seen = std::collections::HashSet::new();
        let accounts = self
            .identities
            .iter()
            .map(|i| i.account_id.as_str())
            .chain(self.detectors.iter().map(|d| d.account_id.as_str()))
            .chain(self.alarms.iter().map(|a| a.account_id.as_str()))
            .chain(
                self.regional_baselines
                    .iter()
                    .map(|b| b.account_id.as_str()),
            )
            .chain(self.account_baselines.iter().map(|b| b.account_id.as_str()));
        accounts
            .filter(|account| seen.insert(*account))
            .map(Box::from)
            .collect()
    }

    /// The alarms of each account, as indices into `alarms`.
    fn alarms_by_account(&self) -> HashMap<Box<str>, Vec<usize>> {
        let mut by_account: HashMap<Box<str>, Vec<usize>> = HashMap::new();
        for (i, alarm) in self.alarms.iter().enumerate() {
            match by_account.get_mut(alarm.account_id.as_str()) {
                Some(rows) => rows.push(i),
                None => {
                    by_account.insert(alarm.account_id.as_str().into(), vec![i]);
                }
            }
        }
        by_account
    }

    /// One account's results: the rules run on that account's inputs alone.
    fn evaluate_account(
        &self,
        account: &str,
        alarms: &HashMap<Box<str>, Vec<usize>>,
        thresholds: &Thresholds,
        now: DateTime<Utc>,
    ) -> Vec<CheckResult> {
        let detectors: Vec<DetectorStatus> = self
            .detectors
            .iter()
            .filter(|d| d.account_id == account)
            .cloned()
            .collect();
        let alarms: Vec<Alarm> = alarms
            .get(account)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.alarms.get(i).cloned())
            .collect();
        let regional: Vec<RegionalBaseline> = self
            .regional_baselines
            .iter()
            .filter(|b| b.account_id.as_str() == account)
            .cloned()
            .collect();
        let account_baselines: Vec<AccountBaseline> = self
            .account_baselines
            .iter()
            .filter(|b| b.account_id.as_str() == account)
            .cloned()
            .collect();
        let inventory = posture::Inventory {
            identities: self
                .identities
                .get(account)
                .map(std::slice::from_ref)
                .unwrap_or_default(),
            detectors: &detectors,
            alarms: &alarms,
            regional_baselines: &regional,
            account_baselines: &account_baselines,
        };
        posture::evaluate(&inventory, thresholds, now)
    }

    /// Counts the checks again (the Overview's counters and each user's failures) after
    /// `change`; says whether some user's failures changed.
    fn count_failures(&mut self, change: &RowsChange) -> bool {
        self.summary.failing_iam_checks = 0;
        self.summary.baseline_results = 0;
        self.summary.baseline_failing = 0;
        self.summary.baseline_unevaluated = 0;
        for check in &self.checks {
            self.summary.count_check(check);
        }
        let accounts: Vec<(Box<str>, Range<usize>)> = match change {
            RowsChange::None => return false,
            RowsChange::All => {
                self.user_failures.clear();
                self.segments
                    .iter()
                    .map(|s| (s.account.clone(), s.range.clone()))
                    .collect()
            }
            RowsChange::Rows(rows) => {
                let mut touched: Vec<(Box<str>, Range<usize>)> = Vec::new();
                for segment in &self.segments {
                    let start = rows.partition_point(|&row| row < segment.range.start);
                    if rows
                        .get(start)
                        .is_some_and(|&row| segment.range.contains(&row))
                    {
                        touched.push((segment.account.clone(), segment.range.clone()));
                    }
                }
                touched
            }
        };
        let mut users_changed = *change == RowsChange::All;
        for (account, range) in accounts {
            let mut failures = super::data::UserFailures::new();
            for check in self.checks.get(range).into_iter().flatten() {
                if !check.failed() || check.source() != crate::domain::SourceKind::Identity {
                    continue;
                }
                let Some(subject) = &check.subject else {
                    continue;
                };
                let entry = failures
                    .entry(super::data::SubjectKey(subject.clone()))
                    .or_insert((0, check.severity()));
                entry.0 += 1;
                entry.1 = entry.1.max(check.severity());
            }
            let key: std::sync::Arc<str> = account.as_ref().into();
            let before = if failures.is_empty() {
                self.user_failures.remove(&key)
            } else {
                self.user_failures.insert(key, failures.clone())
            };
            users_changed |= before.unwrap_or_default() != failures;
        }
        users_changed
    }
}
