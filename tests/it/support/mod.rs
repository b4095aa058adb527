//! Shared test support: a console state loaded from the demo account at a fixed time, so
//! snapshots and update tests are deterministic.

pub mod baseline;
pub mod emulator;
#[cfg(unix)]
pub mod fault_proxy;
#[cfg(unix)]
pub mod pty;

use chrono::{DateTime, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::sync::Arc;
use watchpost::app::{App, Effect, HeaderInfo, Msg, SourceEvent, update};
use watchpost::clock::{FixedClock, SharedClock};
use watchpost::config::{self, ConfigRequest, Theme};
use watchpost::sources::Session;
use watchpost::sources::demo::{DemoOptions, demo_session};

/// An example program built beside the tests (`cargo build --examples`, which
/// `scripts/test` runs), e.g. `panic_restore`.
pub fn example(name: &str) -> std::path::PathBuf {
    let path = std::env::current_exe()
        .unwrap()
        .parent()
        .and_then(|deps| deps.parent())
        .unwrap()
        .join("examples")
        .join(name);
    assert!(
        path.exists(),
        "build it with `cargo build --examples`: {path:?}"
    );
    path
}

/// The fixed "now" of every deterministic test.
pub fn fixed_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0)
        .single()
        .unwrap()
}

pub fn theme(name: &str) -> Theme {
    let request = ConfigRequest {
        theme: Some(name.into()),
        ..ConfigRequest::default()
    };
    config::load(None, &request).unwrap().theme
}

/// A demo session whose world is anchored at `fixed_now()`.
pub fn session() -> Session {
    let clock: SharedClock = Arc::new(FixedClock(fixed_now()));
    demo_session(DemoOptions::default(), clock)
}

/// An app with no data yet, for the default keymap and settings.
pub fn empty_app(session: &Session) -> App {
    let loaded = config::load(None, &ConfigRequest::default()).unwrap();
    let header = HeaderInfo {
        caller: session.caller.clone(),
        profile: None,
        regions: session.regions.clone(),
        demo: true,
        read_only: false,
        banner: None,
    };
    let ids = session.sources.iter().map(|s| s.id().clone());
    App::new(
        header,
        Arc::new(loaded.keymap),
        loaded.settings,
        ids,
        fixed_now(),
    )
}

/// Polls every source of `session` once and feeds the results to `app`.
pub fn poll_all(app: &mut App, session: &mut Session) -> Vec<Effect> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let mut effects = Vec::new();
    for source in &mut session.sources {
        let id = source.id().clone();
        let data = runtime.block_on(source.poll()).unwrap();
        let event = SourceEvent::Data {
            id,
            data,
            at: fixed_now(),
        };
        effects.extend(update(app, Msg::Source(event)));
    }
    effects
}

/// An app with the demo account fully loaded at `fixed_now()`.
pub fn loaded_app() -> App {
    let mut session = session();
    let mut app = empty_app(&session);
    poll_all(&mut app, &mut session);
    let history = watchpost::journal::assemble(session.journal_history.clone(), Vec::new());
    update(&mut app, Msg::Journal(history));
    app
}

pub fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

/// Sends each character of `keys` as a key press, collecting the effects.
pub fn press(app: &mut App, keys: &str) -> Vec<Effect> {
    keys.chars()
        .flat_map(|c| update(app, key(KeyCode::Char(c))))
        .collect()
}
