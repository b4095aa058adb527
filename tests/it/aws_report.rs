//! `watchpost report` through the real binary against a seeded emulator: the failing checks
//! are exactly the seeded ones, `--fail-on` follows a High finding until it is archived, a
//! source that fails makes the report incomplete, and every request made is a read.

use crate::support;
use crate::support::emulator::{
    Emulator, JsonReport, console_password, json_operation, new_key, paging_alarm,
    put_unparsable_alarm, request_body, test_credentials,
};
use chrono::{Duration, Utc};
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// `watchpost report --format json` against the emulator in us-east-1 with dummy keys.
fn report(emulator: &Emulator, extra: &[&str]) -> JsonReport {
    emulator.report(&test_credentials(), extra)
}

fn failing_checks(report: &Value) -> BTreeSet<(String, String)> {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "fail")
        .map(|c| {
            let id = c["check_id"].as_str().unwrap().to_string();
            (id, c["resource"].as_str().unwrap().to_string())
        })
        .collect()
}

/// What a clean account needs: a strong password policy, root with hardware MFA, GuardDuty
/// on in us-east-1, and a clean baseline (a logging trail with every CIS monitoring filter
/// and alarm, Block Public Access, EBS encryption, flow logs, a Config recorder). Returns
/// the detector ID.
async fn seed_clean_account(emulator: &Emulator) -> String {
    let iam = aws_sdk_iam::Client::new(&emulator.sdk("us-east-1").await);
    support::emulator::strong_account(emulator, &iam).await;
    support::baseline::clean(emulator, &["us-east-1"]).await;
    emulator.detector("us-east-1").await
}

async fn put_alarm(cloudwatch: &aws_sdk_cloudwatch::Client, name: &str, actions: bool) {
    paging_alarm(cloudwatch, "us-east-1", name)
        .actions_enabled(actions)
        .send()
        .await
        .unwrap();
}

fn seed_finding(emulator: &Emulator, severity: f64, title: &str) -> String {
    emulator.seed_findings(
        "us-east-1",
        json!([{
            "type": "CryptoCurrency:EC2/BitcoinTool.B!DNS",
            "severity": severity,
            "title": title,
        }]),
    )[0]
    .clone()
}

/// Every request is a read: Query actions `Get*`, `List*`, `Describe*` or
/// `GenerateCredentialReport`; GuardDuty REST calls to list or get detectors and findings;
/// S3 GETs of the bucket list and of a bucket's location, policy status, ACL and Block
/// Public Access.
fn assert_read_only(recording: &[Value]) {
    assert!(!recording.is_empty());
    for request in recording {
        let body = request_body(request);
        let url = request["url"].as_str().unwrap_or_default();
        let path = url.split('?').next().unwrap_or_default();
        let action = body
            .split('&')
            .find_map(|p| p.strip_prefix("Action="))
            .map(str::to_string)
            .or_else(|| json_operation(request));
        let read = match &action {
            Some(action) => {
                ["Get", "List", "Describe"]
                    .iter()
                    .any(|p| action.starts_with(p))
                    || action == "GenerateCredentialReport"
            }
            None => {
                let segments: Vec<&str> = path.split('/').skip(3).collect();
                let query = url.split_once('?').map_or("", |(_, q)| q);
                let s3_read = [
                    "x-id=ListBuckets",
                    "location",
                    "policyStatus",
                    "acl",
                    "publicAccessBlock",
                ]
                .iter()
                .any(|q| {
                    query
                        .split('&')
                        .any(|p| p == *q || p.starts_with(&format!("{q}=")))
                });
                // S3 Control's GetPublicAccessBlock is a GET; so are S3's reads of buckets.
                (request["method"] == "GET" && (path.contains("/v20180820/") || s3_read))
                    || matches!(
                        segments.as_slice(),
                        ["detector"]
                            | ["detector", _]
                            | ["detector", _, "findings"]
                            | ["detector", _, "findings", "get"]
                    )
            }
        };
        assert!(read, "not a read: {} {url} {body}", request["method"]);
    }
}

#[tokio::test]
async fn the_report_lists_exactly_the_seeded_failing_checks_and_makes_only_reads() {
    let emulator = Emulator::lock().await;
    seed_clean_account(&emulator).await;
    let iam = aws_sdk_iam::Client::new(&emulator.sdk("us-east-1").await);
    for user in ["alice", "bob", "carol", "dave", "erin"] {
        iam.create_user().user_name(user).send().await.unwrap();
    }
    // alice: console password without MFA.
    console_password(&iam, "alice", "correct-horse-battery-1!").await;
    // bob: a 120-day-old key, used recently.
    let bob_key = new_key(&iam, "bob").await.access_key_id;
    emulator.post(
        "/_watchpost/iam/backdate",
        &json!({
            "userName": "bob",
            "createDate": (Utc::now() - Duration::days(200)).to_rfc3339(),
            "accessKeyId": bob_key,
            "keyCreateDate": (Utc::now() - Duration::days(120)).to_rfc3339(),
            "keyLastUsedDate": (Utc::now() - Duration::days(2)).to_rfc3339(),
        }),
    );
    // carol: two active keys, both in use; erin: one key in use (clean).
    for (user, keys) in [("carol", 2), ("erin", 1)] {
        for _ in 0..keys {
            let key = new_key(&iam, user).await.access_key_id;
            emulator.post(
                "/_watchpost/iam/backdate",
                &json!({
                    "userName": user,
                    "accessKeyId": key,
                    "keyLastUsedDate": (Utc::now() - Duration::days(1)).to_rfc3339(),
                }),
            );
        }
    }
    // dave: an inline policy allowing everything.
    let admin = json!({
        "Version": "2012-10-17",
        "Statement": [{ "Effect": "Allow", "Action": "*", "Resource": "*" }],
    });
    iam.put_user_policy()
        .user_name("dave")
        .policy_name("break-glass")
        .policy_document(admin.to_string())
        .send()
        .await
        .unwrap();
    // Alarms: one firing with actions, one whose actions are off.
    let cloudwatch = aws_sdk_cloudwatch::Client::new(&emulator.sdk("us-east-1").await);
    put_alarm(&cloudwatch, "orders-cpu", true).await;
    put_alarm(&cloudwatch, "batch-cpu", false).await;
    cloudwatch
        .set_alarm_state()
        .alarm_name("orders-cpu")
        .state_value(aws_sdk_cloudwatch::types::StateValue::Alarm)
        .state_reason("Threshold Crossed")
        .send()
        .await
        .unwrap();
    seed_finding(&emulator, 5.0, "A medium finding");
    // The baseline: SSH open to the world, EBS encryption by default off.
    let ec2 = support::baseline::ec2(&emulator, "us-east-1").await;
    let bastion = support::baseline::open_group(&ec2, "bastion", 22, "0.0.0.0/0").await;
    ec2.disable_ebs_encryption_by_default()
        .send()
        .await
        .unwrap();

    emulator.start_recording();
    let run = report(&emulator, &[]);
    let recording = emulator.recording();

    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json["complete"], true, "{}", run.json["errors"]);
    let expected: BTreeSet<(String, String)> = [
        ("cloudwatch.alarm-actions", "batch-cpu".to_string()),
        ("iam.admin-policy", "dave".to_string()),
        ("iam.console-mfa", "alice".to_string()),
        // The credential report names keys by slot, not ID.
        ("iam.key-rotation", "bob (#1)".to_string()),
        ("iam.single-active-key", "carol".to_string()),
        ("ec2.sg-open-admin-ports", format!("{bastion} (bastion)")),
        ("ec2.ebs-default-encryption", "us-east-1".to_string()),
    ]
    .into_iter()
    .map(|(id, resource)| (id.to_string(), resource))
    .collect();
    assert_eq!(failing_checks(&run.json), expected);
    let alarms: Vec<(&str, &str)> = run.json["alarms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["name"].as_str().unwrap(), a["state"].as_str().unwrap()))
        // The clean baseline's CIS monitoring alarms.
        .filter(|(name, _)| !name.starts_with("cis-"))
        .collect();
    assert_eq!(alarms, [("batch-cpu", "OK"), ("orders-cpu", "ALARM")]);
    let findings = run.json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["severity"], "medium");
    let users: Vec<&str> = run.json["identity"]["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap())
        .collect();
    assert_eq!(users, ["alice", "bob", "carol", "dave", "erin"]);
    assert_read_only(&recording);
    // The activity view's CloudTrail lookups are the console's, on demand: never the report's.
    let calls = emulator.post("/_watchpost/cloudtrail/lookups", &serde_json::json!({}));
    assert_eq!(calls["calls"], serde_json::json!([]), "{calls}");
}

#[tokio::test]
async fn fail_on_high_exits_1_while_a_high_finding_is_open_and_0_once_it_is_archived() {
    let emulator = Emulator::lock().await;
    let detector = seed_clean_account(&emulator).await;
    let finding = seed_finding(
        &emulator,
        8.0,
        "EC2 instance i-0feed is querying a domain name associated with Bitcoin",
    );

    let open = report(&emulator, &["--fail-on", "high"]);
    assert_eq!(open.code, 1, "{}", open.stderr);
    assert_eq!(open.json["fail_on"]["failing"], 1);
    assert_eq!(open.json["findings"][0]["id"], finding.as_str());
    assert_eq!(open.json["findings"][0]["severity"], "high");
    assert!(
        failing_checks(&open.json).is_empty(),
        "{}",
        open.json["checks"]
    );

    let guardduty = aws_sdk_guardduty::Client::new(&emulator.sdk("us-east-1").await);
    guardduty
        .archive_findings()
        .detector_id(&detector)
        .finding_ids(&finding)
        .send()
        .await
        .unwrap();
    let fixed = report(&emulator, &["--fail-on", "high"]);
    assert_eq!(fixed.code, 0, "{}", fixed.stderr);
    assert_eq!(fixed.json["fail_on"]["failing"], 0);
    assert_eq!(fixed.json["findings"], json!([]));
}

#[tokio::test]
async fn a_source_that_fails_makes_the_report_incomplete_and_says_why() {
    let emulator = Emulator::lock().await;
    seed_clean_account(&emulator).await;
    // DescribeAlarms cannot be parsed.
    let cloudwatch = aws_sdk_cloudwatch::Client::new(&emulator.sdk("us-east-1").await);
    put_unparsable_alarm(&cloudwatch).await;

    let incomplete = report(&emulator, &[]);
    assert_eq!(incomplete.code, 4, "{}", incomplete.stderr);
    assert_eq!(incomplete.json["complete"], false);
    let error = &incomplete.json["errors"][0];
    assert_eq!(error["service"], "CloudWatch");
    assert_eq!(error["operation"], "DescribeAlarms");
    assert_eq!(error["kind"], "malformed");
    assert!(
        incomplete.stderr.contains("DescribeAlarms"),
        "{}",
        incomplete.stderr
    );
    // The other sources still reported.
    assert!(incomplete.json["identity"].is_object());

    // A failing result found anyway wins: status 1.
    seed_finding(&emulator, 9.0, "A critical finding");
    let breached = report(&emulator, &["--fail-on", "high"]);
    assert_eq!(breached.code, 1, "{}", breached.stderr);
    assert_eq!(breached.json["complete"], false);

    // A report that does not need CloudWatch is complete.
    let identity = report(&emulator, &["--source", "identity"]);
    assert_eq!(identity.code, 0, "{}", identity.stderr);
    assert_eq!(identity.json["errors"], json!([]));
}
