//! The `:` line beyond its commands' effects: what `:copy` claims, Tab completion (cycling
//! commands, paths for `:export`), the export's columns and times, and `:messages`.

use crate::command::{command, tab_complete};
use crate::support::{key, loaded_app, press};
use watchpost::app::{Effect, Mode, Msg, update};
use watchpost::input::KeyCode;

#[test]
fn copy_says_it_was_sent_to_the_terminal_not_that_it_arrived() {
    let mut app = loaded_app();
    command(&mut app, "findings");
    let effects = command(&mut app, "copy");
    assert!(
        matches!(effects.first(), Some(Effect::Copy(_))),
        "{effects:?}"
    );
    let status = app.status.clone().unwrap_or_default();
    assert!(status.contains("Sent to the terminal (OSC 52)"), "{status}");
    assert!(!status.contains("Copied"), "{status}");
    // The dialog's `c` says the same.
    update(&mut app, key(KeyCode::Char('a')));
    update(&mut app, key(KeyCode::Char('c')));
    let status = app.status.clone().unwrap_or_default();
    assert!(status.contains("Sent to the terminal (OSC 52)"), "{status}");
}

fn line(app: &watchpost::app::App) -> String {
    match &app.mode {
        Mode::Command { text } => text.clone(),
        other => panic!("not on the command line: {other:?}"),
    }
}

#[test]
fn tab_cycles_through_the_commands_that_start_with_what_was_typed() {
    let mut app = loaded_app();
    assert_eq!(tab_complete(&mut app, "re"), "region");
    update(&mut app, key(KeyCode::Tab));
    assert_eq!(line(&app), "readonly");
    update(&mut app, key(KeyCode::Tab));
    assert_eq!(line(&app), "region", "round again");
    update(&mut app, key(KeyCode::BackTab));
    assert_eq!(line(&app), "readonly", "Shift-Tab goes back");
    // An edit starts over from what is typed now.
    update(&mut app, key(KeyCode::Backspace));
    update(&mut app, key(KeyCode::Tab));
    assert_eq!(
        line(&app),
        "readonly ",
        "one command: completed, ready for its argument"
    );
    update(&mut app, key(KeyCode::Esc));
    assert_eq!(
        tab_complete(&mut app, ""),
        "overview",
        "every command, in order"
    );
}

#[test]
fn tab_completes_the_file_of_export_from_the_listing_and_cycles() {
    let mut app = loaded_app();
    press(&mut app, ":export ~/fi");
    let effects = update(&mut app, key(KeyCode::Tab));
    assert_eq!(
        effects,
        [Effect::CompletePath {
            line: "export ".into(),
            typed: "~/fi".into()
        }]
    );
    let listed = |paths: &[&str]| Msg::PathsListed {
        line: "export ".into(),
        typed: "~/fi".into(),
        paths: paths.iter().map(|p| p.to_string()).collect(),
    };
    update(&mut app, listed(&["~/filed/", "~/findings.csv"]));
    assert_eq!(line(&app), "export ~/filed/");
    assert!(
        update(&mut app, key(KeyCode::Tab)).is_empty(),
        "cycled, not listed again"
    );
    assert_eq!(line(&app), "export ~/findings.csv");
    update(&mut app, key(KeyCode::Tab));
    assert_eq!(line(&app), "export ~/filed/");

    // Into the directory: listed again, from what is on the line.
    let effects = update(&mut app, key(KeyCode::Backspace));
    assert!(effects.is_empty());
    press(&mut app, "/");
    let effects = update(&mut app, key(KeyCode::Tab));
    assert!(matches!(&effects[..], [Effect::CompletePath { typed, .. }] if typed == "~/filed/"));

    // An answer for a line that has changed since is dropped.
    update(&mut app, key(KeyCode::Esc));
    press(&mut app, ":export other");
    update(&mut app, listed(&["~/findings.csv"]));
    assert_eq!(line(&app), "export other");
    // Nothing matches: the line stays and the status says so.
    let nothing = Msg::PathsListed {
        line: "export ".into(),
        typed: "other".into(),
        paths: Vec::new(),
    };
    update(&mut app, nothing);
    assert_eq!(line(&app), "export other");
    let status = app.status.clone().unwrap_or_default();
    assert!(
        status.contains("No file or directory matches other"),
        "{status}"
    );
}

/// The CSV `:export` would write of the current tab, as header and rows.
fn exported(app: &mut watchpost::app::App) -> (Vec<String>, Vec<Vec<String>>) {
    let effects = command(app, "export /tmp/table.csv");
    let Some(Effect::Export { csv, .. }) = effects.first() else {
        panic!("no export: {effects:?}");
    };
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

#[test]
fn export_names_every_column_and_writes_times_as_rfc_3339() {
    let mut app = loaded_app();
    for tab in [
        "overview", "alarms", "findings", "identity", "posture", "journal",
    ] {
        command(&mut app, tab);
        let (header, rows) = exported(&mut app);
        assert!(header.iter().all(|h| !h.is_empty()), "{tab}: {header:?}");
        assert!(!rows.is_empty(), "{tab}");
    }

    command(&mut app, "alarms");
    let (header, rows) = exported(&mut app);
    assert_eq!(header[0], "Changed", "{header:?}");
    let since = header.iter().position(|h| h == "Since").unwrap();
    let name = header.iter().position(|h| h == "Alarm").unwrap();
    for row in &rows {
        let at = chrono::DateTime::parse_from_rfc3339(&row[since])
            .unwrap_or_else(|e| panic!("{:?} is not RFC 3339: {e}", row[since]));
        let alarm = app
            .data
            .alarms
            .iter()
            .find(|a| a.name() == row[name])
            .unwrap();
        assert_eq!(at, alarm.state_updated, "{}", alarm.name());
    }

    command(&mut app, "findings");
    let (header, rows) = exported(&mut app);
    let last = header.len() - 1;
    assert!(
        rows.iter()
            .all(|r| chrono::DateTime::parse_from_rfc3339(&r[last]).is_ok()),
        "{}: {:?}",
        header[last],
        rows.first()
    );

    command(&mut app, "journal");
    let (_, rows) = exported(&mut app);
    assert!(
        chrono::DateTime::parse_from_rfc3339(&rows[0][0]).is_ok(),
        "{:?}",
        rows[0]
    );
}

#[test]
fn a_long_status_line_points_to_messages_which_shows_every_message_whole() {
    let mut app = loaded_app();
    press(&mut app, "F");
    command(&mut app, "nosuchcommand");
    let unknown = app.status.clone().unwrap_or_default();
    assert!(
        unknown.len() > 80,
        "a message too long for the line: {unknown}"
    );
    let screen = crate::support::draw(&mut app, 80, 24);
    let footer = screen.lines().nth(23).unwrap_or_default();
    assert!(footer.contains("(:messages)"), "{footer}");

    command(&mut app, "messages");
    assert!(matches!(app.mode, Mode::Messages { .. }));
    let screen = crate::support::draw(&mut app, 80, 24);
    let text: String = screen
        .lines()
        .map(|l| l.trim_matches(|c| c == '"' || c == '│' || c == ' '))
        .collect::<Vec<_>>()
        .join(" ");
    assert!(text.contains("Frozen: updates are held"), "{screen}");
    // The whole of the long one, wrapped: its last command is on screen.
    let last_word = unknown.split_whitespace().last().unwrap_or_default();
    assert!(text.contains(last_word), "{last_word} in {screen}");
    // Newest first.
    assert!(text.find("Unknown command").unwrap() < text.find("Frozen").unwrap());
    update(&mut app, key(KeyCode::Esc));
    assert_eq!(app.mode, Mode::Normal);
}
