//! Connecting: roles in other accounts, MFA, and the start-up errors of the real binary.

use crate::support;
use crate::support::emulator::{ACCOUNT, Emulator, connect, try_connect};
use watchpost::aws::ConnectError;
use watchpost::domain::SourceKind;
use watchpost::sources::SourceData;

const OTHER_ACCOUNT: &str = "222233334444";

/// The local user as `id -un` names it: the tests' own oracle for the source identity.
fn local_user() -> String {
    let output = std::process::Command::new("id")
        .arg("-un")
        .output()
        .unwrap();
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}

/// The AssumeRole parameters watchpost sends to name the person behind the session.
fn attributed(body: &str) {
    let user = local_user();
    assert!(
        body.contains(&format!("RoleSessionName=watchpost-{user}&"))
            || body.ends_with(&format!("RoleSessionName=watchpost-{user}")),
        "{body}"
    );
    assert!(
        body.contains(&format!("SourceIdentity={user}&"))
            || body.ends_with(&format!("SourceIdentity={user}")),
        "{body}"
    );
}
const AUDIT_ROLE: &str = "arn:aws:iam::222233334444:role/watchpost-audit";

#[tokio::test]
async fn a_role_in_another_account_sees_that_account() {
    let emulator = Emulator::lock().await;
    // One user in each account.
    let home = aws_sdk_iam::Client::new(&emulator.sdk("us-east-1").await);
    home.create_user()
        .user_name("home-user")
        .send()
        .await
        .unwrap();
    assert_eq!(
        emulator.create_role(OTHER_ACCOUNT, "watchpost-audit").await,
        AUDIT_ROLE
    );
    let other = aws_sdk_iam::Client::new(&emulator.sdk_as("us-east-1", AUDIT_ROLE).await);
    other
        .create_user()
        .user_name("other-user")
        .send()
        .await
        .unwrap();

    let mut options = emulator.options(&["us-east-1"]);
    options.role_arn = Some(AUDIT_ROLE.to_string());
    options.external_id = Some("ext-1234".to_string());
    emulator.start_recording();
    let mut session = connect(&options).await;
    let bodies = emulator.recorded_bodies();

    assert_eq!(session.caller.account_id, OTHER_ACCOUNT);
    assert!(
        session.caller.arn.contains("watchpost-audit"),
        "{}",
        session.caller.arn
    );
    let body = bodies
        .iter()
        .find(|b| b.contains("Action=AssumeRole"))
        .unwrap_or_else(|| panic!("no AssumeRole call in {bodies:#?}"));
    assert!(body.contains("ExternalId=ext-1234"), "{body}");
    attributed(body);

    let identity = session
        .sources
        .iter_mut()
        .find(|s| s.id().kind == SourceKind::Identity)
        .unwrap();
    assert_eq!(identity.id().account_id, OTHER_ACCOUNT);
    let SourceData::Identity(inventory) = identity.poll().await.unwrap() else {
        panic!("not identity");
    };
    let names: Vec<&str> = inventory.users.iter().map(|u| u.name()).collect();
    assert_eq!(names, ["other-user"]);
    assert_eq!(&*inventory.account_id, OTHER_ACCOUNT);
}

#[tokio::test]
async fn an_mfa_code_is_asked_once_and_sent_with_assume_role() {
    let emulator = Emulator::lock().await;
    emulator.create_role(OTHER_ACCOUNT, "watchpost-audit").await;
    let mut options = emulator.options(&["us-east-1"]);
    options.role_arn = Some(AUDIT_ROLE.to_string());
    options.mfa_serial = Some(format!("arn:aws:iam::{ACCOUNT}:mfa/oncall"));
    let mut asked = Vec::new();
    emulator.start_recording();
    let session = try_connect(&options, &mut |serial| {
        asked.push(serial.to_string());
        Ok(" 123456\n".to_string())
    })
    .await
    .unwrap();
    let bodies = emulator.recorded_bodies();
    assert_eq!(asked, [format!("arn:aws:iam::{ACCOUNT}:mfa/oncall")]);
    assert_eq!(session.caller.account_id, OTHER_ACCOUNT);
    let bodies: Vec<&String> = bodies
        .iter()
        .filter(|b| b.contains("Action=AssumeRole"))
        .collect();
    assert_eq!(bodies.len(), 1, "{bodies:?}");
    assert!(bodies[0].contains("TokenCode=123456"), "{}", bodies[0]);
    attributed(bodies[0]);
    assert!(bodies[0].contains("SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Foncall"));
}

#[tokio::test]
async fn an_empty_mfa_code_stops_before_any_call() {
    let emulator = Emulator::lock().await;
    let mut options = emulator.options(&["us-east-1"]);
    options.role_arn = Some(AUDIT_ROLE.to_string());
    options.mfa_serial = Some("arn:aws:iam::123456789012:mfa/oncall".to_string());
    let result = try_connect(&options, &mut |_| Ok("\n".to_string())).await;
    assert!(
        matches!(result, Err(ConnectError::MfaCode(_))),
        "{:?}",
        result.err()
    );
}

fn one_line_stderr(output: &std::process::Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert_eq!(
        stderr.trim_end().lines().count(),
        1,
        "not one line: {stderr}"
    );
    stderr
}

#[test]
fn without_credentials_the_binary_explains_and_exits_3() {
    let home = tempfile::tempdir().unwrap();
    // Instance metadata is left on: the short metadata timeouts must keep this quick.
    let output = support::bare_watchpost(home.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(3), "{output:?}");
    let stderr = one_line_stderr(&output);
    assert!(
        stderr.starts_with("watchpost: no AWS credentials"),
        "{stderr}"
    );
    assert!(stderr.contains("AWS_ACCESS_KEY_ID"), "{stderr}");
    assert!(stderr.contains("--profile"), "{stderr}");
    assert!(stderr.contains("--demo"), "{stderr}");
}

#[test]
fn an_unreachable_endpoint_is_named_as_such() {
    let home = tempfile::tempdir().unwrap();
    let endpoint = support::dead_endpoint();
    let output = support::watchpost_with_keys(home.path())
        .args(["--region", "us-east-1", "--endpoint-url"])
        .arg(&endpoint)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3), "{output:?}");
    let stderr = one_line_stderr(&output);
    assert!(
        stderr.starts_with("watchpost: cannot reach AWS"),
        "{stderr}"
    );
}

#[tokio::test]
async fn without_a_region_the_binary_says_how_to_give_one_and_exits_2() {
    let emulator = Emulator::lock().await;
    let home = tempfile::tempdir().unwrap();
    let output = support::watchpost_with_keys(home.path())
        .args(["--endpoint-url", &emulator.url])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = one_line_stderr(&output);
    assert!(stderr.contains("no region"), "{stderr}");
    assert!(stderr.contains("--region"), "{stderr}");
}

#[test]
fn from_a_pipe_the_mfa_code_is_read_as_a_line() {
    let home = tempfile::tempdir().unwrap();
    let endpoint = support::dead_endpoint();
    let run = |stdin: &str| {
        support::watchpost_with_keys(home.path())
            .args(["--region", "us-east-1", "--endpoint-url"])
            .arg(&endpoint)
            .args(["--role-arn", AUDIT_ROLE, "--mfa-serial"])
            .arg(format!("arn:aws:iam::{ACCOUNT}:mfa/oncall"))
            .write_stdin(stdin)
            .output()
            .unwrap()
    };
    // An empty line is refused before any call.
    let output = run("\n");
    assert_eq!(output.status.code(), Some(3), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("MFA code for arn:aws:iam::"), "{stderr}");
    assert!(stderr.contains("no MFA code: an empty code"), "{stderr}");
    // A code is read and used: the failure is then the unreachable endpoint's.
    let output = run("123456\n");
    assert_eq!(output.status.code(), Some(3), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("no MFA code"), "{stderr}");
    assert!(
        stderr.contains(AUDIT_ROLE) || stderr.contains("cannot reach"),
        "{stderr}"
    );
}

#[test]
fn demo_and_aws_options_do_not_mix() {
    let home = tempfile::tempdir().unwrap();
    let output = support::bare_watchpost(home.path())
        .args(["--demo", "--region", "us-east-1"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot be used with"), "{stderr}");
}

/// `watchpost report` against an endpoint where nothing listens: a refusal before any call
/// is status 2; getting as far as the network is status 3.
fn report_without_aws(home: &std::path::Path, args: &[&str]) -> std::process::Output {
    let endpoint = support::dead_endpoint();
    support::watchpost_with_keys(home)
        .args(["report", "--endpoint-url", &endpoint])
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn a_region_aws_does_not_have_is_refused_before_any_call_naming_the_nearest() {
    let home = tempfile::tempdir().unwrap();
    for (region, nearest) in [
        ("foo", None),
        ("US-EAST-1", Some("us-east-1")),
        ("us-east-1,eu-wset-1", Some("eu-west-1")),
    ] {
        let output = report_without_aws(home.path(), &["--region", region]);
        assert_eq!(output.status.code(), Some(2), "{region}: {output:?}");
        let stderr = one_line_stderr(&output);
        assert!(stderr.contains("--region: unknown region"), "{stderr}");
        if let Some(nearest) = nearest {
            assert!(
                stderr.contains(&format!("did you mean {nearest}?")),
                "{stderr}"
            );
        }
    }
    // Without an endpoint either: not a DNS error for a made-up host.
    let output = support::watchpost_with_keys(home.path())
        .args(["--region", "eu-wset-1"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(one_line_stderr(&output).contains("did you mean eu-west-1?"));
    // Nor from the environment, when no region is given otherwise.
    let output = support::watchpost_with_keys(home.path())
        .env("AWS_REGION", "eu-wset-1")
        .args(["report", "--endpoint-url", &support::dead_endpoint()])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = one_line_stderr(&output);
    assert!(
        stderr.contains("AWS_REGION or the AWS profile's region"),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean eu-west-1?"), "{stderr}");
}

#[test]
fn extra_regions_in_config_admit_a_region_newer_than_the_list() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config/watchpost");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("config.toml"),
        "extra_regions = [\"xx-future-1\"]\n",
    )
    .unwrap();
    let output = report_without_aws(home.path(), &["--region", "xx-future-1"]);
    assert_eq!(output.status.code(), Some(3), "{output:?}");
    assert!(one_line_stderr(&output).contains("cannot reach AWS"));
}

/// The profiles `audit` (keys `key`/`secret`) and `dev` in AWS files under `home/.aws`,
/// which the environment of `cmd` points at.
fn with_profiles(cmd: &mut assert_cmd::Command, home: &std::path::Path, key: &str, secret: &str) {
    let dir = home.join(".aws");
    std::fs::create_dir_all(&dir).unwrap();
    support::write_aws_profiles(
        &dir,
        &[
            ("audit", "us-east-1", key, secret),
            ("dev", "eu-west-1", "dev", "dev"),
        ],
    );
    cmd.env("AWS_CONFIG_FILE", dir.join("config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.join("credentials"));
}

#[test]
fn an_unknown_profile_is_refused_listing_the_known_ones() {
    let home = tempfile::tempdir().unwrap();
    let endpoint = support::dead_endpoint();
    let mut cmd = support::watchpost_with_keys(home.path());
    with_profiles(&mut cmd, home.path(), "k", "s");
    let output = cmd
        .args([
            "--profile",
            "nosuch",
            "--region",
            "us-east-1",
            "--endpoint-url",
        ])
        .arg(&endpoint)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = one_line_stderr(&output);
    assert!(
        stderr.contains("--profile: no profile named `nosuch`"),
        "{stderr}"
    );
    assert!(stderr.contains("known: audit, dev"), "{stderr}");
}

#[tokio::test]
async fn an_explicit_profile_beats_keys_in_the_environment() {
    let emulator = Emulator::lock().await;
    let iam = aws_sdk_iam::Client::new(&emulator.sdk("us-east-1").await);
    iam.create_user().user_name("auditor").send().await.unwrap();
    let key = support::emulator::new_key(&iam, "auditor").await;
    let home = tempfile::tempdir().unwrap();
    let run = |profile: Option<&str>| {
        // The environment holds other (dummy) keys, as a shell often does.
        let mut cmd = support::watchpost_with_keys(home.path());
        with_profiles(
            &mut cmd,
            home.path(),
            &key.access_key_id,
            &key.secret_access_key,
        );
        if let Some(profile) = profile {
            cmd.args(["--profile", profile]);
        }
        let output = cmd
            .args(["report", "--source", "identity", "--region", "us-east-1"])
            .args(["--endpoint-url", &emulator.url])
            .timeout(std::time::Duration::from_secs(120))
            .output()
            .unwrap();
        let json: serde_json::Value =
            serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}: {output:?}"));
        json["caller"]["arn"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    let auditor = format!("arn:aws:iam::{ACCOUNT}:user/auditor");
    assert_eq!(
        run(Some("audit")),
        auditor,
        "--profile wins over the environment"
    );
    assert_ne!(
        run(None),
        auditor,
        "without it, the environment's keys are used"
    );
}
