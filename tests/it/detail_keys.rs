//! `q` in a detail view goes back, as Esc does, in every keymap; quitting from there is
//! `:q`, and the footer says so instead of `q quit`.

use crate::support::{draw, key, loaded_app, press, with_keymap};
use watchpost::app::{Effect, Mode, update};
use watchpost::input::KeyCode;

const KEYMAPS: [&str; 3] = ["default", "vim", "emacs"];

#[test]
fn q_in_a_detail_view_goes_back_in_every_keymap() {
    for name in KEYMAPS {
        let mut app = with_keymap(loaded_app(), name);
        press(&mut app, "2");
        update(&mut app, key(KeyCode::Enter));
        assert!(matches!(app.mode, Mode::Detail { .. }), "{name}");
        let effects = press(&mut app, "q");
        assert!(!effects.contains(&Effect::Quit), "{name}: q quit");
        assert_eq!(app.mode, Mode::Normal, "{name}: q goes back");
    }
}

#[test]
fn the_detail_footer_names_the_keys_that_quit_from_there() {
    for name in KEYMAPS {
        let mut app = with_keymap(loaded_app(), name);
        press(&mut app, "2");
        update(&mut app, key(KeyCode::Enter));
        let screen = draw(&mut app, 100, 30);
        let footer = screen.lines().nth(29).unwrap_or_default().to_string();
        assert!(!footer.contains(" q quit"), "{name}: {footer}");
        assert!(footer.contains("quit"), "{name}: {footer}");
    }
}

#[test]
fn colon_q_quits_from_a_detail_view() {
    let mut app = loaded_app();
    press(&mut app, "2");
    update(&mut app, key(KeyCode::Enter));
    press(&mut app, ":q");
    let effects = update(&mut app, key(KeyCode::Enter));
    assert!(effects.contains(&Effect::Quit));
}
