//! The remediation journal: an append-only JSON Lines file of *intent* records (written and
//! fsync'd before an action's API call) and *outcome* records (after it). An intent without an
//! outcome means the program died mid-action.
//!
//! Each record carries `prev_hash`, the SHA-256 of the previous record's line, so an edited,
//! removed or reordered record breaks the chain and [`verify`] names the line. What the
//! chain alone cannot show (a cut tail, a deleted file, a rewritten chain), the head kept
//! elsewhere shows: [`verify_expecting`].
//!
//! - [`read`] / [`parse`]: the records joined into entries for the Journal tab;
//! - [`JournalWriter`]: appends records, chained and fsync'd, under an exclusive file lock;
//! - [`verify`] / [`verify_expecting`]: walks the chain, reports the head;
//! - [`print`]: a plain-text listing.

mod chain;
mod print;
mod read;
mod write;

pub use chain::{
    Head, Verification, VerifyProblem, line_hash, verify, verify_bytes, verify_bytes_expecting,
    verify_expecting,
};
pub use print::print;
pub use read::{assemble, parse, read, read_checked};
pub use write::JournalWriter;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::hash::{BuildHasher, Hasher};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

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
    /// The OS user and host watchpost ran as: who was at the keyboard, beside the AWS
    /// caller (often a shared role). Absent in records written before they were kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_user: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// The equivalent `aws` CLI command.
    pub cli: String,
    /// For outcomes: `None` on success, the error otherwise.
    #[serde(default)]
    pub error: Option<String>,
    /// SHA-256 (lowercase hex) of the previous record's line as written, without its newline;
    /// `None` for the first record. Set by [`JournalWriter::append`].
    #[serde(default)]
    pub prev_hash: Option<String>,
}

impl JournalRecord {
    /// An intent record with a fresh id, to append before the action's API call.
    pub fn intent(
        action: impl Into<String>,
        target: impl Into<String>,
        account_id: impl Into<String>,
        region: Option<String>,
        caller_arn: impl Into<String>,
        cli: impl Into<String>,
        now: DateTime<Utc>,
    ) -> JournalRecord {
        JournalRecord {
            id: fresh_id(now),
            time: now,
            phase: Phase::Intent,
            action: action.into(),
            target: target.into(),
            account_id: account_id.into(),
            region,
            caller_arn: caller_arn.into(),
            local_user: None,
            host: None,
            cli: cli.into(),
            error: None,
            prev_hash: None,
        }
    }

    /// The record with the local OS user and host who acted.
    pub fn by(self, local_user: &str, host: &str) -> JournalRecord {
        JournalRecord {
            local_user: Some(local_user.to_string()),
            host: Some(host.to_string()),
            ..self
        }
    }

    /// The outcome of `intent`: `error` is `None` when the call succeeded.
    pub fn outcome(
        intent: &JournalRecord,
        error: Option<String>,
        now: DateTime<Utc>,
    ) -> JournalRecord {
        JournalRecord {
            time: now,
            phase: Phase::Outcome,
            error,
            prev_hash: None,
            ..intent.clone()
        }
    }
}

/// `<time>-<process nonce>-<counter>`: the counter keeps ids unique within a process, the
/// nonce (std's per-process random hasher keys, mixed with the pid) across processes that
/// start in the same microsecond.
fn fresh_id(now: DateTime<Utc>) -> String {
    static NONCE: OnceLock<u32> = OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nonce = *NONCE.get_or_init(|| {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u32(std::process::id());
        // Truncation intended: 32 random bits are plenty next to the time and counter.
        hasher.finish() as u32
    });
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{}-{nonce:08x}-{n}", now.format("%Y%m%dT%H%M%S%.6fZ"))
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Succeeded,
    Failed(String),
    /// An intent with no outcome: the process stopped before the call returned.
    Unknown,
}

impl Outcome {
    /// The one word for it, the same in `watchpost journal` and the Journal tab.
    pub fn word(&self) -> &'static str {
        match self {
            Outcome::Succeeded => "succeeded",
            Outcome::Failed(_) => "failed",
            Outcome::Unknown => "unknown",
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default()
    }

    #[test]
    fn intent_ids_are_unique_even_at_the_same_instant() {
        let a = JournalRecord::intent("a", "t", "1", None, "arn", "aws", now());
        let b = JournalRecord::intent("a", "t", "1", None, "arn", "aws", now());
        assert_ne!(a.id, b.id);
        assert!(a.id.starts_with("20270115T080000.000000Z-"), "{}", a.id);
    }

    #[test]
    fn outcome_copies_the_intent_and_its_id() {
        let intent = JournalRecord::intent(
            "access-key.deactivate",
            "alice (AKIA1)",
            "123456789012",
            None,
            "arn:aws:iam::123456789012:user/me",
            "aws iam update-access-key",
            now(),
        );
        let later = now() + chrono::Duration::seconds(2);
        let outcome = JournalRecord::outcome(&intent, Some("AccessDenied".into()), later);
        assert_eq!(outcome.id, intent.id);
        assert_eq!(outcome.phase, Phase::Outcome);
        assert_eq!(outcome.time, later);
        assert_eq!(outcome.error.as_deref(), Some("AccessDenied"));
        assert_eq!(outcome.target, intent.target);
    }
}
