//! The interactive runtime: owns the terminal, selects over terminal input, worker events,
//! a clock tick and termination signals, feeds them to `update`, carries out its effects
//! and redraws when something changed.

use crate::app::{App, Effect, Msg, update};
use crate::clipboard;
use crate::clock::SharedClock;
use crate::config::Theme;
use crate::remediation::Runner;
use crate::sources::Source;
use crate::ui;
use crate::worker::{self, PollSettings, WorkerHandle};
use crossterm::event::{Event, EventStream};
use futures::StreamExt;
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// Restores the terminal when dropped, so every exit path — `?`, return, or unwinding —
/// leaves the shell usable. Panics are covered by ratatui's panic hook as well.
pub struct TerminalGuard {
    pub terminal: ratatui::DefaultTerminal,
}

impl TerminalGuard {
    /// Raw mode, alternate screen, and the panic hook that undoes both.
    pub fn enter() -> std::io::Result<Self> {
        let terminal = ratatui::try_init()?;
        exit_on_any_panic();
        Ok(TerminalGuard { terminal })
    }
}

/// A panic on any thread — a worker task included — restores the terminal (ratatui's hook,
/// which runs first), prints the report, and ends the process. Without this, a worker panic
/// would be caught by tokio and the console would go on drawing onto a restored terminal.
fn exit_on_any_panic() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        previous(info);
        tracing::error!(%info, "panic");
        std::process::exit(101);
    }));
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        ratatui::restore();
    }
}

pub async fn run(
    mut app: App,
    theme: Theme,
    sources: Vec<Box<dyn Source>>,
    runner: Option<Arc<Runner>>,
    poll: PollSettings,
    clock: SharedClock,
) -> std::io::Result<()> {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let action_tx = tx.clone();
    let limit = worker::poll_limit(worker::DEFAULT_CONCURRENT_POLLS);
    let workers: Vec<WorkerHandle> = sources
        .into_iter()
        .map(|source| worker::spawn(source, poll, clock.clone(), tx.clone(), limit.clone()))
        .collect();
    drop(tx);

    let mut guard = TerminalGuard::enter()?;
    let size = guard.terminal.size()?;
    update(
        &mut app,
        Msg::Resize {
            width: size.width,
            height: size.height,
        },
    );

    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut terminate = Termination::new();
    let mut dirty = true;
    loop {
        if dirty {
            guard
                .terminal
                .draw(|frame| ui::render(frame, &app, &theme))?;
            dirty = false;
        }
        let msg = tokio::select! {
            event = events.next() => match event {
                Some(Ok(Event::Key(key))) => Msg::Key(key),
                Some(Ok(Event::Resize(width, height))) => Msg::Resize { width, height },
                Some(Ok(_)) => continue,
                Some(Err(err)) => return Err(err),
                // The terminal is gone (e.g. the SSH session dropped).
                None => return Ok(()),
            },
            Some(msg) = rx.recv() => msg,
            _ = tick.tick() => Msg::Tick(clock.now()),
            () = terminate.recv() => return Ok(()),
        };
        let mut effects = update(&mut app, msg);
        // Apply everything else already queued before drawing: one frame per burst.
        while let Ok(msg) = rx.try_recv() {
            effects.extend(update(&mut app, msg));
        }
        dirty = true;
        for effect in effects {
            match effect {
                Effect::Quit => return Ok(()),
                Effect::RefreshAll => workers.iter().for_each(WorkerHandle::refresh),
                Effect::Bell => {
                    let mut out = std::io::stdout();
                    out.write_all(b"\x07")?;
                    out.flush()?;
                }
                Effect::Copy(text) => {
                    let mut out = std::io::stdout();
                    out.write_all(clipboard::osc52(&text).as_bytes())?;
                    out.flush()?;
                    app.status = Some("Copied to the clipboard (OSC 52)".to_string());
                    app.status_since = Some(app.now);
                }
                Effect::Export { path, csv } => {
                    // The export is the table as shown; a failure is reported, not fatal.
                    let message = match std::fs::write(&path, csv) {
                        Ok(()) => format!("Exported the table to {path}"),
                        Err(err) => format!("Cannot write {path}: {err}"),
                    };
                    app.status = Some(message);
                    app.status_since = Some(app.now);
                }
                Effect::Execute(offer) => {
                    let runner = runner.clone();
                    let tx = action_tx.clone();
                    tokio::spawn(async move {
                        let result = match &runner {
                            Some(runner) => runner.run(&offer).await,
                            None => Err("read-only mode: no action can run".to_string()),
                        };
                        let _ = tx.send(Msg::ActionDone { offer, result });
                        if let Some(contents) = runner.as_ref().and_then(|r| r.journal_contents()) {
                            let _ = tx.send(Msg::Journal(contents));
                        }
                    });
                }
            }
        }
    }
}

/// SIGTERM and SIGHUP (a dropped SSH session) end the console cleanly, restoring the
/// terminal, instead of killing it mid-frame.
struct Termination {
    #[cfg(unix)]
    signals: Vec<tokio::signal::unix::Signal>,
}

impl Termination {
    fn new() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let signals = [SignalKind::terminate(), SignalKind::hangup()]
                .into_iter()
                .filter_map(|kind| signal(kind).ok())
                .collect();
            Termination { signals }
        }
        #[cfg(not(unix))]
        {
            Termination {}
        }
    }

    async fn recv(&mut self) {
        #[cfg(unix)]
        {
            if self.signals.is_empty() {
                return std::future::pending().await;
            }
            let waits = self.signals.iter_mut().map(|s| Box::pin(s.recv()));
            let _ = futures::future::select_all(waits).await;
        }
        #[cfg(not(unix))]
        std::future::pending::<()>().await
    }
}
