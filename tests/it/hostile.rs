//! Hostile data from AWS and secrets in the environment, end to end: strings seeded through
//! the emulator carry terminal escape sequences, bidi overrides, NUL, C1 controls, wide
//! characters and 100,000-character values; none of it may reach the terminal as anything
//! but inert text, nor break the report formats. A canary secret key and session token
//! never appear on screen, in the log, the journal or a report.

use crate::support::emulator::{Emulator, cpu_alarm};
use crate::support::pty::Console;
use serde_json::json;

const OSC52: &str = "\u{1b}]52;c;cm0gLXJmIH4=\u{7}";
const OSC8: &str = "\u{1b}]8;;http://evil.example/\u{1b}\\click\u{1b}]8;;\u{1b}\\";
const TITLE: &str = "\u{1b}]0;pwned\u{7}";
const CSI: &str = "\u{1b}[2J\u{1b}[31m";
const DCS: &str = "\u{1b}Pq#0;2;0;0;0\u{1b}\\";
const C1_CSI: &str = "\u{9b}31m";
const BIDI: &str = "\u{202e}txt.exe";
const SECRET: &str = "wJalrCANARYsecretKEYdoNotLeak0000000000";
const TOKEN: &str = "CANARYsessionTOKENdoNotLeak";

/// Byte strings that would mean data reached the terminal as control.
const FORBIDDEN: &[&[u8]] = &[
    b"\x1b]52;",
    b"\x1b]8;",
    b"\x1b]0;pwned",
    b"\x1bPq",
    b"\xc2\x9b",
    "\u{202e}".as_bytes(),
    b"\x00",
];

async fn seed_hostile(emulator: &Emulator) {
    let long = "A".repeat(100_000);
    emulator.detector("us-east-1").await;
    emulator.seed_findings(
        "us-east-1",
        json!([
            {"severity": 8.0,
             "title": format!("HOSTILE {OSC52}{OSC8}{TITLE}{CSI}{DCS}{C1_CSI}{BIDI}\u{0}end"),
             "description": format!("{long}{OSC52}"),
             "resource": {"instanceDetails": {"instanceId": format!("i-{TITLE}{CSI}"),
                          "tags": [{"key": "Name", "value": format!("{OSC8}tag{BIDI}")}]}}},
            {"severity": 5.0,
             "title": "=HYPERLINK(\"http://evil.example\",\"click\") 警告 wide",
             "description": "formula"},
        ]),
    );
    let cloudwatch = aws_sdk_cloudwatch::Client::new(&emulator.sdk("us-east-1").await);
    cpu_alarm(&cloudwatch, format!("ALARMHOSTILE 警報 {BIDI}"))
        .alarm_description(long)
        .threshold(1.0)
        .send()
        .await
        .unwrap();
}

fn canary_env(home: &std::path::Path) -> Vec<(String, Option<String>)> {
    let credentials = home.join("credentials");
    std::fs::write(
        &credentials,
        format!("[default]\naws_access_key_id = AKIACANARY\naws_secret_access_key = {SECRET}\n"),
    )
    .unwrap();
    [
        ("AWS_ACCESS_KEY_ID", Some("testing".to_string())),
        ("AWS_SECRET_ACCESS_KEY", Some(SECRET.to_string())),
        ("AWS_SESSION_TOKEN", Some(TOKEN.to_string())),
        ("AWS_EC2_METADATA_DISABLED", Some("true".to_string())),
        ("HOME", Some(home.to_string_lossy().to_string())),
        (
            "AWS_SHARED_CREDENTIALS_FILE",
            Some(credentials.to_string_lossy().to_string()),
        ),
        (
            "AWS_CONFIG_FILE",
            Some(home.join("none").to_string_lossy().to_string()),
        ),
        ("WATCHPOST_LOG", Some("debug".to_string())),
        ("AWS_PROFILE", None),
        ("AWS_REGION", None),
        ("AWS_ENDPOINT_URL", None),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_strings_stay_inert_and_secrets_never_leave() {
    let emulator = Emulator::lock().await;
    seed_hostile(&emulator).await;
    let url = emulator.url.clone();
    let home = tempfile::tempdir().unwrap();
    let env = canary_env(home.path());

    let home_path = home.path().to_path_buf();
    let (raw, screens, state) = tokio::task::spawn_blocking(move || {
        let env: Vec<(&str, Option<&str>)> = env
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_deref()))
            .collect();
        let mut console =
            Console::start_with(&["--endpoint-url", &url, "--region", "us-east-1"], &env);
        let mut screens = Vec::new();
        console.send("3");
        screens.push(console.wait_for("pwned"));
        console.send("\r");
        screens.push(console.wait_for("HOSTILE"));
        console.send("G");
        screens.push(console.wait_for("}"));
        console.send("\x1b");
        console.send("2");
        screens.push(console.wait_for("ALARMHOSTILE"));
        console.send("\r");
        screens.push(console.wait_for("Description"));
        console.send("\x1b");
        // An action, so the journal has records to check.
        console.send("3");
        console.send("a");
        console.wait_for_dialog("Actions");
        console.send("\r");
        console.wait_for_dialog("Press y to run it");
        console.send("y");
        screens.push(console.wait_for_dialog("Done:"));
        console.send("\r");
        console.send("q");
        assert!(console.wait_exit().success());
        let raw = console.raw.lock().unwrap().clone();
        let _ = home_path;
        // Read the files before the console (and its temporary directories) goes away.
        let state = console.state_dir();
        let log = std::fs::read(state.join("watchpost.log")).unwrap_or_default();
        let journal = std::fs::read(state.join("journal.jsonl")).unwrap();
        (raw, screens, (log, journal))
    })
    .await
    .unwrap();

    for forbidden in FORBIDDEN {
        assert!(
            !contains(&raw, forbidden),
            "{:?} reached the terminal",
            String::from_utf8_lossy(forbidden)
        );
    }
    assert!(
        screens[0].contains("i-␛]0;pwned"),
        "visible, inert: {}",
        screens[0]
    );
    assert!(
        screens[1].contains("␛]52;c;"),
        "visible, inert: {}",
        screens[1]
    );
    // Wide characters keep the columns: every line of every screen is the terminal's width.
    for screen in &screens {
        for line in screen.lines() {
            assert!(
                unicode_width::UnicodeWidthStr::width(line) <= 100,
                "a line overflows: {line:?}"
            );
        }
    }

    // The secrets: not on screen, not in the log, not in the journal.
    let (log, journal) = state;
    assert!(!journal.is_empty());
    assert!(!log.is_empty(), "debug logging wrote something to check");
    for (what, bytes) in [("screen", &raw), ("log", &log), ("journal", &journal)] {
        for secret in [SECRET, TOKEN] {
            assert!(
                !contains(bytes, secret.as_bytes()),
                "{secret} leaked into the {what}"
            );
        }
        assert!(
            !contains(bytes, OSC52.as_bytes()),
            "raw OSC 52 in the {what}"
        );
    }

    // The report in every format: no secret, no raw escape, no live CSV formula.
    for format in ["json", "csv", "markdown", "ocsf"] {
        let mut cmd = assert_cmd::Command::cargo_bin("watchpost").unwrap();
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("XDG_STATE_HOME", home.path().join("state"))
            .env("XDG_CONFIG_HOME", home.path().join("config"));
        for (key, value) in canary_env(home.path()) {
            if let Some(value) = value {
                cmd.env(key, value);
            }
        }
        let output = cmd
            .args(["report", "--format", format, "--endpoint-url"])
            .arg(&emulator.url)
            .args(["--region", "us-east-1"])
            .output()
            .unwrap();
        let report = output.stdout;
        assert!(
            contains(&report, b"HOSTILE"),
            "{format} report lists the finding"
        );
        for secret in [SECRET, TOKEN] {
            assert!(
                !contains(&report, secret.as_bytes()),
                "{secret} in the {format} report"
            );
        }
        assert!(
            !contains(&report, b"\x1b"),
            "a raw ESC in the {format} report"
        );
        for raw in [b"\xc2\x9b".as_slice(), "\u{202e}".as_bytes(), b"\x00"] {
            assert!(
                !contains(&report, raw),
                "a raw C1 control or bidi control {raw:?} in the {format} report"
            );
        }
        if format == "markdown" {
            assert!(
                !contains(&report, b"http://evil"),
                "a clickable link in the Markdown report"
            );
        }
        if format == "json" {
            // Escaped, not lost: the alarm's name reads back with its bidi override.
            let value: serde_json::Value = serde_json::from_slice(&report).unwrap();
            let names: Vec<&str> = value["alarms"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|a| a["name"].as_str())
                .collect();
            let name = format!("ALARMHOSTILE 警報 {BIDI}");
            assert!(names.contains(&name.as_str()), "{names:?}");
            assert!(contains(&report, b"\\u202etxt.exe"), "escaped as \\u202e");
        }
        if format == "csv" {
            let text = String::from_utf8_lossy(&report);
            assert!(
                !text.contains(",=HYPERLINK") && !text.contains(",\"=HYPERLINK"),
                "a live formula in the CSV"
            );
        }
    }
}
