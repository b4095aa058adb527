//! The identity checks against the emulator: a seeded account whose failing checks are
//! known, and the cost of a full IAM refresh as the account grows.

use crate::support::emulator::{Emulator, connect, console_password, new_key, strong_account};
use chrono::{Duration, Utc};
use serde_json::json;
use std::collections::BTreeSet;
use watchpost::domain::{IdentityInventory, MfaDevice, SourceKind};
use watchpost::posture::{self, Thresholds};
use watchpost::sources::{Session, SourceData};

async fn identity(session: &mut Session) -> IdentityInventory {
    let source = session
        .sources
        .iter_mut()
        .find(|s| s.id().kind == SourceKind::Identity)
        .unwrap();
    match source.poll().await.unwrap() {
        SourceData::Identity(inventory) => *inventory,
        other => panic!("not identity data: {other:?}"),
    }
}

fn failing(inventory: &IdentityInventory) -> BTreeSet<(String, String)> {
    let checks = posture::evaluate(
        &posture::Inventory {
            identities: std::slice::from_ref(inventory),
            detectors: &[],
            alarms: &[],
            regional_baselines: &[],
            account_baselines: &[],
        },
        &Thresholds::default(),
        Utc::now(),
    );
    checks
        .into_iter()
        .filter(|c| c.failed())
        .map(|c| (c.check_id().to_string(), c.resource().to_string()))
        .collect()
}

const ADMIN_DOCUMENT: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
const NOT_ACTION_DOCUMENT: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":["iam:*","organizations:*"],"Resource":"*"}]}"#;
const DENY_ALL_DOCUMENT: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}"#;
const READ_DOCUMENT: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/*"}]}"#;
const TRUST_DOCUMENT: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

fn days_ago(days: i64) -> String {
    (Utc::now() - Duration::days(days)).to_rfc3339()
}

#[tokio::test]
async fn failing_checks_per_principal_equal_the_seeded_truth() {
    let emulator = Emulator::lock().await;
    let iam = aws_sdk_iam::Client::new(&emulator.sdk("us-east-1").await);
    for user in [
        "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan",
    ] {
        iam.create_user().user_name(user).send().await.unwrap();
    }
    // A strong password policy and a root account with (hardware) MFA and no keys: the
    // account-level checks pass, so only the seeded problems fail.
    strong_account(&emulator, &iam).await;

    // alice: console user with a virtual MFA device — clean.
    console_password(&iam, "alice", "a-long-passphrase-1!").await;
    let device = iam
        .create_virtual_mfa_device()
        .virtual_mfa_device_name("alice")
        .send()
        .await
        .unwrap();
    let serial = device
        .virtual_mfa_device()
        .unwrap()
        .serial_number()
        .to_string();
    iam.enable_mfa_device()
        .user_name("alice")
        .serial_number(&serial)
        .authentication_code1("123456")
        .authentication_code2("654321")
        .send()
        .await
        .unwrap();
    // bob: console user without MFA.
    console_password(&iam, "bob", "a-long-passphrase-2!").await;
    // carol: a 120-day-old key, used two days ago.
    new_key(&iam, "carol").await;
    emulator.post(
        "/_watchpost/iam/backdate",
        &json!({"userName": "carol", "createDate": days_ago(200),
                "keyCreateDate": days_ago(120), "keyLastUsedDate": days_ago(2)}),
    );
    // dave: a key never used in 60 days.
    new_key(&iam, "dave").await;
    emulator.post(
        "/_watchpost/iam/backdate",
        &json!({"userName": "dave", "createDate": days_ago(61), "keyCreateDate": days_ago(60)}),
    );
    // erin: two active keys, both in use.
    for _ in 0..2 {
        let id = new_key(&iam, "erin").await.access_key_id;
        emulator.post(
            "/_watchpost/iam/backdate",
            &json!({"userName": "erin", "accessKeyId": id, "keyLastUsedDate": days_ago(1)}),
        );
    }
    // frank: admin through a group's customer managed policy.
    let break_glass = iam
        .create_policy()
        .policy_name("break-glass")
        .policy_document(ADMIN_DOCUMENT)
        .send()
        .await
        .unwrap()
        .policy()
        .unwrap()
        .arn()
        .unwrap()
        .to_string();
    iam.create_group()
        .group_name("Admins")
        .send()
        .await
        .unwrap();
    iam.attach_group_policy()
        .group_name("Admins")
        .policy_arn(&break_glass)
        .send()
        .await
        .unwrap();
    iam.add_user_to_group()
        .group_name("Admins")
        .user_name("frank")
        .send()
        .await
        .unwrap();
    // grace: admin through an inline NotAction statement.
    iam.put_user_policy()
        .user_name("grace")
        .policy_name("everything-but-iam")
        .policy_document(NOT_ACTION_DOCUMENT)
        .send()
        .await
        .unwrap();
    // heidi: the admin policy attached, but quarantined by an inline deny-all.
    iam.attach_user_policy()
        .user_name("heidi")
        .policy_arn(&break_glass)
        .send()
        .await
        .unwrap();
    iam.put_user_policy()
        .user_name("heidi")
        .policy_name("quarantine")
        .policy_document(DENY_ALL_DOCUMENT)
        .send()
        .await
        .unwrap();
    // ivan: a key made with the user and never used.
    new_key(&iam, "ivan").await;
    // Roles: one admin, one narrow.
    for (role, policy) in [("ci-deploy", None), ("report-reader", Some(READ_DOCUMENT))] {
        iam.create_role()
            .role_name(role)
            .assume_role_policy_document(TRUST_DOCUMENT)
            .send()
            .await
            .unwrap();
        match policy {
            Some(document) => {
                iam.put_role_policy()
                    .role_name(role)
                    .policy_name("read-reports")
                    .policy_document(document)
                    .send()
                    .await
                    .unwrap();
            }
            None => {
                iam.attach_role_policy()
                    .role_name(role)
                    .policy_arn(&break_glass)
                    .send()
                    .await
                    .unwrap();
            }
        }
    }

    let mut session = connect(&emulator.options(&["us-east-1"])).await;
    let inventory = identity(&mut session).await;
    assert_eq!(inventory.authorization_error, None);

    let expected: BTreeSet<(String, String)> = [
        ("iam.console-mfa", "bob"),
        ("iam.key-rotation", "carol (#1)"),
        ("iam.unused-credentials", "dave (#1)"),
        ("iam.single-active-key", "erin"),
        ("iam.admin-policy", "frank"),
        ("iam.admin-policy", "grace"),
        ("iam.key-at-setup", "ivan (#1)"),
        ("iam.admin-managed-policy", "customer managed policies"),
        ("iam.admin-role", "role/ci-deploy"),
    ]
    .into_iter()
    .map(|(id, resource)| (id.to_string(), resource.to_string()))
    .collect();
    assert_eq!(failing(&inventory), expected);

    // The facts behind them, as the pane shows them.
    let user = |name: &str| inventory.users.iter().find(|u| u.name() == name).unwrap();
    let texts = |texts: &[watchpost::domain::SharedText]| -> Vec<String> {
        texts.iter().map(|t| t.to_string()).collect()
    };
    assert_eq!(user("alice").mfa_device, Some(MfaDevice::Virtual));
    assert_eq!(texts(&user("frank").groups), ["Admins"]);
    assert_eq!(
        texts(&user("frank").admin_via),
        ["break-glass (via group Admins)"]
    );
    assert_eq!(
        texts(&user("grace").admin_via),
        ["everything-but-iam (inline, Allow NotAction)"]
    );
    assert!(
        user("heidi").admin_via.is_empty(),
        "the deny-all cancels it"
    );
    assert_eq!(
        texts(&user("heidi").policies),
        ["quarantine (inline)", "break-glass (attached)"]
    );
    assert_eq!(inventory.admin_managed_policies, ["break-glass"]);
    assert_eq!(inventory.root.mfa_hardware, Some(true));
}

/// Seeds `users` IAM users, each with an access key and a group, and returns how many
/// requests one full identity refresh made, by operation.
async fn refresh_cost(emulator: &Emulator, users: usize) -> BTreeSet<(String, usize)> {
    let iam = aws_sdk_iam::Client::new(&emulator.sdk("us-east-1").await);
    iam.create_group().group_name("staff").send().await.unwrap();
    for i in 0..users {
        let name = format!("user-{i:05}");
        iam.create_user().user_name(&name).send().await.unwrap();
        iam.add_user_to_group()
            .group_name("staff")
            .user_name(&name)
            .send()
            .await
            .unwrap();
    }
    let mut session = connect(&emulator.options(&["us-east-1"])).await;
    emulator.start_recording();
    let inventory = identity(&mut session).await;
    let bodies = emulator.recorded_bodies();
    assert_eq!(inventory.users.len(), users);
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    for body in &bodies {
        let action = body
            .split('&')
            .find_map(|p| p.strip_prefix("Action="))
            .unwrap_or("?")
            .to_string();
        *counts.entry(action).or_default() += 1;
    }
    eprintln!(
        "identity refresh with {users} users: {} requests {counts:?}",
        bodies.len()
    );
    counts.into_iter().collect()
}

#[tokio::test]
async fn a_full_identity_refresh_costs_the_same_for_few_and_many_users() {
    let emulator = Emulator::lock().await;
    let few = refresh_cost(&emulator, 10).await;
    drop(emulator);
    let emulator = Emulator::lock().await;
    // WATCHPOST_IAM_USERS raises the large case (e.g. 2000) for a measurement run.
    let many_users = std::env::var("WATCHPOST_IAM_USERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(150);
    let many = refresh_cost(&emulator, many_users).await;
    assert_eq!(
        few, many,
        "IAM calls must not grow with the number of users"
    );
    let operations: Vec<&str> = few.iter().map(|(op, _)| op.as_str()).collect();
    assert_eq!(
        operations,
        [
            "GenerateCredentialReport",
            "GetAccountAuthorizationDetails",
            "GetAccountPasswordPolicy",
            "GetAccountSummary",
            "GetCredentialReport",
            "ListVirtualMFADevices",
        ]
    );
}

#[tokio::test]
async fn a_young_credential_report_is_reused_and_an_old_one_renewed() {
    let emulator = Emulator::lock().await;
    let iam = aws_sdk_iam::Client::new(&emulator.sdk("us-east-1").await);
    iam.create_user().user_name("first").send().await.unwrap();

    let report_calls = |bodies: &[String]| {
        bodies
            .iter()
            .filter(|b| {
                b.contains("Action=GenerateCredentialReport")
                    || b.contains("Action=GetCredentialReport")
            })
            .count()
    };

    let mut session = connect(&emulator.options(&["us-east-1"])).await;
    identity(&mut session).await;
    iam.create_user().user_name("second").send().await.unwrap();
    emulator.start_recording();
    let again = identity(&mut session).await;
    assert_eq!(
        report_calls(&emulator.recorded_bodies()),
        0,
        "the report is reused"
    );
    let names: Vec<&str> = again.users.iter().map(|u| u.name()).collect();
    assert_eq!(names, ["first"], "as AWS would: the report is a snapshot");

    // With a maximum age of zero every refresh asks for the report.
    let mut options = emulator.options(&["us-east-1"]);
    options.report_max_age = std::time::Duration::ZERO;
    let mut session = connect(&options).await;
    identity(&mut session).await;
    emulator.start_recording();
    let fresh = identity(&mut session).await;
    assert!(report_calls(&emulator.recorded_bodies()) >= 2);
    assert_eq!(fresh.users.len(), 2);
}
