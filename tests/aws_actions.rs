//! Every remediation action against the emulator: the state before, after, and after its
//! undo; and read-only mode, where the clients refuse a mutating call before it is sent.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use chrono::Utc;
use serde_json::json;
use std::sync::Arc;
use support::emulator::{ACCOUNT, Emulator, connect};
use watchpost::domain::SourceKind;
use watchpost::remediation::{ActionId, Execute, Offer, Target};
use watchpost::sources::{Session, SourceData};

fn executor(session: &Session) -> Arc<dyn Execute> {
    session
        .executor
        .clone()
        .expect("a writable session has an executor")
}

async fn run(executor: &Arc<dyn Execute>, action: ActionId, target: Target) -> String {
    let offer = Offer::new(action, target, Utc::now());
    assert_eq!(offer.available, Ok(()), "{action:?} should be available");
    executor
        .perform(&offer)
        .await
        .unwrap_or_else(|e| panic!("{action:?}: {e}"))
}

async fn key_status(iam: &aws_sdk_iam::Client, user: &str) -> Vec<String> {
    iam.list_access_keys()
        .user_name(user)
        .send()
        .await
        .unwrap()
        .access_key_metadata()
        .iter()
        .map(|k| k.status().unwrap().as_str().to_string())
        .collect()
}

#[tokio::test]
async fn access_key_actions_and_their_undo() {
    let emulator = Emulator::lock().await;
    let iam = aws_sdk_iam::Client::new(&emulator.sdk("us-east-1").await);
    iam.create_user().user_name("alice").send().await.unwrap();
    iam.create_access_key()
        .user_name("alice")
        .send()
        .await
        .unwrap();
    let mut session = connect(&emulator.options(&["us-east-1"])).await;
    let executor = executor(&session);

    // The key as the Identity pane knows it: by credential-report slot.
    let identity = session
        .sources
        .iter_mut()
        .find(|s| s.id().kind == SourceKind::Identity)
        .unwrap();
    let SourceData::Identity(inventory) = identity.poll().await.unwrap() else {
        panic!("not identity");
    };
    let key = &inventory.users[0].access_keys[0];
    assert_eq!(key.id, "#1");
    let target = |active| Target::AccessKey {
        account_id: ACCOUNT.into(),
        user: "alice".into(),
        key: "#1".into(),
        created: key.created,
        active,
    };

    assert_eq!(key_status(&iam, "alice").await, ["Active"]);
    let said = run(&executor, ActionId::DeactivateKey, target(true)).await;
    assert!(said.contains("Inactive"), "{said}");
    assert_eq!(key_status(&iam, "alice").await, ["Inactive"]);
    run(&executor, ActionId::ReactivateKey, target(false)).await;
    assert_eq!(key_status(&iam, "alice").await, ["Active"]);

    // Delete only once inactive.
    let active_delete = Offer::new(ActionId::DeleteKey, target(true), Utc::now());
    assert!(active_delete.available.is_err());
    run(&executor, ActionId::DeactivateKey, target(true)).await;
    run(&executor, ActionId::DeleteKey, target(false)).await;
    assert!(key_status(&iam, "alice").await.is_empty());
}

#[tokio::test]
async fn user_actions_login_profile_and_quarantine() {
    let emulator = Emulator::lock().await;
    let iam = aws_sdk_iam::Client::new(&emulator.sdk("us-east-1").await);
    iam.create_user().user_name("bob").send().await.unwrap();
    iam.create_login_profile()
        .user_name("bob")
        .password("a-long-passphrase-3!")
        .send()
        .await
        .unwrap();
    let session = connect(&emulator.options(&["us-east-1"])).await;
    let executor = executor(&session);
    let user = |quarantined| Target::User {
        account_id: ACCOUNT.into(),
        name: "bob".into(),
        console: true,
        quarantined,
    };

    run(&executor, ActionId::QuarantineUser, user(false)).await;
    let policy = iam
        .get_user_policy()
        .user_name("bob")
        .policy_name("watchpost-quarantine")
        .send()
        .await
        .unwrap();
    let document = watchpost::posture::policy::assess(policy.policy_document()).unwrap();
    assert!(document.denies_all);
    run(&executor, ActionId::ReleaseUser, user(true)).await;
    let names = iam
        .list_user_policies()
        .user_name("bob")
        .send()
        .await
        .unwrap();
    assert!(names.policy_names().is_empty());

    run(&executor, ActionId::DeleteLoginProfile, user(false)).await;
    assert!(
        iam.get_login_profile()
            .user_name("bob")
            .send()
            .await
            .is_err()
    );
}

#[tokio::test]
async fn revoking_a_roles_sessions_denies_tokens_issued_before_now() {
    let emulator = Emulator::lock().await;
    let iam = aws_sdk_iam::Client::new(&emulator.sdk("us-east-1").await);
    iam.create_role()
        .role_name("ci-deploy")
        .assume_role_policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
        )
        .send()
        .await
        .unwrap();
    let session = connect(&emulator.options(&["us-east-1"])).await;
    run(
        &executor(&session),
        ActionId::RevokeRoleSessions,
        Target::Role {
            account_id: ACCOUNT.into(),
            name: "ci-deploy".into(),
        },
    )
    .await;
    let policy = iam
        .get_role_policy()
        .role_name("ci-deploy")
        .policy_name("AWSRevokeOlderSessions")
        .send()
        .await
        .unwrap();
    let document = watchpost::posture::policy::decode(policy.policy_document()).into_owned();
    assert!(document.contains("aws:TokenIssueTime"), "{document}");
    assert!(document.contains("DateLessThan"), "{document}");
}

#[tokio::test]
async fn finding_actions_archive_feedback_and_suppression() {
    let emulator = Emulator::lock().await;
    let guardduty = aws_sdk_guardduty::Client::new(&emulator.sdk("eu-west-1").await);
    let detector = guardduty
        .create_detector()
        .enable(true)
        .send()
        .await
        .unwrap()
        .detector_id()
        .unwrap()
        .to_string();
    let seeded = emulator.post(
        "/_watchpost/guardduty/findings",
        &json!({"accountId": ACCOUNT, "region": "eu-west-1", "findings": [
            {"type": "Recon:EC2/PortProbeUnprotectedPort",
             "resource": {"instanceDetails": {"instanceId": "i-0abc"}}}]}),
    );
    let finding_id = seeded["findingIds"][0].as_str().unwrap().to_string();
    let session = connect(&emulator.options(&["eu-west-1"])).await;
    let executor = executor(&session);
    let target = Target::Finding {
        account_id: ACCOUNT.into(),
        region: "eu-west-1".into(),
        detector_id: detector.clone(),
        id: finding_id.clone(),
        finding_type: "Recon:EC2/PortProbeUnprotectedPort".into(),
        resource_kind: "Instance".into(),
        resource_id: "i-0abc".into(),
    };
    let fetch = || async {
        guardduty
            .get_findings()
            .detector_id(&detector)
            .finding_ids(&finding_id)
            .send()
            .await
            .unwrap()
            .findings()[0]
            .clone()
    };

    run(&executor, ActionId::ArchiveFinding, target.clone()).await;
    assert_eq!(fetch().await.service().unwrap().archived(), Some(true));
    run(&executor, ActionId::UnarchiveFinding, target.clone()).await;
    assert_eq!(fetch().await.service().unwrap().archived(), Some(false));

    run(&executor, ActionId::FeedbackNotUseful, target.clone()).await;
    assert_eq!(
        fetch().await.service().unwrap().user_feedback(),
        Some("NOT_USEFUL")
    );
    run(&executor, ActionId::FeedbackUseful, target.clone()).await;
    assert_eq!(
        fetch().await.service().unwrap().user_feedback(),
        Some("USEFUL")
    );

    run(&executor, ActionId::SuppressFinding, target.clone()).await;
    let filters = guardduty
        .list_filters()
        .detector_id(&detector)
        .send()
        .await
        .unwrap();
    let name = "watchpost-Recon-EC2-PortProbeUnprotectedPort-i-0abc";
    assert_eq!(filters.filter_names(), [name]);
    let filter = guardduty
        .get_filter()
        .detector_id(&detector)
        .filter_name(name)
        .send()
        .await
        .unwrap();
    assert_eq!(filter.action().map(|a| a.as_str()), Some("ARCHIVE"));
    let criteria = filter.finding_criteria().unwrap().criterion().unwrap();
    assert_eq!(
        criteria["type"].equals(),
        ["Recon:EC2/PortProbeUnprotectedPort"]
    );
    assert_eq!(
        criteria["resource.instanceDetails.instanceId"].equals(),
        ["i-0abc"]
    );
}

#[tokio::test]
async fn alarm_actions_disable_and_enable() {
    let emulator = Emulator::lock().await;
    let cloudwatch = aws_sdk_cloudwatch::Client::new(&emulator.sdk("us-east-1").await);
    cloudwatch
        .put_metric_alarm()
        .alarm_name("orders 5xx")
        .namespace("AWS/ApplicationELB")
        .metric_name("HTTPCode_Target_5XX_Count")
        .statistic(aws_sdk_cloudwatch::types::Statistic::Sum)
        .period(60)
        .evaluation_periods(1)
        .threshold(10.0)
        .comparison_operator(aws_sdk_cloudwatch::types::ComparisonOperator::GreaterThanThreshold)
        .alarm_actions("arn:aws:sns:us-east-1:123456789012:pager")
        .send()
        .await
        .unwrap();
    let enabled = || async {
        cloudwatch
            .describe_alarms()
            .alarm_names("orders 5xx")
            .send()
            .await
            .unwrap()
            .metric_alarms()[0]
            .actions_enabled()
    };
    let session = connect(&emulator.options(&["us-east-1"])).await;
    let executor = executor(&session);
    let alarm = |actions_enabled| Target::Alarm {
        account_id: ACCOUNT.into(),
        region: "us-east-1".into(),
        name: "orders 5xx".into(),
        actions_enabled,
    };
    assert_eq!(enabled().await, Some(true));
    run(&executor, ActionId::DisableAlarmActions, alarm(true)).await;
    assert_eq!(enabled().await, Some(false));
    run(&executor, ActionId::EnableAlarmActions, alarm(false)).await;
    assert_eq!(enabled().await, Some(true));
}

#[tokio::test]
async fn a_denied_action_names_the_missing_permission() {
    let emulator = Emulator::lock().await;
    let session = connect(&emulator.options(&["us-east-1"])).await;
    // A finding in a detector that does not exist: GuardDuty refuses it.
    let offer = Offer::new(
        ActionId::ArchiveFinding,
        Target::Finding {
            account_id: ACCOUNT.into(),
            region: "us-east-1".into(),
            detector_id: "0123456789abcdef0123456789abcdef".into(),
            id: "f".into(),
            finding_type: "t".into(),
            resource_kind: String::new(),
            resource_id: String::new(),
        },
        Utc::now(),
    );
    let error = executor(&session).perform(&offer).await.unwrap_err();
    assert!(error.starts_with("ArchiveFindings refused"), "{error}");
}

#[tokio::test]
async fn read_only_clients_refuse_a_mutating_call_before_it_is_sent() {
    let emulator = Emulator::lock().await;
    let iam = aws_sdk_iam::Client::new(&emulator.sdk("us-east-1").await);
    iam.create_user().user_name("carol").send().await.unwrap();
    iam.create_access_key()
        .user_name("carol")
        .send()
        .await
        .unwrap();
    let key = iam
        .list_access_keys()
        .user_name("carol")
        .send()
        .await
        .unwrap()
        .access_key_metadata()[0]
        .access_key_id()
        .unwrap()
        .to_string();

    let mut options = emulator.options(&["us-east-1"]);
    options.read_only = true;
    let session = connect(&options).await;
    assert!(session.executor.is_none(), "no executor in read-only mode");

    // Even code that builds an executor on read-only clients cannot change anything.
    let config = emulator.sdk("us-east-1").await;
    let guarded = watchpost::aws::Clients::new(&config, true, &["us-east-1".to_string()]);
    emulator.start_recording();
    let offer = Offer::new(
        ActionId::DeactivateKey,
        Target::AccessKey {
            account_id: ACCOUNT.into(),
            user: "carol".into(),
            key: key.clone(),
            created: Utc::now(),
            active: true,
        },
        Utc::now(),
    );
    let error = guarded.executor().perform(&offer).await.unwrap_err();
    let sent = emulator.recording();
    assert!(error.contains("read-only mode"), "{error}");
    assert!(error.contains("UpdateAccessKey"), "{error}");
    assert!(sent.is_empty(), "nothing reached the emulator: {sent:#?}");
    assert_eq!(key_status(&iam, "carol").await, ["Active"]);
}

/// Whether a recorded request is a read: a Query `Action=` on the allowlist, or one of the
/// GuardDuty REST reads (GET, or the POSTs that list, get and count findings).
fn is_read_request(request: &serde_json::Value) -> bool {
    let body = support::emulator::request_body(request);
    if let Some(action) = body.split('&').find_map(|p| p.strip_prefix("Action=")) {
        return watchpost::aws::read_only::is_read(action);
    }
    if let Some(operation) = support::emulator::json_operation(request) {
        return watchpost::aws::read_only::is_read(&operation);
    }
    let method = request["method"].as_str().unwrap_or_default();
    let url = request["url"].as_str().unwrap_or_default();
    let path = url.split('?').next().unwrap_or_default();
    method == "GET"
        || (method == "POST"
            && (path.ends_with("/findings")
                || path.ends_with("/findings/get")
                || path.ends_with("/findings/statistics")))
}

#[tokio::test]
async fn a_read_only_session_polls_every_source_with_reads_only() {
    let emulator = Emulator::lock().await;
    let iam = aws_sdk_iam::Client::new(&emulator.sdk("us-east-1").await);
    iam.create_user().user_name("dave").send().await.unwrap();
    let guardduty = aws_sdk_guardduty::Client::new(&emulator.sdk("us-east-1").await);
    guardduty
        .create_detector()
        .enable(true)
        .send()
        .await
        .unwrap();
    emulator.post(
        "/_watchpost/guardduty/findings",
        &json!({"accountId": ACCOUNT, "region": "us-east-1", "findings": [{}]}),
    );
    let mut options = emulator.options(&["us-east-1", "eu-west-1"]);
    options.read_only = true;
    emulator.start_recording();
    let mut session = connect(&options).await;
    for _ in 0..2 {
        for source in &mut session.sources {
            source.poll().await.unwrap();
        }
    }
    let sent = emulator.recording();
    assert!(
        sent.len() > 10,
        "the session polled: {} requests",
        sent.len()
    );
    let writes: Vec<&serde_json::Value> = sent.iter().filter(|r| !is_read_request(r)).collect();
    assert!(writes.is_empty(), "mutating requests: {writes:#?}");
}

#[tokio::test]
async fn accounts_and_profiles_configured_read_only_open_read_only() {
    let emulator = Emulator::lock().await;
    let mut options = emulator.options(&["us-east-1"]);
    options.read_only_accounts = vec!["1234*".to_string()];
    let session = connect(&options).await;
    assert!(session.read_only);
    assert!(session.executor.is_none());

    let mut options = emulator.options(&["us-east-1"]);
    options.read_only_accounts = vec!["999*".to_string()];
    let session = connect(&options).await;
    assert!(!session.read_only);
    assert!(session.executor.is_some());
}
