//! The remediation journal: an append-only JSON Lines file of *intent* records (written and
//! fsync'd before an action's API call) and *outcome* records (after it). An intent without an
//! outcome means the program died mid-action.
//!
//! Each record carries `prev_hash`, the SHA-256 of the previous record's line, so an edited,
//! removed or reordered record breaks the chain and [`verify`] names the line.

mod chain;
mod read;

pub use chain::{Verification, VerifyProblem, line_hash, verify, verify_bytes};
pub use read::{assemble, parse, read};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    Intent,
    Outcome,
}

/// One line of the journal file. It holds only what is below: no credentials, no request
/// or response bodies.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JournalRecord {
    /// Ties an outcome to its intent.
    pub id: String,
    pub time: DateTime<Utc>,
    pub phase: Phase,
    pub action: String,
    pub target: String,
    pub account_id: String,
    pub region: Option<String>,
    pub caller_arn: String,
    /// The equivalent `aws` CLI command.
    pub cli: String,
    /// For outcomes: `None` on success, the error otherwise.
    #[serde(default)]
    pub error: Option<String>,
    /// SHA-256 (lowercase hex) of the previous record's line as written, without its newline;
    /// `None` for the first record.
    #[serde(default)]
    pub prev_hash: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Succeeded,
    Failed(String),
    /// An intent with no outcome: the process stopped before the call returned.
    Unknown,
}

/// An action as the Journal tab shows it: its intent joined with its outcome.
#[derive(Clone, Debug, PartialEq)]
pub struct JournalEntry {
    pub intent: JournalRecord,
    pub finished: Option<DateTime<Utc>>,
    pub outcome: Outcome,
}

/// What reading the journal found: entries (newest first) and unreadable lines.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct JournalContents {
    pub entries: Vec<JournalEntry>,
    /// `line N: why` for every line that could not be parsed; they are reported, not dropped
    /// silently, because a damaged audit trail is itself worth knowing about.
    pub problems: Vec<String>,
}

impl JournalContents {
    pub fn incomplete(&self) -> usize {
        self.entries
            .iter()
            .filter(|e| e.outcome == Outcome::Unknown)
            .count()
    }
}
