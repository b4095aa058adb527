//! Reading the journal for the Journal tab: records joined into entries, intents without an
//! outcome marked [`Outcome::Unknown`], unreadable lines reported.

use super::chain::{RecordLine, lines};
use super::{JournalContents, JournalEntry, JournalRecord, Outcome, Phase};
use std::collections::HashMap;
use std::path::Path;

/// Reads the journal at `path`; a missing file is an empty journal. It is read as bytes,
/// not text: a line torn in the middle of a multi-byte character is one bad line, not an
/// unreadable file.
pub fn read(path: &Path) -> std::io::Result<JournalContents> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(parse_bytes(&bytes)),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(JournalContents::default()),
        Err(err) => Err(err),
    }
}

/// Reads the journal and checks its hash chain: an edited, removed or reordered record is
/// listed with the unreadable lines, so the Journal tab says the trail is damaged.
pub fn read_checked(path: &Path) -> std::io::Result<JournalContents> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Ok(JournalContents::default());
        }
        Err(err) => return Err(err),
    };
    let mut contents = parse_bytes(&bytes);
    let verification = super::verify_bytes(&bytes);
    contents.problems.extend(
        verification
            .problems
            .iter()
            .filter(|p| matches!(p, super::VerifyProblem::BrokenLink { .. }))
            .map(ToString::to_string),
    );
    Ok(contents)
}

pub fn parse(text: &str) -> JournalContents {
    parse_bytes(text.as_bytes())
}

fn parse_bytes(bytes: &[u8]) -> JournalContents {
    let mut records = Vec::new();
    let mut problems = Vec::new();
    for line in lines(bytes) {
        match line.record() {
            RecordLine::Blank => {}
            RecordLine::Record(record) => records.push(*record),
            RecordLine::Unreadable { why, .. } => {
                problems.push(format!("line {}: {why}", line.number));
            }
        }
    }
    assemble(records, problems)
}

/// Joins intents with their outcomes, newest first.
pub fn assemble(records: Vec<JournalRecord>, problems: Vec<String>) -> JournalContents {
    let (intents, outcomes): (Vec<JournalRecord>, Vec<JournalRecord>) =
        records.into_iter().partition(|r| r.phase == Phase::Intent);
    let mut outcomes: HashMap<String, JournalRecord> =
        outcomes.into_iter().map(|r| (r.id.clone(), r)).collect();
    let mut entries: Vec<JournalEntry> = intents
        .into_iter()
        .map(|intent| {
            let outcome = outcomes.remove(&intent.id);
            JournalEntry {
                finished: outcome.as_ref().map(|o| o.time),
                outcome: match outcome.map(|o| o.error) {
                    Some(None) => Outcome::Succeeded,
                    Some(Some(error)) => Outcome::Failed(error),
                    None => Outcome::Unknown,
                },
                intent,
            }
        })
        .collect();
    entries.sort_by_key(|e| std::cmp::Reverse(e.intent.time));
    JournalContents { entries, problems }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_broken_chain_is_a_problem_the_tab_shows() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("journal.jsonl");
        let mut writer =
            crate::journal::JournalWriter::open(&path).unwrap_or_else(|e| panic!("{e}"));
        let now = chrono::Utc::now();
        for target in ["a", "b", "c"] {
            let record = crate::journal::JournalRecord::intent(
                "archive-finding",
                target,
                "1",
                None,
                "arn",
                "cli",
                now,
            );
            writer.append(record).unwrap_or_else(|e| panic!("{e}"));
        }
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let without_middle: Vec<&str> = text
            .lines()
            .enumerate()
            .filter(|(i, _)| *i != 1)
            .map(|(_, l)| l)
            .collect();
        std::fs::write(&path, without_middle.join("\n") + "\n").unwrap_or_else(|e| panic!("{e}"));
        let contents = super::read_checked(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(contents.problems.len(), 1, "{:?}", contents.problems);
        assert!(
            contents.problems[0].starts_with("line 2"),
            "{:?}",
            contents.problems
        );
    }

    use super::*;

    const INTENT: &str = r#"{"id":"a1","time":"2026-11-28T10:00:00Z","phase":"intent","action":"access-key.deactivate","target":"AKIA1","account_id":"1","region":null,"caller_arn":"arn:aws:iam::1:user/me","cli":"aws iam update-access-key"}"#;

    #[test]
    fn pairs_intents_with_outcomes() {
        let ok = INTENT
            .replace("intent", "outcome")
            .replace("10:00:00", "10:00:01");
        let text = format!("{INTENT}\n{ok}\n");
        let contents = parse(&text);
        assert_eq!(contents.entries.len(), 1);
        assert_eq!(
            contents.entries.first().map(|e| &e.outcome),
            Some(&Outcome::Succeeded)
        );
    }

    #[test]
    fn failed_outcome_keeps_its_error() {
        let failed = INTENT
            .replace("\"phase\":\"intent\"", "\"phase\":\"outcome\"")
            .replace("}", ",\"error\":\"AccessDenied\"}");
        let contents = parse(&format!("{INTENT}\n{failed}\n"));
        assert_eq!(
            contents.entries.first().map(|e| &e.outcome),
            Some(&Outcome::Failed("AccessDenied".into()))
        );
    }

    #[test]
    fn intent_without_outcome_is_unknown_and_counted() {
        let contents = parse(INTENT);
        assert_eq!(contents.incomplete(), 1);
    }

    #[test]
    fn damaged_lines_are_reported_not_dropped_silently() {
        let contents = parse(&format!("{INTENT}\n{{not json\n"));
        assert_eq!(contents.entries.len(), 1);
        assert_eq!(contents.problems.len(), 1);
        assert!(
            contents
                .problems
                .first()
                .is_some_and(|p| p.starts_with("line 2:"))
        );
    }

    #[test]
    fn missing_file_is_an_empty_journal() {
        let contents = read(Path::new("/nonexistent/watchpost/journal.jsonl"));
        assert_eq!(contents.ok(), Some(JournalContents::default()));
        let checked = read_checked(Path::new("/nonexistent/watchpost/journal.jsonl"));
        assert_eq!(checked.ok(), Some(JournalContents::default()));
    }

    #[test]
    fn a_journal_that_cannot_be_read_is_an_error_not_an_empty_journal() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        assert!(read(dir.path()).is_err());
        assert!(read_checked(dir.path()).is_err());
    }
}
