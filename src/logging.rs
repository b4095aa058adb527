//! Logs go to `$XDG_STATE_HOME/watchpost/watchpost.log`, never to the screen (which the
//! console owns). The level comes from `WATCHPOST_LOG` (e.g. `debug`), default `info`.
//!
//! The log is readable by its owner only (created 0600, tightened if it exists, never opened
//! through a symbolic link, in a state directory that is the owner's own) and bounded: when
//! it would pass [`MAX_LOG_BYTES`] it is renamed `watchpost.log.1`, older ones move to `.2`
//! and `.3`, and the oldest goes, so the logs never take more than 4 × 8 MiB.

use crate::private_fs::{self, OpenMode};
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use tracing_subscriber::EnvFilter;

/// Log lines waiting for the writer thread at most.
const QUEUED_LINES: usize = 4096;

/// The log file's name in the state directory.
pub const LOG_FILE: &str = "watchpost.log";
/// The size past which the log is rotated.
pub const MAX_LOG_BYTES: u64 = 8 * 1024 * 1024;
/// Rotated logs kept beside the current one (`watchpost.log.1` is the newest).
pub const KEPT_LOGS: usize = 3;

/// Starts file logging in `state_dir`. Returns the guard that flushes on drop; `Ok(None)`
/// when there is no state directory; an error when the directory is refused (see
/// [`private_fs::ensure_private_dir`]) or the log cannot be opened. The console runs either
/// way; it just does not log.
pub fn init(
    state_dir: Option<&Path>,
) -> io::Result<Option<tracing_appender::non_blocking::WorkerGuard>> {
    let Some(dir) = state_dir else {
        return Ok(None);
    };
    private_fs::ensure_private_dir(dir)?;
    let file = RotatingFile::open(dir, MAX_LOG_BYTES, KEPT_LOGS)?;
    // The default queue preallocates room for 128,000 lines (4 MB); the console logs a few
    // lines a minute. A burst beyond this many is dropped, as by default, rather than
    // stall the console on a slow disk.
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .buffered_lines_limit(QUEUED_LINES)
        .finish(file);
    let filter =
        EnvFilter::try_from_env("WATCHPOST_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    // A second call in one process (tests) keeps the first subscriber.
    let installed = tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init()
        .is_ok();
    Ok(installed.then_some(guard))
}

/// The log's writer guard, where [`flush`] can reach it from a panic hook: the hook ends the
/// process with `exit`, which runs no destructor, so a guard on `main`'s stack would never
/// write out the lines still queued for the writer thread (the panic's own line among them).
static KEPT_GUARD: std::sync::Mutex<Option<tracing_appender::non_blocking::WorkerGuard>> =
    std::sync::Mutex::new(None);

/// Keeps `guard` (from [`init`]) where [`flush`] finds it. The value returned flushes when
/// dropped, as the guard itself would: hold it for the life of `main`.
#[must_use = "the log is flushed when this is dropped"]
pub fn keep_for_flush(guard: Option<tracing_appender::non_blocking::WorkerGuard>) -> FlushOnDrop {
    let mut slot = KEPT_GUARD
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    *slot = guard;
    FlushOnDrop(())
}

/// Writes out every queued log line and waits (a second at most) for the writer thread to
/// finish; lines logged afterwards are dropped. For the panic hook, just before `exit`.
pub fn flush() {
    let mut slot = KEPT_GUARD
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    // Dropped with the lock held, so a second thread panicking meanwhile waits for the
    // flush to finish before it ends the process.
    drop(slot.take());
}

/// [`init`], its guard kept where [`flush`] finds it: for a program that installs the
/// console's panic hook. Without a log (no state directory, or it cannot be opened) there
/// is nothing to flush.
pub fn init_with_flush(state_dir: Option<&Path>) -> FlushOnDrop {
    keep_for_flush(init(state_dir).ok().flatten())
}

/// Calls [`flush`] when dropped.
pub struct FlushOnDrop(());

impl Drop for FlushOnDrop {
    fn drop(&mut self) {
        flush();
    }
}

/// The log file, renamed aside when it would grow past `max` bytes; `kept` rotated files
/// are kept.
#[derive(Debug)]
pub struct RotatingFile {
    dir: PathBuf,
    file: File,
    /// Bytes in the current file.
    len: u64,
    max: u64,
    kept: usize,
}

impl RotatingFile {
    /// Opens (or creates) `dir/watchpost.log` for appending, 0600, not through a symbolic
    /// link.
    pub fn open(dir: &Path, max: u64, kept: usize) -> io::Result<RotatingFile> {
        let (file, _) = private_fs::open_private(&dir.join(LOG_FILE), OpenMode::Append)?;
        let len = file.metadata()?.len();
        Ok(RotatingFile {
            dir: dir.to_path_buf(),
            file,
            len,
            max,
            kept,
        })
    }

    fn rotated(&self, n: usize) -> PathBuf {
        self.dir.join(format!("{LOG_FILE}.{n}"))
    }

    /// `watchpost.log.N` → `.N+1` (the last one removed), the log → `.1`, a fresh log.
    fn rotate(&mut self) -> io::Result<()> {
        let current = self.dir.join(LOG_FILE);
        if self.kept == 0 {
            ignore_missing(std::fs::remove_file(&current))?;
        } else {
            ignore_missing(std::fs::remove_file(self.rotated(self.kept)))?;
            for n in (1..self.kept).rev() {
                ignore_missing(std::fs::rename(self.rotated(n), self.rotated(n + 1)))?;
            }
            ignore_missing(std::fs::rename(&current, self.rotated(1)))?;
        }
        let (file, _) = private_fs::open_private(&current, OpenMode::Append)?;
        self.len = file.metadata()?.len();
        self.file = file;
        Ok(())
    }
}

fn ignore_missing(result: io::Result<()>) -> io::Result<()> {
    match result {
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

impl Write for RotatingFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        // A line longer than the limit still goes into a file of its own.
        if self.len > 0 && self.len.saturating_add(buf.len() as u64) > self.max {
            self.rotate()?;
        }
        let written = self.file.write(buf)?;
        self.len = self.len.saturating_add(written as u64);
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tempdir() -> tempfile::TempDir {
        tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"))
    }

    fn size(path: &Path) -> Option<u64> {
        std::fs::metadata(path).ok().map(|m| m.len())
    }

    #[test]
    fn the_log_rotates_past_its_limit_and_keeps_a_few_files() {
        let dir = tempdir();
        let mut log = RotatingFile::open(dir.path(), 250, 2).unwrap_or_else(|e| panic!("{e}"));
        let line = [b'x'; 99];
        for n in 0..20u8 {
            let mut bytes = line.to_vec();
            bytes.push(b'0' + n % 10);
            log.write_all(&bytes).unwrap_or_else(|e| panic!("{e}"));
        }
        log.flush().unwrap_or_else(|e| panic!("{e}"));
        let current = dir.path().join(LOG_FILE);
        for path in [
            current.clone(),
            dir.path().join("watchpost.log.1"),
            dir.path().join("watchpost.log.2"),
        ] {
            let len = size(&path);
            assert!(len.is_some_and(|l| l > 0 && l <= 250), "{path:?}: {len:?}");
        }
        assert!(!dir.path().join("watchpost.log.3").exists(), "only 2 kept");
        // The newest line is in the current file, the one before it in `.1`.
        let text = std::fs::read_to_string(&current).unwrap_or_default();
        assert!(text.ends_with('9'), "{text}");
        let files = std::fs::read_dir(dir.path())
            .map(Iterator::count)
            .unwrap_or(0);
        assert_eq!(files, 3);
    }

    #[test]
    fn a_reopened_log_counts_what_it_holds() {
        let dir = tempdir();
        std::fs::write(dir.path().join(LOG_FILE), [b'x'; 200]).unwrap_or_else(|e| panic!("{e}"));
        let mut log = RotatingFile::open(dir.path(), 250, 1).unwrap_or_else(|e| panic!("{e}"));
        log.write_all(&[b'y'; 100])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(size(&dir.path().join("watchpost.log.1")), Some(200));
        assert_eq!(size(&dir.path().join(LOG_FILE)), Some(100));
    }

    #[cfg(unix)]
    #[test]
    fn the_log_is_private_and_never_opened_through_a_link() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| {
            std::fs::symlink_metadata(p)
                .map(|m| m.permissions().mode() & 0o777)
                .unwrap_or(0)
        };
        let dir = tempdir();
        let path = dir.path().join(LOG_FILE);
        std::fs::write(&path, "old\n").unwrap_or_else(|e| panic!("{e}"));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644))
            .unwrap_or_else(|e| panic!("{e}"));
        let mut log = RotatingFile::open(dir.path(), 10, 1).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(mode(&path), 0o600, "an existing log is tightened");
        log.write_all(b"a new line\n")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(mode(&path), 0o600, "a rotated-in log is created private");
        assert_eq!(mode(&dir.path().join("watchpost.log.1")), 0o600);

        let other = tempdir();
        let target = other.path().join("elsewhere.log");
        std::fs::write(&target, "").unwrap_or_else(|e| panic!("{e}"));
        std::os::unix::fs::symlink(&target, other.path().join(LOG_FILE))
            .unwrap_or_else(|e| panic!("{e}"));
        let err = RotatingFile::open(other.path(), 10, 1)
            .err()
            .map(|e| e.to_string());
        assert!(
            err.as_deref()
                .is_some_and(|e| e.contains("symbolic link in place of")),
            "{err:?}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn no_log_is_written_into_a_refused_directory() {
        let dir = tempdir();
        let real = dir.path().join("real");
        std::fs::create_dir(&real).unwrap_or_else(|e| panic!("{e}"));
        let link = dir.path().join("watchpost");
        std::os::unix::fs::symlink(&real, &link).unwrap_or_else(|e| panic!("{e}"));
        let err = init(Some(&link)).err().map(|e| e.to_string());
        assert!(
            err.as_deref()
                .is_some_and(|e| e.contains("symbolic link in place of")),
            "{err:?}"
        );
        assert!(!real.join(LOG_FILE).exists());
        assert!(matches!(init(None), Ok(None)));
    }
}
