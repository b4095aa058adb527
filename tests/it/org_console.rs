//! The console of an organisation (the fixture of `support::console_org` over the demo
//! account): the Accounts tab, reach kept current from the sources' polls, the Account
//! columns, `:account`, and the header. A single-account session shows none of it.

use crate::support::console_org::{
    DEV, PAYMENTS, SANDBOX, SECURITY, STAGING, STAGING_DENIED, org_app,
};
use crate::support::{draw, fixed_now, key, loaded_app, press};
use watchpost::app::{App, Mode, Msg, SourceEvent, update};
use watchpost::domain::{AlarmState, Reach, Severity, SourceId, SourceKind};
use watchpost::input::KeyCode;
use watchpost::panes::{Tab, shown};
use watchpost::sources::{SourceData, SourceError, SourceErrorKind};

fn reach(app: &App, id: &str) -> Reach {
    app.data
        .org
        .as_ref()
        .unwrap()
        .account(id)
        .unwrap()
        .reach
        .clone()
}

fn command(app: &mut App, line: &str) {
    press(app, ":");
    press(app, line);
    update(app, key(KeyCode::Enter));
}

fn status(app: &App) -> String {
    app.status.clone().unwrap_or_default()
}

/// The accounts of the rows `tab` shows.
fn accounts_shown(app: &App, tab: Tab) -> Vec<String> {
    let pane = tab.pane();
    app.view(tab)
        .rows()
        .iter()
        .map(|&row| pane.account(&app.data, row).unwrap_or_default().to_string())
        .collect()
}

fn failed(app: &mut App, account: &str, kind: SourceErrorKind, message: &str) {
    let id = SourceId {
        kind: SourceKind::Alarms,
        account_id: account.into(),
        region: Some("us-east-1".into()),
    };
    let error = SourceError {
        source_id: id.clone(),
        operation: "DescribeAlarms".into(),
        kind,
        message: message.into(),
    };
    let at = fixed_now();
    update(app, Msg::Source(SourceEvent::Failed { id, error, at }));
}

fn answered(app: &mut App, account: &str) {
    let id = SourceId {
        kind: SourceKind::Alarms,
        account_id: account.into(),
        region: Some("us-east-1".into()),
    };
    let data = SourceData::alarms(Vec::new());
    let at = fixed_now();
    update(app, Msg::Source(SourceEvent::Data { id, data, at }));
}

#[test]
fn the_accounts_tab_is_an_organisations_only() {
    let mut one = loaded_app();
    press(&mut one, "7");
    assert_eq!(one.tab, Tab::Overview);
    assert!(status(&one).contains("one account"), "{}", status(&one));
    assert!(!draw(&mut one, 160, 48).contains("7 Accounts"));
    press(&mut one, "6");
    update(&mut one, key(KeyCode::Tab));
    assert_eq!(one.tab, Tab::Overview, "Tab wraps from the Journal");
    press(&mut one, "?");
    assert!(!draw(&mut one, 160, 48).contains(":account"));

    let mut app = org_app();
    assert!(draw(&mut app, 160, 48).contains("7 Accounts 5"));
    press(&mut app, "6");
    update(&mut app, key(KeyCode::Tab));
    assert_eq!(app.tab, Tab::Accounts);
    update(&mut app, key(KeyCode::Tab));
    assert_eq!(app.tab, Tab::Overview);
    update(&mut app, key(KeyCode::BackTab));
    assert_eq!(app.tab, Tab::Accounts);
    press(&mut app, "1");
    command(&mut app, "accounts");
    assert_eq!(app.tab, Tab::Accounts);
    assert_eq!(app.view(Tab::Accounts).rows().len(), 5);
    press(&mut app, "?");
    let help = draw(&mut app, 160, 100);
    assert!(
        help.contains("Accounts: the organisation's accounts"),
        "{help}"
    );
    assert!(help.contains(":account A,B"), "{help}");
}

#[test]
fn reach_follows_each_accounts_sources() {
    let mut app = org_app();
    // As the session opened it, then as the sources answered.
    assert_eq!(reach(&app, SECURITY), Reach::Reachable);
    assert_eq!(
        reach(&app, PAYMENTS),
        Reach::Reachable,
        "its sources answered"
    );
    assert_eq!(
        reach(&app, STAGING),
        Reach::Unreachable(STAGING_DENIED.into())
    );
    assert_eq!(reach(&app, SANDBOX), Reach::Skipped("SUSPENDED".into()));
    assert_eq!(reach(&app, DEV), Reach::Pending);

    // A denied permission is not a way in refused: the account stays as it was.
    failed(
        &mut app,
        DEV,
        SourceErrorKind::AccessDenied { permission: None },
        "no",
    );
    assert_eq!(reach(&app, DEV), Reach::Pending);
    // Credentials that stop working make an account unreachable, with their message…
    failed(
        &mut app,
        PAYMENTS,
        SourceErrorKind::Credentials,
        "ExpiredToken",
    );
    assert_eq!(
        reach(&app, PAYMENTS),
        Reach::Unreachable("ExpiredToken".into())
    );
    assert!(draw(&mut app, 80, 24).contains("5 accounts · 2 unreachable"));
    // …as long as one of its sources' last poll failed so.
    answered(&mut app, PAYMENTS);
    assert_eq!(reach(&app, PAYMENTS), Reach::Reachable);
    answered(&mut app, STAGING);
    assert_eq!(
        reach(&app, STAGING),
        Reach::Unreachable(STAGING_DENIED.into()),
        "its IAM source still fails"
    );
    // A suspended account stays skipped whatever answers.
    answered(&mut app, SANDBOX);
    assert_eq!(reach(&app, SANDBOX), Reach::Skipped("SUSPENDED".into()));
    answered(&mut app, DEV);
    assert_eq!(reach(&app, DEV), Reach::Reachable);
    // The table follows.
    press(&mut app, "7");
    let screen = draw(&mut app, 160, 48);
    let dev = screen.lines().find(|l| l.contains("dev-tools")).unwrap();
    assert!(dev.contains("reachable"), "{dev}");
}

#[test]
fn a_members_failure_is_its_own_not_the_sessions() {
    let mut app = org_app();
    let header = draw(&mut app, 160, 48);
    assert!(!header.contains("CREDENTIALS FAILED"), "{header}");
    assert!(
        !header.contains("ERROR"),
        "an unreachable account is counted, not an error"
    );
    failed(
        &mut app,
        SECURITY,
        SourceErrorKind::Credentials,
        "ExpiredToken",
    );
    let header = draw(&mut app, 160, 48);
    assert!(
        header.contains("CREDENTIALS FAILED (111122223333)"),
        "{header}"
    );
}

#[test]
fn failing_counts_add_each_accounts_checks_findings_and_alarms() {
    let app = org_app();
    let data = &app.data;
    let mut expected = [0usize; 5];
    for check in data
        .checks
        .iter()
        .filter(|c| c.failed() && c.account_id.as_str() == PAYMENTS)
    {
        expected[check.severity() as usize] += 1;
    }
    for finding in data
        .findings
        .iter()
        .filter(|f| f.account_id.as_str() == PAYMENTS)
    {
        expected[finding.severity() as usize] += 1;
    }
    let alarms = data
        .alarms
        .iter()
        .filter(|a| a.account_id.as_str() == PAYMENTS && a.state == AlarmState::Alarm)
        .count();
    expected[app.settings.alarm_severity as usize] += alarms;
    assert!(alarms > 0 && expected[Severity::Critical as usize] > 0);
    assert_eq!(data.failing_of(PAYMENTS), expected);
    assert_eq!(data.failing_of(DEV), [0; 5]);
    assert_eq!(
        data.summary_of(|_| true),
        data.summary,
        "every account's adds up"
    );
    let row = (0..5)
        .find(|&r| Tab::Accounts.pane().key(data, r) == PAYMENTS)
        .unwrap();
    let cells = Tab::Accounts.pane().cells(data, row, app.now);
    let crit = expected[Severity::Critical as usize].to_string();
    assert_eq!(cells[4].text, crit.as_str());
}

#[test]
fn an_accounts_detail_lists_its_sources_and_its_rule() {
    let mut app = org_app();
    press(&mut app, "7/prod-pay");
    update(&mut app, key(KeyCode::Enter));
    update(&mut app, key(KeyCode::Enter));
    assert!(matches!(app.mode, Mode::Detail { .. }));
    let screen = draw(&mut app, 120, 60);
    for wanted in [
        "Account prod-payments",
        "Workloads/Prod",
        "read-only: [[accounts]] match = \"prod-*\"",
        "PRODUCTION",
        "CloudWatch",
        "us-east-1: data from 2026-11-28 12:00 UTC",
    ] {
        assert!(screen.contains(wanted), "{wanted}:\n{screen}");
    }
    update(&mut app, key(KeyCode::Esc));
    press(&mut app, "/");
    update(&mut app, key(KeyCode::Esc));
    press(&mut app, "/staging");
    update(&mut app, key(KeyCode::Enter));
    update(&mut app, key(KeyCode::Enter));
    let screen = draw(&mut app, 200, 60);
    assert!(screen.contains("unreachable: AssumeRole into"), "{screen}");
    assert!(screen.contains("failing since 0s ago"), "{screen}");
}

#[test]
fn every_table_names_the_account_in_an_organisation_only() {
    let one = loaded_app();
    let mut app = org_app();
    for tab in [
        Tab::Overview,
        Tab::Alarms,
        Tab::Findings,
        Tab::Identity,
        Tab::Posture,
        Tab::Journal,
    ] {
        let titles = |app: &App| -> Vec<&str> {
            shown::columns(tab.pane(), &app.data)
                .iter()
                .map(|c| c.column.title)
                .collect()
        };
        assert!(!titles(&one).contains(&"Account"), "{tab:?}");
        assert!(titles(&app).contains(&"Account"), "{tab:?}");
        let accounts = accounts_shown(&app, tab);
        if tab != Tab::Journal {
            assert!(accounts.iter().any(|a| a == PAYMENTS), "{tab:?}");
            assert!(accounts.iter().any(|a| a == SECURITY), "{tab:?}");
        }
    }
    // `/` matches the account's name.
    press(&mut app, "3/'prod-payments");
    update(&mut app, key(KeyCode::Enter));
    let accounts = accounts_shown(&app, Tab::Findings);
    assert!(!accounts.is_empty() && accounts.iter().all(|a| a == PAYMENTS));
    // The detail names it with its OU.
    update(&mut app, key(KeyCode::Enter));
    let screen = draw(&mut app, 160, 48);
    assert!(
        screen.contains("prod-payments (444455556666) · Workloads/Prod"),
        "{screen}"
    );
    update(&mut app, key(KeyCode::Esc));
    // `s` reaches the Account column where it is drawn: after Score.
    update(&mut app, key(KeyCode::Esc));
    press(&mut app, "s");
    let account = shown::columns(Tab::Findings.pane(), &app.data)[2].index;
    assert_eq!(app.view(Tab::Findings).sort_column, account);
    let names: Vec<&str> = app
        .view(Tab::Findings)
        .rows()
        .iter()
        .map(|&row| {
            let id = Tab::Findings.pane().account(&app.data, row).unwrap();
            app.data.org.as_ref().unwrap().name_of(id)
        })
        .collect();
    assert!(names.is_sorted(), "{names:?}");
}

#[test]
fn account_scopes_every_tab() {
    let mut app = org_app();
    let all_findings = app.view(Tab::Findings).rows().len();
    command(&mut app, "account prod-*");
    assert!(
        status(&app).contains("Showing 1 of 5 accounts"),
        "{}",
        status(&app)
    );
    for tab in [
        Tab::Overview,
        Tab::Alarms,
        Tab::Findings,
        Tab::Identity,
        Tab::Posture,
        Tab::Accounts,
    ] {
        let accounts = accounts_shown(&app, tab);
        assert!(!accounts.is_empty(), "{tab:?}");
        assert!(
            accounts.iter().all(|a| a == PAYMENTS),
            "{tab:?}: {accounts:?}"
        );
    }
    assert!(
        accounts_shown(&app, Tab::Journal).is_empty(),
        "no action was taken there"
    );
    // The Overview's counters are the scope's.
    let in_alarm = app
        .data
        .alarms
        .iter()
        .filter(|a| a.account_id.as_str() == PAYMENTS && a.state == AlarmState::Alarm)
        .count();
    assert!(in_alarm < app.data.summary.alarms_alarm);
    press(&mut app, "1");
    let screen = draw(&mut app, 160, 48);
    assert!(
        screen.contains(&format!("CloudWatch {in_alarm} ALARM ·")),
        "{screen}"
    );
    assert!(screen.contains("IAM        40 users"), "{screen}");
    assert!(draw(&mut app, 160, 48).contains("1 of 5 accounts · 1 unreachable │ scope prod-*"));
    // Data that arrives keeps to the scope.
    let id = SourceId {
        kind: SourceKind::Alarms,
        account_id: SECURITY.into(),
        region: Some("us-east-1".into()),
    };
    let alarms = app
        .data
        .alarms
        .iter()
        .filter(|a| a.account_id.as_str() == SECURITY && a.region.as_str() == "us-east-1")
        .cloned()
        .collect();
    let data = SourceData::alarms(alarms);
    update(
        &mut app,
        Msg::Source(SourceEvent::Data {
            id,
            data,
            at: fixed_now(),
        }),
    );
    assert!(
        accounts_shown(&app, Tab::Alarms)
            .iter()
            .all(|a| a == PAYMENTS)
    );

    command(&mut app, "account");
    assert!(status(&app).contains("prod-*"), "{}", status(&app));
    command(&mut app, "account prdo-payments");
    assert!(
        status(&app).contains("No account matches prdo-payments; did you mean prod-payments?"),
        "{}",
        status(&app)
    );
    assert_eq!(
        app.scope.as_ref().unwrap().text(),
        "prod-*",
        "the scope stays"
    );
    command(&mut app, "account ou-ab12-workloads, 111122223333");
    assert_eq!(app.view(Tab::Accounts).rows().len(), 4);
    command(&mut app, "account *");
    assert!(app.scope.is_none());
    assert_eq!(app.view(Tab::Findings).rows().len(), all_findings);
    assert!(!draw(&mut app, 160, 48).contains("scope"));

    let mut one = loaded_app();
    command(&mut one, "account prod");
    assert!(
        status(&one).starts_with("Unknown command :account"),
        "{}",
        status(&one)
    );
}

#[test]
fn the_header_names_the_organisation_at_every_width() {
    let mut app = org_app();
    let screen = draw(&mut app, 80, 24);
    let first = screen.lines().next().unwrap();
    assert!(
        first.contains("org o-abc12345 · 5 accounts · 1 unreachable"),
        "{first}"
    );
    assert!(first.contains("CAN WRITE"), "{first}");
    command(&mut app, "account dev-tools");
    let first = draw(&mut app, 80, 24).lines().next().unwrap().to_string();
    assert!(
        first.starts_with("\" o-abc12345 · 1 of 5 accounts"),
        "{first}"
    );
    assert!(first.contains("1 unreachable │ scope dev-t"), "{first}");
    for (width, height) in [(60, 15), (61, 16), (100, 30), (1, 1)] {
        draw(&mut app, width, height);
    }
}

#[test]
fn posture_put_off_while_data_streams_in_is_brought_up_to_date_by_the_tick() {
    let mut app = org_app();
    app.data.posture_interval = chrono::TimeDelta::seconds(1);
    let user_checks = |app: &App| {
        app.data
            .checks
            .iter()
            .filter(|c| c.account_id.as_str() == PAYMENTS && c.subject.is_some())
            .count()
    };
    let before = user_checks(&app);
    assert!(before > 0);
    let mut inventory = app.data.identities.get(PAYMENTS).cloned().unwrap();
    inventory.users = std::sync::Arc::new(Vec::new());
    let id = SourceId {
        kind: SourceKind::Identity,
        account_id: PAYMENTS.into(),
        region: None,
    };
    let data = SourceData::Identity(Box::new(inventory));
    update(
        &mut app,
        Msg::Source(SourceEvent::Data {
            id,
            data,
            at: fixed_now(),
        }),
    );
    assert_eq!(
        user_checks(&app),
        before,
        "put off: it was evaluated a moment ago"
    );
    update(
        &mut app,
        Msg::Tick(fixed_now() + chrono::TimeDelta::seconds(2)),
    );
    assert!(user_checks(&app) < before, "the tick evaluated it");
}
