//! The data the console holds, merged from every source, and what is derived from it
//! (posture results, the Overview's triage queue and its counters). Derived data is
//! recomputed when data arrives, never per frame, and only as far as the data changed: a
//! batch of updated findings re-ranks those findings in the queue instead of rebuilding it.

use super::done_actions::{self, DoneAction};
use super::finding_index::FindingIndex;
use super::identities::Identities;
use crate::domain::{
    AccountBaseline, Alarm, AlarmState, AlarmTransition, CheckResult, DetectorStatus, Finding,
    RegionalBaseline, Severity, SourceId, TriageItem,
};
use crate::journal::JournalContents;
use crate::posture::Thresholds;
use crate::sources::SourceData;
use chrono::{DateTime, TimeDelta, Utc};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// Posture is evaluated again when what it reads changes (IAM inventory, alarms, detectors),
/// and otherwise at most this often as time passes (its rules count days).
pub(super) const POSTURE_MAX_AGE: TimeDelta = TimeDelta::seconds(60);

#[derive(Clone, Debug, Default)]
pub struct Data {
    pub alarms: Vec<Alarm>,
    /// ARNs of alarms whose state changed in the latest poll of their region.
    pub changed_alarms: HashSet<String>,
    /// Transitions the console saw between polls, by alarm ARN, newest first: at most
    /// [`OBSERVED_PER_ALARM`] per alarm, for the alarms listed now.
    pub observed_transitions: HashMap<String, Vec<AlarmTransition>>,
    /// Regions whose alarm history could not be read (`DescribeAlarmHistory` denied), and
    /// why: their alarms show without recent transitions, and the Alarms tab says so.
    pub alarm_history_denied: std::collections::BTreeMap<SourceId, crate::domain::Unreadable>,
    pub findings: Vec<Finding>,
    finding_index: FindingIndex,
    pub detectors: Vec<DetectorStatus>,
    /// The IAM inventory of each account.
    pub identities: Identities,
    /// The baseline of each watched region, and of each account.
    pub regional_baselines: Vec<RegionalBaseline>,
    pub account_baselines: Vec<AccountBaseline>,
    /// The accounts of a multi-account session and whether each could be read; `None`
    /// when the session is one account.
    pub org: Option<crate::domain::Organization>,
    /// How each source's polls went (see `app::update`).
    pub sources: std::collections::BTreeMap<SourceId, super::SourceStatus>,
    /// What fails in each account of an organisation (see `org.rs`).
    pub(super) by_account: HashMap<Box<str>, super::org::AccountCounts>,
    /// Where each account is in `org.accounts`, for names looked up per row.
    pub(super) account_index: HashMap<Box<str>, usize>,
    pub checks: Vec<CheckResult>,
    pub triage: Vec<TriageItem>,
    /// Replaced with [`Data::set_journal`], which counts the change.
    pub journal: JournalContents,
    /// Where the journal lives, shown when it is empty.
    pub journal_path: Option<String>,
    /// CloudTrail activity asked for this session (the Activity tab), cached per query.
    pub activity: super::Activity,
    /// Archived findings, while the Findings tab's archived view (`:archived`) is open.
    pub archived: super::ArchivedFindings,
    /// The JSON of the finding whose detail was opened last.
    pub finding_json: Option<super::OpenFindingJson>,
    /// Actions carried out this session, newest last, for the identity overlay (the last
    /// [`DONE_ACTIONS_KEPT`]).
    pub done_actions: Vec<DoneAction>,
    /// Failing IAM checks per user (and root), by account and the results' shared subject:
    /// how many, and the worst severity.
    pub(super) user_failures: HashMap<Arc<str>, UserFailures>,
    /// The Overview's counters, kept up to date by `derive` so a frame never counts.
    pub summary: Summary,
    /// What changed since the last `derive`.
    pub(super) pending: Pending,
    /// When posture was last evaluated, with which thresholds.
    pub(super) evaluated: Option<(DateTime<Utc>, Thresholds)>,
    /// Where each account's results lie in `checks`, and when they were evaluated.
    pub(super) segments: Vec<super::posture::Segment>,
    /// While data streams in, posture is evaluated at most this often (an organisation's
    /// thousands of sources would otherwise evaluate every account's rules once per source);
    /// what is put off is evaluated by the next `derive` after the interval, the console's
    /// one-second tick at the latest. Zero (the default) evaluates on every change.
    pub posture_interval: TimeDelta,
    /// The alarm severity the triage queue was ranked with.
    pub(super) triage_alarm_severity: Option<Severity>,
    /// Counts changes to the data, so what is computed from it elsewhere (the open detail
    /// view) can tell whether it is current: every method that changes the data bumps it.
    generation: u64,
}

/// Failing IAM checks of one account's users (and root), by subject: how many, and the
/// worst severity.
pub(super) type UserFailures = HashMap<SubjectKey, (usize, Severity)>;

/// A result's subject as a map key, shared with the results and found by name.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) struct SubjectKey(pub(super) crate::domain::SharedText);

impl std::borrow::Borrow<str> for SubjectKey {
    // Consistent with the derived Hash and Eq: a String hashes and compares as its str.
    fn borrow(&self) -> &str {
        &self.0
    }
}

/// Counts shown in the Overview's summary lines.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Alarms in ALARM, INSUFFICIENT_DATA and OK.
    pub alarms_alarm: usize,
    pub alarms_insufficient: usize,
    pub alarms_ok: usize,
    /// Findings per severity, indexed by `Severity as usize`.
    pub findings: [usize; 5],
    /// Failing IAM checks.
    pub failing_iam_checks: usize,
    /// Baseline results, the failing ones, and those that could not be evaluated.
    pub baseline_results: usize,
    pub baseline_failing: usize,
    pub baseline_unevaluated: usize,
}

impl Summary {
    /// Counts one check result into the IAM and baseline counters.
    pub(super) fn count_check(&mut self, check: &crate::domain::CheckResult) {
        match check.source() {
            crate::domain::SourceKind::Identity if check.failed() => self.failing_iam_checks += 1,
            crate::domain::SourceKind::Baseline => {
                self.baseline_results += 1;
                self.baseline_failing += usize::from(check.failed());
                self.baseline_unevaluated +=
                    usize::from(check.evidence().starts_with(crate::posture::UNEVALUATED));
            }
            _ => {}
        }
    }
}

impl Summary {
    pub fn findings_of(&self, severity: Severity) -> usize {
        self.findings.get(severity as usize).copied().unwrap_or(0)
    }
}

/// Which rows of a list (the findings, the check results) changed since the last `derive`.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum RowsChange {
    #[default]
    None,
    /// These rows (indices into the list) are new or changed; every other row kept its
    /// index and content.
    Rows(Vec<usize>),
    /// Rows were removed or renumbered.
    All,
}

impl RowsChange {
    pub(super) fn add(&mut self, rows: Vec<usize>) {
        match self {
            RowsChange::None => *self = RowsChange::Rows(rows),
            RowsChange::Rows(existing) => existing.extend(rows),
            RowsChange::All => {}
        }
    }
}

#[derive(Clone, Debug, Default)]
pub(super) struct Pending {
    pub identity: bool,
    /// Account and regional baselines (posture inputs).
    pub baselines: bool,
    pub alarms: bool,
    pub detectors: bool,
    pub findings: RowsChange,
    /// The accounts whose posture inputs changed (evaluation may be put off: see
    /// [`Data::posture_interval`]).
    pub posture: super::posture::Accounts,
}

/// Transitions kept per alarm from what the console saw itself.
pub const OBSERVED_PER_ALARM: usize = 10;

/// Successful actions kept for the overlays, newest last. The credential report they make
/// up for is at most a few hours old; a session that takes more actions than this drops
/// the oldest, whose effect the data shows by then.
pub const DONE_ACTIONS_KEPT: usize = 256;

/// What an update changed that the console should react to.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Applied {
    /// Alarms that went into ALARM since the previous poll (not on the first load).
    pub entered_alarm: Vec<String>,
}

impl Data {
    /// The thresholds posture was last evaluated with, if it was.
    pub fn thresholds(&self) -> Option<&Thresholds> {
        self.evaluated.as_ref().map(|(_, thresholds)| thresholds)
    }

    /// Changes with every change to the data (see [`Data::changed`]).
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Marks the data as changed.
    pub(super) fn changed(&mut self) {
        self.generation = self.generation.wrapping_add(1);
    }

    /// The journal as read again; the Journal tab shows it.
    pub fn set_journal(&mut self, journal: JournalContents) {
        self.journal = journal;
        self.changed();
    }

    pub fn apply(&mut self, id: &SourceId, data: SourceData) -> Applied {
        self.changed();
        match data {
            SourceData::Alarms {
                alarms,
                history_denied,
            } => {
                match history_denied {
                    Some(why) => self.alarm_history_denied.insert(id.clone(), why),
                    None => self.alarm_history_denied.remove(id),
                };
                self.apply_alarms(id, alarms)
            }
            SourceData::Findings {
                detector,
                upserts,
                complete,
                members,
            } => {
                self.apply_findings(id, detector, upserts, complete, &members);
                Applied::default()
            }
            SourceData::Identity(inventory) => {
                let mut inventory = *inventory;
                done_actions::lay_over(&mut inventory, &self.done_actions);
                self.pending.posture.add(&inventory.account_id);
                self.identities.replace(inventory);
                self.pending.identity = true;
                Applied::default()
            }
            SourceData::RegionalBaseline(baseline) => {
                let mut baseline = *baseline;
                for done in &self.done_actions {
                    crate::remediation::effects::apply_to_regional(&mut baseline, &done.offer);
                }
                self.regional_baselines
                    .retain(|b| b.account_id != baseline.account_id || b.region != baseline.region);
                self.pending.posture.add(&baseline.account_id);
                self.regional_baselines.push(baseline);
                self.pending.baselines = true;
                Applied::default()
            }
            SourceData::AccountBaseline(baseline) => {
                let mut baseline = *baseline;
                for done in &self.done_actions {
                    crate::remediation::effects::apply_to_account(&mut baseline, &done.offer);
                }
                self.account_baselines
                    .retain(|b| b.account_id != baseline.account_id);
                self.pending.posture.add(&baseline.account_id);
                self.account_baselines.push(baseline);
                self.pending.baselines = true;
                Applied::default()
            }
        }
    }

    fn apply_alarms(&mut self, id: &SourceId, alarms: Vec<Alarm>) -> Applied {
        let in_scope = |a: &Alarm| {
            *a.account_id == id.account_id && Some(a.region.as_str()) == id.region.as_deref()
        };
        let previous: HashMap<String, AlarmState> = self
            .alarms
            .iter()
            .filter(|a| in_scope(a))
            .map(|a| (a.arn().to_string(), a.state))
            .collect();
        let first_load = previous.is_empty();
        let mut applied = Applied::default();
        self.changed_alarms
            .retain(|arn| !previous.contains_key(arn));
        for alarm in &alarms {
            match previous.get(alarm.arn()) {
                Some(state) if *state != alarm.state => {
                    self.changed_alarms.insert(alarm.arn().to_string());
                    let seen = self
                        .observed_transitions
                        .entry(alarm.arn().to_string())
                        .or_default();
                    seen.insert(
                        0,
                        AlarmTransition {
                            at: alarm.state_updated,
                            from: Some(*state),
                            to: alarm.state,
                            summary: "seen between two polls".into(),
                        },
                    );
                    seen.truncate(OBSERVED_PER_ALARM);
                    // Grown by doubling, the list would keep room for 16.
                    seen.shrink_to(OBSERVED_PER_ALARM);
                    if alarm.state == AlarmState::Alarm {
                        applied.entered_alarm.push(alarm.name().to_string());
                    }
                }
                None if !first_load && alarm.state == AlarmState::Alarm => {
                    self.changed_alarms.insert(alarm.arn().to_string());
                    applied.entered_alarm.push(alarm.name().to_string());
                }
                _ => {}
            }
        }
        // Transitions of alarms that are gone (deleted, or no longer listed) go with them,
        // so the history is bounded by the alarms there are.
        let listed: HashSet<&str> = alarms.iter().map(|a| a.arn()).collect();
        for arn in previous.keys().filter(|arn| !listed.contains(arn.as_str())) {
            self.observed_transitions.remove(arn);
        }
        self.alarms.retain(|a| !in_scope(a));
        self.alarms.extend(alarms);
        self.pending.alarms = true;
        self.pending.posture.add(&id.account_id);
        applied
    }

    fn apply_findings(
        &mut self,
        id: &SourceId,
        detector: DetectorStatus,
        upserts: Vec<Finding>,
        complete: bool,
        members: &[String],
    ) {
        self.record_members(&detector, members, complete);
        self.record_detector(detector.clone());
        let mut renumbered = false;
        if complete {
            let keep: HashSet<&str> = upserts.iter().map(|f| &*f.id).collect();
            let region = id.region.as_deref();
            let members: HashSet<&str> = members.iter().map(String::as_str).collect();
            // What the source lists: its detector's findings in its region, of every member
            // when the detector is GuardDuty's delegated administrator, and its own account's.
            let listed_by_source = |f: &Finding| {
                Some(f.region.as_str()) == region
                    && (*f.account_id == *id.account_id
                        || detector.detector_id.as_deref() == Some(f.detector_id.as_str())
                        || members.contains(f.account_id.as_str()))
            };
            let before = self.findings.len();
            self.findings
                .retain(|f| !listed_by_source(f) || keep.contains(&*f.id));
            if self.findings.len() != before {
                renumbered = true;
                self.reindex_findings();
            }
        }
        let mut removed = false;
        let mut changed = Vec::with_capacity(upserts.len());
        // A first load brings every finding at once: room for them all up front, instead of
        // a doubling vector briefly holding two copies.
        self.findings.reserve(upserts.len());
        self.finding_index.reserve(&self.findings, upserts.len());
        for finding in drain_shrinking(upserts) {
            match self.finding_index.get(&self.findings, &finding.id) {
                Some(i) => {
                    if let Some(slot) = self.findings.get_mut(i) {
                        removed |= finding.archived;
                        if *slot != finding {
                            count_finding(&mut self.summary, slot, false);
                            count_finding(&mut self.summary, &finding, true);
                            *slot = finding;
                            changed.push(i);
                        }
                    }
                }
                None if !finding.archived => {
                    count_finding(&mut self.summary, &finding, true);
                    changed.push(self.findings.len());
                    self.findings.push(finding);
                    self.finding_index
                        .insert(&self.findings, self.findings.len() - 1);
                }
                None => {}
            }
        }
        if removed {
            self.findings.retain(|f| !f.archived);
            self.reindex_findings();
            renumbered = true;
        }
        if renumbered {
            self.pending.findings = RowsChange::All;
        } else if !changed.is_empty() {
            self.pending.findings.add(changed);
        }
    }

    /// The members a delegated administrator's detector manages in its region: each is
    /// recorded as enabled as that detector is, replacing what the member had. A complete
    /// batch names every member, so the accounts it no longer names are members no more.
    fn record_members(&mut self, admin: &DetectorStatus, members: &[String], complete: bool) {
        if complete {
            let before = self.detectors.len();
            self.detectors.retain(|d| {
                d.region != admin.region
                    || d.administrator.as_deref() != Some(admin.account_id.as_str())
                    || members.contains(&d.account_id)
            });
            if self.detectors.len() != before {
                self.pending.detectors = true;
                self.pending.posture.all();
            }
        }
        for member in members.iter().filter(|m| **m != admin.account_id) {
            self.record_detector(DetectorStatus {
                account_id: member.clone(),
                region: admin.region.clone(),
                detector_id: None,
                enabled: admin.enabled && admin.detector_id.is_some(),
                administrator: Some(admin.account_id.clone()),
            });
        }
    }

    /// The detector's status, replacing the one recorded for its account and region.
    fn record_detector(&mut self, detector: DetectorStatus) {
        match self
            .detectors
            .iter_mut()
            .find(|d| d.account_id == detector.account_id && d.region == detector.region)
        {
            Some(existing) => {
                if *existing != detector {
                    self.pending.detectors = true;
                    self.pending.posture.add(&detector.account_id);
                    *existing = detector;
                }
            }
            None => {
                self.pending.detectors = true;
                self.pending.posture.add(&detector.account_id);
                self.detectors.push(detector);
            }
        }
    }

    fn reindex_findings(&mut self) {
        self.finding_index = FindingIndex::of(&self.findings);
    }

    /// The finding with this ID: unarchived, or listed in the archived view.
    pub fn finding(&self, id: &str) -> Option<&Finding> {
        self.finding_index
            .get(&self.findings, id)
            .and_then(|i| self.findings.get(i))
            .or_else(|| self.archived.findings.iter().find(|f| &*f.id == id))
    }

    /// How many checks fail for `root` or a user of `account`.
    pub fn failures_of(&self, account: &str, subject: &str) -> usize {
        self.user_failures_of(account, subject)
            .map_or(0, |(n, _)| n)
    }

    /// The worst severity among the failing checks of `root` or a user of `account`.
    pub fn worst_failure_of(&self, account: &str, subject: &str) -> Option<Severity> {
        self.user_failures_of(account, subject)
            .map(|(_, worst)| worst)
    }

    fn user_failures_of(&self, account: &str, subject: &str) -> Option<(usize, Severity)> {
        self.user_failures
            .get(account)
            .and_then(|users| users.get(subject))
            .copied()
    }

    /// Records a successful action and shows its effect at once where the data would lag
    /// (the credential report, the baselines); alarms and findings show it at their next
    /// poll, an archived finding at once.
    pub fn action_done(&mut self, offer: &crate::remediation::Offer, at: DateTime<Utc>) {
        self.changed();
        let done = DoneAction {
            offer: offer.clone(),
            at,
        };
        // An action changes its own account's users only.
        if self
            .identities
            .change(offer.target.account_id(), |inventory| {
                done_actions::lay_over(inventory, std::slice::from_ref(&done));
            })
        {
            self.pending.identity = true;
        }
        // Its own account's baselines, too.
        self.pending.posture.add(offer.target.account_id());
        for baseline in &mut self.regional_baselines {
            crate::remediation::effects::apply_to_regional(baseline, offer);
        }
        for baseline in &mut self.account_baselines {
            crate::remediation::effects::apply_to_account(baseline, offer);
        }
        self.pending.baselines = true;
        let before = self.findings.len();
        self.findings
            .retain(|f| !crate::remediation::effects::drops_at_once(f, offer));
        if self.findings.len() != before {
            self.reindex_findings();
            self.pending.findings = RowsChange::All;
        }
        self.archived_action_done(offer);
        self.done_actions.push(done);
        let excess = self.done_actions.len().saturating_sub(DONE_ACTIONS_KEPT);
        self.done_actions.drain(..excess);
    }

    /// An alarm's known transitions, newest first: the source's history and what the
    /// console saw, without duplicates.
    pub fn transitions_of(&self, alarm: &Alarm) -> Vec<AlarmTransition> {
        let mut all: Vec<AlarmTransition> = alarm.history.clone();
        for seen in self
            .observed_transitions
            .get(alarm.arn())
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            if !all.iter().any(|t| t.at == seen.at && t.to == seen.to) {
                all.push(seen.clone());
            }
        }
        all.sort_by_key(|t| std::cmp::Reverse(t.at));
        all.truncate(OBSERVED_PER_ALARM);
        all
    }
}

pub(super) fn count_finding(summary: &mut Summary, finding: &Finding, add: bool) {
    if let Some(n) = summary.findings.get_mut(finding.severity() as usize) {
        *n = if add { *n + 1 } else { n.saturating_sub(1) };
    }
}

/// The items of `batch` in order, its memory handed back as they are taken: a region's
/// first listing can be 50,000 findings, which would otherwise be held twice (in the batch
/// and in the data) until the last one is merged.
fn drain_shrinking<T>(mut batch: Vec<T>) -> impl Iterator<Item = T> {
    const STEP: usize = 4096;
    batch.reverse();
    std::iter::from_fn(move || {
        let item = batch.pop();
        if batch.len() % STEP == 0 {
            batch.shrink_to_fit();
        }
        item
    })
}

#[cfg(test)]
mod tests {
    use super::{DONE_ACTIONS_KEPT, Data, drain_shrinking};
    use crate::remediation::{ActionId, Offer, Target};

    #[test]
    fn done_actions_keep_the_newest_few() {
        let mut data = Data::default();
        let start = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let total = DONE_ACTIONS_KEPT + 50;
        for n in 0..total {
            let at = start + chrono::TimeDelta::seconds(n as i64);
            let target = Target::Alarm {
                account_id: "123456789012".into(),
                region: "us-east-1".into(),
                name: format!("alarm-{n}").into(),
                actions_enabled: true,
            };
            data.action_done(&Offer::new(ActionId::DisableAlarmActions, target, at), at);
        }
        assert_eq!(data.done_actions.len(), DONE_ACTIONS_KEPT);
        let newest = start + chrono::TimeDelta::seconds(total as i64 - 1);
        assert_eq!(data.done_actions.last().map(|d| d.at), Some(newest));
        let oldest_kept = start + chrono::TimeDelta::seconds(50);
        assert_eq!(data.done_actions.first().map(|d| d.at), Some(oldest_kept));
    }

    #[test]
    fn every_change_moves_the_generation_and_nothing_else_does() {
        let thresholds = crate::posture::Thresholds::default();
        let now = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let mut data = Data::default();
        let mut last = data.generation();
        let mut moved = |data: &Data| {
            let moved = data.generation() != last;
            last = data.generation();
            moved
        };
        let target = Target::Alarm {
            account_id: "123456789012".into(),
            region: "us-east-1".into(),
            name: "cpu".into(),
            actions_enabled: true,
        };
        data.action_done(&Offer::new(ActionId::DisableAlarmActions, target, now), now);
        assert!(moved(&data), "an action");
        data.derive(&thresholds, crate::domain::Severity::High, now);
        assert!(moved(&data), "posture evaluated");
        data.derive(&thresholds, crate::domain::Severity::High, now);
        assert!(!moved(&data), "nothing to derive");
        data.set_journal(crate::journal::JournalContents::default());
        assert!(moved(&data), "the journal");
        let id = crate::domain::SourceId {
            kind: crate::domain::SourceKind::Alarms,
            account_id: "123456789012".into(),
            region: Some("us-east-1".into()),
        };
        let alarms = crate::sources::SourceData::Alarms {
            alarms: Vec::new(),
            history_denied: None,
        };
        data.apply(&id, alarms);
        assert!(moved(&data), "a poll");
    }

    #[test]
    fn a_drained_batch_keeps_its_order() {
        let batch: Vec<u32> = (0..10_000).collect();
        let drained: Vec<u32> = drain_shrinking(batch).collect();
        assert_eq!(drained, (0..10_000).collect::<Vec<u32>>());
        assert_eq!(drain_shrinking(Vec::<u32>::new()).count(), 0);
    }
}
