//! Every check result, failing first: the account's posture against its controls.

use super::{Cell, Column, DetailLine, Fields, Pane, SortKey, Tone, Width};
use crate::domain::{CheckResult, CheckStatus};
use crate::remediation::Target;
use crate::store::Data;
use chrono::{DateTime, Utc};

pub struct PosturePane;

const COLUMNS: &[Column] = &[
    Column {
        title: "Status",
        width: Width::Fixed(6),
    },
    Column {
        title: "Sev",
        width: Width::Fixed(4),
    },
    Column {
        title: "Check",
        width: Width::Fill(24),
    },
    Column {
        title: "Resource",
        width: Width::Fill(16),
    },
    Column {
        title: "Controls",
        width: Width::Fill(12),
    },
];

fn check(data: &Data, row: usize) -> Option<&CheckResult> {
    data.checks.get(row)
}

impl Pane for PosturePane {
    fn title(&self) -> &'static str {
        "Posture"
    }

    fn columns(&self) -> &'static [Column] {
        COLUMNS
    }

    fn default_sort(&self) -> (usize, bool) {
        (0, true)
    }

    fn len(&self, data: &Data) -> usize {
        data.checks.len()
    }

    fn key(&self, data: &Data, row: usize) -> String {
        check(data, row)
            .map(|c| {
                format!(
                    "{}|{}|{}|{}",
                    c.check_id(),
                    c.account_id,
                    c.region_name().unwrap_or(""),
                    c.resource()
                )
            })
            .unwrap_or_default()
    }

    fn haystack(&self, data: &Data, row: usize, out: &mut Fields<'_>) {
        if let Some(c) = check(data, row) {
            let status = if c.failed() { "fail" } else { "pass" };
            for part in [
                status,
                c.severity().label(),
                c.check_id(),
                c.title(),
                c.resource(),
            ] {
                out.push(part);
            }
            for control in c.controls() {
                out.push(control);
            }
        }
    }

    fn sort_key(&self, data: &Data, row: usize, column: usize) -> SortKey {
        let Some(c) = check(data, row) else {
            return SortKey::Num(0);
        };
        let failing = i64::from(c.status == CheckStatus::Fail);
        match column {
            0 => SortKey::Num(failing * 10 + c.severity() as i64),
            1 => SortKey::Num(c.severity() as i64 * 10 + failing),
            2 => SortKey::text(c.title()),
            3 => SortKey::text(c.resource()),
            _ => SortKey::text(&c.controls().join(" ")),
        }
    }

    fn cells<'a>(&self, data: &'a Data, row: usize, _now: DateTime<Utc>) -> Vec<Cell<'a>> {
        let Some(c) = check(data, row) else {
            return Vec::new();
        };
        let resource = match &c.region {
            Some(region) if **region != *c.resource() => format!("{} ({region})", c.resource()),
            _ => c.resource().to_string(),
        };
        vec![
            if c.failed() {
                Cell::toned("FAIL", Tone::Fail)
            } else {
                Cell::toned("pass", Tone::Pass)
            },
            Cell::severity(c.severity()),
            Cell::plain(c.title()),
            Cell::plain(resource),
            Cell::dim(c.controls().join(" ")),
        ]
    }

    fn account<'a>(&self, data: &'a Data, row: usize) -> Option<&'a str> {
        check(data, row).map(|c| c.account_id.as_str())
    }

    fn account_column(&self) -> Option<usize> {
        Some(2)
    }

    fn targets(&self, data: &Data, row: usize) -> Vec<Target> {
        check(data, row)
            .map(|c| super::check_targets(data, c))
            .unwrap_or_default()
    }

    fn detail(&self, data: &Data, row: usize, _now: DateTime<Utc>) -> Vec<DetailLine> {
        check(data, row)
            .map(|c| detail(c, data))
            .unwrap_or_default()
    }

    fn empty_message(&self, _data: &Data) -> String {
        "No checks evaluated yet: they run as soon as IAM, GuardDuty, CloudWatch or baseline data arrives."
            .to_string()
    }
}

pub fn detail(c: &CheckResult, data: &Data) -> Vec<DetailLine> {
    vec![
        DetailLine::Section(c.title().to_string()),
        DetailLine::Field(
            "Status".into(),
            if c.failed() {
                "FAIL".into()
            } else {
                "pass".into()
            },
            if c.failed() { Tone::Fail } else { Tone::Pass },
        ),
        DetailLine::Field(
            "Severity".into(),
            c.severity().label().into(),
            Tone::Severity(c.severity()),
        ),
        DetailLine::field("Check", c.check_id()),
        DetailLine::field("Controls", c.controls().join(", ")),
        DetailLine::field("Resource", c.resource()),
        super::account_field(data, &c.account_id),
        DetailLine::field("Region", c.region_name().unwrap_or("global").to_string()),
        DetailLine::Blank,
        DetailLine::Section("Evidence".into()),
        DetailLine::Text(c.evidence().to_string()),
    ]
}
