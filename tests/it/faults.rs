//! Faults between watchpost and AWS, injected by a proxy in front of the emulator:
//! throttling, a dead endpoint, slow answers and expired credentials. The console keeps
//! working, loses nothing, and recovers by itself.

use crate::support;
use crate::support::emulator::{Emulator, connect};
use crate::support::fault_proxy::{Fault, FaultProxy};
use crate::support::pty::Console;
use serde_json::json;
use std::time::Duration;
use watchpost::domain::SourceKind;
use watchpost::sources::{Session, SourceData};

async fn seed(emulator: &Emulator, alarms: usize, findings: usize) {
    let cloudwatch = aws_sdk_cloudwatch::Client::new(&emulator.sdk("us-east-1").await);
    for i in 0..alarms {
        support::emulator::put_alarm(&cloudwatch, &format!("fault-{i:03}")).await;
    }
    emulator.detector("us-east-1").await;
    let batch: Vec<_> = (0..findings).map(|_| json!({})).collect();
    emulator.seed_findings("us-east-1", json!(batch));
}

/// Polls the alarm and finding sources `rounds` times; returns (alarms, findings) per round.
async fn poll_rounds(session: &mut Session, rounds: usize) -> Vec<(usize, usize)> {
    let mut seen = Vec::new();
    for _ in 0..rounds {
        let mut alarms = 0;
        let mut findings = 0;
        for source in session
            .sources
            .iter_mut()
            .filter(|s| matches!(s.id().kind, SourceKind::Alarms | SourceKind::Findings))
        {
            match source.poll().await.unwrap() {
                SourceData::Alarms { alarms: list, .. } => alarms += list.len(),
                SourceData::Findings { upserts, .. } => findings += upserts.len(),
                _ => {}
            }
        }
        seen.push((alarms, findings));
    }
    seen
}

#[tokio::test]
async fn under_half_throttling_the_data_completes_without_a_retry_storm() {
    let emulator = Emulator::lock().await;
    seed(&emulator, 150, 60).await;
    let proxy = FaultProxy::start(&emulator.url);
    let mut options = emulator.options(&["us-east-1"]);
    options.endpoint_url = Some(proxy.url.clone());

    // What the same polls cost with nothing in the way.
    let mut calm = connect(&options).await;
    proxy.reset_counts();
    let expected = poll_rounds(&mut calm, 3).await;
    let needed = proxy.requests();

    let mut session = connect(&options).await;
    proxy.set(Fault::Throttle { every: 2 });
    proxy.reset_counts();
    let seen = poll_rounds(&mut session, 3).await;
    let made = proxy.requests();
    let throttled = proxy.throttled();
    eprintln!(
        "50% throttling: {made} requests ({throttled} throttled) for {needed} without faults"
    );
    assert_eq!(seen, expected, "every poll completed with the full data");
    assert!(throttled > 0);
    // Each throttled request is retried once after a backoff: at most twice the calm cost.
    assert!(made <= 2 * needed + 2, "{made} requests for {needed}");
}

/// The console in a pseudo-terminal against the proxy, polling every 2 seconds.
fn console(proxy_url: &str) -> (Console, tempfile::TempDir) {
    support::pty::aws_console(
        &[
            "--endpoint-url",
            proxy_url,
            "--region",
            "us-east-1",
            "--refresh",
            "2",
        ],
        &[],
    )
}

/// Seeds `alarms` alarms and `findings` findings, starts a proxy in front of the emulator
/// and the console behind it, and on a blocking thread, once the Alarms tab shows the last
/// alarm, runs `test`; then quits the console, which must exit cleanly.
async fn with_proxied_console(
    emulator: &Emulator,
    alarms: usize,
    findings: usize,
    test: impl FnOnce(&mut Console, &FaultProxy) + Send + 'static,
) {
    seed(emulator, alarms, findings).await;
    let proxy = FaultProxy::start(&emulator.url);
    tokio::task::spawn_blocking(move || {
        let (mut console, _home) = console(&proxy.url);
        console.send("2");
        console.wait_for(&format!("fault-{:03}", alarms - 1));
        test(&mut console, &proxy);
        console.send("q");
        assert!(console.wait_exit().success());
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dead_endpoint_shows_errors_keeps_the_data_and_recovers_by_itself() {
    let emulator = Emulator::lock().await;
    with_proxied_console(&emulator, 3, 2, |console, proxy| {
        // Both findings loaded (the tab bar counts them) before the endpoint dies.
        console.wait_for("Findings 2");
        proxy.set(Fault::Drop);
        // The header names sources in full or, when narrow, by initials ("CW ERROR").
        let failing = console.wait_for(" ERROR");
        assert!(failing.contains("fault-002"), "the data stays: {failing}");
        // Still responsive: tabs switch while every poll fails, each showing its own rows.
        console.send("3");
        let findings = console.wait_for(FINDING_ROW);
        assert!(
            !findings.contains("fault-00"),
            "the Findings pane: {findings}"
        );
        console.send("2");
        let alarms = console.wait_for("fault-001");
        assert!(!alarms.contains(FINDING_ROW), "the Alarms pane: {alarms}");
        proxy.set(Fault::Pass);
        // Backoff never exceeds the 2-second interval: recovery comes within a few seconds.
        let recovered = console.wait_for_absent("ERROR");
        assert!(recovered.contains("fault-000"), "{recovered}");
    })
    .await;
}

/// What only the Findings pane shows: the seeded findings' type (Low severity, so the
/// Overview leaves them out).
const FINDING_ROW: &str = "PortProbeUnprotectedPort";
/// What only the Identity pane shows: its key column's title.
const IDENTITY_COLUMN: &str = "Pwd used";

/// Waits (up to the pseudo-terminal timeout) until `done` holds.
fn until(what: &str, done: impl Fn() -> bool) {
    let start = std::time::Instant::now();
    while !done() {
        assert!(
            start.elapsed() < support::pty::TIMEOUT,
            "timed out waiting until {what}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn answers_that_do_not_come_never_freeze_input() {
    let emulator = Emulator::lock().await;
    with_proxied_console(&emulator, 2, 1, |console, proxy| {
        // Every source has loaded once (nothing "loading…" or "waiting" in the header).
        console.wait_for("Findings 1");
        console.wait_for_absent("loading");
        console.wait_for_absent("waiting");
        // From now on every answer is held for longer than this test can run, so no slow
        // answer can come back before the keys are seen, however loaded the machine. (A poll
        // still ends when the console gives up on it, after 30 s: the one bound left.)
        let held_from = proxy.requests();
        proxy.set(Fault::Delay(Duration::from_secs(600)));
        console.send("\x12"); // Ctrl-r: every source polls now (or is already waiting)
        until("a poll is held by the proxy", || {
            proxy.requests() > held_from
        });

        // Each key shows what it is for, while polls wait: the Identity pane, the Findings
        // pane with the loaded finding, the help overlay. None of them shows a failed
        // source: no poll had ended (not even by its timeout) when they were drawn.
        console.send("4");
        let identity = console.wait_for(IDENTITY_COLUMN);
        console.send("3");
        let findings = console.wait_for(FINDING_ROW);
        console.send("?");
        let help = console.wait_for("Keys (? or Esc closes)");
        for (pane, screen) in [
            ("Identity", &identity),
            ("Findings", &findings),
            ("help", &help),
        ] {
            assert!(
                !screen.contains("ERROR"),
                "{pane} drawn after a poll failed: {screen}"
            );
        }
        assert!(!identity.contains(FINDING_ROW), "{identity}");
        assert!(!findings.contains(IDENTITY_COLUMN), "{findings}");
        assert!(
            proxy.requests() > proxy.answered(),
            "polls are still held by the proxy"
        );
        console.send("\x1b");
        proxy.set(Fault::Pass);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn expired_credentials_mid_session_show_a_banner_and_recover() {
    let emulator = Emulator::lock().await;
    with_proxied_console(&emulator, 2, 1, |console, proxy| {
        proxy.set(Fault::ExpiredToken);
        let banner = console.wait_for("CREDENTIALS FAILED");
        assert!(
            banner.contains("fault-001"),
            "the panes keep their data: {banner}"
        );
        proxy.set(Fault::Pass);
        console.wait_for_absent("CREDENTIALS FAILED");
    })
    .await;
}

#[tokio::test]
async fn server_errors_are_retried_and_reported_as_such() {
    let emulator = Emulator::lock().await;
    seed(&emulator, 1, 0).await;
    let proxy = FaultProxy::start(&emulator.url);
    let mut options = emulator.options(&["us-east-1"]);
    options.endpoint_url = Some(proxy.url.clone());
    let mut session = connect(&options).await;
    proxy.set(Fault::Status(503));
    proxy.reset_counts();
    let alarms = session
        .sources
        .iter_mut()
        .find(|s| s.id().kind == SourceKind::Alarms)
        .unwrap();
    let error = alarms.poll().await.unwrap_err();
    assert!(error.is_retryable(), "{error}");
    assert_eq!(error.operation, "DescribeAlarms");
    assert_eq!(
        proxy.requests(),
        3,
        "the SDK's standard three attempts, no more"
    );
}
