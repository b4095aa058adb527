//! The hash chain: every record's `prev_hash` is the SHA-256 of the line before it, as
//! written. Changing, removing or reordering a record breaks a link, and [`verify`] reports
//! the line where it breaks. Unreadable lines (a write cut short by a crash, damage) are
//! reported too and skipped: the writer links the next record to the last readable one.
//!
//! The chain cannot show that records were cut from the *end* of the file, nor that the
//! whole file was rewritten: that needs the last hash kept somewhere else.

use super::JournalRecord;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fmt;
use std::path::Path;

/// SHA-256 of one line's bytes (without its newline), as lowercase hex.
pub fn line_hash(line: &[u8]) -> String {
    Sha256::digest(line)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// One line of the file, numbered from 1.
pub(super) struct Line<'a> {
    pub number: usize,
    pub bytes: &'a [u8],
    /// `false` for a last line with no newline: the write was cut short.
    pub terminated: bool,
}

pub(super) enum RecordLine {
    Blank,
    Record(Box<JournalRecord>),
    Unreadable(String),
}

impl Line<'_> {
    pub fn record(&self) -> RecordLine {
        if self.bytes.trim_ascii().is_empty() {
            return RecordLine::Blank;
        }
        if std::str::from_utf8(self.bytes).is_err() {
            return RecordLine::Unreadable(self.why("not UTF-8 text"));
        }
        match serde_json::from_slice::<JournalRecord>(self.bytes) {
            Ok(record) => RecordLine::Record(Box::new(record)),
            Err(err) => RecordLine::Unreadable(self.why(&err.to_string())),
        }
    }

    fn why(&self, err: &str) -> String {
        if self.terminated {
            err.to_string()
        } else {
            format!("incomplete last line, a write cut short ({err})")
        }
    }
}

/// The file's lines, split at `\n` only, so the bytes are exactly those that were hashed.
pub(super) fn lines(bytes: &[u8]) -> impl Iterator<Item = Line<'_>> {
    let mut rest = bytes;
    let mut number = 0;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        number += 1;
        let line = match rest.iter().position(|b| *b == b'\n') {
            Some(end) => {
                let (line, tail) = rest.split_at(end);
                rest = tail.get(1..).unwrap_or_default();
                Line {
                    number,
                    bytes: line,
                    terminated: true,
                }
            }
            None => {
                let line = rest;
                rest = &[];
                Line {
                    number,
                    bytes: line,
                    terminated: false,
                }
            }
        };
        Some(line)
    })
}

/// What [`verify`] found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Verification {
    /// Records that parse and link to the record before them.
    pub records: usize,
    /// In file order.
    pub problems: Vec<VerifyProblem>,
}

impl Verification {
    pub fn is_intact(&self) -> bool {
        self.problems.is_empty()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VerifyProblem {
    /// Not a record: torn by a crash during a write, or damaged.
    Unreadable { line: usize, why: String },
    /// The record's `prev_hash` is not the hash of the readable record before it.
    BrokenLink {
        line: usize,
        /// The line of the readable record before it; `None` if it is the first.
        previous: Option<usize>,
        /// The line whose hash `prev_hash` holds, if that line is in the file.
        links_to: Option<usize>,
        expected: Option<String>,
        found: Option<String>,
    },
}

impl VerifyProblem {
    /// The line where the problem shows.
    pub fn line(&self) -> usize {
        match self {
            VerifyProblem::Unreadable { line, .. } | VerifyProblem::BrokenLink { line, .. } => {
                *line
            }
        }
    }
}

impl fmt::Display for VerifyProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerifyProblem::Unreadable { line, why } => {
                write!(f, "line {line}: not a readable record: {why}")
            }
            VerifyProblem::BrokenLink {
                line,
                previous,
                links_to,
                found,
                ..
            } => match (previous, links_to, found) {
                (None, Some(other), Some(_)) => write!(
                    f,
                    "line {line}: the first record links to line {other}, which comes after it \
                     (records were moved)"
                ),
                (None, None, Some(_)) => write!(
                    f,
                    "line {line}: the first record links to a record that is not in the file \
                     (records before it were removed)"
                ),
                (Some(previous), _, None) => write!(
                    f,
                    "line {line}: the record has no link to line {previous} \
                     (it was changed, or written as if it were the first)"
                ),
                (Some(previous), Some(other), Some(_)) => write!(
                    f,
                    "line {line}: the record links to line {other}, not to line {previous} \
                     (records were moved)"
                ),
                (Some(previous), None, Some(_)) => write!(
                    f,
                    "line {line}: the record does not link to line {previous} \
                     (line {previous} was changed, or records between them were removed)"
                ),
                (None, _, None) => write!(f, "line {line}: broken link"),
            },
        }
    }
}

impl fmt::Display for Verification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_intact() {
            return write!(f, "{} record(s), hash chain intact", self.records);
        }
        write!(
            f,
            "{} good record(s), {} problem(s):",
            self.records,
            self.problems.len()
        )?;
        for problem in &self.problems {
            write!(f, "\n{problem}")?;
        }
        Ok(())
    }
}

/// Walks the chain of the journal at `path`; a missing file is an empty, intact journal.
pub fn verify(path: &Path) -> std::io::Result<Verification> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(verify_bytes(&bytes)),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(Verification::default()),
        Err(err) => Err(err),
    }
}

/// [`verify`] on the file's contents.
pub fn verify_bytes(bytes: &[u8]) -> Verification {
    let all: Vec<(Line<'_>, RecordLine)> = lines(bytes)
        .map(|line| {
            let record = line.record();
            (line, record)
        })
        .collect();
    // Every line's hash, to say where a misplaced record's link points.
    let mut line_of: HashMap<String, usize> = HashMap::new();
    for (line, _) in &all {
        line_of.entry(line_hash(line.bytes)).or_insert(line.number);
    }
    let mut verification = Verification::default();
    // The last readable record: its line and hash.
    let mut previous: Option<(usize, String)> = None;
    for (line, record) in all {
        let record = match record {
            RecordLine::Blank => continue,
            RecordLine::Unreadable(why) => {
                verification.problems.push(VerifyProblem::Unreadable {
                    line: line.number,
                    why,
                });
                continue;
            }
            RecordLine::Record(record) => record,
        };
        let expected = previous.as_ref().map(|(_, hash)| hash);
        if record.prev_hash.as_ref() == expected {
            verification.records += 1;
        } else {
            verification.problems.push(VerifyProblem::BrokenLink {
                line: line.number,
                previous: previous.as_ref().map(|(n, _)| *n),
                links_to: record
                    .prev_hash
                    .as_ref()
                    .and_then(|hash| line_of.get(hash).copied()),
                expected: expected.cloned(),
                found: record.prev_hash.clone(),
            });
        }
        previous = Some((line.number, line_hash(line.bytes)));
    }
    verification
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_hash_is_sha256_hex() {
        assert_eq!(
            line_hash(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn lines_are_split_at_newlines_and_the_last_may_be_torn() {
        let split: Vec<(usize, &[u8], bool)> = lines(b"a\r\n\nb")
            .map(|l| (l.number, l.bytes, l.terminated))
            .collect();
        assert_eq!(
            split,
            vec![
                (1, &b"a\r"[..], true),
                (2, &b""[..], true),
                (3, &b"b"[..], false)
            ]
        );
        assert_eq!(lines(b"a\n").count(), 1);
        assert_eq!(lines(b"").count(), 0);
    }

    #[test]
    fn an_empty_journal_is_intact() {
        let verification = verify_bytes(b"");
        assert!(verification.is_intact());
        assert_eq!(verification.to_string(), "0 record(s), hash chain intact");
    }

    #[test]
    fn a_missing_file_verifies_as_empty() {
        let verification = verify(Path::new("/nonexistent/watchpost/journal.jsonl"));
        assert_eq!(verification.ok(), Some(Verification::default()));
    }

    #[test]
    fn problems_are_listed_one_per_line() {
        let verification = Verification {
            records: 2,
            problems: vec![
                VerifyProblem::Unreadable {
                    line: 3,
                    why: "EOF".into(),
                },
                VerifyProblem::BrokenLink {
                    line: 5,
                    previous: Some(4),
                    links_to: None,
                    expected: Some("aa".into()),
                    found: Some("bb".into()),
                },
            ],
        };
        assert!(!verification.is_intact());
        let text = verification.to_string();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines.first(), Some(&"2 good record(s), 2 problem(s):"));
        assert!(lines.get(1).is_some_and(|l| l.starts_with("line 3: ")));
        assert!(lines.get(2).is_some_and(|l| l.starts_with("line 5: ")));
    }
}
