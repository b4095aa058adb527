//! Actions taken, newest first, with their outcome; an action whose outcome never came back
//! (the process was killed mid-call) shows as unknown.

use super::{Cell, Column, DetailLine, Fields, Pane, SortKey, Tone, Width, timestamp};
use crate::journal::{JournalEntry, Outcome};
use crate::store::Data;
use chrono::{DateTime, Utc};

pub struct JournalPane;

const COLUMNS: &[Column] = &[
    Column {
        title: "Time",
        width: Width::Fixed(20),
    },
    Column {
        title: "Action",
        width: Width::Fill(18),
    },
    Column {
        title: "Target",
        width: Width::Fill(18),
    },
    Column {
        title: "Outcome",
        width: Width::Fixed(9),
    },
];

fn entry(data: &Data, row: usize) -> Option<&JournalEntry> {
    data.journal.entries.get(row)
}

/// What to look up for an action whose outcome was never recorded: the call may or may
/// not have reached AWS, and CloudTrail records it if it did.
fn unknown_check(action: &str, target: &str, at: DateTime<Utc>) -> String {
    let call = crate::remediation::CATALOG
        .iter()
        .map(|id| id.spec())
        .find(|spec| spec.name == action)
        .map(|spec| spec.call);
    match call {
        Some(call) => format!(
            "the call may or may not have been made: look up the CloudTrail event {} \
             (event source {}.amazonaws.com) for {target} from {} on, or the target's \
             current state",
            call.operation,
            call.service,
            at.to_rfc3339()
        ),
        None => format!(
            "the call may or may not have been made: look up {target} in CloudTrail from {} \
             on, or its current state",
            at.to_rfc3339()
        ),
    }
}

fn outcome_cell(outcome: &Outcome) -> Cell<'static> {
    // The words of `watchpost journal`.
    let tone = match outcome {
        Outcome::Succeeded => Tone::Pass,
        Outcome::Failed(_) | Outcome::Unknown => Tone::Fail,
    };
    Cell::toned(outcome.word(), tone)
}

impl Pane for JournalPane {
    fn title(&self) -> &'static str {
        "Journal"
    }

    fn columns(&self) -> &'static [Column] {
        COLUMNS
    }

    fn default_sort(&self) -> (usize, bool) {
        (0, true)
    }

    fn len(&self, data: &Data) -> usize {
        data.journal.entries.len()
    }

    fn key(&self, data: &Data, row: usize) -> String {
        entry(data, row)
            .map(|e| e.intent.id.clone())
            .unwrap_or_default()
    }

    fn haystack(&self, data: &Data, row: usize, out: &mut Fields<'_>) {
        if let Some(e) = entry(data, row) {
            for part in [&e.intent.action, &e.intent.target, &e.intent.account_id] {
                out.push(part);
            }
        }
    }

    fn sort_key(&self, data: &Data, row: usize, column: usize) -> SortKey {
        let Some(e) = entry(data, row) else {
            return SortKey::Num(0);
        };
        match column {
            0 => SortKey::time(Some(e.intent.time)),
            1 => SortKey::text(&e.intent.action),
            2 => SortKey::text(&e.intent.target),
            _ => SortKey::Num(match e.outcome {
                Outcome::Unknown => 2,
                Outcome::Failed(_) => 1,
                Outcome::Succeeded => 0,
            }),
        }
    }

    fn cells<'a>(&self, data: &'a Data, row: usize, _now: DateTime<Utc>) -> Vec<Cell<'a>> {
        let Some(e) = entry(data, row) else {
            return Vec::new();
        };
        vec![
            Cell::dim(timestamp(e.intent.time)).at(Some(e.intent.time)),
            Cell::plain(e.intent.action.as_str()),
            Cell::plain(e.intent.target.as_str()),
            outcome_cell(&e.outcome),
        ]
    }

    fn account<'a>(&self, data: &'a Data, row: usize) -> Option<&'a str> {
        entry(data, row).map(|e| e.intent.account_id.as_str())
    }

    fn account_column(&self) -> Option<usize> {
        Some(1)
    }

    fn detail(&self, data: &Data, row: usize, _now: DateTime<Utc>) -> Vec<DetailLine> {
        let Some(e) = entry(data, row) else {
            return Vec::new();
        };
        let cell = outcome_cell(&e.outcome);
        let mut lines = vec![
            DetailLine::Section(format!("{} on {}", e.intent.action, e.intent.target)),
            DetailLine::Field("Outcome".into(), cell.text.into_owned(), cell.tone),
            DetailLine::field("Started", e.intent.time.to_rfc3339()),
            DetailLine::field(
                "Finished",
                e.finished
                    .map_or_else(|| "never recorded".to_string(), |t| t.to_rfc3339()),
            ),
            super::account_field(data, &e.intent.account_id),
            DetailLine::field(
                "Region",
                e.intent.region.clone().unwrap_or_else(|| "global".into()),
            ),
            DetailLine::field("Caller", e.intent.caller_arn.clone()),
            DetailLine::field("CLI", e.intent.cli.clone()),
        ];
        match &e.outcome {
            Outcome::Failed(error) => {
                lines.push(DetailLine::Field("Error".into(), error.clone(), Tone::Fail));
            }
            Outcome::Unknown => lines.push(DetailLine::Field(
                "Check".into(),
                unknown_check(&e.intent.action, &e.intent.target, e.intent.time),
                Tone::Fail,
            )),
            Outcome::Succeeded => {}
        }
        lines
    }

    fn title_note(&self, data: &Data) -> Option<String> {
        let unknown = data.journal.incomplete();
        let damaged = data.journal.problems.len();
        let mut notes = Vec::new();
        if unknown > 0 {
            notes.push(format!(
                "{unknown} unknown: no recorded outcome, check in AWS"
            ));
        }
        if damaged > 0 {
            notes.push(format!("{damaged} unreadable line(s) in the journal file"));
        }
        (!notes.is_empty()).then(|| notes.join(" · "))
    }

    fn empty_message(&self, data: &Data) -> String {
        let mut message = "No actions taken yet.".to_string();
        if let Some(path) = &data.journal_path {
            message.push_str(&format!(" Actions are journaled to {path}"));
        }
        for problem in &data.journal.problems {
            message.push_str(&format!("\nUnreadable journal {problem}"));
        }
        message
    }
}
