//! Actions in an organisation: the rows of an account under a read-only rule cannot be
//! acted on — the menu says which rule, the preview names it and the account's banner, and
//! nothing runs — while another account's rows can.

use crate::support::console_org::{PAYMENTS, PAYMENTS_RULE, SECURITY, org_app};
use crate::support::{draw, key, press};
use watchpost::app::{App, Dialog, Effect, update};
use watchpost::input::KeyCode;
use watchpost::remediation::{Offer, Unavailable};

/// The Findings tab filtered to `account`'s findings (by its name), the action menu open
/// on the first.
fn menu_on_finding_of(name: &str) -> (App, Vec<Offer>) {
    let mut app = org_app();
    press(&mut app, &format!("3/'{name}"));
    update(&mut app, key(KeyCode::Enter));
    press(&mut app, "a");
    let Some(Dialog::Menu { offers, .. }) = &app.dialog else {
        panic!("no menu: {:?}", app.status);
    };
    let offers = offers.clone();
    (app, offers)
}

fn read_only() -> Unavailable {
    Unavailable::AccountReadOnly(PAYMENTS_RULE.to_string())
}

#[test]
fn a_read_only_accounts_rows_offer_nothing_that_runs() {
    let (mut app, offers) = menu_on_finding_of("prod-payments");
    assert!(offers.iter().all(|o| **o.target.account_id() == *PAYMENTS));
    assert!(offers.iter().all(|o| o.available.is_err()), "{offers:?}");
    assert!(offers.iter().any(|o| o.available == Err(read_only())));
    let screen = draw(&mut app, 120, 40);
    assert!(
        screen.contains("not available: read-only: [[accounts]] match = \"prod-*\""),
        "{screen}"
    );

    // The preview names the account, its banner and its rule; no key runs it.
    let at = offers
        .iter()
        .position(|o| o.available == Err(read_only()))
        .unwrap();
    if let Some(Dialog::Menu { selected, .. }) = &mut app.dialog {
        *selected = at;
    }
    update(&mut app, key(KeyCode::Enter));
    assert!(matches!(app.dialog, Some(Dialog::Confirm { .. })));
    let screen = draw(&mut app, 120, 40);
    for wanted in [
        "prod-payments (444455556666) · Workloads/Prod",
        "Banner",
        "PRODUCTION",
        "Rule",
        "read-only: [[accounts]] match = \"prod-*\"",
        "not available now",
    ] {
        assert!(screen.contains(wanted), "{wanted}:\n{screen}");
    }
    let effects = update(&mut app, key(KeyCode::Char('y')));
    assert!(!effects.iter().any(|e| matches!(e, Effect::Execute(_))));
    assert!(app.dialog.is_none());
}

#[test]
fn another_accounts_rows_stay_runnable() {
    let (mut app, offers) = menu_on_finding_of("security-tooling");
    assert!(offers.iter().all(|o| **o.target.account_id() == *SECURITY));
    assert!(offers.iter().any(|o| o.available.is_ok()), "{offers:?}");
    assert!(!offers.iter().any(|o| o.available == Err(read_only())));
    // The preview of a runnable action names the account and runs on `y`.
    update(&mut app, key(KeyCode::Enter));
    let screen = draw(&mut app, 120, 40);
    assert!(
        screen.contains("security-tooling (111122223333) · Security"),
        "{screen}"
    );
    let effects = update(&mut app, key(KeyCode::Char('y')));
    assert!(effects.iter().any(|e| matches!(e, Effect::Execute(_))));
}

#[test]
fn a_read_only_accounts_users_cannot_be_acted_on_either() {
    let mut app = org_app();
    press(&mut app, "4/'prod-payments");
    update(&mut app, key(KeyCode::Enter));
    // A user, not the root row (which has no action).
    press(&mut app, "j");
    press(&mut app, "a");
    let Some(Dialog::Menu { offers, .. }) = &app.dialog else {
        panic!("no menu: {:?}", app.status);
    };
    assert!(!offers.is_empty());
    assert!(offers.iter().all(|o| o.available.is_err()));
    assert!(offers.iter().any(|o| o.available == Err(read_only())));
}

#[test]
fn the_sessions_read_only_mode_still_says_so_first() {
    let mut app = org_app();
    app.header.read_only = true;
    press(&mut app, "3/'prod-payments");
    update(&mut app, key(KeyCode::Enter));
    press(&mut app, "a");
    let Some(Dialog::Menu { offers, .. }) = &app.dialog else {
        panic!("no menu");
    };
    assert!(offers.iter().all(|o| o.available != Err(read_only())));
    assert!(
        offers
            .iter()
            .any(|o| o.available == Err(Unavailable::ReadOnly))
    );
}
