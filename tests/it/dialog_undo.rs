//! What the dialog keeps and says after the first answer: the last action's undo stays on
//! `u` once its outcome is closed, a mistyped name says so and keeps the confirmation
//! open, and C-g (emacs) backs out of every prompt and dialog.

use crate::dialog::{executes, on_user_with_active_key, open_menu_on, preview};
use crate::support::{ctrl, key, loaded_app, press, with_keymap};
use watchpost::app::{Dialog, Effect, Mode, Msg, update};
use watchpost::input::KeyCode;
use watchpost::remediation::{ActionError, ActionId, Offer};

/// Confirms the previewed action with `y`: the offer the runtime is asked to run.
pub(crate) fn confirm_with_y(app: &mut watchpost::app::App) -> Box<Offer> {
    press(app, "y")
        .into_iter()
        .find_map(|e| match e {
            Effect::Execute(offer) => Some(offer),
            _ => None,
        })
        .expect("y runs the previewed action")
}

/// Runs the previewed action with `y` and reports `result` for it.
fn run_with(app: &mut watchpost::app::App, result: Result<String, ActionError>) -> Box<Offer> {
    let offer = confirm_with_y(app);
    update(
        app,
        Msg::ActionDone {
            offer: offer.clone(),
            result,
        },
    );
    offer
}

fn status(app: &watchpost::app::App) -> &str {
    app.status.as_deref().unwrap_or_default()
}

#[test]
fn the_undo_stays_on_u_after_the_outcome_closes_until_another_action_runs() {
    let (mut app, _) = on_user_with_active_key();
    press(&mut app, "u");
    assert!(app.dialog.is_none());
    assert!(status(&app).contains("Nothing to undo"), "{}", status(&app));

    open_menu_on(&mut app, ActionId::DeactivateKey, true);
    preview(&mut app);
    run_with(&mut app, Ok("access key is now Inactive".into()));
    assert!(matches!(app.dialog, Some(Dialog::Outcome { .. })));
    // Any other key closes the outcome; the undo is not lost with it.
    update(&mut app, key(KeyCode::Esc));
    assert!(app.dialog.is_none());
    press(&mut app, "jk");

    press(&mut app, "u");
    let Some(Dialog::Confirm { offer: undo, .. }) = &app.dialog else {
        panic!("the undo is not offered: {:?}", app.dialog);
    };
    assert_eq!(undo.action, ActionId::ReactivateKey);
    // Offered, not run: the preview still needs its `y`.
    update(&mut app, key(KeyCode::Esc));
    assert!(app.dialog.is_none());
    press(&mut app, "u");
    assert!(
        matches!(app.dialog, Some(Dialog::Confirm { .. })),
        "still there"
    );

    // The undo runs and fails: another action ran, so there is nothing left to undo.
    run_with(&mut app, Err(ActionError::ReadOnly));
    update(&mut app, key(KeyCode::Esc));
    press(&mut app, "u");
    assert!(app.dialog.is_none());
    assert!(status(&app).contains("Nothing to undo"), "{}", status(&app));
}

#[test]
fn the_undo_of_the_last_action_is_the_one_offered() {
    let (mut app, _) = on_user_with_active_key();
    open_menu_on(&mut app, ActionId::DeactivateKey, true);
    preview(&mut app);
    run_with(&mut app, Ok("access key is now Inactive".into()));
    press(&mut app, "u");
    // The undo itself runs: its own undo (deactivating again) is now the one on `u`.
    run_with(&mut app, Ok("access key is now Active".into()));
    update(&mut app, key(KeyCode::Esc));
    press(&mut app, "u");
    let Some(Dialog::Confirm { offer, .. }) = &app.dialog else {
        panic!("no undo: {:?}", app.dialog);
    };
    assert_eq!(offer.action, ActionId::DeactivateKey);
}

#[test]
fn a_mistyped_name_says_it_does_not_match_and_stays_open() {
    let (mut app, user) = on_user_with_active_key();
    open_menu_on(&mut app, ActionId::DeleteLoginProfile, false);
    update(&mut app, key(KeyCode::Enter));
    let typo = format!("{user}x");
    press(&mut app, &typo);
    let effects = update(&mut app, key(KeyCode::Enter));
    assert!(executes(&effects).is_empty());
    let Some(Dialog::Confirm { typed, .. }) = &app.dialog else {
        panic!("the confirmation closed: {:?}", app.dialog);
    };
    assert_eq!(typed, &typo, "what was typed stays, to be corrected");
    assert!(status(&app).contains("does not match"), "{:?}", app.status);
    update(&mut app, key(KeyCode::Backspace));
    let effects = update(&mut app, key(KeyCode::Enter));
    assert_eq!(executes(&effects), [ActionId::DeleteLoginProfile]);
}

#[test]
fn c_g_cancels_prompts_and_dialogs_in_the_emacs_keymap() {
    let mut app = with_keymap(loaded_app(), "emacs");
    press(&mut app, "3");
    // The `/` filter (C-s), with what was typed dropped.
    update(&mut app, ctrl('s'));
    assert_eq!(app.mode, Mode::Filter);
    press(&mut app, "zz");
    update(&mut app, ctrl('g'));
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(app.view(app.tab).filter, "");
    // The command line (M-x).
    update(
        &mut app,
        Msg::Key(watchpost::input::Key {
            code: KeyCode::Char('x'),
            modifiers: watchpost::input::Modifiers {
                alt: true,
                ..Default::default()
            },
        }),
    );
    assert!(matches!(app.mode, Mode::Command { .. }));
    press(&mut app, "quit");
    let effects = update(&mut app, ctrl('g'));
    assert_eq!(app.mode, Mode::Normal);
    assert!(effects.is_empty());

    // The action menu, a preview and a typed confirmation.
    let (app, user) = on_user_with_active_key();
    let mut app = with_keymap(app, "emacs");
    let alt_a = Msg::Key(watchpost::input::Key {
        code: KeyCode::Char('a'),
        modifiers: watchpost::input::Modifiers {
            alt: true,
            ..Default::default()
        },
    });
    update(&mut app, alt_a.clone());
    assert!(matches!(app.dialog, Some(Dialog::Menu { .. })));
    update(&mut app, ctrl('g'));
    assert!(app.dialog.is_none(), "the menu closes");

    update(&mut app, alt_a);
    crate::dialog::choose(&mut app, ActionId::DeleteLoginProfile, false);
    update(&mut app, key(KeyCode::Enter));
    press(&mut app, &user);
    let effects = update(&mut app, ctrl('g'));
    assert!(executes(&effects).is_empty());
    assert!(
        app.dialog.is_none(),
        "the confirmation closes, running nothing"
    );
}
