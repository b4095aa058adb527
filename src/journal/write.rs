//! Appending to the journal: one JSON line per record, linked to the record before it,
//! flushed and fsync'd before `append` returns, so an intent is on disk before its call.
//!
//! The file is opened without following a symbolic link and is readable by its owner only,
//! in a directory that is the owner's own (see [`crate::private_fs`]). Appends from several
//! processes (two consoles on one account) take an exclusive lock on the file around reading
//! where the chain ends and writing the next record, so the chain never forks.

use super::JournalRecord;
use super::chain::{RecordLine, line_hash, lines};
use crate::private_fs::{self, OpenMode};
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Appends records to one journal file. `Send`, so a tokio task can own it behind a mutex.
#[derive(Debug)]
pub struct JournalWriter {
    path: PathBuf,
    file: File,
    /// Hash of the last readable record's line: the next record's `prev_hash`.
    last_hash: Option<String>,
    /// The file ends without a newline (a write cut short): start a fresh line first.
    needs_newline: bool,
    /// The file's length after our last write. Any other length means a write of ours failed
    /// part-way or another process wrote: the state above is read again from the file.
    len: u64,
}

impl JournalWriter {
    /// Opens (creating it and its directories if needed) the journal at `path` for
    /// appending, readable and writable by the owner only, and finds the last record's hash.
    /// Its directory must be the owner's own and not a symbolic link, and the journal itself
    /// not a symbolic link: otherwise nothing is written and the error says why.
    pub fn open(path: &Path) -> io::Result<JournalWriter> {
        let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
        if let Some(parent) = parent {
            private_fs::ensure_private_dir(parent)?;
        }
        let (file, created) = private_fs::open_private(path, OpenMode::Append)?;
        if created {
            // The new file's name reaches the disk before any intent is written to it.
            private_fs::sync_dir(parent.unwrap_or(Path::new(".")))?;
        }
        let mut writer = JournalWriter {
            path: path.to_path_buf(),
            file,
            last_hash: None,
            needs_newline: false,
            len: 0,
        };
        writer.scan()?;
        Ok(writer)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes `record` as one line with `prev_hash` set, flushes and fsyncs it, and returns
    /// the record as stored. When this returns an error the record may or may not be on
    /// disk; the caller must not go on as if it were.
    pub fn append(&mut self, record: JournalRecord) -> io::Result<JournalRecord> {
        // Waits while another writer (another process) appends; the lock also ends when a
        // process holding it dies. Released when `_lock` goes, after the fsync.
        let _lock = private_fs::lock_exclusive(&self.file)?;
        self.append_locked(record)
    }

    /// Empties the journal and writes `records` as its whole chain, under one lock: the
    /// demo account's journal starts anew with its sample history, as the account does.
    /// Never for a real account's journal, whose records must not be removed.
    pub fn start_over(
        &mut self,
        records: impl IntoIterator<Item = JournalRecord>,
    ) -> io::Result<()> {
        let _lock = private_fs::lock_exclusive(&self.file)?;
        self.file.set_len(0)?;
        self.file.sync_all()?;
        self.last_hash = None;
        self.needs_newline = false;
        self.len = 0;
        for record in records {
            self.append_locked(record)?;
        }
        Ok(())
    }

    fn append_locked(&mut self, mut record: JournalRecord) -> io::Result<JournalRecord> {
        if self.file.metadata()?.len() != self.len {
            self.scan()?;
        }
        record.prev_hash = self.last_hash.clone();
        // serde_json escapes control characters in strings: the line holds no newline.
        let line = serde_json::to_string(&record).map_err(io::Error::other)?;
        let mut buf = Vec::with_capacity(line.len() + 2);
        if self.needs_newline {
            buf.push(b'\n');
        }
        buf.extend_from_slice(line.as_bytes());
        buf.push(b'\n');
        self.file.write_all(&buf)?;
        self.file.flush()?;
        self.file.sync_all()?;
        self.last_hash = Some(line_hash(line.as_bytes()));
        self.needs_newline = false;
        self.len += buf.len() as u64;
        Ok(record)
    }

    /// Reads the file through our handle to find where the chain ends.
    fn scan(&mut self) -> io::Result<()> {
        let mut bytes = Vec::new();
        self.file.seek(SeekFrom::Start(0))?;
        self.file.read_to_end(&mut bytes)?;
        self.last_hash = lines(&bytes)
            .filter(|line| matches!(line.record(), RecordLine::Record(_)))
            .last()
            .map(|line| line_hash(line.bytes));
        self.needs_newline = bytes.last().is_some_and(|b| *b != b'\n');
        self.len = bytes.len() as u64;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::{Outcome, read, verify};
    use chrono::{DateTime, Utc};

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default()
    }

    fn intent(target: &str) -> JournalRecord {
        JournalRecord::intent(
            "access-key.deactivate",
            target,
            "123456789012",
            None,
            "arn:aws:iam::123456789012:user/me",
            "aws iam update-access-key",
            now(),
        )
    }

    #[test]
    fn the_writer_is_send() {
        fn send<T: Send>() {}
        send::<JournalWriter>();
    }

    #[test]
    fn records_are_chained_from_none() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        let mut writer = JournalWriter::open(&path).unwrap();
        let first = writer.append(intent("a")).unwrap();
        let second = writer
            .append(JournalRecord::outcome(&first, None, now()))
            .unwrap();
        assert_eq!(first.prev_hash, None);
        let text = std::fs::read_to_string(&path).unwrap();
        let first_line = text.lines().next().unwrap();
        assert_eq!(
            second.prev_hash.as_deref(),
            Some(line_hash(first_line.as_bytes()).as_str())
        );
        assert!(verify(&path).unwrap().is_intact());
        let contents = read(&path).unwrap();
        assert_eq!(
            contents.entries.first().map(|e| &e.outcome),
            Some(&Outcome::Succeeded)
        );
    }

    #[test]
    fn creates_missing_directories() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state/watchpost/journal.jsonl");
        let mut writer = JournalWriter::open(&path).unwrap();
        writer.append(intent("a")).unwrap();
        assert_eq!(read(&path).unwrap().entries.len(), 1);
        assert_eq!(writer.path(), path.as_path());
    }

    #[test]
    fn creating_the_journal_syncs_its_directory_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("watchpost/journal.jsonl");
        let syncs = || private_fs::DIR_SYNCS.with(std::cell::Cell::get);
        let before = syncs();
        let mut writer = JournalWriter::open(&path).unwrap();
        assert_eq!(syncs(), before + 1, "the new file's directory");
        writer.append(intent("a")).unwrap();
        JournalWriter::open(&path).unwrap();
        assert_eq!(
            syncs(),
            before + 1,
            "an existing journal is not created again"
        );
    }

    #[cfg(unix)]
    #[test]
    fn symbolic_links_are_refused_for_the_journal_and_its_directory() {
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = dir.path().join("elsewhere");
        std::fs::create_dir(&elsewhere).unwrap();
        std::fs::write(elsewhere.join("journal.jsonl"), "").unwrap();

        let linked_file = dir.path().join("journal.jsonl");
        std::os::unix::fs::symlink(elsewhere.join("journal.jsonl"), &linked_file).unwrap();
        let err = JournalWriter::open(&linked_file).unwrap_err().to_string();
        assert!(err.contains("symbolic link in place of"), "{err}");

        let linked_dir = dir.path().join("state");
        std::os::unix::fs::symlink(&elsewhere, &linked_dir).unwrap();
        let err = JournalWriter::open(&linked_dir.join("journal.jsonl"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("symbolic link in place of"), "{err}");
        assert_eq!(
            std::fs::read(elsewhere.join("journal.jsonl")).unwrap(),
            b"",
            "nothing written through either link"
        );
    }

    #[test]
    fn starting_over_leaves_only_the_new_records_chained_from_none() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        let mut old = JournalWriter::open(&path).unwrap();
        old.append(intent("old")).unwrap();
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .and_then(|mut f| f.write_all(b"{torn"))
            .unwrap();
        let mut writer = JournalWriter::open(&path).unwrap();
        writer.start_over([intent("a"), intent("b")]).unwrap();
        let verification = verify(&path).unwrap();
        assert!(verification.is_intact(), "{verification}");
        assert_eq!(verification.records, 2);
        let targets: Vec<String> = read(&path)
            .unwrap()
            .entries
            .into_iter()
            .map(|e| e.intent.target)
            .collect();
        assert!(!targets.contains(&"old".to_string()), "{targets:?}");
        // A writer that had the file open before goes on from the new chain.
        old.append(intent("c")).unwrap();
        let verification = verify(&path).unwrap();
        assert!(verification.is_intact(), "{verification}");
        assert_eq!(verification.records, 3);
    }

    #[test]
    fn a_write_by_someone_else_is_picked_up_before_the_next_append() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        let mut one = JournalWriter::open(&path).unwrap();
        let mut two = JournalWriter::open(&path).unwrap();
        one.append(intent("a")).unwrap();
        two.append(intent("b")).unwrap();
        one.append(intent("c")).unwrap();
        let verification = verify(&path).unwrap();
        assert!(verification.is_intact(), "{verification}");
        assert_eq!(verification.records, 3);
    }
}
