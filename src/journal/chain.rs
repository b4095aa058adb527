//! The hash chain: every record's `prev_hash` is the SHA-256 of the line before it, as
//! written. Changing, removing or reordering a record breaks a link, and [`verify`] reports
//! the line where it breaks. Unreadable lines (a write cut short by a crash, damage) are
//! reported too and skipped: the writer links the next record to the last readable one.
//!
//! On its own the chain cannot show that records were cut from the *end* of the file, that
//! the file was deleted, nor that the whole file was rewritten with a fresh chain: that needs
//! the head (the hash of the last record's line) kept somewhere else, and checked with
//! [`verify_expecting`].
//!
//! A write cut short by a crash leaves a *torn* line (partial JSON, usually without its
//! newline). It is reported apart from tampering: no record is lost or changed by it, and the
//! writer starts the next record on a fresh line, linked to the last whole record.

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
    /// Not a record. `torn`: the line is a record cut short (a crash while writing), not
    /// damage.
    Unreadable {
        why: String,
        torn: bool,
    },
}

impl Line<'_> {
    pub fn record(&self) -> RecordLine {
        if self.bytes.trim_ascii().is_empty() {
            return RecordLine::Blank;
        }
        if let Err(err) = std::str::from_utf8(self.bytes) {
            // A character cut in two at the end of the line is a cut write; one broken in
            // the middle is damage.
            return self.unreadable("not UTF-8 text", err.error_len().is_none());
        }
        match serde_json::from_slice::<JournalRecord>(self.bytes) {
            Ok(record) => RecordLine::Record(Box::new(record)),
            Err(err) => self.unreadable(&err.to_string(), err.is_eof()),
        }
    }

    /// `cut`: the bytes are the start of a record that ends too early.
    fn unreadable(&self, err: &str, cut: bool) -> RecordLine {
        // The last line without a newline is always a write that did not finish; a line
        // further up that is a cut record was torn by a crash, and the writer went on after
        // it on a fresh line.
        let torn = !self.terminated || cut;
        let why = match (self.terminated, torn) {
            (false, _) => format!("incomplete last line, a write cut short ({err})"),
            (true, true) => format!(
                "incomplete line, a write cut short; the records after it go on from the \
                 record before it ({err})"
            ),
            (true, false) => err.to_string(),
        };
        RecordLine::Unreadable { why, torn }
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
    /// In file order; a head check's problem comes last.
    pub problems: Vec<VerifyProblem>,
    /// The last readable record: the value the next record's `prev_hash` will hold. `None`
    /// when the journal holds no record.
    pub head: Option<Head>,
}

/// Where the journal ends: the last readable record's line and the SHA-256 of that line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Head {
    pub line: usize,
    pub hash: String,
}

impl Verification {
    /// No problem at all: every record links to the one before it, no torn line, and the
    /// journal ends at the expected head if one was given.
    pub fn is_intact(&self) -> bool {
        self.problems.is_empty()
    }

    /// A problem a crash cannot explain: an edited, removed, reordered or damaged record,
    /// or a journal that does not end at the expected head.
    pub fn is_tampered(&self) -> bool {
        self.problems
            .iter()
            .any(|p| !matches!(p, VerifyProblem::Torn { .. }))
    }

    /// Lines torn by a crash while writing.
    pub fn torn(&self) -> usize {
        self.problems
            .iter()
            .filter(|p| matches!(p, VerifyProblem::Torn { .. }))
            .count()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VerifyProblem {
    /// A record cut short by a crash during its write: no record is lost or changed by it.
    Torn { line: usize, why: String },
    /// Not a record, and not a cut one either: the line was damaged or edited.
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
    /// The journal does not end at the head kept elsewhere (`--expect-head`).
    WrongHead {
        expected: String,
        /// Where the journal ends instead; `None` when it holds no record.
        found: Option<Head>,
        /// The line whose hash is the expected head, if that line is still in the file.
        expected_line: Option<usize>,
        /// The file's last line.
        line: usize,
    },
    /// A head was expected but there is no journal file.
    Missing { expected: String },
}

impl VerifyProblem {
    /// The line where the problem shows (0: the file as a whole).
    pub fn line(&self) -> usize {
        match self {
            VerifyProblem::Torn { line, .. }
            | VerifyProblem::Unreadable { line, .. }
            | VerifyProblem::BrokenLink { line, .. }
            | VerifyProblem::WrongHead { line, .. } => *line,
            VerifyProblem::Missing { .. } => 0,
        }
    }
}

impl fmt::Display for VerifyProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerifyProblem::Torn { line, why } => {
                write!(
                    f,
                    "line {line}: torn (a crash while writing, not tampering): {why}"
                )
            }
            VerifyProblem::Unreadable { line, why } => {
                write!(f, "line {line}: not a readable record: {why}")
            }
            VerifyProblem::Missing { expected } => write!(
                f,
                "the journal file does not exist, but it should end at head {expected}: \
                 it was deleted or moved"
            ),
            VerifyProblem::WrongHead {
                expected,
                found,
                expected_line,
                ..
            } => match (found, expected_line) {
                (None, _) => write!(
                    f,
                    "the journal holds no record, but it should end at head {expected}: \
                     it was emptied"
                ),
                (Some(head), Some(at)) => write!(
                    f,
                    "the expected head {expected} is line {at}, but the journal goes on to \
                     line {} (head {}): records were added after it",
                    head.line, head.hash
                ),
                (Some(head), None) => write!(
                    f,
                    "the journal ends at line {} (head {}), and no line has the expected head \
                     {expected}: records were removed from the end, or the journal was \
                     rewritten",
                    head.line, head.hash
                ),
            },
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
        if !self.is_tampered() {
            write!(
                f,
                "{} record(s), hash chain intact, but {} torn line(s): a write cut short by a \
                 crash, not tampering:",
                self.records,
                self.torn()
            )?;
        } else {
            write!(
                f,
                "{} good record(s), {} problem(s):",
                self.records,
                self.problems.len()
            )?;
        }
        for problem in &self.problems {
            write!(f, "\n{problem}")?;
        }
        Ok(())
    }
}

/// Walks the chain of the journal at `path`. A missing file is an empty, intact journal;
/// any other error reading it (permission denied, a directory) is an error.
pub fn verify(path: &Path) -> std::io::Result<Verification> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(verify_bytes(&bytes)),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(Verification::default()),
        Err(err) => Err(err),
    }
}

/// [`verify`], and the journal must end exactly at `head` (a hash kept elsewhere, e.g. in a
/// ticket or a log shipper): this is what shows a removed last record, a cut tail, a deleted
/// file or a chain rewritten from the start.
pub fn verify_expecting(path: &Path, head: &str) -> std::io::Result<Verification> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(verify_bytes_expecting(&bytes, head)),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(Verification {
            problems: vec![VerifyProblem::Missing {
                expected: head.to_string(),
            }],
            ..Verification::default()
        }),
        Err(err) => Err(err),
    }
}

/// [`verify_expecting`] on the file's contents.
pub fn verify_bytes_expecting(bytes: &[u8], head: &str) -> Verification {
    let mut verification = verify_bytes(bytes);
    let expected = head.trim().to_ascii_lowercase();
    if verification.head.as_ref().map(|h| h.hash.as_str()) != Some(expected.as_str()) {
        let mut last_line = 0;
        let mut expected_line = None;
        for line in lines(bytes) {
            last_line = line.number;
            if expected_line.is_none() && line_hash(line.bytes) == expected {
                expected_line = Some(line.number);
            }
        }
        verification.problems.push(VerifyProblem::WrongHead {
            expected,
            found: verification.head.clone(),
            expected_line,
            line: last_line,
        });
    }
    verification
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
            RecordLine::Unreadable { why, torn } => {
                let line = line.number;
                verification.problems.push(if torn {
                    VerifyProblem::Torn { line, why }
                } else {
                    VerifyProblem::Unreadable { line, why }
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
    verification.head = previous.map(|(line, hash)| Head { line, hash });
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
    fn the_head_is_the_hash_of_the_last_readable_record() {
        let first = r#"{"id":"1","time":"2026-01-01T00:00:00Z","phase":"intent","action":"a","target":"t","account_id":"1","region":null,"caller_arn":"arn","cli":"aws"}"#;
        let second = first.replace(
            r#""id":"1""#,
            &format!(r#""prev_hash":"{}","id":"2""#, line_hash(first.as_bytes())),
        );
        let text = format!("{first}\n{second}\n{{\"id\":\"3");
        let verification = verify_bytes(text.as_bytes());
        assert_eq!(verification.records, 2);
        assert_eq!(
            verification.head,
            Some(Head {
                line: 2,
                hash: line_hash(second.as_bytes())
            })
        );
        assert_eq!(verify_bytes(b"").head, None);
    }

    #[test]
    fn a_cut_record_is_torn_and_damage_is_not() {
        let record = r#"{"id":"1","time":"2026-01-01T00:00:00Z","phase":"intent","action":"a","target":"zoë","account_id":"1","region":null,"caller_arn":"arn","cli":"aws"}"#;
        let kind = |text: &str| verify_bytes(text.as_bytes()).problems;
        // Cut short at the end of the file, with or without a newline the writer added after.
        for text in [record[..40].to_string(), format!("{}\n", &record[..40])] {
            assert!(
                matches!(
                    kind(&text).as_slice(),
                    [VerifyProblem::Torn { line: 1, .. }]
                ),
                "{text}"
            );
        }
        // A character cut in two at the end of the line.
        let cut = record.find('ë').unwrap_or_default() + 1;
        let mut bytes = record.as_bytes()[..cut].to_vec();
        bytes.push(b'\n');
        assert!(matches!(
            verify_bytes(&bytes).problems.as_slice(),
            [VerifyProblem::Torn { line: 1, .. }]
        ));
        // Whole lines that are not records are damage.
        for text in ["{not json}\n", "garbage\n", "\u{fffd}{}\n"] {
            assert!(
                matches!(
                    kind(text).as_slice(),
                    [VerifyProblem::Unreadable { line: 1, .. }]
                ),
                "{text}"
            );
        }
        let mut broken = record.as_bytes().to_vec();
        broken.insert(5, 0xff);
        broken.push(b'\n');
        assert!(matches!(
            verify_bytes(&broken).problems.as_slice(),
            [VerifyProblem::Unreadable { line: 1, .. }]
        ));
        // The count of torn lines is what the listing says.
        let torn = verify_bytes(&record.as_bytes()[..40]);
        assert_eq!(torn.torn(), 1);
        assert!(torn.to_string().contains("but 1 torn line(s)"), "{torn}");
        assert_eq!(verify_bytes(b"garbage\n").torn(), 0);
    }

    #[test]
    fn a_head_check_says_where_the_journal_ends() {
        let first = r#"{"id":"1","time":"2026-01-01T00:00:00Z","phase":"intent","action":"a","target":"t","account_id":"1","region":null,"caller_arn":"arn","cli":"aws"}"#;
        let second = first.replace(
            r#""id":"1""#,
            &format!(r#""prev_hash":"{}","id":"2""#, line_hash(first.as_bytes())),
        );
        let text = format!("{first}\n{second}\n");
        let head1 = line_hash(first.as_bytes());
        let head2 = line_hash(second.as_bytes());
        assert!(verify_bytes_expecting(text.as_bytes(), &head2).is_intact());
        assert!(
            verify_bytes_expecting(text.as_bytes(), &head2.to_uppercase()).is_intact(),
            "hex in either case"
        );
        let grown = verify_bytes_expecting(text.as_bytes(), &head1);
        assert!(grown.is_tampered());
        assert!(
            grown.to_string().contains("records were added after it"),
            "{grown}"
        );
        let cut = verify_bytes_expecting(format!("{first}\n").as_bytes(), &head2);
        assert!(
            cut.to_string()
                .contains("records were removed from the end"),
            "{cut}"
        );
        let empty = verify_bytes_expecting(b"", &head2);
        assert!(empty.to_string().contains("it was emptied"), "{empty}");
        assert!(
            verify_expecting(Path::new("/nonexistent/watchpost/journal.jsonl"), &head2)
                .is_ok_and(|v| v.to_string().contains("deleted or moved"))
        );
    }

    #[test]
    fn a_directory_is_an_error_not_an_empty_journal() {
        let dir = std::env::temp_dir();
        assert!(verify(&dir).is_err());
        assert!(verify_expecting(&dir, "00").is_err());
    }

    #[test]
    fn problems_are_listed_one_per_line() {
        let verification = Verification {
            head: None,
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
