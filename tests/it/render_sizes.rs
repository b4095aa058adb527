//! Rendering never panics, whatever the terminal size (1×1 to 300×100) and however fast it
//! changes, on every tab and over every overlay.

use crate::support::console_org::org_app;
use crate::support::{key, loaded_app, press, render};
use proptest::prelude::*;
use watchpost::app::{Msg, update};
use watchpost::input::KeyCode;

/// The screens worth resizing: each tab, a detail view, the help, the action dialog.
fn screens() -> Vec<(&'static str, Vec<Msg>)> {
    vec![
        ("overview", vec![]),
        (
            "alarms detail",
            vec![key(KeyCode::Char('2')), key(KeyCode::Enter)],
        ),
        ("findings", vec![key(KeyCode::Char('3'))]),
        ("identity", vec![key(KeyCode::Char('4'))]),
        ("posture", vec![key(KeyCode::Char('5'))]),
        ("journal", vec![key(KeyCode::Char('6'))]),
        ("help", vec![key(KeyCode::Char('?'))]),
        (
            "action preview",
            vec![
                key(KeyCode::Char('3')),
                key(KeyCode::Char('a')),
                key(KeyCode::Enter),
            ],
        ),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn any_size_renders(width in 1u16..=300, height in 1u16..=100, screen in 0usize..8) {
        let (_, keys) = screens().swap_remove(screen);
        let mut app = loaded_app();
        for msg in keys {
            update(&mut app, msg);
        }
        render(&mut app, width, height);
    }

    /// An organisation's screens: the Accounts tab and its detail, the Identity tab with
    /// its Account column, a scoped table with the scope in the header.
    #[test]
    fn an_organisation_renders_at_any_size(width in 1u16..=300, height in 1u16..=100, screen in 0usize..4) {
        let keys = ["7", "7\n", "4", ":account prod-*\n3"];
        let mut app = org_app();
        for c in keys[screen].chars() {
            let code = if c == '\n' { KeyCode::Enter } else { KeyCode::Char(c) };
            update(&mut app, key(code));
        }
        render(&mut app, width, height);
    }

    #[test]
    fn rapid_resizes_render(sizes in proptest::collection::vec((1u16..=300, 1u16..=100), 1..12)) {
        let mut app = loaded_app();
        press(&mut app, "4");
        update(&mut app, key(KeyCode::Enter));
        for (width, height) in sizes {
            render(&mut app, width, height);
        }
    }
}

#[test]
fn the_extremes_render() {
    for (_, keys) in screens() {
        for (width, height) in [
            (1, 1),
            (2, 1),
            (1, 2),
            (300, 100),
            (59, 14),
            (60, 15),
            (300, 1),
            (1, 100),
        ] {
            let mut app = loaded_app();
            for msg in keys.clone() {
                update(&mut app, msg);
            }
            render(&mut app, width, height);
        }
    }
}
