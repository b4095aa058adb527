//! End to end against the emulator: `:region` and `:profile` switch the running binary to
//! other regions and to another profile (another account), in a pseudo-terminal.

use crate::support;
use crate::support::emulator::{ACCOUNT, Emulator, new_key, put_alarm};
use crate::support::pty::{Console, console_with_env_keys};
use std::path::Path;

const OTHER_ACCOUNT: &str = "222233334444";
/// Seeding into the other account goes through a role of it, made first.
const OTHER_ROLE: &str = "arn:aws:iam::222233334444:role/seed";

#[tokio::test(flavor = "multi_thread")]
async fn region_switches_the_running_console_to_another_region() {
    let emulator = Emulator::lock().await;
    for (region, alarm) in [
        ("us-east-1", "virginia-queue-depth"),
        ("eu-west-1", "ireland-api-errors"),
    ] {
        let cloudwatch = aws_sdk_cloudwatch::Client::new(&emulator.sdk(region).await);
        put_alarm(&cloudwatch, alarm).await;
    }
    let args = [
        "--endpoint-url".to_string(),
        emulator.url.clone(),
        "--region".to_string(),
        "us-east-1".to_string(),
    ];
    let (before, after, status) = tokio::task::spawn_blocking(move || {
        let (mut console, _home) = console_with_env_keys(&args, &[]);
        console.send("2");
        let before = console.wait_for("virginia-queue-depth");
        console.send(":region eu-west-1\r");
        let after = console.wait_for("ireland-api-errors");
        console.send("q");
        (before, after, console.wait_exit())
    })
    .await
    .unwrap();
    assert!(status.success(), "{status:?}");
    assert!(before.contains("us-east-1"), "{before}");
    assert!(!before.contains("ireland-api-errors"), "{before}");
    assert!(
        !after.contains("virginia-queue-depth"),
        "the old region's alarm is gone:\n{after}"
    );
    let header: Vec<&str> = after.lines().take(2).collect();
    assert!(header[0].contains(ACCOUNT), "{header:?}");
    assert!(header[1].contains("eu-west-1"), "{header:?}");
    assert!(!header[1].contains("us-east-1"), "{header:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn profile_switches_account_and_applies_its_rule_and_a_bad_one_changes_nothing() {
    let emulator = Emulator::lock().await;
    let first = aws_sdk_cloudwatch::Client::new(&emulator.sdk("us-east-1").await);
    put_alarm(&first, "first-account-alarm").await;
    assert_eq!(
        emulator.create_role(OTHER_ACCOUNT, "seed").await,
        OTHER_ROLE
    );
    let other = emulator.sdk_as("us-east-1", OTHER_ROLE).await;
    put_alarm(
        &aws_sdk_cloudwatch::Client::new(&other),
        "second-account-alarm",
    )
    .await;
    // A user of the other account: the emulator tells accounts apart by access key.
    let iam = aws_sdk_iam::Client::new(&other);
    iam.create_user().user_name("auditor").send().await.unwrap();
    let key = new_key(&iam, "auditor").await;

    let home = tempfile::tempdir().unwrap();
    let aws_dir = home.path().join(".aws");
    std::fs::create_dir_all(&aws_dir).unwrap();
    // `first` is the emulator's default account; `second` a user's keys in another account.
    support::write_aws_profiles(
        &aws_dir,
        &[
            ("first", "us-east-1", "testing", "testing"),
            (
                "second",
                "us-east-1",
                key.access_key_id(),
                key.secret_access_key(),
            ),
        ],
    );
    let config_home = home.path().join("config");
    std::fs::create_dir_all(config_home.join("watchpost")).unwrap();
    std::fs::write(
        config_home.join("watchpost/config.toml"),
        format!(
            "[[accounts]]\nmatch = \"{OTHER_ACCOUNT}\"\nbanner = \"SECOND-ACCOUNT\"\nread_only = true\n"
        ),
    )
    .unwrap();

    let url = emulator.url.clone();
    let screens = tokio::task::spawn_blocking(move || {
        let path = |p: &Path| p.to_string_lossy().to_string();
        let (home_dir, config_dir) = (path(home.path()), path(&config_home));
        let (config_file, credentials_file) = (
            path(&aws_dir.join("config")),
            path(&aws_dir.join("credentials")),
        );
        let env: Vec<(&str, Option<&str>)> = vec![
            ("HOME", Some(&home_dir)),
            ("XDG_CONFIG_HOME", Some(&config_dir)),
            ("AWS_CONFIG_FILE", Some(&config_file)),
            ("AWS_SHARED_CREDENTIALS_FILE", Some(&credentials_file)),
            ("AWS_PROFILE", Some("first")),
            ("AWS_EC2_METADATA_DISABLED", Some("true")),
            // Keys in the environment (the first account's) do not stop a named profile:
            // it beats them, as in the AWS CLI.
            ("AWS_ACCESS_KEY_ID", Some("testing")),
            ("AWS_SECRET_ACCESS_KEY", Some("testing")),
            ("AWS_SESSION_TOKEN", None),
            ("AWS_REGION", None),
            ("AWS_DEFAULT_REGION", None),
            ("AWS_ENDPOINT_URL", None),
        ];
        let mut console = Console::start_with(&["--endpoint-url", &url], &env);
        console.send("2");
        let first = console.wait_for("first-account-alarm");
        console.send(":profile nosuch\r");
        let refused = console.wait_for("Cannot switch to profile nosuch");
        console.send(":profile second\r");
        let second = console.wait_for("second-account-alarm");
        console.send("q");
        let status = console.wait_exit();
        (first, refused, second, status)
    })
    .await
    .unwrap();
    let (first, refused, second, status) = screens;
    assert!(status.success(), "{status:?}");

    let header = first.lines().next().unwrap_or_default();
    assert!(header.contains(ACCOUNT), "{header}");
    assert!(header.contains("profile first"), "{header}");
    assert!(header.contains("CAN WRITE"), "{header}");

    // The unknown profile: an error, and the first account still on screen.
    assert!(refused.contains("no profile named `nosuch`"), "{refused}");
    assert!(refused.contains("first-account-alarm"), "{refused}");
    assert!(refused.lines().next().unwrap_or_default().contains(ACCOUNT));

    let header = second.lines().next().unwrap_or_default();
    assert!(header.contains(OTHER_ACCOUNT), "{header}");
    assert!(!header.contains(ACCOUNT), "{header}");
    assert!(header.contains("profile second"), "{header}");
    assert!(
        header.contains("SECOND-ACCOUNT"),
        "the rule's banner: {header}"
    );
    assert!(
        header.contains("READ-ONLY"),
        "the rule's read-only: {header}"
    );
    assert!(!second.contains("first-account-alarm"), "{second}");
}
