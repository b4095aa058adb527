//! The interactive runtime: owns the terminal, selects over terminal input, worker events,
//! a clock tick and termination signals, feeds them to `update`, carries out its effects
//! and redraws when something changed.

use crate::app::settle::Settle;
use crate::app::{App, Effect, Msg, SwitchTarget, is_quit, update};
use crate::clipboard;
use crate::clock::SharedClock;
use crate::input::{Key, KeyCode, Modifiers};
use crate::remediation::ActionError;
use crate::session::{Connected, Established, SessionFactory};
use crate::sources::Source;
use crate::ui;
use crate::worker::{self, PollLimit, PollSettings, Schedule, WorkerHandle};
use crossterm::event::{
    self as term, DisableBracketedPaste, EnableBracketedPaste, Event, EventStream, KeyEventKind,
};
use futures::StreamExt;
use std::io::Write;
use std::time::Duration;
use tokio::sync::mpsc;

/// Restores the terminal when dropped, so every exit path — `?`, return, or unwinding —
/// leaves the shell usable. Panics are covered by ratatui's panic hook as well.
pub struct TerminalGuard {
    pub terminal: ratatui::DefaultTerminal,
}

impl TerminalGuard {
    /// Raw mode, alternate screen, bracketed paste (a paste arrives as one piece of text,
    /// never as key presses), and the panic hook that undoes them.
    pub fn enter() -> std::io::Result<Self> {
        let terminal = ratatui::try_init()?;
        let guard = TerminalGuard { terminal };
        crossterm::execute!(std::io::stdout(), EnableBracketedPaste)?;
        exit_on_any_panic();
        Ok(guard)
    }
}

/// A panic on any thread — a worker task included — restores the terminal (ratatui's hook,
/// which runs first), prints the report, logs it and flushes the log, and ends the process
/// with status 101. Without this, a worker panic would be caught by tokio and the console
/// would go on drawing onto a restored terminal.
fn exit_on_any_panic() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = crossterm::execute!(std::io::stdout(), DisableBracketedPaste);
        previous(info);
        tracing::error!(%info, "panic");
        // `exit` runs no destructor: write out the queued log lines (this one included).
        crate::logging::flush();
        std::process::exit(101);
    }));
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let _ = crossterm::execute!(std::io::stdout(), DisableBracketedPaste);
        ratatui::restore();
    }
}

/// What a switch's connecting task sends back to the console loop.
type SwitchOutcome = (SwitchTarget, Result<Connected, String>);

/// The workers of the current session, and the channel their data comes in on. A switch
/// replaces both: dropping the handles aborts the old workers, and dropping the receiver
/// discards whatever they had already sent.
struct Polling {
    workers: Vec<WorkerHandle>,
    rx: mpsc::UnboundedReceiver<Msg>,
}

impl Polling {
    fn start(
        sources: Vec<Box<dyn Source>>,
        schedule: &Schedule,
        clock: &SharedClock,
        limit: &PollLimit,
    ) -> Polling {
        let (tx, rx) = mpsc::unbounded_channel();
        let workers = sources
            .into_iter()
            .map(|source| {
                let poll = schedule.of(source.id().kind);
                worker::spawn(source, poll, clock.clone(), tx.clone(), limit.clone())
            })
            .collect();
        Polling { workers, rx }
    }
}

pub async fn run(
    mut app: App,
    established: Established,
    mut factory: SessionFactory,
    poll: PollSettings,
    clock: SharedClock,
) -> std::io::Result<()> {
    let Established {
        mut theme,
        sources,
        mut runner,
        mut read_only,
        mut lookups,
        ..
    } = established;
    let limit = worker::poll_limit(worker::DEFAULT_CONCURRENT_POLLS);
    let schedule = match &app.data.org {
        Some(_) => Schedule::organisation(poll, &app.settings.org.refresh),
        None => Schedule::every_source(poll),
    };
    let mut polling = Polling::start(sources, &schedule, &clock, &limit);
    let (action_tx, mut action_rx) = mpsc::unbounded_channel();
    let (switch_tx, mut switch_rx) = mpsc::unbounded_channel::<SwitchOutcome>();

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
    let mut settle = Settle::default();
    let mut trimmer = crate::allocator::Trimmer::default();
    let dialog_step = |app: &App| app.dialog.as_ref().map(|_| app.dialog_step);
    loop {
        if dirty {
            guard
                .terminal
                .draw(|frame| ui::render(frame, &app, &theme))?;
            settle.drawn(dialog_step(&app), std::time::Instant::now());
            dirty = false;
        }
        let msg = tokio::select! {
            biased;
            event = events.next() => match event {
                Some(Ok(Event::Key(event))) => {
                    let Some(key) = key_press(&event) else {
                        continue;
                    };
                    if !is_quit(&key)
                        && !settle.admits(dialog_step(&app), std::time::Instant::now())
                    {
                        // Typed ahead or pasted as keys: the dialog has not settled yet.
                        tracing::debug!(?key, "key dropped while the dialog settles");
                        continue;
                    }
                    Msg::Key(key)
                }
                Some(Ok(Event::Paste(text))) => Msg::Paste(text),
                Some(Ok(Event::Resize(width, height))) => Msg::Resize { width, height },
                Some(Ok(_)) => continue,
                Some(Err(err)) => return Err(err),
                // The terminal is gone (e.g. the SSH session dropped).
                None => return Ok(()),
            },
            Some(msg) = polling.rx.recv() => msg,
            Some(msg) = action_rx.recv() => msg,
            Some((target, outcome)) = switch_rx.recv() => {
                match outcome.and_then(|c| factory.adopt(c, app.header.read_only)) {
                    Ok(next) => {
                        let sources = next.sources.iter().map(|s| s.id().clone()).collect();
                        polling = Polling::start(next.sources, &schedule, &clock, &limit);
                        theme = next.theme;
                        runner = next.runner;
                        read_only = next.read_only;
                        lookups = next.lookups;
                        Msg::Switched { header: Box::new(next.header), sources }
                    }
                    Err(error) => Msg::SwitchFailed { target, error },
                }
            },
            _ = tick.tick() => Msg::Tick(clock.now()),
            () = terminate.recv() => return Ok(()),
            // Only when nothing else is ready: the branches above are polled first.
            () = std::future::ready(()), if app.idle_pending() => Msg::Idle,
        };
        if matches!(msg, Msg::Idle) {
            update(&mut app, msg);
            continue;
        }
        // Apply everything else the sources have queued before drawing: one frame, and one
        // derivation of posture and the tables, per burst.
        let mut effects = Vec::new();
        let mut batch = Vec::new();
        match msg {
            Msg::Source(event) => batch.push(event),
            other => effects.extend(update(&mut app, other)),
        }
        while let Ok(msg) = polling.rx.try_recv() {
            match msg {
                Msg::Source(event) => batch.push(event),
                other => effects.extend(update(&mut app, other)),
            }
        }
        if !batch.is_empty() {
            effects.extend(update(&mut app, Msg::Sources(batch)));
            trimmer.after_change();
        }
        dirty = true;
        for effect in effects {
            match effect {
                Effect::Quit => return Ok(()),
                Effect::RefreshAll => polling.workers.iter().for_each(WorkerHandle::refresh),
                Effect::Bell => {
                    let mut out = std::io::stdout();
                    out.write_all(b"\x07")?;
                    out.flush()?;
                }
                Effect::Copy(text) => {
                    let mut out = std::io::stdout();
                    out.write_all(clipboard::osc52(&text).as_bytes())?;
                    out.flush()?;
                }
                Effect::Export {
                    path,
                    csv,
                    overwrite,
                } => {
                    // The export is the table as shown; a failure is reported, not fatal.
                    let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
                    app.say(crate::private_fs::export(
                        &path,
                        csv.as_bytes(),
                        overwrite,
                        home.as_deref(),
                    ));
                }
                Effect::CompletePath { line, typed } => {
                    // A directory listing, bounded: quick enough to answer at once.
                    let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
                    let paths = crate::path_complete::complete(&typed, home.as_deref());
                    // It only fills the `:` line: it asks for no effect.
                    update(&mut app, Msg::PathsListed { line, typed, paths });
                }
                Effect::Switch(target) => {
                    let connecting = factory.connect(target.clone(), app.header.read_only);
                    let tx = switch_tx.clone();
                    tokio::spawn(async move {
                        let _ = tx.send((target, connecting.await));
                    });
                }
                Effect::ReadOnly => {
                    // For good: no executor, and every client of the session refuses
                    // anything but reads before it is signed or sent.
                    read_only.turn_on();
                    runner = None;
                }
                Effect::LookupActivity(request) => {
                    // The lookup waits for its account and region's token and backs off
                    // when throttled, while keys keep working.
                    let activity = lookups.activity.clone();
                    answer_off_the_loop(&action_tx, async move {
                        let result = activity.page(&request).await;
                        let request = Box::new(request);
                        Msg::ActivityPage { request, result }
                    });
                }
                Effect::ListArchived(request) => {
                    // A detector's archived findings, asked by `:archived`.
                    let archived = lookups.archived.clone();
                    answer_off_the_loop(&action_tx, async move {
                        let result = archived.archived(&request).await;
                        Msg::ArchivedListed { request, result }
                    });
                }
                Effect::ReadFindingJson(request) => {
                    // The open finding's JSON, asked when its detail opened.
                    let lookup = lookups.finding_json.clone();
                    answer_off_the_loop(&action_tx, async move {
                        let result = lookup.finding_json(&request).await;
                        Msg::FindingJsonRead { request, result }
                    });
                }
                Effect::Resolve(asked) => {
                    let runner = runner.clone().filter(|_| !read_only.is_on());
                    let tx = action_tx.clone();
                    tokio::spawn(async move {
                        let result = match &runner {
                            Some(runner) => runner.resolve(&asked).await,
                            None => Err(ActionError::ReadOnly),
                        };
                        let _ = tx.send(Msg::Resolved { asked, result });
                    });
                }
                Effect::Execute(offer) => {
                    let runner = runner.clone().filter(|_| !read_only.is_on());
                    let tx = action_tx.clone();
                    tokio::spawn(async move {
                        let (offer, result) = match &runner {
                            Some(runner) => {
                                let (ran, result) = runner.run(&offer).await;
                                (Box::new(ran), result)
                            }
                            None => (offer, Err(ActionError::ReadOnly)),
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

/// The console's key for a terminal key event, or `None` for a key release: the console
/// acts on presses (and their auto-repeats) only.
/// Runs an on-demand read off the UI loop; its answer comes back as a message.
fn answer_off_the_loop(
    tx: &mpsc::UnboundedSender<Msg>,
    answer: impl std::future::Future<Output = Msg> + Send + 'static,
) {
    let tx = tx.clone();
    tokio::spawn(async move {
        let _ = tx.send(answer.await);
    });
}

fn key_press(event: &term::KeyEvent) -> Option<Key> {
    if event.kind == KeyEventKind::Release {
        return None;
    }
    let code = match event.code {
        term::KeyCode::Char(c) => KeyCode::Char(c),
        term::KeyCode::Enter => KeyCode::Enter,
        term::KeyCode::Esc => KeyCode::Esc,
        term::KeyCode::Tab => KeyCode::Tab,
        term::KeyCode::BackTab => KeyCode::BackTab,
        term::KeyCode::Backspace => KeyCode::Backspace,
        term::KeyCode::Delete => KeyCode::Delete,
        term::KeyCode::Up => KeyCode::Up,
        term::KeyCode::Down => KeyCode::Down,
        term::KeyCode::Left => KeyCode::Left,
        term::KeyCode::Right => KeyCode::Right,
        term::KeyCode::Home => KeyCode::Home,
        term::KeyCode::End => KeyCode::End,
        term::KeyCode::PageUp => KeyCode::PageUp,
        term::KeyCode::PageDown => KeyCode::PageDown,
        term::KeyCode::F(n) => KeyCode::F(n),
        _ => KeyCode::Other,
    };
    let modifiers = Modifiers {
        ctrl: event.modifiers.contains(term::KeyModifiers::CONTROL),
        alt: event.modifiers.contains(term::KeyModifiers::ALT),
    };
    Some(Key::new(code, modifiers))
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

#[cfg(test)]
mod tests {
    use super::*;
    use term::{KeyEvent, KeyEventState, KeyModifiers};

    fn event(code: term::KeyCode, modifiers: KeyModifiers, kind: KeyEventKind) -> KeyEvent {
        KeyEvent {
            code,
            modifiers,
            kind,
            state: KeyEventState::NONE,
        }
    }

    fn pressed(code: term::KeyCode, modifiers: KeyModifiers) -> Option<Key> {
        key_press(&event(code, modifiers, KeyEventKind::Press))
    }

    #[test]
    fn named_keys_map_to_the_console_s_own() {
        let none = KeyModifiers::NONE;
        for (terminal, console) in [
            (term::KeyCode::Char('q'), KeyCode::Char('q')),
            (term::KeyCode::Char('G'), KeyCode::Char('G')),
            (term::KeyCode::Enter, KeyCode::Enter),
            (term::KeyCode::Esc, KeyCode::Esc),
            (term::KeyCode::Tab, KeyCode::Tab),
            (term::KeyCode::BackTab, KeyCode::BackTab),
            (term::KeyCode::Backspace, KeyCode::Backspace),
            (term::KeyCode::Delete, KeyCode::Delete),
            (term::KeyCode::Up, KeyCode::Up),
            (term::KeyCode::Down, KeyCode::Down),
            (term::KeyCode::Left, KeyCode::Left),
            (term::KeyCode::Right, KeyCode::Right),
            (term::KeyCode::Home, KeyCode::Home),
            (term::KeyCode::End, KeyCode::End),
            (term::KeyCode::PageUp, KeyCode::PageUp),
            (term::KeyCode::PageDown, KeyCode::PageDown),
            (term::KeyCode::F(5), KeyCode::F(5)),
        ] {
            assert_eq!(
                pressed(terminal, none),
                Some(Key::from(console)),
                "{terminal:?}"
            );
        }
    }

    #[test]
    fn keys_without_a_name_still_arrive_as_presses() {
        for terminal in [
            term::KeyCode::Insert,
            term::KeyCode::Null,
            term::KeyCode::Menu,
        ] {
            assert_eq!(
                pressed(terminal, KeyModifiers::NONE),
                Some(Key::from(KeyCode::Other)),
                "{terminal:?}"
            );
        }
    }

    #[test]
    fn ctrl_and_alt_are_kept_and_shift_is_left_to_the_character() {
        let c = term::KeyCode::Char('c');
        assert_eq!(pressed(c, KeyModifiers::CONTROL), Some(Key::ctrl('c')));
        assert!(pressed(c, KeyModifiers::CONTROL).is_some_and(|key| is_quit(&key)));
        assert_eq!(
            pressed(term::KeyCode::Char('a'), KeyModifiers::ALT),
            Some(Key::new(KeyCode::Char('a'), Modifiers::ALT))
        );
        assert_eq!(
            pressed(term::KeyCode::Char('G'), KeyModifiers::SHIFT),
            Some(Key::from(KeyCode::Char('G')))
        );
        assert_eq!(
            pressed(term::KeyCode::BackTab, KeyModifiers::SHIFT),
            Some(Key::from(KeyCode::BackTab))
        );
    }

    #[test]
    fn releases_are_ignored_and_repeats_are_presses() {
        let j = term::KeyCode::Char('j');
        let none = KeyModifiers::NONE;
        assert_eq!(key_press(&event(j, none, KeyEventKind::Release)), None);
        let ctrl_c = event(
            term::KeyCode::Char('c'),
            KeyModifiers::CONTROL,
            KeyEventKind::Release,
        );
        assert_eq!(key_press(&ctrl_c), None);
        assert_eq!(
            key_press(&event(j, none, KeyEventKind::Repeat)),
            Some(Key::from(KeyCode::Char('j')))
        );
    }
}
