//! Snapshots of an organisation's screens (the fixture of `support::console_org`): the
//! Accounts tab and an account's detail, the Identity tab with its Account column, a
//! scoped table with the scope in the header, and the preview of an action a read-only
//! rule stops; and every such screen renders at any size.

use crate::support::console_org::org_app;
use crate::support::{draw, key, press, render};
use watchpost::app::{App, Msg, update};
use watchpost::input::KeyCode;

fn on_accounts() -> App {
    let mut app = org_app();
    press(&mut app, "7");
    app
}

fn account_detail() -> App {
    let mut app = org_app();
    press(&mut app, "7/prod-pay");
    update(&mut app, key(KeyCode::Enter));
    update(&mut app, key(KeyCode::Enter));
    app
}

fn scoped_findings() -> App {
    let mut app = org_app();
    press(&mut app, ":account prod-*");
    update(&mut app, key(KeyCode::Enter));
    press(&mut app, "3");
    app
}

fn read_only_preview() -> App {
    let mut app = org_app();
    press(&mut app, "3/'prod-payments");
    update(&mut app, key(KeyCode::Enter));
    press(&mut app, "a");
    update(&mut app, key(KeyCode::Enter));
    app
}

#[test]
fn accounts() {
    let mut app = on_accounts();
    insta::assert_snapshot!("accounts_80x24", draw(&mut app, 80, 24));
    insta::assert_snapshot!("accounts_160x48", draw(&mut app, 160, 48));
}

#[test]
fn an_accounts_detail() {
    let mut app = account_detail();
    insta::assert_snapshot!("account_detail_80x24", draw(&mut app, 80, 24));
}

#[test]
fn identity_in_an_organisation() {
    let mut app = org_app();
    press(&mut app, "4");
    insta::assert_snapshot!("org_identity_80x24", draw(&mut app, 80, 24));
}

#[test]
fn a_scoped_table() {
    let mut app = scoped_findings();
    insta::assert_snapshot!("org_findings_scoped_80x24", draw(&mut app, 80, 24));
    insta::assert_snapshot!("org_findings_scoped_160x48", draw(&mut app, 160, 48));
}

#[test]
fn a_read_only_accounts_preview() {
    let mut app = read_only_preview();
    insta::assert_snapshot!("read_only_account_preview_80x24", draw(&mut app, 80, 24));
}

#[test]
fn every_organisation_screen_renders_at_any_size() {
    let screens: [fn() -> App; 5] = [
        on_accounts,
        account_detail,
        scoped_findings,
        read_only_preview,
        || {
            let mut app = org_app();
            update(&mut app, key(KeyCode::Char('?')));
            app
        },
    ];
    for screen in screens {
        for (width, height) in [
            (1, 1),
            (2, 1),
            (1, 2),
            (59, 14),
            (60, 15),
            (61, 16),
            (80, 24),
            (300, 100),
            (300, 1),
            (1, 100),
        ] {
            let mut app = screen();
            update(&mut app, Msg::Resize { width, height });
            render(&mut app, width, height);
        }
    }
}
