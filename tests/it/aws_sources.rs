//! The AWS source adapters against the local emulator, through the real SDK clients and
//! wire protocols: seed through the API, poll watchpost's source, check the domain values.

use crate::support::emulator::{
    ACCOUNT, Emulator, connect, console_password, new_key, paging_alarm, put_unparsable_alarm,
};
use chrono::{Duration, Utc};
use serde_json::json;
use watchpost::aws::findings::OVERLAP_EVERY;
use watchpost::domain::{AccessKeyStatus, AlarmKind, AlarmState, IdentityInventory, SourceKind};
use watchpost::sources::finding_json::FindingJsonRequest;
use watchpost::sources::{Session, Source, SourceData, SourceErrorKind};

fn source<'a>(
    session: &'a mut Session,
    kind: SourceKind,
    region: Option<&str>,
) -> &'a mut Box<dyn Source> {
    session
        .sources
        .iter_mut()
        .find(|s| s.id().kind == kind && s.id().region.as_deref() == region)
        .unwrap_or_else(|| panic!("no {kind:?} source for {region:?}"))
}

async fn identity(session: &mut Session) -> IdentityInventory {
    match source(session, SourceKind::Identity, None)
        .poll()
        .await
        .unwrap()
    {
        SourceData::Identity(inventory) => *inventory,
        other => panic!("not identity data: {other:?}"),
    }
}

#[tokio::test]
async fn session_knows_the_caller_and_builds_sources_per_region() {
    let emulator = Emulator::lock().await;
    let session = connect(&emulator.options(&["us-east-1", "eu-west-1"])).await;
    assert_eq!(session.caller.account_id, ACCOUNT);
    assert!(
        session.caller.arn.starts_with("arn:aws:"),
        "{}",
        session.caller.arn
    );
    assert_eq!(session.regions, ["us-east-1", "eu-west-1"]);
    assert!(!session.demo);
    let mut ids: Vec<String> = session.sources.iter().map(|s| s.id().to_string()).collect();
    ids.sort();
    // IAM and the account baseline once; alarms, findings and the baseline per region.
    assert_eq!(ids.len(), 8, "{ids:?}");
    let identity = session
        .sources
        .iter()
        .filter(|s| s.id().kind == SourceKind::Identity)
        .count();
    assert_eq!(identity, 1, "IAM is global: one source per account");
}

#[tokio::test]
async fn identity_reads_the_credential_report_summary_and_password_policy() {
    let emulator = Emulator::lock().await;
    let iam = aws_sdk_iam::Client::new(&emulator.sdk("us-east-1").await);
    for user in ["alice", "bob", "carol"] {
        iam.create_user().user_name(user).send().await.unwrap();
    }
    let key_id = new_key(&iam, "alice").await.access_key_id;
    new_key(&iam, "alice").await;
    console_password(&iam, "bob", "correct-horse-battery-1!").await;
    iam.update_account_password_policy()
        .minimum_password_length(14)
        .require_symbols(true)
        .password_reuse_prevention(24)
        .max_password_age(90)
        .send()
        .await
        .unwrap();
    // moto creates everything "now"; move alice's first key 120 days back and record a use.
    let created = Utc::now() - Duration::days(120);
    let used = Utc::now() - Duration::days(2);
    emulator.post(
        "/_watchpost/iam/backdate",
        &json!({
            "userName": "alice",
            "accessKeyId": key_id,
            "keyCreateDate": created.to_rfc3339(),
            "keyLastUsedDate": used.to_rfc3339(),
            "keyLastUsedService": "s3",
            "keyLastUsedRegion": "eu-west-1",
        }),
    );
    emulator.post(
        "/_watchpost/iam/root",
        &json!({ "mfaActive": true, "accessKeys": [{ "active": true }] }),
    );

    let mut session = connect(&emulator.options(&["us-east-1"])).await;
    let inventory = identity(&mut session).await;

    assert_eq!(&*inventory.account_id, ACCOUNT);
    assert!(
        (Utc::now() - inventory.report_generated).num_minutes() < 5,
        "report generated {}",
        inventory.report_generated
    );
    let mut names: Vec<&str> = inventory.users.iter().map(|u| u.name()).collect();
    names.sort_unstable();
    assert_eq!(names, ["alice", "bob", "carol"]);

    let alice = inventory
        .users
        .iter()
        .find(|u| u.name() == "alice")
        .unwrap();
    assert_eq!(alice.arn(), format!("arn:aws:iam::{ACCOUNT}:user/alice"));
    assert_eq!(alice.access_keys.len(), 2);
    let old = &alice.access_keys[0];
    assert_eq!(old.status, AccessKeyStatus::Active);
    assert!(
        (Utc::now() - old.created).num_days() >= 119,
        "{}",
        old.created
    );
    assert!(old.last_used.is_some());
    assert_eq!(
        old.last_used_service.as_ref().map(|s| s.as_str()),
        Some("s3")
    );
    assert_eq!(
        old.last_used_region.as_ref().map(|r| r.as_str()),
        Some("eu-west-1")
    );
    assert_eq!(alice.access_keys[1].last_used, None, "never used");
    assert!(alice.password.is_none());

    let bob = inventory.users.iter().find(|u| u.name() == "bob").unwrap();
    assert!(bob.has_console_access());
    assert!(!bob.mfa_active);
    assert!(bob.access_keys.is_empty());

    assert!(inventory.root.mfa_active, "from the account summary");
    assert_eq!(
        inventory.root.mfa_hardware,
        Some(true),
        "no virtual MFA device is assigned to root"
    );
    assert_eq!(inventory.root.access_keys.len(), 1);

    let policy = inventory.password_policy.expect("a password policy");
    assert_eq!(policy.minimum_length, 14);
    assert!(policy.require_symbols);
    assert!(!policy.require_numbers);
    assert_eq!(policy.reuse_prevention, Some(24));
    assert_eq!(policy.max_age_days, Some(90));
}

#[tokio::test]
async fn an_account_without_password_policy_or_root_mfa_says_so() {
    let emulator = Emulator::lock().await;
    let mut session = connect(&emulator.options(&["us-east-1"])).await;
    let inventory = identity(&mut session).await;
    assert!(inventory.users.is_empty());
    assert_eq!(inventory.password_policy, None);
    assert!(!inventory.root.mfa_active);
    assert_eq!(inventory.root.mfa_hardware, None);
    assert!(inventory.root.access_keys.is_empty());
}

async fn put_cpu_alarm(client: &aws_sdk_cloudwatch::Client, name: &str) {
    use aws_sdk_cloudwatch::types::Dimension;
    paging_alarm(client, "us-east-1", name)
        .alarm_description("CPU above 80% for 10 minutes")
        .dimensions(
            Dimension::builder()
                .name("InstanceId")
                .value("i-0abc")
                .build(),
        )
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn alarms_are_paged_typed_and_kept_per_region() {
    use aws_sdk_cloudwatch::types::StateValue;
    let emulator = Emulator::lock().await;
    let east = aws_sdk_cloudwatch::Client::new(&emulator.sdk("us-east-1").await);
    let west = aws_sdk_cloudwatch::Client::new(&emulator.sdk("eu-west-1").await);
    // More than one page (100 per page).
    for i in 0..120 {
        put_cpu_alarm(&east, &format!("cpu-{i:03}")).await;
    }
    east.set_alarm_state()
        .alarm_name("cpu-007")
        .state_value(StateValue::Alarm)
        .state_reason("Threshold Crossed: 2 datapoints were greater than the threshold (80.0)")
        .send()
        .await
        .unwrap();
    east.put_composite_alarm()
        .alarm_name("service-down")
        .alarm_rule("ALARM(\"cpu-007\") OR ALARM(\"cpu-008\")")
        .actions_enabled(false)
        .send()
        .await
        .unwrap();
    put_cpu_alarm(&west, "west-only").await;

    let mut session = connect(&emulator.options(&["us-east-1", "eu-west-1"])).await;
    let SourceData::Alarms { alarms, .. } =
        source(&mut session, SourceKind::Alarms, Some("us-east-1"))
            .poll()
            .await
            .unwrap()
    else {
        panic!("not alarms");
    };
    assert_eq!(
        alarms.len(),
        121,
        "120 metric alarms over two pages, 1 composite"
    );
    assert!(
        alarms
            .iter()
            .all(|a| a.region.as_str() == "us-east-1" && a.account_id.as_str() == ACCOUNT)
    );

    let firing = alarms.iter().find(|a| a.name() == "cpu-007").unwrap();
    assert_eq!(firing.state, AlarmState::Alarm);
    assert!(firing.state_reason.starts_with("Threshold Crossed"));
    assert_eq!(
        firing.description.as_deref().map(String::as_str),
        Some("CPU above 80% for 10 minutes")
    );
    let metric = firing.metric.as_ref().unwrap();
    assert_eq!(metric.namespace.as_str(), "AWS/EC2");
    assert_eq!(metric.metric_name.as_str(), "CPUUtilization");
    assert_eq!(metric.statistic.as_str(), "Average");
    assert_eq!(metric.condition(), ">= 80");
    assert_eq!(metric.period_secs, 300);
    assert_eq!(metric.evaluation_periods, 2);
    assert_eq!(
        metric.dimensions,
        [("InstanceId".to_string(), "i-0abc".to_string())]
    );
    assert!(firing.actions_enabled);
    assert_eq!(
        firing
            .alarm_actions
            .iter()
            .map(|t| t.as_str())
            .collect::<Vec<_>>(),
        ["arn:aws:sns:us-east-1:123456789012:pager"]
    );

    let composite = alarms.iter().find(|a| a.name() == "service-down").unwrap();
    assert_eq!(composite.kind, AlarmKind::Composite);
    assert_eq!(
        composite.rule.as_deref(),
        Some("ALARM(\"cpu-007\") OR ALARM(\"cpu-008\")")
    );
    assert!(!composite.actions_enabled);

    let SourceData::Alarms {
        alarms: west_alarms,
        ..
    } = source(&mut session, SourceKind::Alarms, Some("eu-west-1"))
        .poll()
        .await
        .unwrap()
    else {
        panic!("not alarms");
    };
    let names: Vec<&str> = west_alarms.iter().map(|a| a.name()).collect();
    assert_eq!(names, ["west-only"], "regions are isolated");
}

#[tokio::test]
async fn findings_are_listed_in_batches_then_fetched_incrementally() {
    let emulator = Emulator::lock().await;
    let detector = emulator.detector("us-east-1").await;
    let earlier = (Utc::now() - Duration::hours(2)).to_rfc3339();
    let batch: Vec<_> = (0..60)
        .map(|i| {
            json!({
                "type": "Recon:EC2/PortProbeUnprotectedPort",
                "severity": if i == 0 { 8.5 } else { 2.0 },
                "title": format!("Unprotected port on EC2 instance i-{i:04} is being probed"),
                "updatedAt": earlier,
                "resource": { "instanceDetails": { "instanceId": format!("i-{i:04}") } },
            })
        })
        .collect();
    let seeded = emulator.seed_findings("us-east-1", json!(batch));
    assert_eq!(seeded.len(), 60);
    let archived = emulator.seed_findings(
        "us-east-1",
        json!([{ "type": "Policy:IAMUser/RootCredentialUsage", "updatedAt": earlier }]),
    );
    let guardduty = aws_sdk_guardduty::Client::new(&emulator.sdk("us-east-1").await);
    guardduty
        .archive_findings()
        .detector_id(&detector)
        .finding_ids(archived[0].clone())
        .send()
        .await
        .unwrap();

    let mut session = connect(&emulator.options(&["us-east-1", "eu-west-1"])).await;
    let lookups = session.lookups.clone();
    let findings = source(&mut session, SourceKind::Findings, Some("us-east-1"));
    let SourceData::Findings {
        detector: status,
        upserts,
        complete,
        ..
    } = findings.poll().await.unwrap()
    else {
        panic!("not findings");
    };
    assert!(status.enabled);
    assert_eq!(status.detector_id.as_deref(), Some(detector.as_str()));
    assert!(complete, "the first poll is the full set");
    assert_eq!(
        upserts.len(),
        60,
        "two ListFindings pages, two GetFindings batches"
    );
    assert!(upserts.iter().all(|f| !f.archived && *f.id != *archived[0]));
    let high = upserts
        .iter()
        .find(|f| f.text.resource_id() == "i-0000")
        .unwrap();
    assert_eq!(high.severity_score, 8.5);
    assert_eq!(&*high.finding_type, "Recon:EC2/PortProbeUnprotectedPort");
    assert_eq!(&*high.resource.kind, "Instance");
    assert_eq!(&*high.region, "us-east-1");
    assert_eq!(&*high.account_id, ACCOUNT);
    assert!(high.text.title().contains("i-0000"));
    let labels: Vec<&str> = high.details().iter().map(|(l, _)| l).collect();
    assert!(labels.contains(&"Action"), "action details: {labels:?}");
    assert!(labels.contains(&"Remote IP"), "action details: {labels:?}");
    // No finding holds the JSON GuardDuty sent; the detail view reads it. Every ARN reads
    // back exactly as GuardDuty sent it, built or kept.
    for finding in &upserts {
        let request = FindingJsonRequest::of(finding, ACCOUNT);
        let raw = lookups.finding_json.finding_json(&request).await.unwrap();
        let raw: serde_json::Value = serde_json::from_str(&raw.unwrap_or_default()).unwrap();
        assert_eq!(raw["arn"].as_str(), Some(finding.arn().as_ref()), "{raw}");
        assert_eq!(raw["id"].as_str(), Some(&*finding.id));
    }
    let raw = lookups
        .finding_json
        .finding_json(&FindingJsonRequest::of(high, ACCOUNT))
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(raw.contains("i-0000"), "{raw}");

    // Nothing new: an incremental poll brings nothing back, for one ListFindings call.
    emulator.start_recording();
    let SourceData::Findings {
        upserts, complete, ..
    } = findings.poll().await.unwrap()
    else {
        panic!("not findings");
    };
    let calls = emulator.recording();
    assert!(!complete);
    assert!(upserts.is_empty(), "{} re-fetched", upserts.len());
    assert_eq!(calls.len(), 1, "{calls:#?}");
    let url = calls[0]["url"].as_str().unwrap_or_default();
    assert!(
        url.ends_with(&format!("/detector/{detector}/findings")),
        "{url}"
    );

    // A new finding arrives: only it comes back.
    let fresh = emulator.seed_findings(
        "us-east-1",
        json!([{ "type": "CryptoCurrency:EC2/BitcoinTool.B!DNS", "severity": 8.0 }]),
    );
    let SourceData::Findings {
        upserts, complete, ..
    } = findings.poll().await.unwrap()
    else {
        panic!("not findings");
    };
    assert!(!complete);
    let ids: Vec<&str> = upserts.iter().map(|f| &*f.id).collect();
    assert_eq!(ids, [fresh[0].as_str()]);

    // A finding that became visible late, with a timestamp before the newest one seen:
    // the next overlap poll (at most OVERLAP_EVERY polls away) fetches it, and only it.
    let late_time = (Utc::now() - Duration::minutes(1)).to_rfc3339();
    let late = emulator.seed_findings(
        "us-east-1",
        json!([{ "type": "Backdoor:EC2/C&CActivity.B!DNS", "updatedAt": late_time }]),
    );
    let mut caught = Vec::new();
    for _ in 0..OVERLAP_EVERY {
        let SourceData::Findings { upserts, .. } = findings.poll().await.unwrap() else {
            panic!("not findings");
        };
        caught.extend(upserts.into_iter().map(|f| f.id.into_string()));
    }
    assert_eq!(caught, late, "only the late finding, once");

    // eu-west-1 has no detector: GuardDuty is off there, which is data, not an error.
    let SourceData::Findings {
        detector: west,
        upserts,
        complete,
        ..
    } = source(&mut session, SourceKind::Findings, Some("eu-west-1"))
        .poll()
        .await
        .unwrap()
    else {
        panic!("not findings");
    };
    assert!(!west.enabled);
    assert_eq!(west.detector_id, None);
    assert_eq!(west.region, "eu-west-1");
    assert!(upserts.is_empty() && complete);
}

#[tokio::test]
async fn a_response_the_sdk_cannot_parse_fails_only_that_source() {
    let emulator = Emulator::lock().await;
    let cloudwatch = aws_sdk_cloudwatch::Client::new(&emulator.sdk("us-east-1").await);
    put_cpu_alarm(&cloudwatch, "fine").await;
    put_unparsable_alarm(&cloudwatch).await;

    let mut session = connect(&emulator.options(&["us-east-1"])).await;
    let error = source(&mut session, SourceKind::Alarms, Some("us-east-1"))
        .poll()
        .await
        .unwrap_err();
    assert_eq!(error.kind, SourceErrorKind::Malformed, "{error}");
    assert_eq!(error.operation, "DescribeAlarms");
    assert_eq!(error.source_id.region.as_deref(), Some("us-east-1"));
    // The other sources of the account still work.
    identity(&mut session).await;
}
