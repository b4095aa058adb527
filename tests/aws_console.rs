//! End to end against the emulator: the real binary, dummy keys in its environment, pointed
//! at a seeded emulator over two regions, shows the emulator's account and what was seeded.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use serde_json::json;
use support::emulator::{ACCOUNT, Emulator};
use support::pty::Console;

#[tokio::test(flavor = "multi_thread")]
async fn the_console_shows_a_seeded_account_across_two_regions() {
    let emulator = Emulator::lock().await;
    let iam = aws_sdk_iam::Client::new(&emulator.sdk("us-east-1").await);
    iam.create_user()
        .user_name("deploy-bot")
        .send()
        .await
        .unwrap();
    iam.create_access_key()
        .user_name("deploy-bot")
        .send()
        .await
        .unwrap();
    for (region, alarm) in [
        ("us-east-1", "orders-5xx"),
        ("eu-west-1", "payments-latency"),
    ] {
        let cloudwatch = aws_sdk_cloudwatch::Client::new(&emulator.sdk(region).await);
        cloudwatch
            .put_metric_alarm()
            .alarm_name(alarm)
            .namespace("AWS/ApplicationELB")
            .metric_name("HTTPCode_Target_5XX_Count")
            .statistic(aws_sdk_cloudwatch::types::Statistic::Sum)
            .period(60)
            .evaluation_periods(1)
            .threshold(10.0)
            .comparison_operator(
                aws_sdk_cloudwatch::types::ComparisonOperator::GreaterThanThreshold,
            )
            .send()
            .await
            .unwrap();
        cloudwatch
            .set_alarm_state()
            .alarm_name(alarm)
            .state_value(aws_sdk_cloudwatch::types::StateValue::Alarm)
            .state_reason("Threshold crossed")
            .send()
            .await
            .unwrap();
    }
    let guardduty = aws_sdk_guardduty::Client::new(&emulator.sdk("eu-west-1").await);
    guardduty
        .create_detector()
        .enable(true)
        .send()
        .await
        .unwrap();
    emulator.post(
        "/_watchpost/guardduty/findings",
        &json!({
            "accountId": ACCOUNT,
            "region": "eu-west-1",
            "findings": [{
                "type": "CryptoCurrency:EC2/BitcoinTool.B!DNS",
                "severity": 8.0,
                "title": "EC2 instance i-0feed is querying a domain name associated with Bitcoin",
            }],
        }),
    );

    let args = [
        "--endpoint-url".to_string(),
        emulator.url.clone(),
        "--region".to_string(),
        "us-east-1,eu-west-1".to_string(),
    ];
    // The console runs in a pseudo-terminal on a blocking thread; this test keeps its turn
    // at the emulator meanwhile.
    let screens = tokio::task::spawn_blocking(move || {
        let (mut console, _home) = console_with_env_keys(&args, &[]);
        let overview = console.wait_for("orders-5xx");
        console.send("2");
        let alarms = console.wait_for("payments-latency");
        console.send("3");
        let findings = console.wait_for("Bitcoin");
        console.send("4");
        let identity = console.wait_for("deploy-bot");
        console.send("q");
        let status = console.wait_exit();
        (overview, alarms, findings, identity, status)
    })
    .await
    .unwrap();
    let (overview, alarms, findings, identity, status) = screens;
    assert!(status.success(), "{status:?}");
    let header = overview.lines().next().unwrap_or_default();
    assert!(header.contains(ACCOUNT), "{header}");
    assert!(
        header.contains(&format!("arn:aws:sts::{ACCOUNT}:user/moto")),
        "{header}"
    );
    assert!(!header.contains("DEMO"), "{header}");
    assert!(overview.contains("us-east-1,eu-west-1"), "{overview}");
    assert!(alarms.contains("orders-5xx"), "{alarms}");
    assert!(alarms.contains("ALARM"), "{alarms}");
    assert!(findings.contains("eu-west-1"), "{findings}");
    assert!(identity.contains("deploy-bot"), "{identity}");
}

/// The binary with dummy keys in its environment and no other AWS configuration.
fn console_with_env_keys(args: &[String], extra: &[(&str, &str)]) -> (Console, tempfile::TempDir) {
    let home = tempfile::tempdir().unwrap();
    let home_path = home.path().to_string_lossy().to_string();
    let no_file = home.path().join("none").to_string_lossy().to_string();
    let mut env: Vec<(&str, Option<&str>)> = vec![
        ("AWS_ACCESS_KEY_ID", Some("testing")),
        ("AWS_SECRET_ACCESS_KEY", Some("testing")),
        ("AWS_EC2_METADATA_DISABLED", Some("true")),
        ("HOME", Some(&home_path)),
        ("AWS_CONFIG_FILE", Some(&no_file)),
        ("AWS_SHARED_CREDENTIALS_FILE", Some(&no_file)),
        ("AWS_PROFILE", None),
        ("AWS_REGION", None),
        ("AWS_DEFAULT_REGION", None),
        ("AWS_ENDPOINT_URL", None),
    ];
    for (key, value) in extra {
        env.retain(|(k, _)| k != key);
        env.push((key, Some(value)));
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    (Console::start_with(&args, &env), home)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_standard_endpoint_and_region_variables_are_honoured() {
    let emulator = Emulator::lock().await;
    let cloudwatch = aws_sdk_cloudwatch::Client::new(&emulator.sdk("eu-west-1").await);
    cloudwatch
        .put_metric_alarm()
        .alarm_name("set-through-env")
        .namespace("AWS/EC2")
        .metric_name("CPUUtilization")
        .statistic(aws_sdk_cloudwatch::types::Statistic::Average)
        .period(60)
        .evaluation_periods(1)
        .threshold(90.0)
        .comparison_operator(aws_sdk_cloudwatch::types::ComparisonOperator::GreaterThanThreshold)
        .send()
        .await
        .unwrap();
    let url = emulator.url.clone();
    let screen = tokio::task::spawn_blocking(move || {
        let (mut console, _home) = console_with_env_keys(
            &[],
            &[("AWS_ENDPOINT_URL", &url), ("AWS_REGION", "eu-west-1")],
        );
        console.send("2");
        let screen = console.wait_for("set-through-env");
        console.send("q");
        console.wait_exit();
        screen
    })
    .await
    .unwrap();
    assert!(screen.contains(ACCOUNT), "{screen}");
    assert!(screen.contains("eu-west-1"), "{screen}");
}
