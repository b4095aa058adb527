use super::{Severity, SourceKind};
use chrono::{DateTime, Utc};

/// Where a triage row came from, so Enter on the Overview can open the original item.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TriageRef {
    Alarm {
        arn: String,
    },
    Finding {
        id: String,
    },
    Check {
        check_id: &'static str,
        account_id: String,
        region: Option<String>,
        resource: String,
    },
}

/// One row of the Overview's single queue: alarms in ALARM, findings at or above Medium and
/// failing checks, ranked by severity then recency.
#[derive(Clone, Debug, PartialEq)]
pub struct TriageItem {
    pub severity: Severity,
    pub source: SourceKind,
    pub title: String,
    pub resource: String,
    pub account_id: String,
    pub region: Option<String>,
    /// When it started being a problem (alarm state change, finding last seen, …).
    pub since: Option<DateTime<Utc>>,
    pub item: TriageRef,
}
