//! The activity view against the emulator: from a seeded GuardDuty finding on an access key,
//! the real binary lists exactly that key's CloudTrail events of the last 24 hours, newest
//! first, past the first page of 50, stays responsive while the emulator throttles, and never
//! sends more than 2 `LookupEvents` a second. Also: a denied `LookupEvents` is said so, a
//! read-only session may look events up, and the adapter retries a throttled call.

use crate::support;
use crate::support::emulator::{ACCOUNT, Emulator, user_with_policy};
use crate::support::pty::console_with_env_keys;
use chrono::{TimeDelta, Utc};
use serde_json::{Value, json};
use watchpost::domain::{ActivityQuery, LookupKey, PageRequest, Window, Writes};
use watchpost::sources::SourceErrorKind;

const REGION: &str = "us-east-1";
const KEY: &str = "AKIAEXFILTRATED00001";
const OTHER_KEY: &str = "AKIAUNRELATED0000001";
/// The remote address of the emulator's generated findings.
const REMOTE: &str = "198.51.100.7";
/// Events of `KEY` in the last 24 hours: more than one page of 50.
const RECENT: usize = 70;

/// Seeds `RECENT` events of `KEY` a quarter-hour apart (`Call00` newest), two older than a
/// day, and some of another key.
fn seed_events(emulator: &Emulator) {
    let now = Utc::now();
    let event = |name: String, key: &str, at: chrono::DateTime<Utc>| {
        json!({
            "eventName": name,
            "eventSource": "s3.amazonaws.com",
            "eventTime": at.to_rfc3339(),
            "accessKeyId": key,
            "username": "ci-deploy",
            "sourceIPAddress": REMOTE,
            "userAgent": "python-requests/2.31.0",
        })
    };
    let mut events: Vec<Value> = (0..RECENT)
        .map(|i| {
            let at = now - TimeDelta::minutes(5 + 15 * i as i64);
            event(format!("Call{i:02}"), KEY, at)
        })
        .collect();
    events.push(event("Ancient1".into(), KEY, now - TimeDelta::hours(25)));
    events.push(event("Ancient2".into(), KEY, now - TimeDelta::hours(30)));
    for i in 0..5 {
        events.push(event(
            format!("Other{i}"),
            OTHER_KEY,
            now - TimeDelta::minutes(7 + i),
        ));
    }
    emulator.post(
        "/_watchpost/cloudtrail/events",
        &json!({ "accountId": ACCOUNT, "region": REGION, "events": events }),
    );
}

/// The arrival times of every `LookupEvents` call, throttled ones included.
fn lookup_times(emulator: &Emulator) -> Vec<f64> {
    emulator.post("/_watchpost/cloudtrail/lookups", &json!({}))["calls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["time"].as_f64().unwrap())
        .collect()
}

/// The most calls that arrived within any one second.
fn most_in_a_second(times: &[f64]) -> usize {
    times
        .iter()
        .map(|start| {
            times
                .iter()
                .filter(|t| **t >= *start && **t < start + 1.0)
                .count()
        })
        .max()
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_finding_s_key_activity_pages_newest_first_and_waits_out_throttling() {
    let emulator = Emulator::lock().await;
    emulator.detector(REGION).await;
    emulator.seed_findings(
        REGION,
        json!([{
            "type": "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
            "severity": 8.0,
            "title": "Credentials of ci-deploy used from outside AWS",
            "resource": {"accessKeyDetails": {"accessKeyId": KEY, "userName": "ci-deploy"}},
        }]),
    );
    seed_events(&emulator);
    let url = emulator.url.clone();
    let throttle = move |on: bool| {
        let body = json!({ "throttle": on }).to_string();
        ureq::post(&format!("{url}/_watchpost/cloudtrail/limit"))
            .header("Content-Type", "application/json")
            .send(body)
            .unwrap();
    };
    let args = [
        "--endpoint-url".to_string(),
        emulator.url.clone(),
        "--region".to_string(),
        REGION.to_string(),
    ];
    let screens = tokio::task::spawn_blocking(move || {
        let (mut console, _home) = console_with_env_keys(&args, &[]);
        console.send("3");
        console.wait_for("AccessKey AKIAEXFILTR");
        console.send("t");
        let first = console.wait_for("Call00");
        // The next page is asked for when the selection nears the end: throttle it.
        throttle(true);
        console.send("G");
        let loading = console.wait_for("24h · loading…");
        // Input is handled while the lookup backs off: the help opens and closes.
        let asked = std::time::Instant::now();
        console.send("?");
        console.wait_for("Keys (? or Esc closes)");
        let help_took = asked.elapsed();
        console.send("\x1b");
        console.wait_for("Call49");
        std::thread::sleep(std::time::Duration::from_secs(2));
        let still_loading = console.screen();
        throttle(false);
        console.wait_for_absent("24h · loading…");
        console.send("G");
        let last = console.wait_for("Call69");
        console.send("q");
        let status = console.wait_exit();
        (first, loading, help_took, still_loading, last, status)
    })
    .await
    .unwrap();
    let (first, loading, help_took, still_loading, last, status) = screens;
    assert!(status.success(), "{status:?}");
    // Newest first, the finding's remote address marked.
    let row = |screen: &str, name: &str| screen.lines().position(|l| l.contains(name));
    assert!(row(&first, "Call00") < row(&first, "Call01"), "{first}");
    assert!(first.contains(&format!("⚑ {REMOTE}")), "{first}");
    assert!(first.contains(&format!("access key {KEY}")), "{first}");
    assert!(loading.contains("Call49"), "{loading}");
    assert!(
        help_took < std::time::Duration::from_secs(2),
        "the help took {help_took:?} while throttled"
    );
    assert!(still_loading.contains("24h · loading…"), "{still_loading}");
    // Exactly the key's events of the last day: 70 rows, none older, none of another key.
    assert!(last.contains("Activity 70"), "{last}");
    for absent in ["Ancient", "Other"] {
        assert!(!last.contains(absent), "{last}");
    }
    let times = lookup_times(&emulator);
    assert!(
        times.len() >= 3,
        "first page, throttled retries, second page: {times:?}"
    );
    assert!(most_in_a_second(&times) <= 2, "{times:?}");
}

fn key_query() -> ActivityQuery {
    ActivityQuery {
        account_id: ACCOUNT.to_string(),
        key: LookupKey::AccessKeyId,
        value: KEY.to_string(),
        window: Window::Last(TimeDelta::hours(24)),
        writes: Writes::All,
        regions: vec![REGION.to_string()],
        about: format!("access key {KEY}"),
    }
}

fn first_page() -> PageRequest {
    let now = Utc::now();
    PageRequest {
        query: key_query(),
        start: now - TimeDelta::hours(24),
        end: now,
        region: REGION.to_string(),
        token: None,
    }
}

#[tokio::test]
async fn a_read_only_session_looks_events_up_and_pages_with_the_token() {
    let emulator = Emulator::lock().await;
    seed_events(&emulator);
    let mut options = emulator.options(&[REGION]);
    options.read_only = true;
    let session = support::emulator::connect(&options).await;
    let page = session.lookups.activity.page(&first_page()).await.unwrap();
    assert_eq!(page.events.len(), 50);
    assert_eq!(page.events[0].name, "Call00");
    assert_eq!(page.events[0].source_ip, REMOTE);
    assert_eq!(page.events[0].principal, "ci-deploy");
    let next = PageRequest {
        token: page.next_token.clone(),
        ..first_page()
    };
    let rest = session.lookups.activity.page(&next).await.unwrap();
    let names: Vec<String> = rest.events.iter().map(|e| e.name.clone()).collect();
    assert_eq!(names.first().map(String::as_str), Some("Call50"));
    assert_eq!(names.len(), RECENT - 50);
    assert!(rest.next_token.is_none());
}

#[tokio::test]
async fn a_denied_lookup_says_which_permission_is_missing() {
    let emulator = Emulator::lock().await;
    seed_events(&emulator);
    let iam = aws_sdk_iam::Client::new(&emulator.sdk(REGION).await);
    let policy = json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["cloudwatch:DescribeAlarms"], "Resource": "*"}],
    });
    let credentials = user_with_policy(&iam, "no-trail", Some(&policy), &[]).await;
    let _enforced = emulator.enforce_iam();
    let options = emulator.options(&[REGION]);
    let loader = watchpost::aws::config_loader(&options)
        .await
        .credentials_provider(credentials);
    let session = watchpost::aws::connect(&options, loader, &mut |_: &str| {
        panic!("no MFA prompt expected")
    })
    .await
    .unwrap();
    let error = session
        .lookups
        .activity
        .page(&first_page())
        .await
        .unwrap_err();
    assert!(error.is_denied(), "{error:?}");
    assert!(
        matches!(&error.kind, SourceErrorKind::AccessDenied { permission: Some(p) } if p == "cloudtrail:LookupEvents"),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("needs cloudtrail:LookupEvents"),
        "{error}"
    );
}

#[tokio::test]
async fn a_throttled_lookup_is_retried_through_the_bucket() {
    let emulator = Emulator::lock().await;
    seed_events(&emulator);
    emulator.post("/_watchpost/cloudtrail/limit", &json!({ "throttle": true }));
    let session = support::emulator::connect(&emulator.options(&[REGION])).await;
    let url = emulator.url.clone();
    let lift = tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
        let body = json!({ "throttle": false }).to_string();
        tokio::task::spawn_blocking(move || {
            ureq::post(&format!("{url}/_watchpost/cloudtrail/limit"))
                .header("Content-Type", "application/json")
                .send(body)
                .unwrap();
        })
        .await
        .unwrap();
    });
    let page = session.lookups.activity.page(&first_page()).await.unwrap();
    lift.await.unwrap();
    assert_eq!(page.events.len(), 50);
    let times = lookup_times(&emulator);
    assert!(times.len() >= 2, "{times:?}");
    assert!(most_in_a_second(&times) <= 2, "{times:?}");
}
