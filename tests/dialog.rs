//! The remediation dialog as the pure `update` sees it: nothing runs from one key, Cancel
//! has the focus, destructive actions need the name typed, read-only mode runs nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use crossterm::event::KeyCode;
use support::{key, loaded_app, press};
use watchpost::app::{App, Dialog, Effect, Msg, update};
use watchpost::remediation::{ActionId, Offer, Target};

/// The Identity tab with the row of a user who has an active key selected.
fn on_user_with_active_key() -> (App, String) {
    let mut app = loaded_app();
    press(&mut app, "4");
    let inventory = app.data.identity.clone().unwrap();
    let user = inventory
        .users
        .iter()
        .find(|u| u.active_keys().count() == 1 && u.has_console_access())
        .unwrap()
        .name
        .clone();
    update(&mut app, key(KeyCode::Char('/')));
    press(&mut app, &user);
    update(&mut app, key(KeyCode::Enter));
    (app, user)
}

fn executes(effects: &[Effect]) -> Vec<ActionId> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Execute(offer) => Some(offer.action),
            _ => None,
        })
        .collect()
}

/// Moves the menu's selection to `action` on a target of the given kind.
fn choose(app: &mut App, action: ActionId, key_target: bool) {
    for _ in 0..40 {
        if let Some(Dialog::Menu { offers, selected }) = &app.dialog {
            let offer = &offers[*selected];
            if offer.action == action
                && matches!(offer.target, Target::AccessKey { .. }) == key_target
            {
                return;
            }
        }
        update(app, key(KeyCode::Down));
    }
    panic!("{action:?} is not in the menu: {:?}", app.dialog);
}

#[test]
fn a_reversible_action_needs_the_menu_a_preview_and_y() {
    let (mut app, _) = on_user_with_active_key();
    let mut effects = press(&mut app, "a");
    assert!(matches!(app.dialog, Some(Dialog::Menu { .. })));
    choose(&mut app, ActionId::DeactivateKey, true);
    effects.extend(update(&mut app, key(KeyCode::Enter)));
    assert!(matches!(app.dialog, Some(Dialog::Confirm { .. })));
    assert!(executes(&effects).is_empty(), "nothing ran yet");
    let effects = press(&mut app, "y");
    assert_eq!(executes(&effects), [ActionId::DeactivateKey]);
    assert!(matches!(app.dialog, Some(Dialog::Running { .. })));
}

#[test]
fn enter_and_esc_in_the_preview_cancel() {
    for cancel in [KeyCode::Enter, KeyCode::Esc, KeyCode::Char('n')] {
        let (mut app, _) = on_user_with_active_key();
        press(&mut app, "a");
        choose(&mut app, ActionId::DeactivateKey, true);
        update(&mut app, key(KeyCode::Enter));
        let effects = update(&mut app, key(cancel));
        assert!(executes(&effects).is_empty(), "{cancel:?}");
        assert_eq!(app.dialog, None, "{cancel:?} closes the dialog");
    }
}

#[test]
fn a_destructive_action_runs_only_with_the_name_typed_exactly() {
    let (mut app, user) = on_user_with_active_key();
    press(&mut app, "a");
    choose(&mut app, ActionId::DeleteLoginProfile, false);
    update(&mut app, key(KeyCode::Enter));
    assert!(matches!(app.dialog, Some(Dialog::Confirm { .. })));
    // `y` is just a typed letter here.
    assert!(executes(&press(&mut app, "y")).is_empty());
    update(&mut app, key(KeyCode::Backspace));
    press(&mut app, &user[..user.len() - 1]);
    let effects = update(&mut app, key(KeyCode::Enter));
    assert!(executes(&effects).is_empty(), "a wrong name cancels");
    assert_eq!(app.dialog, None);

    press(&mut app, "a");
    choose(&mut app, ActionId::DeleteLoginProfile, false);
    update(&mut app, key(KeyCode::Enter));
    press(&mut app, &user);
    let effects = update(&mut app, key(KeyCode::Enter));
    assert_eq!(executes(&effects), [ActionId::DeleteLoginProfile]);
}

#[test]
fn read_only_mode_lists_actions_but_runs_none() {
    let (mut app, _) = on_user_with_active_key();
    app.header.read_only = true;
    press(&mut app, "a");
    let Some(Dialog::Menu { offers, .. }) = &app.dialog else {
        panic!("no menu");
    };
    assert!(offers.iter().all(|o| o.available.is_err()));
    // Whatever is pressed, nothing executes.
    let mut effects = Vec::new();
    for keys in ["jjj", "y", "Y"] {
        effects.extend(press(&mut app, keys));
        effects.extend(update(&mut app, key(KeyCode::Enter)));
    }
    assert!(executes(&effects).is_empty());
    assert!(
        app.status
            .as_deref()
            .unwrap_or_default()
            .contains("read-only")
    );
}

#[test]
fn the_outcome_offers_the_undo_and_the_row_shows_the_change() {
    let (mut app, user) = on_user_with_active_key();
    press(&mut app, "a");
    choose(&mut app, ActionId::DeactivateKey, true);
    update(&mut app, key(KeyCode::Enter));
    let effects = press(&mut app, "y");
    let Some(Effect::Execute(offer)) = effects
        .into_iter()
        .find(|e| matches!(e, Effect::Execute(_)))
    else {
        panic!("no execute");
    };
    let effects = update(
        &mut app,
        Msg::ActionDone {
            offer: offer.clone(),
            result: Ok("access key is now Inactive".into()),
        },
    );
    assert!(effects.contains(&Effect::RefreshAll));
    assert!(matches!(app.dialog, Some(Dialog::Outcome { .. })));
    let inventory = app.data.identity.as_ref().unwrap();
    let u = inventory.users.iter().find(|u| u.name == user).unwrap();
    assert_eq!(u.active_keys().count(), 0, "the row changed at once");

    press(&mut app, "u");
    let Some(Dialog::Confirm { offer: undo, .. }) = &app.dialog else {
        panic!("undo is not offered: {:?}", app.dialog);
    };
    assert_eq!(undo.action, ActionId::ReactivateKey);
    assert_eq!(undo.available, Ok(()));
}

#[test]
fn a_failed_action_says_why_and_changes_nothing() {
    let (mut app, user) = on_user_with_active_key();
    press(&mut app, "a");
    choose(&mut app, ActionId::DeactivateKey, true);
    update(&mut app, key(KeyCode::Enter));
    let offer: Box<Offer> = match press(&mut app, "y").into_iter().next() {
        Some(Effect::Execute(offer)) => offer,
        other => panic!("{other:?}"),
    };
    update(
        &mut app,
        Msg::ActionDone {
            offer,
            result: Err("UpdateAccessKey access denied (needs iam:UpdateAccessKey): no".into()),
        },
    );
    let Some(Dialog::Outcome { result, .. }) = &app.dialog else {
        panic!("no outcome");
    };
    assert!(
        result
            .as_ref()
            .unwrap_err()
            .contains("needs iam:UpdateAccessKey")
    );
    let inventory = app.data.identity.as_ref().unwrap();
    let u = inventory.users.iter().find(|u| u.name == user).unwrap();
    assert_eq!(u.active_keys().count(), 1);
}

#[test]
fn no_action_runs_on_failed_credentials() {
    use watchpost::app::SourceEvent;
    use watchpost::sources::{SourceError, SourceErrorKind};
    let (mut app, _) = on_user_with_active_key();
    let id = app.sources.keys().next().unwrap().clone();
    update(
        &mut app,
        Msg::Source(SourceEvent::Failed {
            id: id.clone(),
            error: SourceError {
                source_id: id,
                operation: "GetCredentialReport".into(),
                kind: SourceErrorKind::Credentials,
                message: "ExpiredToken: the token expired".into(),
            },
            at: support::fixed_now(),
        }),
    );
    press(&mut app, "a");
    let Some(Dialog::Menu { offers, .. }) = &app.dialog else {
        panic!("no menu");
    };
    assert!(offers.iter().all(|o| o.available.is_err()));
    let why = offers[0].available.clone().unwrap_err();
    assert!(why.contains("credentials failed"), "{why}");
    let mut effects = press(&mut app, "jjj");
    effects.extend(update(&mut app, key(KeyCode::Enter)));
    effects.extend(press(&mut app, "y"));
    assert!(executes(&effects).is_empty());
}
