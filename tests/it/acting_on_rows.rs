//! What an action does to the table it was taken from: the row leaves or comes back, the
//! selection goes to the neighbour, and the menu offers as runnable only what applies and
//! never starts on an action that takes a protection away.

use crate::support::{self, app_for, fixed_now, key, loaded_app, poll_all, poll_events, press};
use std::sync::Arc;
use watchpost::app::{App, Dialog, Effect, Msg, update};
use watchpost::clock::{FixedClock, SharedClock};
use watchpost::domain::CheckStatus;
use watchpost::input::KeyCode;
use watchpost::panes::Tab;
use watchpost::remediation::{ActionId, Offer};
use watchpost::sources::Session;
use watchpost::sources::demo::{DemoOptions, demo_org_session};

fn selected_key(app: &App) -> String {
    let view = app.view(app.tab);
    app.tab.pane().key(&app.data, view.selected_row().unwrap())
}

/// Opens the menu on the selected row, moves to `action` and presses Enter.
fn choose(app: &mut App, action: ActionId) {
    press(app, "a");
    for _ in 0..20 {
        match &app.dialog {
            Some(Dialog::Menu { offers, selected }) if offers[*selected].action == action => {
                update(app, key(KeyCode::Enter));
                return;
            }
            _ => {
                update(app, key(KeyCode::Down));
            }
        }
    }
    panic!("{action:?} is not in the menu: {:?}", app.dialog);
}

/// `y` in the preview: the offer the console asks to run.
fn confirm(app: &mut App) -> Box<Offer> {
    press(app, "y")
        .into_iter()
        .find_map(|e| match e {
            Effect::Execute(offer) => Some(offer),
            _ => None,
        })
        .unwrap_or_else(|| panic!("nothing runs: {:?}", app.dialog))
}

/// Runs `offer` on the session's executor and tells the console, then carries out the
/// refresh it asks for as the workers do: every source relists, then polls.
fn run_and_refresh(app: &mut App, session: &mut Session, offer: Box<Offer>) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let executor = session.executor.clone().unwrap();
    let result = runtime.block_on(executor.perform(&offer));
    assert!(result.is_ok(), "{result:?}");
    let effects = update(app, Msg::ActionDone { offer, result });
    assert!(effects.contains(&Effect::RefreshAll));
    for source in &mut session.sources {
        source.relist();
    }
    for event in poll_events(session, fixed_now()) {
        update(app, Msg::Source(event));
    }
}

#[test]
fn a_demo_finding_archived_then_unarchived_comes_back() {
    let mut session = support::session();
    let mut app = support::empty_app(&session);
    poll_all(&mut app, &mut session);
    press(&mut app, "3j");
    let before = app.view(Tab::Findings).rows().len();
    let id = selected_key(&app);

    choose(&mut app, ActionId::ArchiveFinding);
    let offer = confirm(&mut app);
    run_and_refresh(&mut app, &mut session, offer);
    assert_eq!(app.view(Tab::Findings).rows().len(), before - 1);
    assert!(app.data.finding(&id).is_none());

    // `u` on the outcome offers the unarchive, which can run.
    press(&mut app, "u");
    let offer = confirm(&mut app);
    assert_eq!(offer.action, ActionId::UnarchiveFinding);
    run_and_refresh(&mut app, &mut session, offer);
    assert!(app.data.finding(&id).is_some(), "the finding is back");
    assert_eq!(app.view(Tab::Findings).rows().len(), before);
}

/// Archives the selected finding through the menu, as if the executor said it was done.
fn archive_selected(app: &mut App) {
    choose(app, ActionId::ArchiveFinding);
    let offer = confirm(app);
    update(
        app,
        Msg::ActionDone {
            offer,
            result: Ok("archived".into()),
        },
    );
}

#[test]
fn after_a_row_leaves_the_selection_is_on_its_neighbour() {
    let mut app = loaded_app();
    press(&mut app, "3j");
    let rows = app.view(Tab::Findings).rows().clone();
    let neighbour = Tab::Findings.pane().key(&app.data, rows[2]);
    archive_selected(&mut app);
    assert_eq!(app.view(Tab::Findings).selected, 1);
    assert_eq!(selected_key(&app), neighbour);

    // The last row's neighbour is the row above it.
    update(&mut app, key(KeyCode::Esc));
    press(&mut app, "G");
    let rows = app.view(Tab::Findings).rows().clone();
    let above = Tab::Findings.pane().key(&app.data, rows[rows.len() - 2]);
    archive_selected(&mut app);
    assert_eq!(selected_key(&app), above);
}

#[test]
fn unarchive_on_a_finding_that_is_not_archived_is_not_available() {
    let mut app = loaded_app();
    press(&mut app, "3");
    choose(&mut app, ActionId::UnarchiveFinding);
    assert!(
        matches!(app.dialog, Some(Dialog::Menu { .. })),
        "no preview: {:?}",
        app.dialog
    );
    assert_eq!(
        app.status.as_deref(),
        Some("Not available: the finding is not archived")
    );
}

/// Opens the menu on every row of every tab: it never starts on an action that takes a
/// protection away, and on a passing EBS row it does not start on turning encryption off.
fn menus_never_start_on_a_weakening_action(app: &mut App) {
    let mut passing_ebs = 0;
    for tab in [Tab::Overview, Tab::Findings, Tab::Identity, Tab::Posture] {
        app.tab = tab;
        for pos in 0..app.view(tab).rows().len() {
            app.view_mut(tab).selected = pos;
            let row = app.view(tab).rows()[pos];
            if tab == Tab::Posture {
                let check = &app.data.checks[row];
                if check.check_id() == "ec2.ebs-default-encryption"
                    && check.status == CheckStatus::Pass
                {
                    passing_ebs += 1;
                }
            }
            press(app, "a");
            if let Some(Dialog::Menu { offers, selected }) = &app.dialog {
                let offer = &offers[*selected];
                assert!(
                    !offer.action.action().weakens(),
                    "{tab:?} row {pos} starts on {:?}",
                    offer.action
                );
                assert_ne!(offer.action, ActionId::DisableEbsDefaultEncryption);
            }
            app.dialog = None;
        }
    }
    assert!(passing_ebs > 0, "the demo has a passing EBS row");
}

#[test]
fn the_menu_never_starts_on_an_action_that_weakens_a_control() {
    menus_never_start_on_a_weakening_action(&mut loaded_app());
}

#[test]
fn in_the_demo_organisation_neither() {
    let clock: SharedClock = Arc::new(FixedClock(fixed_now()));
    let mut session = demo_org_session(DemoOptions::default(), clock);
    let mut app = app_for(&session, false, fixed_now());
    app.set_org(session.org.clone());
    poll_all(&mut app, &mut session);
    menus_never_start_on_a_weakening_action(&mut app);
}
