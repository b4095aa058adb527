//! `watchpost report` through the real binary, on the demo account: exit statuses, the
//! global account options on either side of `report`, `--output`, and the progress line
//! that appears on a terminal and nowhere else.

use crate::support;
use serde_json::Value;
use std::path::Path;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(home: &Path, args: &[&str]) -> Run {
    let output = support::bare_watchpost(home).args(args).output().unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

#[test]
fn the_demo_report_goes_to_stdout_with_status_0_and_nothing_else() {
    let home = tempfile::tempdir().unwrap();
    for args in [
        &["--demo", "report", "--format", "json"][..],
        &["report", "--demo", "--format", "json"][..],
    ] {
        let run = run(home.path(), args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        assert_eq!(
            run.stderr, "",
            "no progress line when stderr is not a terminal"
        );
        let json: Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(json["schema_version"], "1.2");
        assert_eq!(json["caller"]["account_id"], "111122223333");
        assert_eq!(json["complete"], true);
    }
}

#[test]
fn fail_on_exits_1_when_a_failing_result_reaches_it_after_the_filters() {
    let home = tempfile::tempdir().unwrap();
    let run1 = run(
        home.path(),
        &["report", "--demo", "--format", "csv", "--fail-on", "high"],
    );
    assert_eq!(run1.code, 1, "{}", run1.stderr);
    assert!(run1.stdout.starts_with("record_type,service,id,"));
    // Alarms in ALARM are High by default: nothing among them reaches Critical.
    let run0 = run(
        home.path(),
        &[
            "--demo",
            "report",
            "--source",
            "alarms",
            "--fail-on",
            "critical",
        ],
    );
    assert_eq!(run0.code, 0, "{}", run0.stderr);
    // A config.toml that makes alarms Critical changes that.
    let config = home.path().join("config/watchpost");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("config.toml"),
        "alarm_severity = \"critical\"\n",
    )
    .unwrap();
    let run1 = run(
        home.path(),
        &[
            "--demo",
            "report",
            "--source",
            "alarms",
            "--fail-on",
            "critical",
        ],
    );
    assert_eq!(run1.code, 1, "{}", run1.stderr);
}

#[test]
fn output_is_written_atomically_and_stdout_stays_empty() {
    let home = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let path = out.path().join("audit.md");
    std::fs::write(&path, "an older report").unwrap();
    let run = run(
        home.path(),
        &[
            "--demo",
            "report",
            "--format",
            "markdown",
            "--output",
            path.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("# watchpost audit report"), "{text}");
    let names: Vec<_> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["audit.md"], "no temporary file left behind");
}

#[test]
fn usage_errors_exit_2_before_anything_is_read() {
    let home = tempfile::tempdir().unwrap();
    let cases: [&[&str]; 6] = [
        &["--demo", "report", "--format", "xml"],
        &["--demo", "report", "--fail-on", "severe"],
        &["--demo", "report", "--source", "cloudtrail"],
        &[
            "--demo",
            "report",
            "--output",
            "/nonexistent/dir/report.json",
        ],
        &["--theme", "mono", "--demo", "report"],
        &["report", "--demo-scale", "2"],
    ];
    for args in cases {
        let run = run(home.path(), args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert_eq!(run.stdout, "", "{args:?}");
    }
    let run = run(
        home.path(),
        &[
            "--demo",
            "report",
            "--output",
            "/nonexistent/dir/report.json",
        ],
    );
    assert!(run.stderr.contains("does not exist"), "{}", run.stderr);
}

#[test]
fn a_broken_config_toml_is_a_usage_error_but_a_broken_keymap_is_not_the_reports_business() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config/watchpost");
    std::fs::create_dir_all(config.join("keymaps")).unwrap();
    std::fs::write(config.join("keymaps/default.toml"), "global = [\n").unwrap();
    let run0 = run(home.path(), &["--demo", "report"]);
    assert_eq!(run0.code, 0, "{}", run0.stderr);
    std::fs::write(config.join("config.toml"), "alarm_severity = \"loud\"\n").unwrap();
    let run2 = run(home.path(), &["--demo", "report"]);
    assert_eq!(run2.code, 2);
    assert!(run2.stderr.contains("config.toml:1:"), "{}", run2.stderr);
}

#[test]
fn without_credentials_the_report_exits_3() {
    let home = tempfile::tempdir().unwrap();
    let run = run(home.path(), &["report", "--region", "us-east-1"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(
        run.stderr.starts_with("watchpost: no AWS credentials"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stdout, "");
}

#[test]
fn an_unknown_check_id_is_a_usage_error_naming_the_nearest() {
    let home = tempfile::tempdir().unwrap();
    // A typo must not pass a CI gate with an empty report.
    for args in [
        &["--demo", "report", "--check", "nosuch"][..],
        &["--demo", "report", "--check", "iam.root-mfa,iam.root-mfaa"][..],
    ] {
        let run = run(home.path(), args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert_eq!(run.stdout, "", "{args:?}");
        assert!(run.stderr.contains("unknown check ID"), "{}", run.stderr);
    }
    let typo = run(
        home.path(),
        &["--demo", "report", "--check", "iam.root-mfaa"],
    );
    assert!(
        typo.stderr
            .contains("--check `iam.root-mfaa`: unknown check ID; did you mean iam.root-mfa?"),
        "{}",
        typo.stderr
    );
}

#[test]
fn a_known_check_id_keeps_only_its_results() {
    let home = tempfile::tempdir().unwrap();
    let run = run(
        home.path(),
        &[
            "--demo",
            "report",
            "--check",
            "iam.root-mfa",
            "--format",
            "csv",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("`iam.root-mfa`"), "{}", run.stderr);
    let rows: Vec<&str> = run.stdout.lines().skip(1).collect();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(
        rows[0].starts_with("check,IAM,iam.root-mfa,"),
        "{}",
        rows[0]
    );
}

#[test]
fn hostile_text_in_error_messages_reaches_stderr_inert() {
    let home = tempfile::tempdir().unwrap();
    let hostile = "x\u{1b}]0;pwned\u{7}\u{9b}2J\u{202e}";
    let inert = "x␛]0;pwned␇�2J�";
    // An unknown check ID, printed by the report.
    let run1 = run(
        home.path(),
        &["--demo", "report", "--check", hostile, "--format", "csv"],
    );
    assert!(
        run1.stderr.contains(&format!("`{inert}`")),
        "{}",
        run1.stderr
    );
    // A file name in a start-up error, printed before the report starts.
    let missing = home.path().join(hostile).join("r.json");
    let run2 = run(
        home.path(),
        &["--demo", "report", "--output", missing.to_str().unwrap()],
    );
    assert_eq!(run2.code, 2, "{}", run2.stderr);
    assert!(run2.stderr.contains(inert), "{}", run2.stderr);
    // A theme name in a console start-up error.
    let run3 = run(home.path(), &["--demo", "--theme", hostile]);
    assert_eq!(run3.code, 2, "{}", run3.stderr);
    assert!(run3.stderr.contains(inert), "{}", run3.stderr);
    for run in [run1, run2, run3] {
        assert!(
            !run.stderr
                .contains(['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}']),
            "{:?}",
            run.stderr
        );
    }
}

#[cfg(unix)]
#[test]
fn on_a_terminal_a_progress_line_shows_then_clears() {
    let out = tempfile::tempdir().unwrap();
    let path = out.path().join("r.json");
    let mut console =
        support::pty::Console::start(&["--demo", "report", "--output", path.to_str().unwrap()]);
    let status = console.wait_exit();
    assert!(status.success(), "{status:?}");
    let raw = String::from_utf8_lossy(&console.raw.lock().unwrap()).into_owned();
    assert!(raw.contains("watchpost: reading 11 sources"), "{raw:?}");
    assert!(raw.contains("11/11 sources read"), "{raw:?}");
    assert!(raw.ends_with("\r\x1b[2K"), "the line is cleared: {raw:?}");
    assert!(console.screen().trim().is_empty(), "{}", console.screen());
    assert!(std::fs::metadata(&path).unwrap().len() > 0);
}

/// `watchpost report …` with stdout on a real pipe whose reader takes the first line and
/// closes it, as `| head -1` does; the exit status and stderr.
fn run_into_closed_pipe(home: &Path, args: &[&str]) -> (i32, String) {
    use std::io::{BufRead, BufReader, Read};
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("watchpost"))
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    reader.read_line(&mut first).unwrap();
    assert!(
        !first.is_empty(),
        "{args:?}: nothing written before the pipe closed"
    );
    // The rest of the report (far more than a pipe's buffer) meets a closed pipe.
    drop(reader);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    (status.code().unwrap_or(-1), stderr)
}

#[test]
fn a_reader_closing_the_pipe_early_ends_the_report_quietly() {
    let home = tempfile::tempdir().unwrap();
    for format in ["json", "csv", "ocsf", "markdown"] {
        let (code, stderr) =
            run_into_closed_pipe(home.path(), &["report", "--demo", "--format", format]);
        assert_eq!(code, 0, "{format}: {stderr}");
        assert_eq!(stderr, "", "{format}");
    }
    // What the report found still decides the status: a gate under `pipefail` still fails.
    let (code, stderr) = run_into_closed_pipe(
        home.path(),
        &["report", "--demo", "--format", "json", "--fail-on", "high"],
    );
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(stderr, "");
}
