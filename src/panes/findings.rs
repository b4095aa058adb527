use super::{Cell, Column, DetailLine, Fields, Pane, SortKey, Tone, Width, age, timestamp};
use crate::domain::Finding;
use crate::remediation::Target;
use crate::sources::archived::ARCHIVED_LIMIT;
use crate::store::{Data, FindingJson};
use chrono::{DateTime, Utc};
use std::borrow::Cow;

pub struct FindingsPane;

const COLUMNS: &[Column] = &[
    Column {
        title: "Sev",
        width: Width::Fixed(4),
    },
    Column {
        title: "Score",
        width: Width::Fixed(5),
    },
    Column {
        title: "Finding type",
        width: Width::Fill(22),
    },
    Column {
        title: "Resource",
        width: Width::Fill(14),
    },
    Column {
        title: "Region",
        width: Width::Fixed(14),
    },
    Column {
        title: "Count",
        width: Width::Fixed(5),
    },
    Column {
        title: "Last",
        width: Width::Fixed(4),
    },
];

/// The findings the tab shows: the unarchived ones, or the archived ones (`:archived`).
fn list(data: &Data) -> &[Finding] {
    if data.archived.shown {
        &data.archived.findings
    } else {
        &data.findings
    }
}

pub(super) fn finding(data: &Data, row: usize) -> Option<&Finding> {
    list(data).get(row)
}

impl Pane for FindingsPane {
    fn title(&self) -> &'static str {
        "Findings"
    }

    fn columns(&self) -> &'static [Column] {
        COLUMNS
    }

    fn default_sort(&self) -> (usize, bool) {
        (1, true)
    }

    fn heading(&self, data: &Data) -> Cow<'static, str> {
        match data.archived.shown {
            true => Cow::Borrowed("Findings · archived"),
            false => Cow::Borrowed(self.title()),
        }
    }

    fn len(&self, data: &Data) -> usize {
        list(data).len()
    }

    fn key(&self, data: &Data, row: usize) -> String {
        finding(data, row)
            .map(|f| f.id.to_string())
            .unwrap_or_default()
    }

    fn haystack(&self, data: &Data, row: usize, out: &mut Fields<'_>) {
        if let Some(f) = finding(data, row) {
            for part in [
                f.severity().label(),
                &f.finding_type,
                f.text.title(),
                &f.resource.kind,
                f.text.resource_id(),
                &f.region,
            ] {
                out.push(part);
            }
        }
    }

    fn sort_key(&self, data: &Data, row: usize, column: usize) -> SortKey {
        let Some(f) = finding(data, row) else {
            return SortKey::Num(0);
        };
        // Score and severity sort together; recency breaks ties.
        let score = (f.severity_score * 10.0).round() as i64;
        match column {
            0 | 1 => SortKey::Pair(score, f.last_seen.timestamp()),
            2 => SortKey::text(&f.finding_type),
            3 => SortKey::text(f.text.resource_id()),
            4 => SortKey::text(&f.region),
            5 => SortKey::Num(f.count as i64),
            _ => SortKey::time(Some(f.last_seen)),
        }
    }

    fn cells<'a>(&self, data: &'a Data, row: usize, now: DateTime<Utc>) -> Vec<Cell<'a>> {
        let Some(f) = finding(data, row) else {
            return Vec::new();
        };
        vec![
            Cell::severity(f.severity()),
            Cell::toned(
                format!("{:.1}", f.severity_score),
                Tone::Severity(f.severity()),
            ),
            Cell::plain(&*f.finding_type),
            Cell::plain(format!("{} {}", f.resource.kind, f.text.resource_id())),
            Cell::dim(&*f.region),
            Cell::plain(f.count.to_string()),
            Cell::dim(age(now, f.last_seen)).at(Some(f.last_seen)),
        ]
    }

    fn account<'a>(&self, data: &'a Data, row: usize) -> Option<&'a str> {
        finding(data, row).map(|f| f.account_id.as_str())
    }

    fn account_column(&self) -> Option<usize> {
        Some(2)
    }

    fn targets(&self, data: &Data, row: usize) -> Vec<Target> {
        finding(data, row)
            .map(|f| vec![Target::finding(f)])
            .unwrap_or_default()
    }

    fn detail(&self, data: &Data, row: usize, now: DateTime<Utc>) -> Vec<DetailLine> {
        finding(data, row)
            .map(|f| detail(f, data, now))
            .unwrap_or_default()
    }

    fn title_note(&self, data: &Data) -> Option<String> {
        let archived = &data.archived;
        if !archived.shown {
            return None;
        }
        let mut notes = Vec::new();
        if archived.loading() {
            let answered = archived.asked - archived.pending.len();
            notes.push(format!(
                "listing… {answered} of {} detectors",
                archived.asked
            ));
        }
        if archived.cut > 0 {
            notes.push(format!(
                "the newest {ARCHIVED_LIMIT} of {} detector(s)",
                archived.cut
            ));
        }
        notes.extend(archived.errors.iter().cloned());
        (!notes.is_empty()).then(|| notes.join(" · "))
    }

    fn empty_message(&self, data: &Data) -> String {
        if data.archived.shown {
            return archived_empty_message(data);
        }
        let disabled: Vec<&str> = data
            .detectors
            .iter()
            .filter(|d| !d.enabled)
            .map(|d| d.region.as_str())
            .collect();
        if disabled.is_empty() {
            "No unarchived GuardDuty findings (or none loaded yet).".to_string()
        } else {
            format!(
                "No unarchived GuardDuty findings. GuardDuty is off in: {}.",
                disabled.join(", ")
            )
        }
    }
}

/// What the archived view says while it has no row.
fn archived_empty_message(data: &Data) -> String {
    let archived = &data.archived;
    let mut message = if archived.loading() {
        "Listing archived GuardDuty findings…".to_string()
    } else if archived.asked == 0 {
        "No GuardDuty detector to list archived findings from (yet).".to_string()
    } else {
        "No archived GuardDuty findings.".to_string()
    };
    for error in &archived.errors {
        message.push_str(&format!("\nCould not list: {error}"));
    }
    message.push_str("\n:archived again (or Esc) shows the unarchived findings.");
    message
}

pub fn detail(f: &Finding, data: &Data, now: DateTime<Utc>) -> Vec<DetailLine> {
    let mut lines = vec![
        DetailLine::Section(f.text.title().to_string()),
        DetailLine::Field(
            "Severity".into(),
            format!("{} ({:.1})", f.severity().label(), f.severity_score),
            Tone::Severity(f.severity()),
        ),
        DetailLine::field("Type", f.finding_type.to_string()),
        DetailLine::field("Count", f.count.to_string()),
        DetailLine::field(
            "First seen",
            format!(
                "{} ({} ago)",
                timestamp(f.first_seen),
                age(now, f.first_seen)
            ),
        ),
        DetailLine::field(
            "Last seen",
            format!("{} ({} ago)", timestamp(f.last_seen), age(now, f.last_seen)),
        ),
        super::account_field(data, &f.account_id),
        DetailLine::field("Region", f.region.to_string()),
        DetailLine::field("Finding ID", f.id.to_string()),
        DetailLine::field("ARN", f.arn().into_owned()),
        DetailLine::Blank,
        DetailLine::Section("Description".into()),
        DetailLine::Text(f.text.description().to_string()),
        DetailLine::Blank,
        DetailLine::Section("Resource".into()),
        DetailLine::field("Type", f.resource.kind.to_string()),
        DetailLine::field("ID", f.text.resource_id().to_string()),
    ];
    if f.archived {
        // Only the archived view (`:archived`) shows such a finding: its detail says so.
        lines.insert(2, DetailLine::field("Status", "archived".to_string()));
    }
    for (label, value) in f.details().iter() {
        lines.push(DetailLine::Field(
            label.to_string(),
            value.to_string(),
            Tone::Plain,
        ));
    }
    lines.push(DetailLine::Blank);
    lines.extend(raw_json(f, data));
    lines
}

/// The finding as GuardDuty sent it, pretty-printed, read when the detail opened; for a
/// finding with no wire form (the demo account), or while it is read, or if it cannot be,
/// the record watchpost holds, said as such.
fn raw_json(f: &Finding, data: &Data) -> Vec<DetailLine> {
    let json = data.json_of(f);
    let sent = match json {
        Some(FindingJson::Read(raw)) => serde_json::from_str::<serde_json::Value>(raw).ok(),
        _ => None,
    };
    let (title, pretty) = match sent {
        Some(value) => (
            "Raw JSON (as GuardDuty sent it)",
            serde_json::to_string_pretty(&value),
        ),
        None => (
            "Record (JSON, as watchpost holds it)",
            serde_json::to_string_pretty(f),
        ),
    };
    let mut lines = vec![DetailLine::Section(title.into())];
    match json {
        Some(FindingJson::Reading) => {
            lines.push(DetailLine::Text(
                "Reading the raw JSON from GuardDuty…".into(),
            ));
        }
        Some(FindingJson::Failed(why)) => {
            lines.push(DetailLine::Text(format!("Cannot read the raw JSON: {why}")));
        }
        _ => {}
    }
    match pretty {
        Ok(text) => lines.push(DetailLine::Text(text)),
        Err(err) => lines.push(DetailLine::Text(format!("cannot show it: {err}"))),
    }
    lines
}
