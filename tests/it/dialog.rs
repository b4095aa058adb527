//! The remediation dialog as the pure `update` sees it: nothing runs from one key, Cancel
//! has the focus, actions without an undo need the name or ID typed, an access key is
//! resolved to its live ID and status before its preview, a paste is never keys, read-only
//! mode runs nothing.

use crate::support;
use crate::support::{key, loaded_app, press};
use watchpost::app::{App, Dialog, Effect, Msg, update};
use watchpost::domain::{SourceId, SourceKind};
use watchpost::input::KeyCode;
use watchpost::remediation::{ActionError, ActionId, Offer, Target};
use watchpost::sources::{SourceError, SourceErrorKind};

/// The Identity tab with the row of a user who has an active key selected.
pub(crate) fn on_user_with_active_key() -> (App, String) {
    let mut app = loaded_app();
    press(&mut app, "4");
    let inventory = app.data.identities.first().cloned().unwrap();
    let user = inventory
        .users
        .iter()
        .find(|u| u.active_keys().count() == 1 && u.has_console_access())
        .unwrap()
        .name()
        .to_string();
    update(&mut app, key(KeyCode::Char('/')));
    press(&mut app, &user);
    update(&mut app, key(KeyCode::Enter));
    (app, user)
}

pub(crate) fn executes(effects: &[Effect]) -> Vec<ActionId> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Execute(offer) => Some(offer.action),
            _ => None,
        })
        .collect()
}

/// Answers the dialog's `Effect::Resolve` among `effects` as the executor would: with the
/// offer's target as `live` makes it (the demo's keys carry their real IDs).
fn answer_resolve(app: &mut App, effects: &[Effect], live: impl Fn(Target) -> Target) {
    let asked = effects
        .iter()
        .find_map(|e| match e {
            Effect::Resolve(offer) => Some(offer.clone()),
            _ => None,
        })
        .expect("the preview waits for the key's live state");
    assert!(matches!(app.dialog, Some(Dialog::Resolving { .. })));
    let resolved = asked.on(live(asked.target.clone()), asked.prepared_at);
    update(
        app,
        Msg::Resolved {
            asked,
            result: Ok(resolved),
        },
    );
}

/// Opens the preview of the selected menu entry, answering a key's resolution with its
/// target unchanged.
pub(crate) fn preview(app: &mut App) -> Vec<Effect> {
    let effects = update(app, key(KeyCode::Enter));
    if effects.iter().any(|e| matches!(e, Effect::Resolve(_))) {
        answer_resolve(app, &effects, |target| target);
    }
    effects
}

/// Opens the action menu on the selected row and moves to `action` on a target of the
/// given kind.
pub(crate) fn open_menu_on(app: &mut App, action: ActionId, key_target: bool) {
    press(app, "a");
    choose(app, action, key_target);
}

/// Enter on a key's action: the offer the dialog asks the executor to resolve.
fn ask_resolution(app: &mut App) -> Box<Offer> {
    let effects = update(app, key(KeyCode::Enter));
    match effects.into_iter().next() {
        Some(Effect::Resolve(asked)) => asked,
        other => panic!("no resolve: {other:?}"),
    }
}

/// Moves the menu's selection to `action` on a target of the given kind.
pub(crate) fn choose(app: &mut App, action: ActionId, key_target: bool) {
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

/// An IAM denial of `operation`, as the AWS executor reports it.
fn denied(operation: &str, message: &str) -> ActionError {
    ActionError::from(SourceError {
        source_id: SourceId {
            kind: SourceKind::Identity,
            account_id: "123456789012".into(),
            region: None,
        },
        operation: operation.into(),
        kind: SourceErrorKind::AccessDenied {
            permission: Some(format!("iam:{operation}")),
        },
        message: message.into(),
    })
}

#[test]
fn a_reversible_action_needs_the_menu_a_preview_and_y() {
    let (mut app, _) = on_user_with_active_key();
    let mut effects = press(&mut app, "a");
    assert!(matches!(app.dialog, Some(Dialog::Menu { .. })));
    choose(&mut app, ActionId::DeactivateKey, true);
    effects.extend(preview(&mut app));
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
        open_menu_on(&mut app, ActionId::DeactivateKey, true);
        preview(&mut app);
        let effects = update(&mut app, key(cancel));
        assert!(executes(&effects).is_empty(), "{cancel:?}");
        assert_eq!(app.dialog, None, "{cancel:?} closes the dialog");
    }
}

#[test]
fn an_action_without_undo_runs_only_with_the_name_typed_exactly() {
    let (mut app, user) = on_user_with_active_key();
    open_menu_on(&mut app, ActionId::DeleteLoginProfile, false);
    update(&mut app, key(KeyCode::Enter));
    assert!(matches!(app.dialog, Some(Dialog::Confirm { .. })));
    // `y` is just a typed letter here.
    assert!(executes(&press(&mut app, "y")).is_empty());
    update(&mut app, key(KeyCode::Backspace));
    press(&mut app, &user[..user.len() - 1]);
    let effects = update(&mut app, key(KeyCode::Enter));
    assert!(executes(&effects).is_empty(), "a wrong name runs nothing");
    update(&mut app, key(KeyCode::Esc));
    assert_eq!(app.dialog, None);

    open_menu_on(&mut app, ActionId::DeleteLoginProfile, false);
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
    open_menu_on(&mut app, ActionId::DeactivateKey, true);
    preview(&mut app);
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
    let inventory = app.data.identities.first().unwrap();
    let u = inventory.users.iter().find(|u| u.name() == user).unwrap();
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
    open_menu_on(&mut app, ActionId::DeactivateKey, true);
    preview(&mut app);
    let offer: Box<Offer> = match press(&mut app, "y").into_iter().next() {
        Some(Effect::Execute(offer)) => offer,
        other => panic!("{other:?}"),
    };
    update(
        &mut app,
        Msg::ActionDone {
            offer,
            result: Err(denied("UpdateAccessKey", "no")),
        },
    );
    let Some(Dialog::Outcome { result, .. }) = &app.dialog else {
        panic!("no outcome");
    };
    assert!(
        result
            .as_ref()
            .unwrap_err()
            .to_string()
            .contains("needs iam:UpdateAccessKey")
    );
    let inventory = app.data.identities.first().unwrap();
    let u = inventory.users.iter().find(|u| u.name() == user).unwrap();
    assert_eq!(u.active_keys().count(), 1);
}

#[test]
fn no_action_runs_on_failed_credentials() {
    use watchpost::app::SourceEvent;
    use watchpost::sources::{SourceError, SourceErrorKind};
    let (mut app, _) = on_user_with_active_key();
    let id = app.data.sources.keys().next().unwrap().clone();
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
    assert!(why.to_string().contains("credentials failed"), "{why}");
    let mut effects = press(&mut app, "jjj");
    effects.extend(update(&mut app, key(KeyCode::Enter)));
    effects.extend(press(&mut app, "y"));
    assert!(executes(&effects).is_empty());
}

#[test]
fn a_key_is_previewed_on_its_live_state_not_the_report() {
    let (mut app, _) = on_user_with_active_key();
    open_menu_on(&mut app, ActionId::DeactivateKey, true);
    let effects = update(&mut app, key(KeyCode::Enter));
    // Nothing to confirm until IAM has answered; keys do not run anything meanwhile.
    assert!(matches!(app.dialog, Some(Dialog::Resolving { .. })));
    assert!(executes(&press(&mut app, "yy")).is_empty());
    assert!(executes(&update(&mut app, key(KeyCode::Enter))).is_empty());
    // IAM says the key is inactive already (the report is hours old): deactivating it is
    // not available, and nothing confirms it.
    answer_resolve(&mut app, &effects, |target| match target {
        Target::AccessKey {
            account_id,
            user,
            key,
            created,
            ..
        } => Target::AccessKey {
            account_id,
            user,
            key,
            created,
            active: false,
        },
        other => other,
    });
    let Some(Dialog::Confirm { offer, .. }) = &app.dialog else {
        panic!("no preview: {:?}", app.dialog);
    };
    assert!(offer.available.is_err(), "{offer:?}");
    assert!(executes(&press(&mut app, "y")).is_empty());
    assert_eq!(app.dialog, None, "any key closes an unavailable preview");
}

#[test]
fn a_key_that_cannot_be_resolved_cannot_be_confirmed() {
    let (mut app, _) = on_user_with_active_key();
    open_menu_on(&mut app, ActionId::DeactivateKey, true);
    let asked = ask_resolution(&mut app);
    update(
        &mut app,
        Msg::Resolved {
            asked,
            result: Err(denied("ListAccessKeys", "not authorized")),
        },
    );
    let Some(Dialog::Confirm { offer, .. }) = &app.dialog else {
        panic!("no preview");
    };
    let why = offer.available.clone().unwrap_err();
    assert!(
        why.to_string().contains("needs iam:ListAccessKeys"),
        "{why}"
    );
    assert!(executes(&press(&mut app, "y")).is_empty());
}

/// A key the credential report named by slot: `#1` until IAM gives its ID.
fn slot_key_offer(action: ActionId, active: bool) -> Offer {
    Offer::new(
        action,
        Target::AccessKey {
            account_id: "123456789012".into(),
            user: "ops-bob".into(),
            key: "#1".into(),
            created: support::fixed_now(),
            active,
        },
        support::fixed_now(),
    )
}

#[test]
fn a_slot_number_never_confirms_a_delete_and_the_real_id_does() {
    let offer = slot_key_offer(ActionId::DeleteKey, false);
    assert_eq!(offer.target.confirmation(), None);
    for typed in ["#1", "", "ops-bob", "ops-bob/#1"] {
        assert!(!offer.target.is_confirmed_by(typed), "{typed:?}");
    }
    let resolved = offer.on(
        Target::AccessKey {
            account_id: "123456789012".into(),
            user: "ops-bob".into(),
            key: "AKIAIOSFODNN7EXAMPLE".into(),
            created: support::fixed_now(),
            active: false,
        },
        offer.prepared_at,
    );
    assert_eq!(resolved.target.confirmation(), Some("AKIAIOSFODNN7EXAMPLE"));
    assert!(resolved.target.is_confirmed_by("AKIAIOSFODNN7EXAMPLE"));
    assert!(
        resolved
            .target
            .is_confirmed_by("ops-bob/AKIAIOSFODNN7EXAMPLE")
    );
    for typed in [
        "#1",
        "AKIAIOSFODNN7EXAMPL",
        "alice/AKIAIOSFODNN7EXAMPLE",
        "akiaiosfodnn7example",
    ] {
        assert!(!resolved.target.is_confirmed_by(typed), "{typed:?}");
    }
    assert!(
        !resolved.cli.contains("list-access-keys"),
        "{}",
        resolved.cli
    );
    assert!(
        resolved.cli.contains("AKIAIOSFODNN7EXAMPLE"),
        "{}",
        resolved.cli
    );
}

#[test]
fn typing_the_slot_in_the_dialog_runs_nothing() {
    let (mut app, _) = on_user_with_active_key();
    let offer = slot_key_offer(ActionId::DeleteKey, false);
    app.dialog = Some(Dialog::Confirm {
        offer,
        typed: String::new(),
    });
    let mut effects = press(&mut app, "#1");
    effects.extend(update(&mut app, key(KeyCode::Enter)));
    assert!(executes(&effects).is_empty());
    assert!(
        app.status
            .as_deref()
            .unwrap_or_default()
            .contains("does not match"),
        "a wrong confirmation says so"
    );
}

#[test]
fn every_action_without_an_undo_is_typed_not_y() {
    use watchpost::remediation::{CATALOG, Risk};
    let no_undo: Vec<&str> = CATALOG
        .iter()
        .map(|id| id.spec())
        .filter(|s| s.risk() == Risk::NoUndo)
        .map(|s| s.name)
        .collect();
    assert_eq!(
        no_undo,
        [
            "delete-access-key",
            "delete-login-profile",
            "revoke-role-sessions",
            "finding-feedback-useful",
            "finding-feedback-not-useful",
            "suppress-finding-type",
            "block-public-access-account",
            "block-public-access-bucket",
            "start-trail-logging",
        ]
    );
    // On the demo's findings: feedback and suppression wait for the finding's ID.
    let mut app = loaded_app();
    press(&mut app, "3");
    for action in [
        ActionId::FeedbackUseful,
        ActionId::FeedbackNotUseful,
        ActionId::SuppressFinding,
    ] {
        open_menu_on(&mut app, action, false);
        preview(&mut app);
        let Some(Dialog::Confirm { offer, .. }) = app.dialog.clone() else {
            panic!("no preview for {action:?}");
        };
        assert!(executes(&press(&mut app, "y")).is_empty(), "{action:?}");
        update(&mut app, key(KeyCode::Esc));
        open_menu_on(&mut app, action, false);
        preview(&mut app);
        update(
            &mut app,
            Msg::Paste(offer.target.confirmation().unwrap().to_string()),
        );
        let effects = update(&mut app, key(KeyCode::Enter));
        assert_eq!(executes(&effects), [action]);
        app.dialog = None;
    }
}

#[test]
fn a_paste_is_never_key_presses() {
    let (mut app, user) = on_user_with_active_key();
    for paste in ["a\ry\r", "a\nyyyy\n", &format!("a\r{user}\r"), "ajj\ry"] {
        let effects = update(&mut app, Msg::Paste(paste.to_string()));
        assert!(effects.is_empty(), "{paste:?}: {effects:?}");
        assert_eq!(app.dialog, None, "{paste:?} opened nothing");
        assert!(
            app.status
                .as_deref()
                .unwrap_or_default()
                .contains("Paste ignored"),
            "{:?}",
            app.status
        );
    }
    // In the menu and in a `y` preview, a paste does nothing either.
    open_menu_on(&mut app, ActionId::DeactivateKey, true);
    let menu = app.dialog.clone();
    assert!(update(&mut app, Msg::Paste("\ry\r".into())).is_empty());
    assert_eq!(app.dialog, menu);
    preview(&mut app);
    let confirm = app.dialog.clone();
    assert!(update(&mut app, Msg::Paste("y".into())).is_empty());
    assert_eq!(app.dialog, confirm);
}

#[test]
fn a_pasted_name_fills_the_confirmation_and_its_newline_submits_nothing() {
    let (mut app, user) = on_user_with_active_key();
    open_menu_on(&mut app, ActionId::DeleteLoginProfile, false);
    preview(&mut app);
    let effects = update(&mut app, Msg::Paste(format!("{user}\r\n")));
    assert!(executes(&effects).is_empty(), "the newline did not submit");
    let Some(Dialog::Confirm { typed, .. }) = &app.dialog else {
        panic!("the dialog closed: {:?}", app.dialog);
    };
    assert_eq!(typed, &user);
    let effects = update(&mut app, key(KeyCode::Enter));
    assert_eq!(executes(&effects), [ActionId::DeleteLoginProfile]);
}

#[test]
fn a_paste_goes_into_the_filter_and_the_command_line_without_newlines() {
    let mut app = loaded_app();
    press(&mut app, "4/");
    update(&mut app, Msg::Paste("ops\n".into()));
    assert_eq!(app.view(app.tab).filter, "ops");
    assert_eq!(app.mode, watchpost::app::Mode::Filter, "still typing");
    update(&mut app, key(KeyCode::Esc));
    press(&mut app, ":");
    let effects = update(&mut app, Msg::Paste("quit\n".into()));
    assert!(effects.is_empty(), "the pasted newline ran nothing");
    assert_eq!(
        app.mode,
        watchpost::app::Mode::Command {
            text: "quit".into()
        }
    );
}

#[test]
fn each_new_step_of_the_dialog_counts_for_the_settling_time() {
    let (mut app, _) = on_user_with_active_key();
    let before = app.dialog_step;
    press(&mut app, "a");
    let menu = app.dialog_step;
    assert_ne!(menu, before);
    press(&mut app, "j");
    assert_eq!(app.dialog_step, menu, "moving in the menu is the same step");
    choose(&mut app, ActionId::DeactivateKey, true);
    preview(&mut app);
    assert_ne!(app.dialog_step, menu, "the preview is a new step");
}

#[test]
fn the_menu_moves_copies_and_closes_with_its_keys() {
    let (mut app, _) = on_user_with_active_key();
    press(&mut app, "a");
    let selected = |app: &App| match &app.dialog {
        Some(Dialog::Menu { selected, .. }) => *selected,
        other => panic!("no menu: {other:?}"),
    };
    let first = selected(&app);
    press(&mut app, "j");
    assert_eq!(selected(&app), first + 1);
    press(&mut app, "k");
    assert_eq!(selected(&app), first);
    update(&mut app, key(KeyCode::Down));
    update(&mut app, key(KeyCode::Up));
    assert_eq!(selected(&app), first);
    let effects = press(&mut app, "c");
    let Some(Effect::Copy(cli)) = effects.first() else {
        panic!("c copies: {effects:?}");
    };
    assert!(cli.starts_with("aws iam "), "{cli}");
    assert!(app.dialog.is_some(), "copying keeps the menu open");
    update(&mut app, key(KeyCode::Esc));
    assert_eq!(app.dialog, None, "Esc closes the menu");
    press(&mut app, "a");
    assert!(app.dialog.is_some());
    press(&mut app, "q");
    assert_eq!(app.dialog, None, "q closes the menu");
}

#[test]
fn resolving_is_cancelled_with_esc_and_a_late_answer_is_ignored() {
    let (mut app, _) = on_user_with_active_key();
    open_menu_on(&mut app, ActionId::DeactivateKey, true);
    let asked = ask_resolution(&mut app);
    update(&mut app, key(KeyCode::Esc));
    assert_eq!(app.dialog, None);
    let answer = Ok(*asked.clone());
    update(
        &mut app,
        Msg::Resolved {
            asked,
            result: answer,
        },
    );
    assert_eq!(app.dialog, None, "the answer after Esc opens nothing");
}

#[test]
fn the_typed_confirmation_edits_and_is_bounded() {
    let (mut app, user) = on_user_with_active_key();
    open_menu_on(&mut app, ActionId::DeleteLoginProfile, false);
    preview(&mut app);
    // A slip corrected with Backspace still confirms.
    press(&mut app, "x");
    update(&mut app, key(KeyCode::Backspace));
    press(&mut app, &user);
    let effects = update(&mut app, key(KeyCode::Enter));
    assert_eq!(executes(&effects), [ActionId::DeleteLoginProfile]);

    // At most 256 characters are kept, typed or pasted.
    let (mut app, _) = on_user_with_active_key();
    open_menu_on(&mut app, ActionId::DeleteLoginProfile, false);
    preview(&mut app);
    press(&mut app, &"z".repeat(300));
    update(&mut app, Msg::Paste("y".repeat(10)));
    let Some(Dialog::Confirm { typed, .. }) = &app.dialog else {
        panic!("no confirmation");
    };
    assert_eq!(typed.chars().count(), 256);
    assert!(typed.chars().all(|c| c == 'z'));
}

#[test]
fn copy_works_in_every_step_and_a_failed_action_offers_no_undo() {
    let (mut app, _) = on_user_with_active_key();
    open_menu_on(&mut app, ActionId::DeactivateKey, true);
    preview(&mut app);
    let copied = |effects: Vec<Effect>| effects.iter().any(|e| matches!(e, Effect::Copy(_)));
    assert!(copied(press(&mut app, "c")), "c copies in the preview");
    assert!(matches!(app.dialog, Some(Dialog::Confirm { .. })));
    let Some(Effect::Execute(offer)) = press(&mut app, "y").into_iter().next() else {
        panic!("no execute");
    };
    update(
        &mut app,
        Msg::ActionDone {
            offer,
            result: Err(denied("UpdateAccessKey", "not authorized")),
        },
    );
    assert!(copied(press(&mut app, "c")), "c copies in the outcome");
    assert!(matches!(app.dialog, Some(Dialog::Outcome { .. })));
    // Nothing was done, so there is nothing to undo: `u` just closes.
    press(&mut app, "u");
    assert_eq!(app.dialog, None);

    // An unavailable preview copies too (an auditor's recommendation).
    let (mut app, _) = on_user_with_active_key();
    app.dialog = Some(Dialog::Confirm {
        offer: slot_key_offer(ActionId::DeactivateKey, false),
        typed: String::new(),
    });
    assert!(copied(press(&mut app, "c")));
    assert!(app.dialog.is_some());
}
