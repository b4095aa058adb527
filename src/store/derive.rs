//! What is derived from the data: posture results, the triage queue and the Overview's
//! counters, brought up to date as far as the data changed.

use super::data::{Data, POSTURE_MAX_AGE, Pending, RowsChange, count_finding};
use crate::domain::{
    Alarm, AlarmState, CheckResult, Finding, Severity, SourceKind, TriageItem, TriageOrigin,
};
use crate::posture::Thresholds;
use chrono::{DateTime, Utc};
use std::cmp::Ordering;

/// What `derive` changed, so the console brings only the affected tables up to date.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Derived {
    pub identity: bool,
    pub alarms: bool,
    /// Which posture results changed.
    pub checks: RowsChange,
    pub findings: RowsChange,
    /// How the triage queue moved, if it changed.
    pub triage: Option<TriageChange>,
}

/// How the triage queue changed: `remap[i]` is the new position of the item that was at
/// `i` (`None`: it left), and `added` holds the positions of new or re-ranked items.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TriageChange {
    pub remap: Vec<Option<usize>>,
    pub added: Vec<usize>,
}

impl Data {
    /// Brings posture results, the triage queue and the summary up to date with what
    /// changed since the last call, and says what changed.
    pub fn derive(
        &mut self,
        thresholds: &Thresholds,
        alarm_severity: Severity,
        now: DateTime<Utc>,
    ) -> Derived {
        let pending = std::mem::take(&mut self.pending);
        let mut accounts = pending.posture;
        let recent = match &self.evaluated {
            None => {
                accounts.all();
                false
            }
            Some((at, used)) => {
                if used != thresholds || now < *at {
                    accounts.all();
                }
                now - *at < self.posture_interval
            }
        };
        // While data streams in, changed accounts wait for the interval to pass; new
        // thresholds and a first evaluation do not.
        let evaluated = if recent && accounts != super::posture::Accounts::All {
            self.pending.posture = accounts;
            self.evaluate_accounts(
                super::posture::Accounts::None,
                thresholds,
                now,
                POSTURE_MAX_AGE,
            )
        } else {
            let evaluated = self.evaluate_accounts(accounts, thresholds, now, POSTURE_MAX_AGE);
            if evaluated.checks != RowsChange::None || self.evaluated.is_none() {
                self.evaluated = Some((now, thresholds.clone()));
            }
            evaluated
        };
        if pending.alarms {
            self.count_alarms();
        }
        if pending.findings == RowsChange::All {
            self.count_findings();
        }
        let alarms_changed = pending.alarms || self.triage_alarm_severity != Some(alarm_severity);
        let triage = if alarms_changed
            || evaluated.checks != RowsChange::None
            || pending.findings != RowsChange::None
        {
            self.triage_alarm_severity = Some(alarm_severity);
            Some(self.rerank(
                alarm_severity,
                alarms_changed,
                &evaluated.checks,
                &pending.findings,
            ))
        } else {
            None
        };
        let derived = Derived {
            identity: pending.identity || evaluated.users,
            alarms: pending.alarms,
            checks: evaluated.checks,
            findings: pending.findings,
            triage,
        };
        if derived != Derived::default() {
            self.count_by_account(alarm_severity);
            self.changed();
        }
        derived
    }

    /// Recomputes everything derived, as if all data had just arrived.
    pub fn derive_all(
        &mut self,
        thresholds: &Thresholds,
        alarm_severity: Severity,
        now: DateTime<Utc>,
    ) -> Derived {
        self.pending = Pending {
            identity: true,
            baselines: true,
            alarms: true,
            detectors: true,
            findings: RowsChange::All,
            posture: super::posture::Accounts::All,
        };
        // Whatever the interval: everything, now.
        self.evaluated = None;
        self.derive(thresholds, alarm_severity, now)
    }

    fn count_alarms(&mut self) {
        let count = |state| self.alarms.iter().filter(|a| a.state == state).count();
        self.summary.alarms_alarm = count(AlarmState::Alarm);
        self.summary.alarms_insufficient = count(AlarmState::InsufficientData);
        self.summary.alarms_ok = count(AlarmState::Ok);
    }

    /// Counts findings per severity from scratch; `apply` keeps the counts of findings it
    /// replaces or adds in step.
    fn count_findings(&mut self) {
        self.summary.findings = [0; 5];
        for finding in &self.findings {
            count_finding(&mut self.summary, finding, true);
        }
    }

    /// Re-ranks the triage queue: the items of whatever changed (every alarm, every check,
    /// or some findings) leave it, their new items are sorted and merged in, and every
    /// other item keeps its relative place. The result is exactly the full sort.
    fn rerank(
        &mut self,
        alarm_severity: Severity,
        alarms: bool,
        checks: &RowsChange,
        findings: &RowsChange,
    ) -> TriageChange {
        let changed_findings = Changed::of(findings, self.findings.len());
        let changed_checks = Changed::of(checks, self.checks.len());
        let stale = |origin: TriageOrigin| match origin {
            TriageOrigin::Alarm(_) => alarms,
            TriageOrigin::Finding(_) => changed_findings.contains(origin.index()),
            TriageOrigin::Check(_) => changed_checks.contains(origin.index()),
        };

        let mut fresh: Vec<TriageItem> = Vec::new();
        if alarms {
            fresh.extend(
                self.alarms
                    .iter()
                    .enumerate()
                    .filter(|(_, a)| a.state == AlarmState::Alarm)
                    .map(|(i, a)| alarm_item(i, a, alarm_severity)),
            );
        }
        for i in changed_findings.rows() {
            if let Some(f) = self.findings.get(i).filter(|f| in_triage(f)) {
                fresh.push(finding_item(i, f));
            }
        }
        for i in changed_checks.rows() {
            if let Some(c) = self.checks.get(i).filter(|c| c.failed()) {
                fresh.push(check_item(i, c));
            }
        }
        fresh.sort_by(rank);

        let old = std::mem::take(&mut self.triage);
        let kept = old.iter().filter(|item| !stale(item.origin)).count();
        let mut triage = Vec::with_capacity(kept + fresh.len());
        let mut change = TriageChange {
            remap: Vec::with_capacity(old.len()),
            added: Vec::with_capacity(fresh.len()),
        };
        // Where each new item goes: after every old item that ranks before it. Old items
        // that leave do not disturb this, as the rest keep their order.
        let cuts: Vec<usize> = fresh
            .iter()
            .map(|new| {
                partition_point(old.len(), |i| {
                    old.get(i).is_some_and(|item| rank(item, new).is_lt())
                })
            })
            .collect();
        let mut fresh = fresh.into_iter().zip(cuts).peekable();
        for (i, item) in old.into_iter().enumerate() {
            while let Some((new, _)) = fresh.next_if(|(_, cut)| *cut <= i) {
                change.added.push(triage.len());
                triage.push(new);
            }
            if stale(item.origin) {
                change.remap.push(None);
                continue;
            }
            change.remap.push(Some(triage.len()));
            triage.push(item);
        }
        for (new, _) in fresh {
            change.added.push(triage.len());
            triage.push(new);
        }
        self.triage = triage;
        change
    }
}

/// Which rows of a list changed, for quick lookups.
enum Changed {
    None,
    All(usize),
    /// Flags by row, and the changed rows in order.
    Rows(Vec<bool>, Vec<usize>),
}

impl Changed {
    fn of(change: &RowsChange, len: usize) -> Changed {
        match change {
            RowsChange::None => Changed::None,
            RowsChange::All => Changed::All(len),
            RowsChange::Rows(rows) => {
                let mut flags = vec![false; len];
                for &row in rows {
                    if let Some(flag) = flags.get_mut(row) {
                        *flag = true;
                    }
                }
                let rows = (0..len).filter(|&i| flags.get(i) == Some(&true)).collect();
                Changed::Rows(flags, rows)
            }
        }
    }

    fn contains(&self, row: usize) -> bool {
        match self {
            Changed::None => false,
            Changed::All(_) => true,
            Changed::Rows(flags, _) => flags.get(row).copied().unwrap_or(true),
        }
    }

    fn rows(&self) -> Box<dyn Iterator<Item = usize> + '_> {
        match self {
            Changed::None => Box::new(std::iter::empty()),
            Changed::All(len) => Box::new(0..*len),
            Changed::Rows(_, rows) => Box::new(rows.iter().copied()),
        }
    }
}

/// The first index in `0..len` for which `before` is false (it must be true for a prefix).
fn partition_point(len: usize, before: impl Fn(usize) -> bool) -> usize {
    let (mut low, mut high) = (0, len);
    while low < high {
        let mid = low + (high - low) / 2;
        if before(mid) {
            low = mid + 1;
        } else {
            high = mid;
        }
    }
    low
}

/// The triage queue's order: severity, then most recent first; ties keep the order of
/// their sources (alarms, findings, checks) and of the items within each.
fn rank(a: &TriageItem, b: &TriageItem) -> Ordering {
    b.severity
        .cmp(&a.severity)
        .then(b.since.cmp(&a.since))
        .then(a.origin.cmp(&b.origin))
}

/// Unarchived findings at or above Medium are in the queue.
fn in_triage(f: &Finding) -> bool {
    !f.archived && f.severity() >= Severity::Medium
}

fn alarm_item(index: usize, a: &Alarm, alarm_severity: Severity) -> TriageItem {
    TriageItem {
        severity: alarm_severity,
        source: SourceKind::Alarms,
        since: Some(a.state_updated),
        origin: TriageOrigin::Alarm(TriageOrigin::position(index)),
    }
}

fn finding_item(index: usize, f: &Finding) -> TriageItem {
    TriageItem {
        severity: f.severity(),
        source: SourceKind::Findings,
        since: Some(f.last_seen),
        origin: TriageOrigin::Finding(TriageOrigin::position(index)),
    }
}

fn check_item(index: usize, c: &CheckResult) -> TriageItem {
    TriageItem {
        severity: c.severity(),
        source: c.source(),
        since: None,
        origin: TriageOrigin::Check(TriageOrigin::position(index)),
    }
}
