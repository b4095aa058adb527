//! `:archived`: the Findings tab lists GuardDuty's archived findings when asked (never with
//! the polls), says so in its title, and "Unarchive finding" from there brings one back to
//! the unarchived findings. On the demo account and in the demo organisation.

use crate::command::command;
use crate::dialog::{open_menu_on, preview};
use crate::dialog_undo::confirm_with_y;
use crate::support::{app_for, ctrl, draw, empty_app, fixed_now, key, poll_all, press, session};
use std::collections::HashSet;
use std::sync::Arc;
use watchpost::app::{App, Dialog, Effect, Msg, update};
use watchpost::clock::{FixedClock, SharedClock};
use watchpost::input::KeyCode;
use watchpost::panes::Tab;
use watchpost::remediation::ActionId;
use watchpost::sources::Session;
use watchpost::sources::archived::ArchivedRequest;
use watchpost::sources::demo::{DemoOptions, demo_org_session};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
}

fn asked(effects: &[Effect]) -> Vec<ArchivedRequest> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::ListArchived(request) => Some(request.clone()),
            _ => None,
        })
        .collect()
}

/// Answers every `Effect::ListArchived` among `effects` with the session's lookup.
fn answer(app: &mut App, session: &Session, effects: &[Effect]) {
    let runtime = runtime();
    for request in asked(effects) {
        let result = runtime.block_on(session.lookups.archived.archived(&request));
        update(app, Msg::ArchivedListed { request, result });
    }
}

fn title(app: &mut App) -> String {
    draw(app, 120, 30)
        .lines()
        .find(|l| l.contains('┌'))
        .unwrap_or_default()
        .to_string()
}

/// The IDs of the findings the Findings tab shows.
fn shown_ids(app: &App) -> HashSet<String> {
    let pane = Tab::Findings.pane();
    app.view(Tab::Findings)
        .shown_rows()
        .map(|row| pane.key(&app.data, row))
        .collect()
}

/// Previews the menu's selected action, runs it with `y` through the demo's executor and
/// reports the outcome: the effects that asks for.
fn run_previewed(app: &mut App, session: &Session) -> Vec<Effect> {
    preview(app);
    let offer = confirm_with_y(app);
    let executor = session.executor.clone().unwrap();
    let result = runtime().block_on(executor.perform(&offer));
    assert!(result.is_ok(), "{result:?}");
    update(app, Msg::ActionDone { offer, result })
}

/// Selects the Findings tab's row of the finding `id`.
fn select(app: &mut App, id: &str) {
    let pane = Tab::Findings.pane();
    let view = app.view(Tab::Findings);
    let at = view
        .shown_rows()
        .position(|row| pane.key(&app.data, row) == id)
        .unwrap_or_else(|| panic!("{id} is not shown"));
    app.view_mut(Tab::Findings).selected = at;
}

/// Polls every source in full again, as the refresh after an action asks.
fn relist(app: &mut App, session: &mut Session) {
    for source in &mut session.sources {
        source.relist();
    }
    assert!(asked(&poll_all(app, session)).is_empty());
}

#[test]
fn the_demo_lists_its_archived_findings_when_asked_and_unarchives_from_there() {
    let mut session = session();
    let mut app = empty_app(&session);
    // Polls never list archived findings: the view asks for them.
    assert!(asked(&poll_all(&mut app, &mut session)).is_empty());
    let unarchived: HashSet<String> = app.data.findings.iter().map(|f| f.id.to_string()).collect();

    let effects = command(&mut app, "archived");
    assert_eq!(app.tab, Tab::Findings);
    let requests = asked(&effects);
    let regions: Vec<&str> = requests.iter().map(|r| r.region.as_str()).collect();
    assert_eq!(
        regions,
        ["us-east-1", "eu-west-1"],
        "GuardDuty is off in the third"
    );
    assert!(draw(&mut app, 120, 30).contains("Listing archived GuardDuty findings"));
    answer(&mut app, &session, &effects);

    let archived = shown_ids(&app);
    assert_eq!(archived.len(), 10);
    assert!(archived.is_disjoint(&unarchived));
    assert!(
        title(&mut app).contains("Findings · archived 10"),
        "{}",
        title(&mut app)
    );
    // The sample journal's archived finding is one of them.
    let journaled = session
        .journal_history
        .iter()
        .find(|r| r.action == ActionId::ArchiveFinding.spec().name)
        .unwrap()
        .target
        .clone();
    assert!(archived.contains(&journaled), "{journaled}");
    // A poll leaves the view as it is.
    poll_all(&mut app, &mut session);
    assert_eq!(shown_ids(&app), archived);

    // Archive is not offered on an archived finding; Unarchive runs.
    select(&mut app, &journaled);
    press(&mut app, "a");
    let Some(Dialog::Menu { offers, .. }) = &app.dialog else {
        panic!("no menu: {:?}", app.dialog);
    };
    let archive = offers
        .iter()
        .find(|o| o.action == ActionId::ArchiveFinding)
        .unwrap();
    assert!(archive.available.is_err(), "already archived");
    // Unarchiving weakens the posture: the menu does not open on it.
    for _ in 0..offers.len() {
        match &app.dialog {
            Some(Dialog::Menu { offers, selected })
                if offers[*selected].action == ActionId::UnarchiveFinding =>
            {
                break;
            }
            _ => update(&mut app, key(KeyCode::Up)),
        };
    }
    let effects = run_previewed(&mut app, &session);
    assert!(effects.contains(&Effect::RefreshAll));
    assert!(asked(&effects).is_empty(), "no listing again");
    update(&mut app, key(KeyCode::Esc));
    // It leaves the archived view at once…
    assert!(!shown_ids(&app).contains(&journaled));
    assert_eq!(app.view(Tab::Findings).len(), 9);
    // …and the refresh brings it back among the unarchived findings.
    relist(&mut app, &mut session);
    assert!(app.data.findings.iter().any(|f| *f.id == *journaled));
    update(&mut app, key(KeyCode::Esc));
    assert!(!app.data.archived.shown, "Esc goes back");
    assert!(shown_ids(&app).contains(&journaled));
    assert!(!title(&mut app).contains("archived"));

    // Opened again, the view lists what is archived now.
    let effects = command(&mut app, "archived on");
    answer(&mut app, &session, &effects);
    assert_eq!(shown_ids(&app).len(), 9);
    assert!(command(&mut app, "archived").is_empty());
    assert!(!app.data.archived.shown, ":archived again goes back");
}

#[test]
fn archiving_in_the_demo_moves_a_finding_to_the_archived_view_and_ctrl_r_lists_it() {
    let mut session = session();
    let mut app = empty_app(&session);
    poll_all(&mut app, &mut session);
    let effects = command(&mut app, "archived");
    answer(&mut app, &session, &effects);
    let before = shown_ids(&app);
    command(&mut app, "archived off");
    assert!(!app.data.archived.shown);

    app.view_mut(Tab::Findings).select_first();
    let row = app.view(Tab::Findings).selected_row().unwrap();
    let id = Tab::Findings.pane().key(&app.data, row);
    open_menu_on(&mut app, ActionId::ArchiveFinding, false);
    run_previewed(&mut app, &session);
    update(&mut app, key(KeyCode::Esc));
    relist(&mut app, &mut session);
    assert!(app.data.finding(&id).is_none());

    let effects = command(&mut app, "archived");
    answer(&mut app, &session, &effects);
    assert!(shown_ids(&app).contains(&id));
    assert_eq!(shown_ids(&app).len(), before.len() + 1);
    // Ctrl-r lists the view again with the sources, from any tab.
    press(&mut app, "2");
    let effects = update(&mut app, ctrl('r'));
    assert!(effects.contains(&Effect::RefreshAll));
    assert_eq!(asked(&effects).len(), 2);
    assert!(app.data.archived.loading());
    assert_eq!(app.tab, Tab::Alarms);
}

#[test]
fn the_demo_organisation_lists_members_archived_findings_through_the_administrator() {
    let clock: SharedClock = Arc::new(FixedClock(fixed_now()));
    let mut session = demo_org_session(DemoOptions::default(), clock);
    let mut app = app_for(&session, false, fixed_now());
    app.data.org = session.org.clone();
    poll_all(&mut app, &mut session);
    let admin = session
        .org
        .as_ref()
        .unwrap()
        .guardduty_admin
        .clone()
        .unwrap();

    let effects = command(&mut app, "archived");
    let requests = asked(&effects);
    assert!(!requests.is_empty());
    // A member's findings are listed by the administrator's detector, not its own.
    let askers: HashSet<String> = requests.iter().map(|r| r.account_id.clone()).collect();
    assert!(askers.contains(admin.as_str()), "{askers:?}");
    let members: HashSet<String> = app
        .data
        .detectors
        .iter()
        .filter(|d| d.administrator.is_some())
        .map(|d| d.account_id.clone())
        .collect();
    assert!(!members.is_empty());
    assert!(askers.is_disjoint(&members), "{askers:?}");
    answer(&mut app, &session, &effects);

    let accounts: HashSet<String> = app
        .data
        .archived
        .findings
        .iter()
        .map(|f| f.account_id.to_string())
        .collect();
    assert!(accounts.len() >= 3, "{accounts:?}");
    assert!(!accounts.is_disjoint(&members), "{accounts:?}");
    assert!(app.data.archived.findings.iter().all(|f| f.archived));
    assert!(
        app.data.archived.errors.is_empty(),
        "{:?}",
        app.data.archived.errors
    );
    let rows = app.view(Tab::Findings).len();
    assert_eq!(rows, app.data.archived.findings.len());
    assert!(title(&mut app).contains(&format!("Findings · archived {rows}")));
}
