//! The single triage queue: alarms in ALARM, findings at or above Medium and failing checks,
//! by severity then recency. Enter shows the underlying item's own detail view.

use super::{Cell, Column, DetailLine, Fields, Pane, SortKey, Width, age};
use crate::domain::{Alarm, CheckResult, Finding, TriageItem, TriageOrigin};
use crate::remediation::Target;
use crate::store::Data;
use chrono::{DateTime, Utc};
use std::borrow::Cow;

pub struct OverviewPane;

const COLUMNS: &[Column] = &[
    Column {
        title: "Sev",
        width: Width::Fixed(4),
    },
    Column {
        title: "Source",
        width: Width::Fixed(10),
    },
    Column {
        title: "Problem",
        width: Width::Fill(26),
    },
    Column {
        title: "Resource",
        width: Width::Fill(16),
    },
    Column {
        title: "Since",
        width: Width::Fixed(5),
    },
];

/// What a triage row points at, read from the data it was ranked from.
enum Origin<'a> {
    Alarm(&'a Alarm),
    Finding(&'a Finding),
    Check(&'a CheckResult),
}

impl Origin<'_> {
    fn title(&self) -> Cow<'_, str> {
        match self {
            Origin::Alarm(a) => Cow::Owned(format!("{} in ALARM", a.name())),
            Origin::Finding(f) => Cow::Borrowed(f.text.title()),
            // The queue holds failures: name the failure, not the control.
            Origin::Check(c) => {
                Cow::Borrowed(crate::posture::problem(c.check_id()).unwrap_or(c.title()))
            }
        }
    }

    fn resource(&self) -> Cow<'_, str> {
        match self {
            Origin::Alarm(a) => match &a.metric {
                Some(m) => Cow::Owned(format!("{} {}", m.namespace, m.metric_name)),
                None => Cow::Borrowed("composite"),
            },
            Origin::Finding(f) => {
                Cow::Owned(format!("{} {}", f.resource.kind, f.text.resource_id()))
            }
            Origin::Check(c) => Cow::Borrowed(c.resource()),
        }
    }

    fn region(&self) -> Option<&str> {
        match self {
            Origin::Alarm(a) => Some(&a.region),
            Origin::Finding(f) => Some(&f.region),
            Origin::Check(c) => c.region_name(),
        }
    }
}

fn item(data: &Data, row: usize) -> Option<(&TriageItem, Origin<'_>)> {
    let item = data.triage.get(row)?;
    let origin = match item.origin {
        TriageOrigin::Alarm(_) => Origin::Alarm(data.alarms.get(item.origin.index())?),
        TriageOrigin::Finding(_) => Origin::Finding(data.findings.get(item.origin.index())?),
        TriageOrigin::Check(_) => Origin::Check(data.checks.get(item.origin.index())?),
    };
    Some((item, origin))
}

/// The finding a row is about, if it is about one.
pub(super) fn finding(data: &Data, row: usize) -> Option<&Finding> {
    match item(data, row)? {
        (_, Origin::Finding(f)) => Some(f),
        _ => None,
    }
}

impl Pane for OverviewPane {
    fn title(&self) -> &'static str {
        "Overview"
    }

    fn columns(&self) -> &'static [Column] {
        COLUMNS
    }

    fn default_sort(&self) -> (usize, bool) {
        (0, true)
    }

    fn len(&self, data: &Data) -> usize {
        data.triage.len()
    }

    fn key(&self, data: &Data, row: usize) -> String {
        item(data, row)
            .map(|(_, origin)| match origin {
                Origin::Alarm(a) => a.arn().to_string(),
                Origin::Finding(f) => f.id.to_string(),
                Origin::Check(c) => format!(
                    "{}|{}|{}|{}",
                    c.check_id(),
                    c.account_id,
                    c.region_name().unwrap_or(""),
                    c.resource()
                ),
            })
            .unwrap_or_default()
    }

    fn haystack(&self, data: &Data, row: usize, out: &mut Fields<'_>) {
        if let Some((i, origin)) = item(data, row) {
            for part in [
                i.severity.label(),
                i.source.label(),
                &origin.title(),
                &origin.resource(),
                origin.region().unwrap_or(""),
            ] {
                out.push(part);
            }
        }
    }

    fn sort_key(&self, data: &Data, row: usize, column: usize) -> SortKey {
        let Some((i, origin)) = item(data, row) else {
            return SortKey::Num(0);
        };
        match column {
            // Severity, then recency: the queue's own order.
            0 => SortKey::Pair(i.severity as i64, i.since.map_or(0, |t| t.timestamp())),
            1 => SortKey::text(i.source.label()),
            2 => SortKey::text(&origin.title()),
            3 => SortKey::text(&origin.resource()),
            _ => SortKey::time(i.since),
        }
    }

    fn cells<'a>(&self, data: &'a Data, row: usize, now: DateTime<Utc>) -> Vec<Cell<'a>> {
        let Some((i, origin)) = item(data, row) else {
            return Vec::new();
        };
        vec![
            Cell::severity(i.severity),
            Cell::dim(i.source.label()),
            Cell::plain(origin.title().into_owned()),
            Cell::plain(origin.resource().into_owned()),
            Cell::dim(i.since.map(|t| age(now, t)).unwrap_or_default()).at(i.since),
        ]
    }

    fn account<'a>(&self, data: &'a Data, row: usize) -> Option<&'a str> {
        let (_, origin) = item(data, row)?;
        Some(match origin {
            Origin::Alarm(a) => &a.account_id,
            Origin::Finding(f) => f.account_id.as_str(),
            Origin::Check(c) => &c.account_id,
        })
    }

    fn account_column(&self) -> Option<usize> {
        Some(2)
    }

    fn targets(&self, data: &Data, row: usize) -> Vec<Target> {
        match item(data, row) {
            Some((_, Origin::Alarm(a))) => vec![super::alarms::alarm_target(a)],
            Some((_, Origin::Finding(f))) => vec![Target::finding(f)],
            Some((_, Origin::Check(c))) => super::check_targets(data, c),
            None => Vec::new(),
        }
    }

    fn detail(&self, data: &Data, row: usize, now: DateTime<Utc>) -> Vec<DetailLine> {
        match item(data, row) {
            Some((_, Origin::Alarm(a))) => super::alarms::detail(a, data, now),
            Some((_, Origin::Finding(f))) => super::findings::detail(f, data, now),
            Some((_, Origin::Check(c))) => super::posture::detail(c, data),
            None => Vec::new(),
        }
    }

    fn empty_message(&self, _data: &Data) -> String {
        "Nothing needs attention: no alarm in ALARM, no finding at Medium or above, no failing check."
            .to_string()
    }
}
