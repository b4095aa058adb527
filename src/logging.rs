//! Logs go to `$XDG_STATE_HOME/watchpost/watchpost.log`, never to the screen (which the
//! console owns). The level comes from `WATCHPOST_LOG` (e.g. `debug`), default `info`.

use std::path::Path;
use tracing_subscriber::EnvFilter;

/// Log lines waiting for the writer thread at most.
const QUEUED_LINES: usize = 4096;

/// Starts file logging. Returns the guard that flushes on drop, or `None` when the log
/// file cannot be opened (the console still runs; it just does not log).
pub fn init(state_dir: Option<&Path>) -> Option<tracing_appender::non_blocking::WorkerGuard> {
    let dir = state_dir?;
    std::fs::create_dir_all(dir).ok()?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("watchpost.log"))
        .ok()?;
    // The default queue preallocates room for 128,000 lines (4 MB); the console logs a few
    // lines a minute. A burst beyond this many is dropped, as by default, rather than
    // stall the console on a slow disk.
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .buffered_lines_limit(QUEUED_LINES)
        .finish(file);
    let filter =
        EnvFilter::try_from_env("WATCHPOST_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init()
        .ok()?;
    Some(guard)
}
