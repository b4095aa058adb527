//! The account-level baseline controls against the emulator: each seeded failing, then
//! passing, through watchpost's baseline and alarm sources and the posture rules.

use crate::support::baseline::{self as seed, ec2};
use crate::support::emulator::{Emulator, connect};
use chrono::Utc;
use std::collections::BTreeSet;
use watchpost::domain::{CheckResult, SourceKind};
use watchpost::posture::Thresholds;
use watchpost::sources::Session;
use watchpost::store::Data;

const BASELINE_CHECKS: &[&str] = &[
    "cloudtrail.multi-region-logging",
    "cloudwatch.cis-monitoring",
    "s3.account-public-access-block",
    "ec2.sg-open-admin-ports",
    "ec2.sg-open-high-risk-ports",
    "ec2.ebs-default-encryption",
    "ec2.vpc-flow-logs",
    "config.recorder",
];

/// Polls the baseline and alarm sources once and evaluates every rule.
async fn evaluate(session: &mut Session) -> Vec<CheckResult> {
    let mut data = Data::default();
    for source in session
        .sources
        .iter_mut()
        .filter(|s| matches!(s.id().kind, SourceKind::Baseline | SourceKind::Alarms))
    {
        let id = source.id().clone();
        let polled = source.poll().await.unwrap_or_else(|e| panic!("{id}: {e}"));
        data.apply(&id, polled);
    }
    data.derive(
        &Thresholds::default(),
        watchpost::domain::Severity::High,
        Utc::now(),
    );
    data.checks
        .into_iter()
        .filter(|c| BASELINE_CHECKS.contains(&c.check_id()))
        .collect()
}

/// `(check, region, resource)` of each failing baseline result.
fn failing(checks: &[CheckResult]) -> BTreeSet<(String, String, String)> {
    checks
        .iter()
        .filter(|c| c.failed())
        .map(|c| {
            (
                c.check_id().to_string(),
                c.region_name().unwrap_or("global").to_string(),
                c.resource().to_string(),
            )
        })
        .collect()
}

fn result<'a>(checks: &'a [CheckResult], id: &str, region: Option<&str>) -> &'a CheckResult {
    checks
        .iter()
        .find(|c| c.check_id() == id && c.region_name() == region)
        .unwrap_or_else(|| panic!("no {id} result in {region:?}: {checks:#?}"))
}

#[tokio::test]
async fn a_clean_baseline_passes_every_control_in_every_region() {
    let emulator = Emulator::lock().await;
    seed::clean(&emulator, &["us-east-1", "eu-west-1"]).await;
    let mut session = connect(&emulator.options(&["us-east-1", "eu-west-1"])).await;
    let checks = evaluate(&mut session).await;
    assert_eq!(failing(&checks), BTreeSet::new(), "{checks:#?}");
    for id in BASELINE_CHECKS {
        assert!(checks.iter().any(|c| c.check_id() == *id), "{id} missing");
    }
    let monitoring = result(&checks, "cloudwatch.cis-monitoring", None);
    assert!(
        monitoring
            .evidence()
            .starts_with("15 of 15 events covered on trail-logs"),
        "{}",
        monitoring.evidence()
    );
    let trail = result(&checks, "cloudtrail.multi-region-logging", None);
    assert!(
        trail.evidence().contains("org-trail"),
        "{}",
        trail.evidence()
    );
}

#[tokio::test]
async fn an_empty_account_fails_every_control_and_says_why() {
    let emulator = Emulator::lock().await;
    let mut session = connect(&emulator.options(&["us-east-1"])).await;
    let checks = evaluate(&mut session).await;
    let ec2 = ec2(&emulator, "us-east-1").await;
    let vpc = seed::default_vpc(&ec2).await;
    let expected: BTreeSet<(String, String, String)> = [
        ("cloudtrail.multi-region-logging", "global", "account"),
        ("cloudwatch.cis-monitoring", "global", "account"),
        ("s3.account-public-access-block", "global", "account"),
        ("ec2.ebs-default-encryption", "us-east-1", "us-east-1"),
        ("ec2.vpc-flow-logs", "us-east-1", vpc.as_str()),
        ("config.recorder", "us-east-1", "us-east-1"),
    ]
    .into_iter()
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    .collect();
    assert_eq!(failing(&checks), expected);
    let evidence = |id| result(&checks, id, None).evidence();
    assert_eq!(
        evidence("cloudtrail.multi-region-logging"),
        "no trail in the account"
    );
    assert!(evidence("s3.account-public-access-block").starts_with("no account-level"));
    assert_eq!(
        result(&checks, "config.recorder", Some("us-east-1")).evidence(),
        "no configuration recorder in this region"
    );
}

#[tokio::test]
async fn each_regional_control_fails_on_its_seeded_fault_only() {
    let emulator = Emulator::lock().await;
    let regions = ["us-east-1", "eu-west-1"];
    seed::clean(&emulator, &regions).await;
    // us-east-1: SSH open to the world; MySQL open over IPv6; a VPC with no flow log.
    let east = ec2(&emulator, "us-east-1").await;
    let ssh = seed::open_group(&east, "bastion", 22, "0.0.0.0/0").await;
    let mysql = seed::open_group(&east, "legacy-db", 3306, "::/0").await;
    seed::open_group(&east, "web", 443, "0.0.0.0/0").await;
    seed::open_group(&east, "office-ssh", 22, "203.0.113.0/24").await;
    let bare_vpc = east
        .create_vpc()
        .cidr_block("10.9.0.0/16")
        .send()
        .await
        .unwrap()
        .vpc()
        .unwrap()
        .vpc_id()
        .unwrap()
        .to_string();
    // eu-west-1: EBS encryption by default off, the recorder stopped.
    let west = ec2(&emulator, "eu-west-1").await;
    west.disable_ebs_encryption_by_default()
        .send()
        .await
        .unwrap();
    aws_sdk_config::Client::new(&emulator.sdk("eu-west-1").await)
        .stop_configuration_recorder()
        .configuration_recorder_name("default")
        .send()
        .await
        .unwrap();

    let mut session = connect(&emulator.options(&regions)).await;
    let checks = evaluate(&mut session).await;
    let expected: BTreeSet<(String, String, String)> = [
        (
            "ec2.sg-open-admin-ports",
            "us-east-1",
            format!("{ssh} (bastion)"),
        ),
        (
            "ec2.sg-open-high-risk-ports",
            "us-east-1",
            format!("{mysql} (legacy-db)"),
        ),
        ("ec2.vpc-flow-logs", "us-east-1", bare_vpc.clone()),
        (
            "ec2.ebs-default-encryption",
            "eu-west-1",
            "eu-west-1".to_string(),
        ),
        ("config.recorder", "eu-west-1", "eu-west-1".to_string()),
    ]
    .into_iter()
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c))
    .collect();
    assert_eq!(failing(&checks), expected);
    let open = checks
        .iter()
        .find(|c| c.failed() && c.check_id() == "ec2.sg-open-admin-ports")
        .unwrap();
    assert_eq!(
        open.evidence(),
        "open to the internet: tcp 22 from 0.0.0.0/0"
    );
    let db = checks
        .iter()
        .find(|c| c.failed() && c.check_id() == "ec2.sg-open-high-risk-ports")
        .unwrap();
    assert_eq!(db.evidence(), "open to the internet: tcp 3306 from ::/0");
    assert!(
        result(&checks, "config.recorder", Some("eu-west-1"))
            .evidence()
            .contains("not recording")
    );
}

#[tokio::test]
async fn account_controls_follow_the_trail_its_monitoring_and_block_public_access() {
    let emulator = Emulator::lock().await;
    seed::bucket(&emulator);
    seed::trail(&emulator, false).await;
    seed::monitor(&emulator, "RootAccountUsage", seed::CIS_PATTERNS[2].1, true).await;
    seed::monitor(
        &emulator,
        "NoMFAConsoleSignin",
        seed::CIS_PATTERNS[1].1,
        false,
    )
    .await;
    seed::block_public_access(&emulator, false).await;
    let mut session = connect(&emulator.options(&["us-east-1"])).await;

    let checks = evaluate(&mut session).await;
    let trail = result(&checks, "cloudtrail.multi-region-logging", None);
    assert!(trail.failed());
    assert_eq!(
        trail.evidence(),
        "no trail qualifies — org-trail: not logging"
    );
    let monitoring = result(&checks, "cloudwatch.cis-monitoring", None);
    assert!(monitoring.failed());
    let e = &monitoring.evidence();
    assert!(e.starts_with("1 of 15 events covered on trail-logs"), "{e}");
    assert!(e.contains("covered: root account usage"), "{e}");
    assert!(
        e.contains(
            "filter only: console sign-in without MFA (filter NoMFAConsoleSignin, no alarm on \
             CISBenchmark/NoMFAConsoleSignin in us-east-1)"
        ),
        "{e}"
    );
    let block = result(&checks, "s3.account-public-access-block", None);
    assert_eq!(block.evidence(), "off: RestrictPublicBuckets");

    aws_sdk_cloudtrail::Client::new(&emulator.sdk("us-east-1").await)
        .start_logging()
        .name(seed::TRAIL)
        .send()
        .await
        .unwrap();
    seed::block_public_access(&emulator, true).await;
    let checks = evaluate(&mut session).await;
    assert!(!result(&checks, "cloudtrail.multi-region-logging", None).failed());
    assert!(!result(&checks, "s3.account-public-access-block", None).failed());
}
