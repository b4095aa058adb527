//! CloudTrail activity of a principal or resource (`t` on a row, `:activity`): management
//! events newest first; Enter shows the event as CloudTrail sent it. Events from a remote
//! address that a GuardDuty finding names are marked. The tab appears once a query is open.

use super::{Cell, Column, DetailLine, Fields, Pane, SortKey, Tone, Width, timestamp};
use crate::domain::ActivityEvent;
use crate::domain::activity::window_label;
use crate::store::{ActivityResults, Data};
use chrono::{DateTime, Utc};

pub struct ActivityPane;

/// Marks an event from an address a finding names.
pub const FLAG: &str = "⚑ ";

const COLUMNS: &[Column] = &[
    Column {
        title: "Time",
        width: Width::Fixed(20),
    },
    Column {
        title: "Event",
        width: Width::Fill(14),
    },
    Column {
        title: "Source",
        width: Width::Fixed(10),
    },
    Column {
        title: "Principal",
        width: Width::Fill(10),
    },
    Column {
        title: "Source IP",
        width: Width::Fixed(17),
    },
    Column {
        title: "User agent",
        width: Width::Fill(10),
    },
    Column {
        title: "Region",
        width: Width::Fixed(14),
    },
    Column {
        title: "Error",
        width: Width::Fixed(10),
    },
];

fn results(data: &Data) -> Option<&ActivityResults> {
    data.activity.current()
}

fn event(data: &Data, row: usize) -> Option<&ActivityEvent> {
    let results = results(data)?;
    results.events.get(..results.shown)?.get(row)
}

fn flagged(data: &Data, e: &ActivityEvent) -> bool {
    data.activity.flagged.contains(&e.source_ip)
}

/// `s3.amazonaws.com` as `s3`.
fn service(source: &str) -> &str {
    source.strip_suffix(".amazonaws.com").unwrap_or(source)
}

impl Pane for ActivityPane {
    fn title(&self) -> &'static str {
        "Activity"
    }

    fn columns(&self) -> &'static [Column] {
        COLUMNS
    }

    fn default_sort(&self) -> (usize, bool) {
        (0, true)
    }

    fn len(&self, data: &Data) -> usize {
        results(data).map_or(0, |r| r.shown)
    }

    fn key(&self, data: &Data, row: usize) -> String {
        event(data, row).map(|e| e.id.clone()).unwrap_or_default()
    }

    fn haystack(&self, data: &Data, row: usize, out: &mut Fields<'_>) {
        if let Some(e) = event(data, row) {
            for part in [
                &e.name,
                &e.source,
                &e.principal,
                &e.source_ip,
                &e.user_agent,
                &e.region,
            ] {
                out.push(part);
            }
            out.push(e.error_code.as_deref().unwrap_or_default());
        }
    }

    fn sort_key(&self, data: &Data, row: usize, column: usize) -> SortKey {
        let Some(e) = event(data, row) else {
            return SortKey::Num(0);
        };
        match column {
            0 => SortKey::time(Some(e.time)),
            1 => SortKey::text(&e.name),
            2 => SortKey::text(&e.source),
            3 => SortKey::text(&e.principal),
            4 => SortKey::text(&e.source_ip),
            5 => SortKey::text(&e.user_agent),
            6 => SortKey::text(&e.region),
            _ => SortKey::text(e.error_code.as_deref().unwrap_or_default()),
        }
    }

    fn cells<'a>(&self, data: &'a Data, row: usize, _now: DateTime<Utc>) -> Vec<Cell<'a>> {
        let Some(e) = event(data, row) else {
            return Vec::new();
        };
        let ip = if flagged(data, e) {
            Cell::toned(format!("{FLAG}{}", e.source_ip), Tone::Fail)
        } else {
            Cell::plain(e.source_ip.as_str())
        };
        vec![
            Cell::plain(timestamp(e.time)),
            Cell::plain(e.name.as_str()),
            Cell::plain(service(&e.source)),
            Cell::plain(e.principal.as_str()),
            ip,
            Cell::dim(e.user_agent.as_str()),
            Cell::plain(e.region.as_str()),
            match &e.error_code {
                Some(code) => Cell::toned(code.as_str(), Tone::Fail),
                None => Cell::dim(""),
            },
        ]
    }

    fn detail(&self, data: &Data, row: usize, _now: DateTime<Utc>) -> Vec<DetailLine> {
        let Some(e) = event(data, row) else {
            return Vec::new();
        };
        let mut lines = vec![
            DetailLine::Section(format!("{} ({})", e.name, e.source)),
            DetailLine::field("Time", timestamp(e.time)),
            DetailLine::field("Principal", e.principal.as_str()),
            DetailLine::field("Access key", e.access_key.as_deref().unwrap_or("—")),
        ];
        let ip_tone = if flagged(data, e) {
            Tone::Fail
        } else {
            Tone::Plain
        };
        let ip_note = if flagged(data, e) {
            " (named by a GuardDuty finding)"
        } else {
            ""
        };
        lines.push(DetailLine::Field(
            "Source IP".into(),
            format!("{}{ip_note}", e.source_ip),
            ip_tone,
        ));
        lines.push(DetailLine::field("User agent", e.user_agent.as_str()));
        lines.push(DetailLine::field("Region", e.region.as_str()));
        if let Some(code) = &e.error_code {
            lines.push(DetailLine::Field("Error".into(), code.clone(), Tone::Fail));
        }
        lines.push(DetailLine::Blank);
        lines.push(DetailLine::Section(
            "CloudTrail event (JSON, as CloudTrail sent it)".into(),
        ));
        let pretty = serde_json::from_str::<serde_json::Value>(&e.raw)
            .and_then(|value| serde_json::to_string_pretty(&value));
        lines.push(DetailLine::Text(pretty.unwrap_or_else(|_| e.raw.clone())));
        lines
    }

    fn empty_message(&self, data: &Data) -> String {
        match results(data) {
            None => "No activity asked for yet: press t on a finding, user, key, role, \
                     security group or alarm (or :activity)"
                .to_string(),
            Some(r) if r.denied.is_some() && r.events.is_empty() => {
                format!(
                    "Cannot read CloudTrail: {}",
                    r.denied.as_deref().unwrap_or_default()
                )
            }
            Some(r) if !r.complete() => "loading…".to_string(),
            Some(r) if !r.errors.is_empty() => r.errors.join("; "),
            Some(r) => match r.query.window {
                crate::domain::Window::Last(length) => format!(
                    "No management events in the last {} (:activity 7d for a longer window)",
                    window_label(length)
                ),
                crate::domain::Window::Around { .. } => {
                    "No management events in the window (:activity 6h for a longer one)".to_string()
                }
            },
        }
    }

    fn subtitle(&self, data: &Data) -> Option<String> {
        let r = results(data)?;
        let window = match r.query.window {
            crate::domain::Window::Last(length) => format!("last {}", window_label(length)),
            crate::domain::Window::Around { .. } => {
                format!("{} – {}", timestamp(r.start), timestamp(r.end))
            }
        };
        let writes = match r.query.writes {
            crate::domain::Writes::Only => ", writes",
            crate::domain::Writes::All => "",
        };
        let mut subtitle = format!("{} · {window}{writes}", r.query.about);
        if r.loading() {
            subtitle.push_str(" · loading…");
        } else if !r.complete() {
            subtitle.push_str(" · more below");
        }
        Some(subtitle)
    }

    fn title_note(&self, data: &Data) -> Option<String> {
        let r = results(data)?;
        if r.denied.is_some() {
            Some("access denied (needs cloudtrail:LookupEvents)".to_string())
        } else if !r.errors.is_empty() {
            Some(format!("{} region(s) failed", r.errors.len()))
        } else {
            None
        }
    }

    fn account<'a>(&self, data: &'a Data, _row: usize) -> Option<&'a str> {
        results(data).map(|r| r.query.account_id.as_str())
    }
}
