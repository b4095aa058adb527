//! The data the console holds, merged from every source, and what is derived from it
//! (posture results and the Overview's triage queue). Derived data is recomputed when data
//! arrives, never per frame.

use crate::domain::{
    AccountBaseline, Alarm, AlarmState, AlarmTransition, CheckResult, DetectorStatus, Finding,
    IdentityInventory, RegionalBaseline, Severity, SourceId, TriageItem, TriageRef,
};
use crate::journal::JournalContents;
use crate::posture::{self, Thresholds};
use crate::sources::SourceData;
use chrono::{DateTime, Utc};
use std::collections::{HashMap, HashSet};

#[derive(Clone, Debug, Default)]
pub struct Data {
    pub alarms: Vec<Alarm>,
    /// ARNs of alarms whose state changed in the latest poll of their region.
    pub changed_alarms: HashSet<String>,
    /// Transitions the console saw between polls, by alarm ARN, newest first.
    pub observed_transitions: HashMap<String, Vec<AlarmTransition>>,
    pub findings: Vec<Finding>,
    finding_index: HashMap<String, usize>,
    pub detectors: Vec<DetectorStatus>,
    pub identity: Option<IdentityInventory>,
    /// The baseline of each watched region, and of each account.
    pub regional_baselines: Vec<RegionalBaseline>,
    pub account_baselines: Vec<AccountBaseline>,
    pub checks: Vec<CheckResult>,
    pub triage: Vec<TriageItem>,
    pub journal: JournalContents,
    /// Where the journal lives, shown when it is empty.
    pub journal_path: Option<String>,
    /// Failing checks per subject (`root` or a user name), for the Identity pane.
    /// Actions carried out this session, newest last, for the identity overlay.
    pub done_actions: Vec<super::overlay::DoneAction>,
    /// Failing IAM checks per user (and root): how many, and the worst severity.
    user_failures: HashMap<String, (usize, Severity)>,
}

/// Transitions kept per alarm from what the console saw itself.
const OBSERVED_PER_ALARM: usize = 10;

/// What an update changed that the console should react to.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Applied {
    /// Alarms that went into ALARM since the previous poll (not on the first load).
    pub entered_alarm: Vec<String>,
}

impl Data {
    pub fn apply(&mut self, id: &SourceId, data: SourceData) -> Applied {
        match data {
            SourceData::Alarms(alarms) => self.apply_alarms(id, alarms),
            SourceData::Findings {
                detector,
                upserts,
                complete,
            } => {
                self.apply_findings(id, detector, upserts, complete);
                Applied::default()
            }
            SourceData::Identity(inventory) => {
                let mut inventory = *inventory;
                super::overlay::apply(&mut inventory, &self.done_actions);
                self.identity = Some(inventory);
                Applied::default()
            }
            SourceData::RegionalBaseline(baseline) => {
                let mut baseline = *baseline;
                for done in &self.done_actions {
                    crate::remediation::effects::apply_to_regional(&mut baseline, &done.offer);
                }
                self.regional_baselines
                    .retain(|b| b.account_id != baseline.account_id || b.region != baseline.region);
                self.regional_baselines.push(baseline);
                Applied::default()
            }
            SourceData::AccountBaseline(baseline) => {
                let mut baseline = *baseline;
                for done in &self.done_actions {
                    crate::remediation::effects::apply_to_account(&mut baseline, &done.offer);
                }
                self.account_baselines
                    .retain(|b| b.account_id != baseline.account_id);
                self.account_baselines.push(baseline);
                Applied::default()
            }
        }
    }

    fn apply_alarms(&mut self, id: &SourceId, alarms: Vec<Alarm>) -> Applied {
        let in_scope =
            |a: &Alarm| a.account_id == id.account_id && Some(&a.region) == id.region.as_ref();
        let previous: HashMap<String, AlarmState> = self
            .alarms
            .iter()
            .filter(|a| in_scope(a))
            .map(|a| (a.arn.clone(), a.state))
            .collect();
        let first_load = previous.is_empty();
        let mut applied = Applied::default();
        self.changed_alarms
            .retain(|arn| !previous.contains_key(arn));
        for alarm in &alarms {
            match previous.get(&alarm.arn) {
                Some(state) if *state != alarm.state => {
                    self.changed_alarms.insert(alarm.arn.clone());
                    let seen = self
                        .observed_transitions
                        .entry(alarm.arn.clone())
                        .or_default();
                    seen.insert(
                        0,
                        AlarmTransition {
                            at: alarm.state_updated,
                            from: Some(*state),
                            to: alarm.state,
                            summary: "seen between two polls".to_string(),
                        },
                    );
                    seen.truncate(OBSERVED_PER_ALARM);
                    if alarm.state == AlarmState::Alarm {
                        applied.entered_alarm.push(alarm.name.clone());
                    }
                }
                None if !first_load && alarm.state == AlarmState::Alarm => {
                    self.changed_alarms.insert(alarm.arn.clone());
                    applied.entered_alarm.push(alarm.name.clone());
                }
                _ => {}
            }
        }
        self.alarms.retain(|a| !in_scope(a));
        self.alarms.extend(alarms);
        applied
    }

    fn apply_findings(
        &mut self,
        id: &SourceId,
        detector: DetectorStatus,
        upserts: Vec<Finding>,
        complete: bool,
    ) {
        match self
            .detectors
            .iter_mut()
            .find(|d| d.account_id == detector.account_id && d.region == detector.region)
        {
            Some(existing) => *existing = detector,
            None => self.detectors.push(detector),
        }
        if complete {
            let keep: HashSet<&str> = upserts.iter().map(|f| f.id.as_str()).collect();
            let region = id.region.as_deref();
            self.findings.retain(|f| {
                f.account_id != id.account_id
                    || Some(f.region.as_str()) != region
                    || keep.contains(f.id.as_str())
            });
            self.reindex_findings();
        }
        let mut removed = false;
        for finding in upserts {
            match self.finding_index.get(&finding.id) {
                Some(&i) => {
                    if let Some(slot) = self.findings.get_mut(i) {
                        removed |= finding.archived;
                        *slot = finding;
                    }
                }
                None if !finding.archived => {
                    self.finding_index
                        .insert(finding.id.clone(), self.findings.len());
                    self.findings.push(finding);
                }
                None => {}
            }
        }
        if removed {
            self.findings.retain(|f| !f.archived);
            self.reindex_findings();
        }
    }

    fn reindex_findings(&mut self) {
        self.finding_index = self
            .findings
            .iter()
            .enumerate()
            .map(|(i, f)| (f.id.clone(), i))
            .collect();
    }

    pub fn finding(&self, id: &str) -> Option<&Finding> {
        self.finding_index
            .get(id)
            .and_then(|&i| self.findings.get(i))
    }

    /// Records a successful action and shows its effect at once where the data would lag
    /// (the credential report); alarms and findings show it at their next poll.
    pub fn action_done(&mut self, offer: &crate::remediation::Offer, at: DateTime<Utc>) {
        let done = super::overlay::DoneAction {
            offer: offer.clone(),
            at,
        };
        if let Some(inventory) = self.identity.as_mut() {
            super::overlay::apply(inventory, std::slice::from_ref(&done));
        }
        for baseline in &mut self.regional_baselines {
            crate::remediation::effects::apply_to_regional(baseline, offer);
        }
        for baseline in &mut self.account_baselines {
            crate::remediation::effects::apply_to_account(baseline, offer);
        }
        if let crate::remediation::Target::Finding { id, .. } = &offer.target {
            if offer.action == crate::remediation::ActionId::ArchiveFinding {
                self.findings.retain(|f| &f.id != id);
                self.reindex_findings();
            }
        }
        self.done_actions.push(done);
    }

    /// An alarm's known transitions, newest first: the source's history and what the
    /// console saw, without duplicates.
    pub fn transitions_of(&self, alarm: &Alarm) -> Vec<AlarmTransition> {
        let mut all: Vec<AlarmTransition> = alarm.history.clone();
        for seen in self
            .observed_transitions
            .get(&alarm.arn)
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

    /// Recomputes posture results and the triage queue from the current data.
    pub fn derive(
        &mut self,
        thresholds: &Thresholds,
        alarm_severity: Severity,
        now: DateTime<Utc>,
    ) {
        let inventory = posture::Inventory {
            identity: self.identity.as_ref(),
            detectors: &self.detectors,
            alarms: &self.alarms,
            regional_baselines: &self.regional_baselines,
            account_baselines: &self.account_baselines,
        };
        self.checks = posture::evaluate(&inventory, thresholds, now);
        self.user_failures.clear();
        for check in self
            .checks
            .iter()
            .filter(|c| c.failed() && c.check_id.starts_with("iam."))
        {
            let entry = self
                .user_failures
                .entry(Data::check_subject(&check.resource).to_string())
                .or_insert((0, check.severity));
            entry.0 += 1;
            entry.1 = entry.1.max(check.severity);
        }
        self.triage = triage(self, alarm_severity);
    }

    /// How many checks fail for `root` or a user.
    pub fn failures_of(&self, subject: &str) -> usize {
        self.user_failures.get(subject).map_or(0, |(n, _)| *n)
    }

    /// The worst severity among the failing checks of `root` or a user.
    pub fn worst_failure_of(&self, subject: &str) -> Option<Severity> {
        self.user_failures.get(subject).map(|(_, worst)| *worst)
    }

    /// The user a check's resource is about: `alice (AKIA…)` and `alice (password)` are
    /// about `alice`. IAM names cannot contain spaces, so the first word is the user.
    pub fn check_subject(resource: &str) -> &str {
        resource.split(" (").next().unwrap_or(resource)
    }
}

/// The source whose data a check reads, by the check's service prefix.
pub fn check_source(check_id: &str) -> crate::domain::SourceKind {
    use crate::domain::SourceKind;
    if crate::posture::baseline::is_baseline(check_id) {
        return SourceKind::Baseline;
    }
    match check_id.split('.').next() {
        Some("guardduty") => SourceKind::Findings,
        Some("cloudwatch") => SourceKind::Alarms,
        _ => SourceKind::Identity,
    }
}

/// Alarms in ALARM, unarchived findings at or above Medium, and failing checks, ranked by
/// severity, then most recent first.
fn triage(data: &Data, alarm_severity: Severity) -> Vec<TriageItem> {
    use crate::domain::SourceKind;
    let alarms = data
        .alarms
        .iter()
        .filter(|a| a.state == AlarmState::Alarm)
        .map(|a| TriageItem {
            severity: alarm_severity,
            source: SourceKind::Alarms,
            title: format!("{} in ALARM", a.name),
            resource: a
                .metric
                .as_ref()
                .map(|m| format!("{} {}", m.namespace, m.metric_name))
                .unwrap_or_else(|| "composite".to_string()),
            account_id: a.account_id.clone(),
            region: Some(a.region.clone()),
            since: Some(a.state_updated),
            item: TriageRef::Alarm { arn: a.arn.clone() },
        });
    let findings = data
        .findings
        .iter()
        .filter(|f| !f.archived && f.severity() >= Severity::Medium)
        .map(|f| TriageItem {
            severity: f.severity(),
            source: SourceKind::Findings,
            title: f.title.clone(),
            resource: format!("{} {}", f.resource.kind, f.resource.id),
            account_id: f.account_id.clone(),
            region: Some(f.region.clone()),
            since: Some(f.last_seen),
            item: TriageRef::Finding { id: f.id.clone() },
        });
    let checks = data
        .checks
        .iter()
        .filter(|c| c.failed())
        .map(|c| TriageItem {
            severity: c.severity,
            source: check_source(c.check_id),
            title: c.title.to_string(),
            resource: c.resource.clone(),
            account_id: c.account_id.clone(),
            region: c.region.clone(),
            since: None,
            item: TriageRef::Check {
                check_id: c.check_id,
                account_id: c.account_id.clone(),
                region: c.region.clone(),
                resource: c.resource.clone(),
            },
        });
    let mut items: Vec<TriageItem> = alarms.chain(findings).chain(checks).collect();
    items.sort_by(|a, b| b.severity.cmp(&a.severity).then(b.since.cmp(&a.since)));
    items
}
