//! The Journal tab of the demo account: its title counts the unknown outcomes apart from
//! the rows, and an unknown outcome's detail says what to look up.

use crate::support::{draw, key, loaded_app, press};
use watchpost::app::{Mode, update};
use watchpost::input::KeyCode;
use watchpost::panes::Tab;

#[test]
fn the_journal_title_says_how_many_are_unknown_apart_from_the_count() {
    let mut app = loaded_app();
    press(&mut app, "6");
    let screen = draw(&mut app, 80, 24);
    let title = screen.lines().nth(3).unwrap_or_default();
    let rows = app.view(Tab::Journal).rows().len();
    assert!(
        title.contains(&format!("Journal {rows} · 1 unknown")),
        "{title}"
    );
}

#[test]
fn an_unknown_outcome_says_which_cloudtrail_event_to_look_up() {
    let mut app = loaded_app();
    press(&mut app, "6");
    update(&mut app, key(KeyCode::Char('/')));
    press(&mut app, "quarantine-user");
    update(&mut app, key(KeyCode::Enter));
    assert_eq!(app.view(Tab::Journal).rows().len(), 1);
    update(&mut app, key(KeyCode::Enter));
    assert!(matches!(app.mode, Mode::Detail { .. }));
    let screen = draw(&mut app, 120, 40);
    let text: String = screen.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        text.contains("quarantine-user"),
        "the catalog's name: {screen}"
    );
    assert!(text.contains("CloudTrail event PutUserPolicy"), "{screen}");
    assert!(text.contains("iam.amazonaws.com"), "{screen}");
}

#[test]
fn the_tab_uses_the_outcome_words_of_watchpost_journal() {
    let app = loaded_app();
    let pane = Tab::Journal.pane();
    let mut words: Vec<String> = app
        .view(Tab::Journal)
        .rows()
        .iter()
        .map(|&row| {
            let cells = pane.cells(&app.data, row, app.now);
            cells.last().unwrap().text.to_string()
        })
        .collect();
    words.sort();
    words.dedup();
    assert_eq!(words, ["failed", "succeeded", "unknown"]);
    let printed = watchpost::journal::print(&app.data.journal);
    for word in ["succeeded", "failed: ", "unknown: "] {
        assert!(printed.contains(word), "{word} in {printed}");
    }
}
