//! Alarms and findings from the emulator through the console's own state: what the panes
//! hold after each poll, transitions, in-place updates, and what a quiet refresh costs.

use crate::support;
use crate::support::emulator::{Emulator, connect, put_alarm};
use aws_sdk_cloudwatch::types::StateValue;
use chrono::Utc;
use serde_json::json;
use std::collections::BTreeMap;
use watchpost::app::{App, Effect, Msg, SourceEvent, update};
use watchpost::domain::{AlarmState, Severity, SourceKind, TriageOrigin};
use watchpost::sources::Session;

/// Polls every source of `kind` once and hands the results to the console state.
async fn poll(app: &mut App, session: &mut Session, kind: SourceKind) {
    for source in session.sources.iter_mut().filter(|s| s.id().kind == kind) {
        let id = source.id().clone();
        let data = source.poll().await.unwrap();
        update(
            app,
            Msg::Source(SourceEvent::Data {
                id,
                data,
                at: Utc::now(),
            }),
        );
    }
}

async fn set_state(client: &aws_sdk_cloudwatch::Client, name: &str, state: StateValue) {
    client
        .set_alarm_state()
        .alarm_name(name)
        .state_value(state)
        .state_reason("Threshold Crossed: 1 datapoint [93.5] was greater than the threshold (80.0)")
        .send()
        .await
        .unwrap();
}

/// Counts the recorded requests by operation: the `Action=` of Query calls, or the REST
/// path's last segment of GuardDuty calls.
fn operations(emulator: &Emulator) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for request in emulator.recording() {
        let body = support::emulator::request_body(&request);
        let operation = body
            .split('&')
            .find_map(|p| p.strip_prefix("Action="))
            .map(str::to_string)
            .unwrap_or_else(|| {
                let url = request["url"].as_str().unwrap_or_default();
                format!("guardduty {}", url.rsplit('/').next().unwrap_or_default())
            });
        *counts.entry(operation).or_default() += 1;
    }
    counts
}

#[tokio::test]
async fn the_panes_follow_the_emulator_poll_by_poll() {
    let emulator = Emulator::lock().await;
    let east = aws_sdk_cloudwatch::Client::new(&emulator.sdk("us-east-1").await);
    let west = aws_sdk_cloudwatch::Client::new(&emulator.sdk("eu-west-1").await);
    for i in 0..150 {
        put_alarm(&east, &format!("web-{i:03}")).await;
    }
    set_state(&east, "web-000", StateValue::Ok).await;
    put_alarm(&west, "db-cpu").await;
    set_state(&west, "db-cpu", StateValue::Alarm).await;
    for region in ["us-east-1", "eu-west-1"] {
        emulator.detector(region).await;
    }
    let earlier = (Utc::now() - chrono::Duration::hours(1)).to_rfc3339();
    let east_findings = emulator.seed_findings(
        "us-east-1",
        json!([
            {"type": "Recon:EC2/PortProbeUnprotectedPort", "severity": 2.0, "updatedAt": earlier},
            {"type": "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
             "severity": 8.0, "updatedAt": earlier},
        ]),
    );
    let west_findings = emulator.seed_findings(
        "eu-west-1",
        json!([{"type": "CryptoCurrency:EC2/BitcoinTool.B!DNS", "severity": 5.0,
                "updatedAt": earlier, "service": {"count": 1}}]),
    );

    let mut session = connect(&emulator.options(&["us-east-1", "eu-west-1"])).await;
    let mut app = support::app_for(&session, true, Utc::now());
    poll(&mut app, &mut session, SourceKind::Alarms).await;
    poll(&mut app, &mut session, SourceKind::Findings).await;

    // Alarms: both regions, the right states; the ALARM one in the triage queue at the
    // configured severity (High by default).
    assert_eq!(app.data.alarms.len(), 151);
    let db = app
        .data
        .alarms
        .iter()
        .find(|a| a.name() == "db-cpu")
        .unwrap();
    assert_eq!(
        (db.region.as_str(), db.state),
        ("eu-west-1", AlarmState::Alarm)
    );
    assert!(
        app.data.changed_alarms.is_empty(),
        "no transition on the first load"
    );
    let queued_alarms: Vec<&str> = app
        .data
        .triage
        .iter()
        .filter_map(|t| match t.origin {
            TriageOrigin::Alarm(i) => Some(app.data.alarms[i as usize].name()),
            _ => None,
        })
        .collect();
    assert_eq!(queued_alarms.len(), 1, "{queued_alarms:?}");
    assert!(queued_alarms[0].contains("db-cpu"));

    // Findings: both regions, severity bands from the scores; Low stays out of the queue.
    assert_eq!(app.data.findings.len(), 3);
    let severity = |id: &str| {
        app.data
            .findings
            .iter()
            .find(|f| &*f.id == id)
            .unwrap()
            .severity()
    };
    assert_eq!(severity(&east_findings[0]), Severity::Low);
    assert_eq!(severity(&east_findings[1]), Severity::High);
    assert_eq!(severity(&west_findings[0]), Severity::Medium);
    let queued_findings = app
        .data
        .triage
        .iter()
        .filter(|t| matches!(t.origin, TriageOrigin::Finding(_)))
        .count();
    assert_eq!(queued_findings, 2, "High and Medium, not Low");
    // No finding holds the JSON GuardDuty sent (a few KB each): opening a finding's
    // detail reads it, by one GetFindings through the detector it was listed by.
    update(
        &mut app,
        Msg::Resize {
            width: 120,
            height: 40,
        },
    );
    support::press(&mut app, "3");
    let effects = update(&mut app, support::key(watchpost::input::KeyCode::Enter));
    let [Effect::ReadFindingJson(request)] = effects.as_slice() else {
        panic!("the detail asks for the finding's JSON: {effects:?}")
    };
    let opened = app.data.finding(&request.finding_id).unwrap().clone();
    assert!(
        support::detail_text(&app).contains("Reading the raw JSON from GuardDuty"),
        "{}",
        support::detail_text(&app)
    );
    emulator.start_recording();
    let result = session.lookups.finding_json.finding_json(request).await;
    assert_eq!(
        operations(&emulator),
        BTreeMap::from([("guardduty get".to_string(), 1)]),
        "one GetFindings"
    );
    update(
        &mut app,
        Msg::FindingJsonRead {
            request: request.clone(),
            result,
        },
    );
    let detail = support::detail_text(&app);
    assert!(
        detail.contains("Raw JSON (as GuardDuty sent it)"),
        "{detail}"
    );
    assert!(
        detail.contains("\"schemaVersion\""),
        "raw JSON as sent: {detail}"
    );
    assert!(detail.contains(&*opened.id), "{detail}");
    // An answer for a finding no longer open is dropped.
    update(&mut app, support::key(watchpost::input::KeyCode::Esc));
    update(&mut app, support::key(watchpost::input::KeyCode::Down));
    let effects = update(&mut app, support::key(watchpost::input::KeyCode::Enter));
    assert!(
        matches!(effects.as_slice(), [Effect::ReadFindingJson(r)] if *r.finding_id != *opened.id),
        "another finding's JSON is asked for: {effects:?}"
    );
    update(
        &mut app,
        Msg::FindingJsonRead {
            request: request.clone(),
            result: Ok(Some("{\"id\":\"stale\"}".into())),
        },
    );
    assert!(!support::detail_text(&app).contains("stale"));
    update(&mut app, support::key(watchpost::input::KeyCode::Esc));
    support::press(&mut app, "1");

    // A quiet refresh: ⌈alarms/100⌉ DescribeAlarms pages per region (two in us-east-1, one
    // in eu-west-1, one ListFindings per detector, and nothing else.
    emulator.start_recording();
    poll(&mut app, &mut session, SourceKind::Alarms).await;
    poll(&mut app, &mut session, SourceKind::Findings).await;
    let quiet = operations(&emulator);
    assert_eq!(
        quiet,
        BTreeMap::from([
            ("DescribeAlarms".to_string(), 3),
            ("guardduty findings".to_string(), 2),
        ])
    );

    // web-000 goes into ALARM: within one poll it is a transition, announced, with history.
    set_state(&east, "web-000", StateValue::Alarm).await;
    poll(&mut app, &mut session, SourceKind::Alarms).await;
    let web = app
        .data
        .alarms
        .iter()
        .find(|a| a.name() == "web-000")
        .unwrap();
    assert_eq!(web.state, AlarmState::Alarm);
    assert!(app.data.changed_alarms.contains(web.arn()));
    assert!(
        app.status
            .as_deref()
            .unwrap_or_default()
            .contains("New ALARM: web-000"),
        "{:?}",
        app.status
    );
    let transitions = app.data.transitions_of(web);
    assert_eq!(transitions[0].from, Some(AlarmState::Ok));
    assert_eq!(transitions[0].to, AlarmState::Alarm);
    assert!(
        web.history.iter().any(|t| t.to == AlarmState::Alarm),
        "DescribeAlarmHistory was read: {:?}",
        web.history
    );

    // A finding GuardDuty updates (seen again: count and last seen move) is merged in
    // place, not duplicated.
    emulator.seed_findings(
        "eu-west-1",
        json!([{"id": west_findings[0], "type": "CryptoCurrency:EC2/BitcoinTool.B!DNS",
                "severity": 5.0, "service": {"count": 7}}]),
    );
    poll(&mut app, &mut session, SourceKind::Findings).await;
    assert_eq!(app.data.findings.len(), 3);
    let updated = app
        .data
        .findings
        .iter()
        .find(|f| *f.id == *west_findings[0])
        .unwrap();
    assert_eq!(updated.count, 7);
    assert!(updated.last_seen > Utc::now() - chrono::Duration::minutes(5));
}
