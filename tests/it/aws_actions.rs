//! Every remediation action against the emulator: the state before, after, and after its
//! undo; and read-only mode, where the clients refuse a mutating call before it is sent.

use crate::support;
use crate::support::emulator::{ACCOUNT, Emulator, connect, console_password, new_key};
use chrono::Utc;
use serde_json::json;
use std::sync::Arc;
use watchpost::aws::read_only::ReadOnlySwitch;
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

/// The IAM inventory as the Identity pane gets it: from the credential report.
async fn reported_inventory(session: &mut Session) -> Box<watchpost::domain::IdentityInventory> {
    let identity = session
        .sources
        .iter_mut()
        .find(|s| s.id().kind == SourceKind::Identity)
        .unwrap();
    let SourceData::Identity(inventory) = identity.poll().await.unwrap() else {
        panic!("not identity");
    };
    inventory
}

async fn key_status(iam: &aws_sdk_iam::Client, user: &str) -> Vec<String> {
    support::emulator::access_keys(iam, user)
        .await
        .into_iter()
        .map(|(_, status)| status)
        .collect()
}

#[tokio::test]
async fn access_key_actions_and_their_undo() {
    let emulator = Emulator::lock().await;
    let iam = aws_sdk_iam::Client::new(&emulator.sdk("us-east-1").await);
    iam.create_user().user_name("alice").send().await.unwrap();
    new_key(&iam, "alice").await;
    let mut session = connect(&emulator.options(&["us-east-1"])).await;
    let executor = executor(&session);

    // The key as the Identity pane knows it: by credential-report slot.
    let inventory = reported_inventory(&mut session).await;
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
    console_password(&iam, "bob", "a-long-passphrase-3!").await;
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
    let detector = emulator.detector("eu-west-1").await;
    let guardduty = aws_sdk_guardduty::Client::new(&emulator.sdk("eu-west-1").await);
    let finding_id = emulator.seed_findings(
        "eu-west-1",
        json!([{"type": "Recon:EC2/PortProbeUnprotectedPort",
                "resource": {"instanceDetails": {"instanceId": "i-0abc"}}}]),
    )[0]
    .clone();
    let session = connect(&emulator.options(&["eu-west-1"])).await;
    let executor = executor(&session);
    let target = Target::Finding {
        account_id: ACCOUNT.into(),
        region: "eu-west-1".into(),
        detector_id: detector.clone().into(),
        id: finding_id.clone().into(),
        finding_type: "Recon:EC2/PortProbeUnprotectedPort".into(),
        resource_kind: "Instance".into(),
        resource_id: "i-0abc".into(),
        archived: false,
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
    let archived = Offer::new(ActionId::ArchiveFinding, target.clone(), Utc::now());
    let archived = archived.undo(Utc::now()).unwrap().target;
    run(&executor, ActionId::UnarchiveFinding, archived).await;
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
            archived: false,
        },
        Utc::now(),
    );
    let error = executor(&session).perform(&offer).await.unwrap_err();
    assert!(
        error.to_string().starts_with("ArchiveFindings refused"),
        "{error}"
    );
}

#[tokio::test]
async fn read_only_clients_refuse_a_mutating_call_before_it_is_sent() {
    let emulator = Emulator::lock().await;
    let iam = aws_sdk_iam::Client::new(&emulator.sdk("us-east-1").await);
    iam.create_user().user_name("carol").send().await.unwrap();
    new_key(&iam, "carol").await;
    let key = support::emulator::first_key_id(&iam, "carol").await;

    let mut options = emulator.options(&["us-east-1"]);
    options.read_only = true;
    let session = connect(&options).await;
    assert!(session.executor.is_none(), "no executor in read-only mode");

    // Even code that builds an executor on read-only clients cannot change anything.
    let config = emulator.sdk("us-east-1").await;
    let guarded = watchpost::aws::Clients::new(
        &config,
        &ReadOnlySwitch::new(true),
        &["us-east-1".to_string()],
    );
    emulator.start_recording();
    let offer = Offer::new(
        ActionId::DeactivateKey,
        Target::AccessKey {
            account_id: ACCOUNT.into(),
            user: "carol".into(),
            key: key.clone().into(),
            created: Utc::now(),
            active: true,
        },
        Utc::now(),
    );
    let error = guarded.executor().perform(&offer).await.unwrap_err();
    let sent = emulator.recording();
    assert!(error.to_string().contains("read-only mode"), "{error}");
    assert!(error.to_string().contains("UpdateAccessKey"), "{error}");
    assert!(sent.is_empty(), "nothing reached the emulator: {sent:#?}");
    assert_eq!(key_status(&iam, "carol").await, ["Active"]);
}

/// Every action of the catalog but the ingress rules' (which need a security group), each
/// on a target it is available for: `user` has a console password and the inactive `key`,
/// the role `ops`, the trail of `support::baseline::trail` and its bucket exist, so that each action's
/// live check passes and only the read-only guard stands in the way.
fn every_action(user: &str, key: &str, detector: &str, finding: &str) -> Vec<Offer> {
    let now = Utc::now();
    let account_id = || ACCOUNT.to_string();
    // Archive applies to the finding as listed, unarchive to it archived.
    let finding_target = |archived| Target::Finding {
        account_id: account_id().into(),
        region: "us-east-1".into(),
        detector_id: detector.into(),
        id: finding.into(),
        finding_type: "Recon:EC2/PortProbeUnprotectedPort".into(),
        resource_kind: "Instance".into(),
        resource_id: "i-1".into(),
        archived,
    };
    let targets = [
        Target::AccessKey {
            account_id: account_id().into(),
            user: user.into(),
            key: key.into(),
            created: now,
            active: true,
        },
        Target::AccessKey {
            account_id: account_id().into(),
            user: user.into(),
            key: key.into(),
            created: now,
            active: false,
        },
        Target::User {
            account_id: account_id().into(),
            name: user.into(),
            console: true,
            quarantined: false,
        },
        Target::User {
            account_id: account_id().into(),
            name: user.into(),
            console: true,
            quarantined: true,
        },
        Target::Role {
            account_id: account_id().into(),
            name: "ops".into(),
        },
        finding_target(false),
        finding_target(true),
        Target::Alarm {
            account_id: account_id().into(),
            region: "us-east-1".into(),
            name: "cpu".into(),
            actions_enabled: true,
        },
        Target::Alarm {
            account_id: account_id().into(),
            region: "us-east-1".into(),
            name: "cpu".into(),
            actions_enabled: false,
        },
        Target::EbsDefaults {
            account_id: account_id().into(),
            region: "us-east-1".into(),
            enabled: false,
        },
        Target::EbsDefaults {
            account_id: account_id().into(),
            region: "us-east-1".into(),
            enabled: true,
        },
        Target::PublicAccessBlock {
            account_id: account_id().into(),
            all_on: false,
        },
        Target::Trail {
            account_id: account_id().into(),
            region: "us-east-1".into(),
            name: support::baseline::TRAIL.into(),
            arn: format!(
                "arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/{}",
                support::baseline::TRAIL
            ),
            logging: false,
        },
        Target::Instance {
            account_id: account_id().into(),
            region: "us-east-1".into(),
            instance_id: "i-0123456789abcdef0".into(),
            name: String::new(),
            imds_v2_required: false,
        },
        Target::Instance {
            account_id: account_id().into(),
            region: "us-east-1".into(),
            instance_id: "i-0123456789abcdef0".into(),
            name: String::new(),
            imds_v2_required: true,
        },
        Target::KmsKey {
            account_id: account_id().into(),
            region: "us-east-1".into(),
            key_id: "1234abcd-12ab-34cd-56ef-1234567890ab".into(),
            rotating: false,
        },
        Target::KmsKey {
            account_id: account_id().into(),
            region: "us-east-1".into(),
            key_id: "1234abcd-12ab-34cd-56ef-1234567890ab".into(),
            rotating: true,
        },
        Target::Bucket {
            account_id: account_id().into(),
            region: "us-east-1".into(),
            name: support::baseline::BUCKET.into(),
            blocked: false,
        },
    ];
    let offers: Vec<Offer> = watchpost::remediation::offers(&targets, false, now)
        .into_iter()
        .filter(|o| o.available.is_ok())
        .collect();
    let mut actions: Vec<String> = offers.iter().map(|o| format!("{:?}", o.action)).collect();
    actions.sort();
    actions.dedup();
    assert_eq!(
        actions.len(),
        watchpost::remediation::CATALOG.len() - 2,
        "{actions:?}"
    );
    offers
}

#[tokio::test]
async fn a_session_turned_read_only_sends_no_mutating_request_whatever_runs() {
    let emulator = Emulator::lock().await;
    let iam = aws_sdk_iam::Client::new(&emulator.sdk("us-east-1").await);
    support::emulator::user_with_key(&iam, "erin").await;
    let key = support::emulator::first_key_id(&iam, "erin").await;
    let detector = emulator.detector("us-east-1").await;
    let finding = emulator.seed_findings("us-east-1", json!([{}]))[0].clone();
    iam.update_access_key()
        .user_name("erin")
        .access_key_id(&key)
        .status(aws_sdk_iam::types::StatusType::Inactive)
        .send()
        .await
        .unwrap();
    console_password(&iam, "erin", "a-long-passphrase-3!").await;
    iam.create_role()
        .role_name("ops")
        .assume_role_policy_document(r#"{"Version":"2012-10-17","Statement":[]}"#)
        .send()
        .await
        .unwrap();
    support::baseline::bucket(&emulator);
    support::baseline::trail(&emulator, false).await;

    // A writable session, as the console opens it; then `:readonly` turns its switch on.
    let session = connect(&emulator.options(&["us-east-1"])).await;
    let executor = executor(&session);
    session.read_only.turn_on();
    emulator.start_recording();
    for offer in every_action("erin", &key, &detector, &finding) {
        // Resolving reads (the guard lets it through); running must be refused.
        let resolved = executor.resolve(&offer).await.unwrap_or(offer.clone());
        let error = executor
            .perform(&resolved)
            .await
            .expect_err(&format!("{:?} ran in read-only mode", offer.action));
        assert!(
            error.to_string().contains("read-only mode"),
            "{:?}: {error}",
            offer.action
        );
    }
    let sent = emulator.recording();
    assert!(!sent.is_empty(), "the live-state reads went through");
    let mutating = support::emulator::mutating_requests(&sent);
    assert!(mutating.is_empty(), "mutating requests: {mutating:#?}");
    assert_eq!(key_status(&iam, "erin").await, ["Inactive"]);
}

#[tokio::test]
async fn a_read_only_session_polls_every_source_with_reads_only() {
    let emulator = Emulator::lock().await;
    let iam = aws_sdk_iam::Client::new(&emulator.sdk("us-east-1").await);
    iam.create_user().user_name("dave").send().await.unwrap();
    emulator.detector("us-east-1").await;
    emulator.seed_findings("us-east-1", json!([{}]));
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
    let writes = support::emulator::mutating_requests(&sent);
    assert!(writes.is_empty(), "mutating requests: {writes:#?}");
}

#[tokio::test]
async fn accounts_and_profiles_configured_read_only_open_read_only() {
    use watchpost::config::{ConfigRequest, Settings};
    use watchpost::session::SessionFactory;
    let emulator = Emulator::lock().await;
    let theme = support::theme("default");
    let establish = |settings: Settings, session| {
        let factory = SessionFactory::new(
            settings,
            None,
            ConfigRequest::default(),
            theme.clone(),
            None,
            false,
        );
        factory.establish(session, false).unwrap()
    };
    let by_account = Settings {
        read_only_accounts: vec!["1234*".to_string()],
        ..Settings::default()
    };
    let session = connect(&emulator.options(&["us-east-1"])).await;
    let switch = session.read_only.clone();
    let established = establish(by_account, session);
    assert!(established.header.read_only);
    assert!(established.runner.is_none());
    assert!(switch.is_on(), "the clients' guard is on");

    let by_profile = Settings {
        read_only_profiles: vec!["def*".to_string()],
        ..Settings::default()
    };
    let session = connect(&emulator.options(&["us-east-1"])).await;
    assert!(establish(by_profile, session).read_only.is_on());

    let elsewhere = Settings {
        read_only_accounts: vec!["999*".to_string()],
        ..Settings::default()
    };
    let session = connect(&emulator.options(&["us-east-1"])).await;
    let established = establish(elsewhere, session);
    assert!(!established.read_only.is_on());
    assert!(established.runner.is_some());
}

#[tokio::test]
async fn previews_resolve_keys_live_and_no_undo_actions_recheck_before_they_run() {
    let emulator = Emulator::lock().await;
    let iam = aws_sdk_iam::Client::new(&emulator.sdk("us-east-1").await);
    support::emulator::user_with_key(&iam, "frank").await;
    let mut session = connect(&emulator.options(&["us-east-1"])).await;
    let executor = executor(&session);
    // The credential report, as the Identity pane has it: key `#1`, active.
    let inventory = reported_inventory(&mut session).await;
    let reported = &inventory.users[0].access_keys[0];
    assert_eq!(reported.id, "#1");
    let live_id = support::emulator::first_key_id(&iam, "frank").await;
    let slot = |active| Target::AccessKey {
        account_id: ACCOUNT.into(),
        user: "frank".into(),
        key: "#1".into(),
        created: reported.created,
        active,
    };

    // The preview gets the real ID and the live status.
    let resolved = executor
        .resolve(&Offer::new(ActionId::DeactivateKey, slot(true), Utc::now()))
        .await
        .unwrap();
    let Target::AccessKey { key, active, .. } = &resolved.target else {
        panic!("not a key");
    };
    assert_eq!((key.to_string(), *active), (live_id.to_string(), true));
    assert_eq!(resolved.target.confirmation(), Some(live_id.as_str()));
    assert!(resolved.cli.contains(&live_id), "{}", resolved.cli);

    // A report that says inactive while IAM says active: resolving shows delete is not
    // available, and the executor refuses the delete even when asked directly.
    let stale = Offer::new(ActionId::DeleteKey, slot(false), Utc::now());
    assert_eq!(
        stale.available,
        Ok(()),
        "the report makes it look deletable"
    );
    let live = executor.resolve(&stale).await.unwrap();
    assert!(live.available.is_err(), "{live:?}");
    emulator.start_recording();
    let as_reported = live.on(
        Target::AccessKey {
            account_id: ACCOUNT.into(),
            user: "frank".into(),
            key: live_id.clone().into(),
            created: reported.created,
            active: false,
        },
        Utc::now(),
    );
    let error = executor.perform(&as_reported).await.unwrap_err();
    assert!(error.to_string().contains("is Active now"), "{error}");
    let mutating = support::emulator::mutating_requests(&emulator.recording());
    assert!(mutating.is_empty(), "{mutating:#?}");
    assert_eq!(key_status(&iam, "frank").await, ["Active"]);

    // A console password deleted since the data was read: refused, nothing sent.
    let gone = Offer::new(
        ActionId::DeleteLoginProfile,
        Target::User {
            account_id: ACCOUNT.into(),
            name: "frank".into(),
            console: true,
            quarantined: false,
        },
        Utc::now(),
    );
    let error = executor.perform(&gone).await.unwrap_err();
    assert!(
        error.to_string().contains("no console password any more"),
        "{error}"
    );
    let role = Offer::new(
        ActionId::RevokeRoleSessions,
        Target::Role {
            account_id: ACCOUNT.into(),
            name: "deleted-role".into(),
        },
        Utc::now(),
    );
    let error = executor.perform(&role).await.unwrap_err();
    assert!(error.to_string().contains("no longer exists"), "{error}");
    let mutating = support::emulator::mutating_requests(&emulator.recording());
    assert!(mutating.is_empty(), "{mutating:#?}");
}
