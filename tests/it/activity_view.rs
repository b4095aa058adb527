//! The activity view in the app, on the demo account: `t` on a finding, a user, an alarm
//! asks the right CloudTrail query, its pages come back through `update`, and the Activity
//! tab shows them newest first, marked where a finding names the address; a cached query
//! asks nothing again, `:activity 7d` widens the window, the next page is asked for as the
//! selection nears the end, a denial is said in the view, read-only mode looks up too, and in
//! an organisation the query runs in the row's account.

use crate::support::{app_for, draw, fixed_now, key, loaded_app, poll_all, press};
use chrono::TimeDelta;
use std::sync::Arc;
use watchpost::app::{App, Effect, Msg, update};
use watchpost::clock::{FixedClock, SharedClock};
use watchpost::domain::{
    ActivityEvent, ActivityPage, ActivityQuery, LookupKey, PageRequest, Window, Writes,
};
use watchpost::input::KeyCode;
use watchpost::panes::{Tab, Tone};
use watchpost::sources::SourceErrorKind;
use watchpost::sources::activity::{ActivityError, ActivityLookup};
use watchpost::sources::demo::{DemoOptions, demo_org_session, demo_session};

fn requests(effects: &[Effect]) -> Vec<PageRequest> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::LookupActivity(request) => Some(request.clone()),
            _ => None,
        })
        .collect()
}

/// Carries out the lookups `effects` ask for (and those their answers ask for) with
/// `lookup`, as the runtime does.
fn answer(app: &mut App, lookup: &dyn ActivityLookup, effects: Vec<Effect>) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let mut pending = requests(&effects);
    while let Some(request) = pending.pop() {
        let result = runtime.block_on(lookup.page(&request));
        let more = update(
            app,
            Msg::ActivityPage {
                request: Box::new(request),
                result,
            },
        );
        pending.extend(requests(&more));
    }
}

fn demo_lookup() -> Arc<dyn ActivityLookup> {
    let clock: SharedClock = Arc::new(FixedClock(fixed_now()));
    demo_session(DemoOptions::default(), clock).lookups.activity
}

/// Selects the row of `tab` matching `filter` and presses `t`.
fn activity_of(app: &mut App, tab: Tab, filter: &str) -> Vec<Effect> {
    app.tab = tab;
    app.set_filter(tab, filter.to_string());
    app.view_mut(tab).select_first();
    assert!(app.view(tab).selected_row().is_some(), "no {filter} row");
    press(app, "t")
}

fn shown(app: &App) -> Vec<ActivityEvent> {
    let results = app.data.activity.current().unwrap();
    results.events[..results.shown].to_vec()
}

/// The latest finding on an access key (within the last day), its key and remote address.
fn key_finding(app: &App) -> (String, String, String) {
    let finding = app
        .data
        .findings
        .iter()
        .filter(|f| {
            f.resource.kind.as_str() == "AccessKey" && f.details().get("Remote IP").is_some()
        })
        .max_by_key(|f| f.last_seen)
        .unwrap();
    assert!(finding.last_seen > fixed_now() - TimeDelta::hours(24));
    (
        finding.id.to_string(),
        finding.text.resource_id().to_string(),
        finding.details().get("Remote IP").unwrap().to_string(),
    )
}

#[test]
fn a_compromised_key_s_calls_come_from_its_finding_s_address_newest_first() {
    let mut app = loaded_app();
    let (_, key_id, remote) = key_finding(&app);
    let effects = activity_of(&mut app, Tab::Findings, &key_id);
    let asked = requests(&effects);
    // Every watched region, us-east-1 (global services) among them, once each.
    let mut regions: Vec<&str> = asked.iter().map(|r| r.region.as_str()).collect();
    regions.sort_unstable();
    assert_eq!(regions, ["ap-southeast-2", "eu-west-1", "us-east-1"]);
    let query = &asked[0].query;
    assert_eq!(
        (query.key, query.value.as_str()),
        (LookupKey::AccessKeyId, key_id.as_str())
    );
    assert_eq!(asked[0].end - asked[0].start, TimeDelta::hours(24));
    assert_eq!(app.tab, Tab::Activity);
    assert!(draw(&mut app, 120, 30).contains("loading…"));

    answer(&mut app, demo_lookup().as_ref(), effects);
    let events = shown(&app);
    assert!(!events.is_empty());
    assert!(
        events.windows(2).all(|w| w[0].time >= w[1].time),
        "newest first"
    );
    assert!(
        events
            .iter()
            .all(|e| e.access_key.as_deref() == Some(key_id.as_str()))
    );
    let from_remote = events.iter().filter(|e| e.source_ip == remote).count();
    assert!(from_remote > 0, "{events:?}");
    // Marked where the finding names the address.
    let pane = Tab::Activity.pane();
    let row = (0..pane.len(&app.data))
        .find(|&r| pane.key(&app.data, r) == events[0].id)
        .unwrap();
    let cells = pane.cells(&app.data, row, fixed_now());
    assert_eq!(cells[4].tone, Tone::Fail);
    assert!(cells[4].text.starts_with('⚑'), "{:?}", cells[4]);
    let screen = draw(&mut app, 120, 30);
    assert!(screen.contains(&format!("access key {key_id}")), "{screen}");
    assert!(screen.contains("Activity"), "{screen}");

    // Enter: the event as CloudTrail sent it.
    update(&mut app, key(KeyCode::Enter));
    let screen = draw(&mut app, 120, 40);
    assert!(screen.contains("CloudTrail event (JSON"), "{screen}");
    assert!(screen.contains("\"eventName\""), "{screen}");
}

#[test]
fn a_query_opened_again_is_served_from_the_cache() {
    let mut app = loaded_app();
    let (_, key_id, _) = key_finding(&app);
    let effects = activity_of(&mut app, Tab::Findings, &key_id);
    answer(&mut app, demo_lookup().as_ref(), effects);
    let before = shown(&app);
    let again = activity_of(&mut app, Tab::Findings, &key_id);
    assert!(requests(&again).is_empty(), "{again:?}");
    assert_eq!(app.tab, Tab::Activity);
    assert_eq!(shown(&app), before);
}

#[test]
fn an_alarm_shows_what_changed_just_before_it_in_its_region() {
    let mut app = loaded_app();
    let alarm = app
        .data
        .alarms
        .iter()
        .find(|a| a.state == watchpost::domain::AlarmState::Alarm)
        .unwrap()
        .clone();
    let effects = activity_of(&mut app, Tab::Alarms, alarm.name());
    let asked = requests(&effects);
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0].region, alarm.region.as_str());
    let query = &asked[0].query;
    assert_eq!(
        (query.key, query.value.as_str()),
        (LookupKey::ReadOnly, "false")
    );
    assert_eq!(query.writes, Writes::Only);
    assert_eq!(asked[0].start, alarm.state_updated - TimeDelta::hours(1));
    answer(&mut app, demo_lookup().as_ref(), effects);
    let events = shown(&app);
    // The group was opened four minutes before the transition.
    let opened = events
        .iter()
        .filter(|e| e.name == "AuthorizeSecurityGroupIngress")
        .any(|e| e.time == alarm.state_updated - TimeDelta::minutes(4));
    assert!(opened, "{events:?}");
    assert!(events.iter().all(|e| e.read_only != Some(true)));
    assert!(events.iter().all(|e| e.region == *alarm.region));
}

#[test]
fn a_console_user_signs_in_from_the_office() {
    let mut app = loaded_app();
    let inventory = app.data.identities.iter().next().unwrap();
    let user = inventory
        .users
        .iter()
        .find(|u| u.has_console_access())
        .unwrap()
        .name()
        .to_string();
    let effects = activity_of(&mut app, Tab::Identity, &user);
    let query = requests(&effects)[0].query.clone();
    assert_eq!(
        (query.key, query.value.as_str()),
        (LookupKey::Username, user.as_str())
    );
    answer(&mut app, demo_lookup().as_ref(), effects);
    let events = shown(&app);
    let sign_in = events.iter().find(|e| e.name == "ConsoleLogin").unwrap();
    assert_eq!(sign_in.region, "us-east-1");
    assert_eq!(sign_in.principal, user);
}

#[test]
fn activity_with_a_window_widens_the_open_query() {
    let mut app = loaded_app();
    let (_, key_id, _) = key_finding(&app);
    let effects = activity_of(&mut app, Tab::Findings, &key_id);
    answer(&mut app, demo_lookup().as_ref(), effects);
    press(&mut app, ":activity 7d");
    let effects = update(&mut app, key(KeyCode::Enter));
    let asked = requests(&effects);
    assert_eq!(asked.len(), 3);
    assert_eq!(asked[0].end - asked[0].start, TimeDelta::days(7));
    assert_eq!(asked[0].query.window, Window::Last(TimeDelta::days(7)));
    answer(&mut app, demo_lookup().as_ref(), effects);
    assert!(draw(&mut app, 120, 30).contains("last 7d"));

    press(&mut app, ":activity 7y");
    update(&mut app, key(KeyCode::Enter));
    assert!(
        app.status
            .as_deref()
            .unwrap()
            .starts_with("Usage: :activity"),
        "{:?}",
        app.status
    );
}

#[test]
fn a_row_without_activity_says_so() {
    let mut app = loaded_app();
    app.tab = Tab::Journal;
    app.view_mut(Tab::Journal).select_first();
    let effects = press(&mut app, "t");
    assert!(requests(&effects).is_empty());
    assert!(
        app.status.as_deref().unwrap().starts_with("No activity"),
        "{:?}",
        app.status
    );
    assert_ne!(app.tab, Tab::Activity);
}

fn event(n: usize) -> ActivityEvent {
    ActivityEvent {
        id: format!("e{n:03}"),
        time: fixed_now() - TimeDelta::minutes(n as i64),
        name: format!("Call{n:03}"),
        source: "s3.amazonaws.com".into(),
        principal: "ci".into(),
        access_key: Some("AKIAEXAMPLE".into()),
        source_ip: "203.0.113.5".into(),
        user_agent: "aws-cli".into(),
        region: "us-east-1".into(),
        error_code: None,
        read_only: Some(true),
        raw: "{}".into(),
    }
}

fn key_query() -> ActivityQuery {
    ActivityQuery {
        account_id: "111122223333".into(),
        key: LookupKey::AccessKeyId,
        value: "AKIAEXAMPLE".into(),
        window: Window::Last(TimeDelta::hours(24)),
        writes: Writes::All,
        regions: vec!["us-east-1".into()],
        about: "access key AKIAEXAMPLE".into(),
    }
}

#[test]
fn the_next_page_is_asked_for_as_the_selection_nears_the_end() {
    let mut app = loaded_app();
    update(
        &mut app,
        Msg::Resize {
            width: 100,
            height: 30,
        },
    );
    let first = requests(&watchpost::app::activity::open(&mut app, key_query()));
    let page = ActivityPage {
        events: (0..50).map(event).collect(),
        next_token: Some("page-2".into()),
    };
    let more = update(
        &mut app,
        Msg::ActivityPage {
            request: Box::new(first[0].clone()),
            result: Ok(page),
        },
    );
    assert!(requests(&more).is_empty(), "the screen is full");
    assert!(requests(&press(&mut app, "j")).is_empty());
    let near_end = update(&mut app, key(KeyCode::PageDown));
    let next = requests(&near_end);
    assert_eq!(next.len(), 1, "{near_end:?}");
    assert_eq!(next[0].token.as_deref(), Some("page-2"));
    assert!(
        requests(&press(&mut app, "G")).is_empty(),
        "one page at a time"
    );
    assert!(draw(&mut app, 100, 30).contains("loading…"));
    update(
        &mut app,
        Msg::ActivityPage {
            request: Box::new(next[0].clone()),
            result: Ok(ActivityPage {
                events: (50..60).map(event).collect(),
                next_token: None,
            }),
        },
    );
    assert_eq!(app.view(Tab::Activity).rows().len(), 60);
    let screen = draw(&mut app, 100, 30);
    assert!(
        !screen.contains("loading…") && !screen.contains("more below"),
        "{screen}"
    );
}

#[test]
fn a_denied_lookup_is_said_in_the_view_and_changes_nothing_else() {
    let mut app = loaded_app();
    let alarms = app.data.alarms.len();
    let findings = app.data.findings.len();
    let asked = requests(&watchpost::app::activity::open(&mut app, key_query()));
    let denied = ActivityError {
        kind: SourceErrorKind::AccessDenied {
            permission: Some("cloudtrail:LookupEvents".into()),
        },
        region: "us-east-1".into(),
        message: "AccessDeniedException: User: arn:aws:iam::111122223333:user/x is not \
                  authorized to perform: cloudtrail:LookupEvents"
            .into(),
    };
    let effects = update(
        &mut app,
        Msg::ActivityPage {
            request: Box::new(asked[0].clone()),
            result: Err(denied),
        },
    );
    assert!(effects.is_empty(), "{effects:?}");
    let screen = draw(&mut app, 120, 30);
    assert!(screen.contains("Cannot read CloudTrail"), "{screen}");
    assert!(screen.contains("needs cloudtrail:LookupEvents"), "{screen}");
    assert_eq!(
        (app.data.alarms.len(), app.data.findings.len()),
        (alarms, findings)
    );
    press(&mut app, "2");
    assert_eq!(app.tab, Tab::Alarms);
}

#[test]
fn read_only_mode_looks_activity_up_as_well() {
    let clock: SharedClock = Arc::new(FixedClock(fixed_now()));
    let mut session = demo_session(DemoOptions::default(), clock);
    let mut app = app_for(&session, true, fixed_now());
    poll_all(&mut app, &mut session);
    let (_, key_id, _) = key_finding(&app);
    let effects = activity_of(&mut app, Tab::Findings, &key_id);
    assert_eq!(requests(&effects).len(), 3);
    answer(&mut app, session.lookups.activity.as_ref(), effects);
    assert!(!shown(&app).is_empty());
}

#[test]
fn in_an_organisation_the_query_runs_in_the_row_s_account() {
    let clock: SharedClock = Arc::new(FixedClock(fixed_now()));
    let mut session = demo_org_session(DemoOptions::default(), clock);
    let mut app = app_for(&session, false, fixed_now());
    app.data.org = session.org.clone();
    poll_all(&mut app, &mut session);
    let caller = session.caller.account_id.clone();
    let finding = app
        .data
        .findings
        .iter()
        .find(|f| f.resource.kind.as_str() == "AccessKey" && *f.account_id != caller)
        .unwrap()
        .clone();
    let effects = activity_of(&mut app, Tab::Findings, finding.text.resource_id());
    let asked = requests(&effects);
    assert!(
        asked
            .iter()
            .all(|r| r.query.account_id == *finding.account_id)
    );
    answer(&mut app, session.lookups.activity.as_ref(), effects);
    let events = shown(&app);
    assert!(!events.is_empty());
    assert!(
        events
            .iter()
            .all(|e| e.access_key.as_deref() == Some(finding.text.resource_id()))
    );
}

#[test]
fn a_switch_to_another_account_leaves_the_old_activity_behind() {
    let mut app = loaded_app();
    let (_, key_id, _) = key_finding(&app);
    let effects = activity_of(&mut app, Tab::Findings, &key_id);
    let asked = requests(&effects);
    let mut header = app.header.clone();
    header.caller.account_id = "222233334444".into();
    update(
        &mut app,
        Msg::Switched {
            header: Box::new(header),
            sources: Vec::new(),
        },
    );
    assert_eq!(app.tab, Tab::Overview);
    assert!(app.data.activity.open.is_none());
    assert!(!Tab::shown(&app.data).contains(&Tab::Activity));
    // A page of the old account that arrives late changes nothing.
    let late = update(
        &mut app,
        Msg::ActivityPage {
            request: Box::new(asked[0].clone()),
            result: Ok(ActivityPage::default()),
        },
    );
    assert!(late.is_empty());
    assert!(app.data.activity.current().is_none());
}
