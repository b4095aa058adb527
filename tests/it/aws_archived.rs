//! Archived findings against the emulator: the adapter lists a detector's archived findings
//! newest first, on demand; and through the real binary, a finding archived in the console
//! leaves the Findings tab, `:archived` lists it (and only then are archived findings asked
//! for), "Unarchive finding" from there unarchives it in GuardDuty, and it is back among the
//! unarchived findings.

use crate::support::emulator::{ACCOUNT, Emulator, connect, recorded_operation, request_body};
use crate::support::pty::{Console, console_with_env_keys};
use chrono::{Duration, Utc};
use serde_json::json;
use watchpost::sources::archived::ArchivedRequest;
use watchpost::sources::finding_json::FindingJsonRequest;

const REGION: &str = "us-east-1";
/// The finding archived and unarchived, and one left alone, by their types.
const PROBE: &str = "Recon:EC2/PortProbeUnprotectedPort";
const BACKDOOR: &str = "Backdoor:EC2/C&CActivity.B!DNS";

/// How many `ListFindings` calls of the recording asked for archived findings.
fn archived_listings(emulator: &Emulator) -> usize {
    emulator
        .recording()
        .iter()
        .filter(|r| recorded_operation(r) == "ListFindings")
        .filter(|r| {
            let body = request_body(r);
            body.contains("service.archived") && body.contains("\"true\"")
        })
        .count()
}

/// Whether GuardDuty holds the finding `id` as archived.
async fn is_archived(client: &aws_sdk_guardduty::Client, detector: &str, id: &str) -> bool {
    let found = client
        .get_findings()
        .detector_id(detector)
        .finding_ids(id)
        .send()
        .await
        .unwrap();
    found.findings()[0].service().unwrap().archived() == Some(true)
}

/// Runs `step` with the console on a blocking thread (the test keeps its turn at the
/// emulator meanwhile) and hands the console back.
async fn step(console: Console, step: impl FnOnce(&mut Console) + Send + 'static) -> Console {
    tokio::task::spawn_blocking(move || {
        let mut console = console;
        step(&mut console);
        console
    })
    .await
    .unwrap()
}

/// Runs the previewed action with `y` and closes its outcome, which says `done`.
fn confirm(console: &mut Console, done: &str) {
    console.wait_for_dialog("Press y to run it");
    console.send("y");
    console.wait_for_dialog(done);
    console.send("\x1b");
}

#[tokio::test]
async fn the_archived_findings_of_a_detector_are_listed_newest_first() {
    let emulator = Emulator::lock().await;
    let detector = emulator.detector(REGION).await;
    let at = |hours: i64| (Utc::now() - Duration::hours(hours)).to_rfc3339();
    let ids = emulator.seed_findings(
        REGION,
        json!([
            { "type": PROBE, "updatedAt": at(3) },
            { "type": PROBE, "updatedAt": at(1) },
            { "type": BACKDOOR, "updatedAt": at(2) },
            { "type": BACKDOOR, "updatedAt": at(1) },
        ]),
    );
    let client = aws_sdk_guardduty::Client::new(&emulator.sdk(REGION).await);
    client
        .archive_findings()
        .detector_id(&detector)
        .set_finding_ids(Some(ids[..3].to_vec()))
        .send()
        .await
        .unwrap();

    let session = connect(&emulator.options(&[REGION])).await;
    let request = ArchivedRequest {
        account_id: ACCOUNT.to_string(),
        region: REGION.to_string(),
        detector_id: detector.clone(),
    };
    let listing = session.lookups.archived.archived(&request).await.unwrap();
    let listed: Vec<&str> = listing.findings.iter().map(|f| &*f.id).collect();
    assert_eq!(listed, [&ids[1], &ids[2], &ids[0]], "newest updated first");
    assert!(!listing.more);
    assert!(listing.findings.iter().all(|f| f.archived));
    // Its detail reads an archived finding's JSON as it does an unarchived one's.
    let json = session
        .lookups
        .finding_json
        .finding_json(&FindingJsonRequest::of(&listing.findings[0], ACCOUNT))
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(json.contains(&*listing.findings[0].id), "{json}");
    assert_eq!(listing.findings[0].detector_id.as_str(), detector);

    // A region the session does not watch has no client: an error, not an empty list.
    let elsewhere = ArchivedRequest {
        region: "eu-west-1".into(),
        ..request
    };
    assert!(session.lookups.archived.archived(&elsewhere).await.is_err());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_finding_archived_in_the_console_is_listed_by_archived_and_unarchived_from_there() {
    let emulator = Emulator::lock().await;
    let detector = emulator.detector(REGION).await;
    let ids = emulator.seed_findings(REGION, json!([{ "type": PROBE }, { "type": BACKDOOR }]));
    let probe = ids[0].clone();
    let client = aws_sdk_guardduty::Client::new(&emulator.sdk(REGION).await);
    emulator.start_recording();

    let args = [
        "--endpoint-url".to_string(),
        emulator.url.clone(),
        "--region".to_string(),
        REGION.to_string(),
    ];
    let (console, home) = tokio::task::spawn_blocking(move || console_with_env_keys(&args, &[]))
        .await
        .unwrap();
    let console = step(console, |console| {
        console.send("3");
        console.wait_for("PortProbe");
        console.wait_for("C&CActivity");
        // The menu opens on the first action that can run: Archive.
        console.send("/PortProbe\r");
        console.send("a");
        console.wait_for_dialog("Archive finding");
        console.send("\r");
        confirm(console, "is archived");
        console.send("\x1b");
        console.wait_for_absent("PortProbe");
    })
    .await;
    assert!(is_archived(&client, &detector, &probe).await);
    assert_eq!(archived_listings(&emulator), 0, "the polls never ask");

    emulator.start_recording();
    let console = step(console, |console| {
        console.send(":archived\r");
        let screen = console.wait_for("PortProbe");
        assert!(screen.contains("Findings · archived 1"), "{screen}");
        assert!(!screen.contains("C&CActivity"), "{screen}");
        // Archive is not available on it; the menu does not open on Unarchive, which
        // brings a problem back: it is the entry above.
        console.send("a");
        console.wait_for_dialog("Unarchive finding");
        console.send("\x1b[A\r");
        console.wait_for_dialog("UnarchiveFindings");
        confirm(console, "is unarchived");
        console.wait_for_absent("PortProbe");
    })
    .await;
    assert!(!is_archived(&client, &detector, &probe).await);
    assert_eq!(archived_listings(&emulator), 1, "one detector, listed once");

    step(console, move |console| {
        // Back to the unarchived findings, where the refresh after the action brought it.
        console.send(":archived\r");
        let screen = console.wait_for("PortProbe");
        assert!(!screen.contains("archived"), "{screen}");
        assert!(screen.contains("C&CActivity"), "{screen}");
        console.send("q");
        assert!(console.wait_exit().success());
        drop(home);
    })
    .await;
}
