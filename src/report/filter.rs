//! `--source`, `--severity`, `--status` and `--check`, and what each means for each section:
//!
//! - checks are kept when their section (posture) is selected and their severity, status and
//!   ID match;
//! - alarms have the configured alarm severity (`alarm_severity`) and fail when in ALARM; they
//!   are left out when `--check` names checks;
//! - findings have GuardDuty's severity and always fail (an unarchived finding is a problem);
//!   they are left out by `--status pass` and when `--check` names checks;
//! - identity users are all listed unless a check filter (`--severity`, `--status` other than
//!   `all`, `--check`) is given: then only users that a kept check result is about.

use super::{Section, StatusFilter};
use crate::domain::{Alarm, AlarmState, CheckResult, CheckStatus, Finding, Severity, SourceKind};
use serde::Serialize;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Filters {
    /// Sections to include; empty means all.
    pub sections: Vec<Section>,
    /// Severities to keep; empty means all.
    pub severities: Vec<Severity>,
    pub status: StatusFilter,
    /// Check IDs to keep; empty means all.
    pub checks: Vec<String>,
}

impl Filters {
    /// The same filters with empty lists spelled out, sorted and without repeats, as the
    /// report shows them.
    pub fn normalized(&self) -> Filters {
        let mut sections = if self.sections.is_empty() {
            Section::ALL.to_vec()
        } else {
            self.sections.clone()
        };
        sections.sort();
        sections.dedup();
        let mut severities = self.severities.clone();
        severities.sort_by(|a, b| b.cmp(a));
        severities.dedup();
        let mut checks = self.checks.clone();
        checks.sort();
        checks.dedup();
        Filters {
            sections,
            severities,
            status: self.status,
            checks,
        }
    }

    pub fn includes(&self, section: Section) -> bool {
        self.sections.is_empty() || self.sections.contains(&section)
    }

    fn severity_matches(&self, severity: Severity) -> bool {
        self.severities.is_empty() || self.severities.contains(&severity)
    }

    fn status_matches(&self, failing: bool) -> bool {
        match self.status {
            StatusFilter::All => true,
            StatusFilter::Fail => failing,
            StatusFilter::Pass => !failing,
        }
    }

    /// Whether a check filter is given at all (then identity lists only matching users).
    pub fn narrows_checks(&self) -> bool {
        !self.severities.is_empty() || !self.checks.is_empty() || self.status != StatusFilter::All
    }

    /// The check's severity, status and ID match, whatever the sections.
    pub fn matches_check(&self, check: &CheckResult) -> bool {
        self.severity_matches(check.severity())
            && self.status_matches(check.status == CheckStatus::Fail)
            && (self.checks.is_empty() || self.checks.iter().any(|id| id == check.check_id()))
    }

    pub fn keeps_check(&self, check: &CheckResult) -> bool {
        self.includes(Section::Posture) && self.matches_check(check)
    }

    pub fn keeps_alarm(&self, alarm: &Alarm, severity: Severity) -> bool {
        self.includes(Section::Alarms)
            && self.checks.is_empty()
            && self.severity_matches(severity)
            && self.status_matches(alarm.state == AlarmState::Alarm)
    }

    pub fn keeps_finding(&self, finding: &Finding) -> bool {
        self.includes(Section::Findings)
            && self.checks.is_empty()
            && self.severity_matches(finding.severity())
            && self.status_matches(true)
    }

    /// Whether the selected sections need data from sources of `kind`: a failure of such a
    /// source makes the report incomplete. Posture needs every kind, unless `--check`
    /// narrows it to checks of some services.
    pub fn depends_on(&self, kind: SourceKind) -> bool {
        let direct = match kind {
            SourceKind::Alarms => Section::Alarms,
            SourceKind::Findings => Section::Findings,
            SourceKind::Identity => Section::Identity,
            SourceKind::Baseline => Section::Posture,
        };
        if self.includes(direct) {
            return true;
        }
        self.includes(Section::Posture)
            && (self.checks.is_empty() || self.checks.iter().any(|id| check_source(id) == kind))
    }
}

/// The source a check named on the command line reads. The command line refuses IDs
/// posture does not know (`cli::parse_check_id`); one reaching here counts as an IAM check.
fn check_source(id: &str) -> SourceKind {
    crate::posture::check_source(id).unwrap_or(SourceKind::Identity)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(id: &'static str, severity: Severity, status: CheckStatus) -> CheckResult {
        // A check made up for the test lives as long as the results that point at it.
        let check = Box::leak(Box::new(crate::domain::Check {
            id,
            title: "t",
            problem: "p",
            severity,
            source: SourceKind::Identity,
            controls: &[],
        }));
        CheckResult::new(check, status, "1".to_string().into(), None, None, "r", "e")
    }

    #[test]
    fn no_filters_keep_everything() {
        let filters = Filters::default();
        assert!(filters.keeps_check(&check("iam.x", Severity::Low, CheckStatus::Pass)));
        assert!(!filters.narrows_checks());
        assert!(SourceKind::ALL.iter().all(|k| filters.depends_on(*k)));
    }

    #[test]
    fn severity_status_and_id_combine() {
        let filters = Filters {
            severities: vec![Severity::High, Severity::Critical],
            status: StatusFilter::Fail,
            checks: vec!["iam.console-mfa".into()],
            ..Filters::default()
        };
        let keep = check("iam.console-mfa", Severity::High, CheckStatus::Fail);
        assert!(filters.keeps_check(&keep));
        assert!(!filters.keeps_check(&check("iam.console-mfa", Severity::High, CheckStatus::Pass)));
        assert!(!filters.keeps_check(&check(
            "iam.root-mfa",
            Severity::Critical,
            CheckStatus::Fail
        )));
        assert!(!filters.keeps_check(&check("iam.console-mfa", Severity::Low, CheckStatus::Fail)));
        assert!(filters.narrows_checks());
    }

    #[test]
    fn sections_decide_which_sources_matter() {
        let alarms_only = Filters {
            sections: vec![Section::Alarms],
            ..Filters::default()
        };
        assert!(alarms_only.depends_on(SourceKind::Alarms));
        assert!(!alarms_only.depends_on(SourceKind::Identity));
        assert!(!alarms_only.keeps_check(&check("iam.x", Severity::High, CheckStatus::Fail)));
        let iam_checks = Filters {
            sections: vec![Section::Posture],
            checks: vec!["iam.root-mfa".into()],
            ..Filters::default()
        };
        assert!(iam_checks.depends_on(SourceKind::Identity));
        assert!(!iam_checks.depends_on(SourceKind::Findings));
    }

    #[test]
    fn normalized_spells_out_all_sections_once() {
        let filters = Filters {
            sections: vec![Section::Posture, Section::Alarms, Section::Posture],
            severities: vec![Severity::Low, Severity::High],
            ..Filters::default()
        };
        let normalized = filters.normalized();
        assert_eq!(normalized.sections, [Section::Alarms, Section::Posture]);
        assert_eq!(normalized.severities, [Severity::High, Severity::Low]);
        assert_eq!(Filters::default().normalized().sections, Section::ALL);
    }
}
