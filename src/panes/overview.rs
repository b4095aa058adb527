//! The single triage queue: alarms in ALARM, findings at or above Medium and failing checks,
//! by severity then recency. Enter shows the underlying item's own detail view.

use super::{Cell, Column, DetailLine, Pane, SortKey, Width, age};
use crate::app::Data;
use crate::domain::{TriageItem, TriageRef};
use crate::remediation::Target;
use chrono::{DateTime, Utc};

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

fn item(data: &Data, row: usize) -> Option<&TriageItem> {
    data.triage.get(row)
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
            .map(|i| match &i.item {
                TriageRef::Alarm { arn } => arn.clone(),
                TriageRef::Finding { id } => id.clone(),
                TriageRef::Check {
                    check_id,
                    account_id,
                    region,
                    resource,
                } => format!(
                    "{check_id}|{account_id}|{}|{resource}",
                    region.as_deref().unwrap_or("")
                ),
            })
            .unwrap_or_default()
    }

    fn haystack(&self, data: &Data, row: usize, out: &mut String) {
        if let Some(i) = item(data, row) {
            for part in [i.severity.label(), i.source.label(), &i.title, &i.resource] {
                out.push_str(part);
                out.push(' ');
            }
            out.push_str(i.region.as_deref().unwrap_or(""));
        }
    }

    fn sort_key(&self, data: &Data, row: usize, column: usize) -> SortKey {
        let Some(i) = item(data, row) else {
            return SortKey::Num(0);
        };
        match column {
            // Severity, then recency: the queue's own order.
            0 => SortKey::Pair(i.severity as i64, i.since.map_or(0, |t| t.timestamp())),
            1 => SortKey::text(i.source.label()),
            2 => SortKey::text(&i.title),
            3 => SortKey::text(&i.resource),
            _ => SortKey::time(i.since),
        }
    }

    fn cells<'a>(&self, data: &'a Data, row: usize, now: DateTime<Utc>) -> Vec<Cell<'a>> {
        let Some(i) = item(data, row) else {
            return Vec::new();
        };
        vec![
            Cell::severity(i.severity),
            Cell::dim(i.source.label()),
            Cell::plain(i.title.as_str()),
            Cell::plain(i.resource.as_str()),
            Cell::dim(i.since.map(|t| age(now, t)).unwrap_or_default()),
        ]
    }

    fn targets(&self, data: &Data, row: usize) -> Vec<Target> {
        let Some(item) = item(data, row) else {
            return Vec::new();
        };
        match &item.item {
            TriageRef::Alarm { arn } => data
                .alarms
                .iter()
                .find(|a| &a.arn == arn)
                .map(|a| vec![super::alarms::alarm_target(a)])
                .unwrap_or_default(),
            TriageRef::Finding { id } => data
                .finding(id)
                .map(|f| vec![super::findings::finding_target(f)])
                .unwrap_or_default(),
            TriageRef::Check {
                check_id,
                account_id,
                region,
                resource,
            } => super::check_targets(data, check_id, account_id, region.as_deref(), resource),
        }
    }

    fn detail(&self, data: &Data, row: usize, now: DateTime<Utc>) -> Vec<DetailLine> {
        let Some(i) = item(data, row) else {
            return Vec::new();
        };
        match &i.item {
            TriageRef::Alarm { arn } => data
                .alarms
                .iter()
                .find(|a| &a.arn == arn)
                .map(|a| super::alarms::detail(a, data, now))
                .unwrap_or_default(),
            TriageRef::Finding { id } => data
                .finding(id)
                .map(|f| super::findings::detail(f, now))
                .unwrap_or_default(),
            TriageRef::Check {
                check_id,
                account_id,
                region,
                resource,
            } => data
                .checks
                .iter()
                .find(|c| {
                    c.check_id == *check_id
                        && &c.account_id == account_id
                        && &c.region == region
                        && &c.resource == resource
                })
                .map(super::posture::detail)
                .unwrap_or_default(),
        }
    }

    fn empty_message(&self, _data: &Data) -> String {
        "Nothing needs attention: no alarm in ALARM, no finding at Medium or above, no failing check."
            .to_string()
    }
}
