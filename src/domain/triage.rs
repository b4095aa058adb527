use super::{Severity, SourceKind};
use chrono::{DateTime, Utc};

/// Where a triage row comes from: its position in the data's alarms, findings or posture
/// results, so Enter on the Overview opens the original item. A position holds until that
/// data changes, and the queue is re-ranked whenever it does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TriageOrigin {
    Alarm(usize),
    Finding(usize),
    Check(usize),
}

/// One row of the Overview's single queue: alarms in ALARM, findings at or above Medium and
/// failing checks, ranked by severity then recency. It holds only what ranks it; the text
/// shown is read from the item it points at, so a queue of 100,000 rows copies no strings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TriageItem {
    pub severity: Severity,
    pub source: SourceKind,
    /// When it started being a problem (alarm state change, finding last seen, …).
    pub since: Option<DateTime<Utc>>,
    pub origin: TriageOrigin,
}
