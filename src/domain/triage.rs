use super::{Severity, SourceKind};
use chrono::{DateTime, Utc};

/// Where a triage row comes from: its position in the data's alarms, findings or posture
/// results, so Enter on the Overview opens the original item. A position holds until that
/// data changes, and the queue is re-ranked whenever it does. Positions are 4 bytes, where
/// `usize` takes 8: an organisation's queue has some 150,000 rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TriageOrigin {
    Alarm(u32),
    Finding(u32),
    Check(u32),
}

impl TriageOrigin {
    /// The position as stored (a position past `u32::MAX` points at nothing).
    pub fn position(index: usize) -> u32 {
        u32::try_from(index).unwrap_or(u32::MAX)
    }

    /// Where the item is in its list.
    pub fn index(self) -> usize {
        match self {
            TriageOrigin::Alarm(i) | TriageOrigin::Finding(i) | TriageOrigin::Check(i) => {
                i as usize
            }
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The queue of an organisation of 500 accounts has some 150,000 rows.
    #[test]
    fn a_queue_row_stays_within_28_bytes() {
        assert!(
            std::mem::size_of::<TriageItem>() <= 28,
            "{} bytes",
            std::mem::size_of::<TriageItem>()
        );
    }

    #[test]
    fn a_position_reads_back_as_its_index() {
        let origin = TriageOrigin::Check(TriageOrigin::position(123_456));
        assert_eq!(origin.index(), 123_456);
        assert_eq!(TriageOrigin::position(usize::MAX), u32::MAX);
    }
}
