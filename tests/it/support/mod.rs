//! Shared test support: a console state loaded from the demo account at a fixed time, so
//! snapshots and update tests are deterministic.

pub mod baseline;
pub mod console_org;
pub mod emulator;
#[cfg(unix)]
pub mod fault_proxy;
pub mod org;
#[cfg(unix)]
pub mod pty;
pub mod resources;

use chrono::{DateTime, TimeZone, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::sync::Arc;
use watchpost::app::{App, Effect, HeaderInfo, Msg, SourceEvent, update};
use watchpost::clock::{FixedClock, SharedClock};
use watchpost::config::{self, ConfigRequest, Theme};
use watchpost::input::{Key, KeyCode};
use watchpost::sources::Session;
use watchpost::sources::demo::{DemoOptions, demo_session};

/// The binary with no AWS configuration from the environment it runs in: nothing but `PATH`,
/// `HOME` at `home`, the XDG config and state homes under it, and AWS config and credentials
/// files that do not exist. It is stopped after a minute.
pub fn bare_watchpost(home: &std::path::Path) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("watchpost").unwrap();
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("AWS_CONFIG_FILE", home.join("no-config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("no-credentials"))
        .timeout(std::time::Duration::from_secs(60));
    cmd
}

/// [`bare_watchpost`] with dummy keys in its environment (the emulator needs signed
/// requests, not valid ones) and instance metadata off.
pub fn watchpost_with_keys(home: &std::path::Path) -> assert_cmd::Command {
    let mut cmd = bare_watchpost(home);
    cmd.env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_EC2_METADATA_DISABLED", "true");
    cmd
}

/// A shared AWS config file `config` and credentials file `credentials` in `dir`, with one
/// profile per `(name, region, access key ID, secret)`.
pub fn write_aws_profiles(dir: &std::path::Path, profiles: &[(&str, &str, &str, &str)]) {
    let mut config = String::new();
    let mut credentials = String::new();
    for (name, region, key, secret) in profiles {
        config.push_str(&format!("[profile {name}]\nregion = {region}\n\n"));
        credentials.push_str(&format!(
            "[{name}]\naws_access_key_id = {key}\naws_secret_access_key = {secret}\n\n"
        ));
    }
    std::fs::write(dir.join("config"), config).unwrap();
    std::fs::write(dir.join("credentials"), credentials).unwrap();
}

/// An endpoint on 127.0.0.1 where nothing listens: a port that was free a moment ago.
pub fn dead_endpoint() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("http://127.0.0.1:{port}")
}

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
    app_for(session, false, fixed_now())
}

/// The console's state for `session` at `now`, with no data yet: the default keymap and
/// settings, and a header that names the session's caller and regions, says whether it is
/// the demo, and is read-only as asked.
pub fn app_for(session: &Session, read_only: bool, now: DateTime<Utc>) -> App {
    let loaded = config::load(None, &ConfigRequest::default()).unwrap();
    let header = HeaderInfo {
        caller: session.caller.clone(),
        profile: None,
        regions: session.regions.clone(),
        demo: session.demo,
        read_only,
        banner: None,
    };
    let ids = session.sources.iter().map(|s| s.id().clone());
    App::new(header, Arc::new(loaded.keymap), loaded.settings, ids, now)
}

/// Polls every source of `session` once and feeds the results to `app`.
pub fn poll_all(app: &mut App, session: &mut Session) -> Vec<Effect> {
    let mut effects = Vec::new();
    for event in poll_events(session, fixed_now()) {
        effects.extend(update(app, Msg::Source(event)));
    }
    effects
}

/// Every source of `session` polled once, in order, each poll's data stamped `at`.
pub fn poll_events(session: &mut Session, at: DateTime<Utc>) -> Vec<SourceEvent> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    session
        .sources
        .iter_mut()
        .map(|source| SourceEvent::Data {
            id: source.id().clone(),
            data: runtime.block_on(source.poll()).unwrap(),
            at,
        })
        .collect()
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

/// `app` with the preset keymap `name` instead of the default one.
pub fn with_keymap(mut app: App, name: &str) -> App {
    let request = watchpost::config::ConfigRequest {
        keymap: Some(name.into()),
        ..Default::default()
    };
    app.keymap = std::sync::Arc::new(watchpost::config::load(None, &request).unwrap().keymap);
    app
}

/// Draws `app` at `width`×`height` in `theme` on a test backend, once `app` knows the size.
pub fn render_with(app: &mut App, width: u16, height: u16, theme: &Theme) -> Terminal<TestBackend> {
    update(app, Msg::Resize { width, height });
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|frame| watchpost::ui::render(frame, app, theme))
        .unwrap();
    terminal
}

/// The same in the default theme.
pub fn render(app: &mut App, width: u16, height: u16) -> Terminal<TestBackend> {
    render_with(app, width, height, &theme("default"))
}

/// The text of a `width`×`height` frame in the default theme.
pub fn draw(app: &mut App, width: u16, height: u16) -> String {
    render(app, width, height).backend().to_string()
}

/// Answers every `Effect::ReadFindingJson` among `effects` with `session`'s lookup, as the
/// console does.
pub fn answer_finding_json(app: &mut App, session: &Session, effects: &[Effect]) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    for effect in effects {
        if let Effect::ReadFindingJson(request) = effect {
            let result = runtime.block_on(session.lookups.finding_json.finding_json(request));
            let request = request.clone();
            update(app, Msg::FindingJsonRead { request, result });
        }
    }
}

/// The open detail view's rows, as text.
pub fn detail_text(app: &App) -> String {
    let view = app.detail.as_ref().expect("a detail view is open");
    view.rows
        .iter()
        .map(|r| format!("{}{}\n", r.prefix, r.text))
        .collect()
}

pub fn key(code: KeyCode) -> Msg {
    Msg::Key(Key::from(code))
}

pub fn ctrl(c: char) -> Msg {
    Msg::Key(Key::ctrl(c))
}

/// Sends each character of `keys` as a key press, collecting the effects.
pub fn press(app: &mut App, keys: &str) -> Vec<Effect> {
    keys.chars()
        .flat_map(|c| update(app, key(KeyCode::Char(c))))
        .collect()
}
