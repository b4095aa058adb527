//! The `:` command line, through the pure `update`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use crossterm::event::KeyCode;
use support::{key, loaded_app, press};
use watchpost::app::{App, Effect, Mode, update};
use watchpost::panes::Tab;

fn command(app: &mut App, line: &str) -> Vec<Effect> {
    press(app, ":");
    assert!(matches!(app.mode, Mode::Command { .. }));
    let mut effects = press(app, line);
    effects.extend(update(app, key(KeyCode::Enter)));
    effects
}

#[test]
fn commands_jump_filter_and_quit() {
    let mut app = loaded_app();
    command(&mut app, "identity");
    assert_eq!(app.tab, Tab::Identity);
    assert_eq!(app.mode, Mode::Normal);
    command(&mut app, "filter admin");
    assert_eq!(app.view(Tab::Identity).filter, "admin");
    assert!(command(&mut app, "q").contains(&Effect::Quit));
}

#[test]
fn tab_completes_a_unique_command() {
    let mut app = loaded_app();
    press(&mut app, ":fin");
    update(&mut app, key(KeyCode::Tab));
    assert_eq!(
        app.mode,
        Mode::Command {
            text: "findings ".into()
        }
    );
    update(&mut app, key(KeyCode::Enter));
    assert_eq!(app.tab, Tab::Findings);
}

#[test]
fn readonly_switches_on_and_offers_no_action() {
    let mut app = loaded_app();
    command(&mut app, "readonly");
    assert!(app.header.read_only);
    press(&mut app, "3a");
    let Some(watchpost::app::Dialog::Menu { offers, .. }) = &app.dialog else {
        panic!("no menu");
    };
    assert!(offers.iter().all(|o| o.available.is_err()));
}

#[test]
fn export_writes_the_table_as_shown_and_copy_takes_the_arn() {
    let mut app = loaded_app();
    command(&mut app, "findings");
    command(&mut app, "filter Bitcoin");
    let effects = command(&mut app, "export /tmp/findings.csv");
    let Some(Effect::Export { path, csv }) = effects.first() else {
        panic!("no export: {effects:?}");
    };
    assert_eq!(path, "/tmp/findings.csv");
    let mut lines = csv.lines();
    assert!(lines.next().unwrap().starts_with("Sev,Score,Finding type"));
    let rows: Vec<&str> = lines.collect();
    assert_eq!(
        rows.len(),
        app.view(Tab::Findings).rows.len(),
        "the rows shown"
    );
    assert!(rows.len() < app.data.findings.len(), "the filter applies");
    assert!(rows.iter().any(|r| r.contains("BitcoinTool")), "{rows:?}");

    let effects = command(&mut app, "copy");
    let Some(Effect::Copy(arn)) = effects.first() else {
        panic!("no copy: {effects:?}");
    };
    assert!(arn.starts_with("arn:aws:guardduty:"), "{arn}");
}

#[test]
fn an_unknown_command_lists_the_known_ones() {
    let mut app = loaded_app();
    let effects = command(&mut app, "launch-missiles");
    assert!(effects.is_empty());
    let status = app.status.clone().unwrap_or_default();
    assert!(
        status.contains("Unknown command :launch-missiles"),
        "{status}"
    );
    assert!(status.contains("export"), "{status}");
}
