//! Least privilege, tested against the emulator with IAM enforced: the README's read policy
//! and the AWS managed `SecurityAudit` policy each give a complete report and a session
//! whose every source loads (and the activity view reads CloudTrail); every permission of the read policy is needed by something;
//! without `ec2:DescribeFlowLogs` only the flow-log control fails, saying what it needs; a
//! key revoked mid-session fails every source as a credentials problem; and each remediation
//! action runs with the permissions the README's table names for it, on top of the read
//! policy, and fails without any one of them, naming it. The README is the source of truth:
//! the policy and the table are read from it.

use crate::support;
use crate::support::baseline;
use crate::support::emulator::{
    ACCOUNT, Emulator, console_password, new_key, paging_alarm, user_with_policy,
};
use crate::support::resources;
use aws_credential_types::Credentials;
use chrono::Utc;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;
use watchpost::domain::{PageRequest, Severity};
use watchpost::posture::Thresholds;
use watchpost::remediation::{ActionId, CATALOG, Execute, Offer, Target};
use watchpost::sources::{Session, SourceData, SourceError};
use watchpost::store::Data;

const REGION: &str = "us-east-1";

// ------------------------------------------------------------------ the README

/// The README's "IAM permissions" section.
fn iam_section() -> String {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let start = readme
        .find("### IAM permissions")
        .expect("README has an IAM permissions section");
    let rest = &readme[start..];
    let end = rest[3..].find("\n#").map(|i| i + 3).unwrap_or(rest.len());
    rest[..end].to_string()
}

/// The read policy: the section's ```json block.
pub(crate) fn read_policy() -> Value {
    let section = iam_section();
    let start = section.find("```json").expect("a ```json block") + "```json".len();
    let end = start + section[start..].find("```").expect("the block ends");
    serde_json::from_str(&section[start..end]).expect("the README's policy is JSON")
}

/// The actions the read policy allows.
fn read_actions() -> Vec<String> {
    read_policy()["Statement"][0]["Action"]
        .as_array()
        .expect("one statement with a list of actions")
        .iter()
        .map(|a| a.as_str().unwrap().to_string())
        .collect()
}

/// A policy allowing exactly `actions` on every resource.
fn allow(actions: &[String]) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{ "Effect": "Allow", "Action": actions, "Resource": "*" }],
    })
}

/// The `service:Action` names quoted in `text`.
fn permissions_in(text: &str) -> Vec<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .filter(|t| t.contains(':') && !t.contains(' '))
        .map(str::to_string)
        .collect()
}

/// The remediation table's row whose action column contains `row`: the permissions of its
/// `alternative`-th action ("disable / enable": 0 and 1, matched against "`a` / `b`"), plus
/// those in parentheses, which every action of the row needs.
fn documented(row: &str, alternative: usize) -> Vec<String> {
    let section = iam_section();
    let table = &section[section
        .find("**Remediation**")
        .expect("the remediation table")..];
    let line = table
        .lines()
        .filter(|l| l.starts_with('|'))
        .find(|l| l.split('|').nth(1).is_some_and(|c| c.contains(row)))
        .unwrap_or_else(|| panic!("no README remediation row for {row:?}"));
    let cell = line.split('|').nth(2).unwrap().trim();
    // What is in parentheses applies to the whole row.
    let mut shared = Vec::new();
    let mut plain = String::new();
    let mut depth = 0;
    let mut inner = String::new();
    for c in cell.chars() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                shared.extend(permissions_in(&inner));
                inner.clear();
            }
            _ if depth > 0 => inner.push(c),
            _ => plain.push(c),
        }
    }
    let parts: Vec<&str> = plain.split(" / ").collect();
    let part = parts.get(alternative).copied().unwrap_or(parts[0]);
    let mut permissions = permissions_in(part);
    permissions.extend(shared);
    assert!(!permissions.is_empty(), "{line}");
    permissions
}

// ------------------------------------------------------------------ the account

struct Seeded {
    detector: String,
    finding: String,
    key_created: chrono::DateTime<Utc>,
}

/// An account with something in every source: a strong password policy, root with MFA, a
/// clean baseline in us-east-1 plus SSH open to the world, a GuardDuty detector with a
/// finding, an alarm with actions, a user with a console password and a key, and a role, and a resource for each resource check.
async fn seed_account(emulator: &Emulator) -> Seeded {
    let sdk = emulator.sdk(REGION).await;
    let iam = aws_sdk_iam::Client::new(&sdk);
    iam.update_account_password_policy()
        .minimum_password_length(14)
        .password_reuse_prevention(24)
        .send()
        .await
        .unwrap();
    emulator.post("/_watchpost/iam/root", &json!({ "mfaActive": true }));
    baseline::clean(emulator, &[REGION]).await;
    let ec2 = baseline::ec2(emulator, REGION).await;
    baseline::open_group(&ec2, "bastion", 22, "0.0.0.0/0").await;
    // Something for each per-resource read: a public bucket, an instance that allows
    // IMDSv1, a customer managed key, an internet-facing load balancer.
    resources::public_policy_bucket(&resources::s3(emulator).await, "site").await;
    resources::instance(emulator, "legacy", None, false).await;
    resources::kms_key(emulator, false).await;
    resources::load_balancer(emulator, "shop", true).await;

    let detector = emulator.detector(REGION).await;
    let finding = emulator.seed_findings(
        REGION,
        json!([{
            "type": "Recon:EC2/PortProbeUnprotectedPort",
            "severity": 5.0,
            "resource": {"instanceDetails": {"instanceId": "i-0abc"}},
        }]),
    )[0]
    .clone();

    let cloudwatch = aws_sdk_cloudwatch::Client::new(&sdk);
    paging_alarm(&cloudwatch, REGION, "orders-cpu")
        .send()
        .await
        .unwrap();
    // A state change, so the alarm has history to read.
    cloudwatch
        .set_alarm_state()
        .alarm_name("orders-cpu")
        .state_value(aws_sdk_cloudwatch::types::StateValue::Alarm)
        .state_reason("Threshold Crossed")
        .send()
        .await
        .unwrap();

    iam.create_user().user_name("alice").send().await.unwrap();
    console_password(&iam, "alice", "correct-horse-battery-1!").await;
    let key = new_key(&iam, "alice").await;
    iam.create_role()
        .role_name("ci-deploy")
        .assume_role_policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
        )
        .send()
        .await
        .unwrap();
    Seeded {
        detector,
        finding,
        key_created: chrono::DateTime::from_timestamp(key.create_date().unwrap().secs(), 0)
            .unwrap(),
    }
}

// ------------------------------------------------------------------ watchpost as a principal

/// A session on the emulator signed with `credentials`.
async fn session_as(emulator: &Emulator, credentials: &Credentials) -> Session {
    let options = emulator.options(&[REGION]);
    let loader = watchpost::aws::config_loader(&options)
        .await
        .credentials_provider(credentials.clone());
    watchpost::aws::connect(&options, loader, &mut |serial: &str| {
        panic!("unexpected MFA prompt for {serial}")
    })
    .await
    .unwrap_or_else(|e| panic!("connect: {e}"))
}

/// What one poll of each source gave: the data (checks derived), the sources that failed,
/// and the facts that could not be read (a baseline probe or the authorization details).
struct Polled {
    data: Data,
    failed: Vec<SourceError>,
    unreadable: Vec<String>,
}

async fn poll_every_source(session: &mut Session) -> Polled {
    let mut polled = Polled {
        data: Data::default(),
        failed: Vec::new(),
        unreadable: Vec::new(),
    };
    for source in &mut session.sources {
        let id = source.id().clone();
        match source.poll().await {
            Ok(data) => {
                polled.unreadable.extend(unreadable(&data));
                polled.data.apply(&id, data);
            }
            Err(error) => polled.failed.push(error),
        }
    }
    // The activity view's one read, as `t` on a user asks it.
    if let Err(error) = session.lookups.activity.page(&activity_page(session)).await {
        polled
            .unreadable
            .push(format!("cloudtrail:LookupEvents: {error}"));
    }
    polled
        .data
        .derive(&Thresholds::default(), Severity::High, Utc::now());
    polled
}

/// The first page of a user's CloudTrail activity in the session's account.
fn activity_page(session: &Session) -> watchpost::domain::PageRequest {
    use watchpost::domain::{ActivityQuery, LookupKey, Window, Writes};
    let end = Utc::now();
    let window = chrono::TimeDelta::hours(24);
    PageRequest {
        query: ActivityQuery {
            account_id: session.caller.account_id.clone(),
            key: LookupKey::Username,
            value: "reader".to_string(),
            window: Window::Last(window),
            writes: Writes::All,
            regions: vec![REGION.to_string()],
            about: "user reader".to_string(),
        },
        start: end - window,
        end,
        region: REGION.to_string(),
        token: None,
    }
}

fn unreadable(data: &SourceData) -> Vec<String> {
    fn probe<T>(out: &mut Vec<String>, probe: &watchpost::domain::Probe<T>) {
        if let Err(why) = probe {
            out.push(format!("{}: {}", why.permission, why.message));
        }
    }
    let mut out = Vec::new();
    match data {
        SourceData::RegionalBaseline(b) => {
            probe(&mut out, &b.security_groups);
            probe(&mut out, &b.ebs_encryption_by_default);
            probe(&mut out, &b.vpcs);
            probe(&mut out, &b.config_recorders);
            probe(&mut out, &b.instances);
            probe(&mut out, &b.volumes);
            probe(&mut out, &b.db_instances);
            probe(&mut out, &b.kms_keys);
            probe(&mut out, &b.load_balancers);
            for key in b.kms_keys.iter().flatten() {
                probe(&mut out, &key.rotation);
            }
            for lb in b.load_balancers.iter().flatten() {
                probe(&mut out, &lb.web_acl);
            }
        }
        SourceData::AccountBaseline(b) => {
            probe(&mut out, &b.trails);
            probe(&mut out, &b.metric_filters);
            probe(&mut out, &b.public_access_block);
            probe(&mut out, &b.buckets);
            for bucket in b.buckets.iter().flatten() {
                probe(&mut out, &bucket.exposure);
            }
        }
        SourceData::Identity(inventory) => out.extend(inventory.authorization_error.clone()),
        SourceData::Alarms {
            history_denied: Some(why),
            ..
        } => out.push(format!("{}: {}", why.permission, why.message)),
        SourceData::Alarms { .. } | SourceData::Findings { .. } => {}
    }
    out
}

/// Each check result of a report: (check, resource) → (status, evidence).
fn report_checks(report: &Value) -> BTreeMap<(String, String), (String, String)> {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let s = |k: &str| c[k].as_str().unwrap().to_string();
            ((s("check_id"), s("resource")), (s("status"), s("evidence")))
        })
        .collect()
}

/// The report is complete and was made as `user`; the session's every source loads and
/// every fact in it was readable.
async fn assert_reads_everything(emulator: &Emulator, credentials: &Credentials, user: &str) {
    let report = emulator.report(credentials, &[]);
    assert_ne!(report.code, 4, "incomplete: {}", report.stderr);
    assert_eq!(report.json["complete"], true, "{}", report.json["errors"]);
    assert_eq!(report.json["errors"], json!([]));
    assert_eq!(
        report.json["caller"]["arn"],
        format!("arn:aws:iam::{ACCOUNT}:user/{user}"),
        "the report ran as {user}"
    );
    let checks = report_checks(&report.json);
    assert!(checks.len() > 20, "{checks:?}");
    let not_evaluated: Vec<_> = checks
        .iter()
        .filter(|(_, (_, evidence))| evidence.contains("could not be evaluated"))
        .collect();
    assert!(not_evaluated.is_empty(), "{not_evaluated:#?}");
    assert_eq!(report.json["findings"].as_array().unwrap().len(), 1);
    assert!(!report.json["alarms"].as_array().unwrap().is_empty());

    let mut session = session_as(emulator, credentials).await;
    assert!(session.caller.arn.ends_with(&format!(":user/{user}")));
    let polled = poll_every_source(&mut session).await;
    assert!(polled.failed.is_empty(), "{:#?}", polled.failed);
    assert!(polled.unreadable.is_empty(), "{:#?}", polled.unreadable);
    assert_eq!(
        session.sources.len(),
        5,
        "IAM, account baseline, and 3 regional"
    );
    let not_evaluated: Vec<_> = polled
        .data
        .checks
        .iter()
        .filter(|c| c.evidence().contains("could not be evaluated"))
        .collect();
    assert!(not_evaluated.is_empty(), "{not_evaluated:#?}");
}

// ------------------------------------------------------------------ reads

#[tokio::test]
async fn the_readme_read_policy_reads_every_source() {
    let emulator = Emulator::lock().await;
    seed_account(&emulator).await;
    let iam = aws_sdk_iam::Client::new(&emulator.sdk(REGION).await);
    let reader = user_with_policy(&iam, "reader", Some(&read_policy()), &[]).await;
    let _enforced = emulator.enforce_iam();
    assert_reads_everything(&emulator, &reader, "reader").await;
}

#[tokio::test]
async fn the_security_audit_managed_policy_reads_every_source() {
    let emulator = Emulator::lock().await;
    seed_account(&emulator).await;
    let security_audit = emulator.aws_managed_policies(&["SecurityAudit"]);
    let iam = aws_sdk_iam::Client::new(&emulator.sdk(REGION).await);
    let auditor = user_with_policy(&iam, "auditor", None, &security_audit).await;
    let _enforced = emulator.enforce_iam();
    assert_reads_everything(&emulator, &auditor, "auditor").await;
}

#[tokio::test]
async fn enforcement_is_real_a_user_without_the_policy_reads_nothing() {
    let emulator = Emulator::lock().await;
    seed_account(&emulator).await;
    let iam = aws_sdk_iam::Client::new(&emulator.sdk(REGION).await);
    let nobody = user_with_policy(&iam, "nobody", None, &[]).await;
    let _enforced = emulator.enforce_iam();
    let report = emulator.report(&nobody, &[]);
    assert_eq!(report.code, 4, "{}", report.stderr);
    assert_eq!(report.json["complete"], false);
    let mut session = session_as(&emulator, &nobody).await;
    let polled = poll_every_source(&mut session).await;
    // The baselines still load (each fact says it could not be read); the others fail,
    // each naming the permission it needs.
    let failed: Vec<String> = polled
        .failed
        .iter()
        .map(|e| {
            let watchpost::sources::SourceErrorKind::AccessDenied {
                permission: Some(permission),
            } = &e.kind
            else {
                panic!("not a denial: {e}");
            };
            permission.clone()
        })
        .collect();
    assert_eq!(
        failed,
        [
            "iam:GenerateCredentialReport",
            "cloudwatch:DescribeAlarms",
            "guardduty:ListDetectors"
        ]
    );
    // 4 regional and 3 account-wide baseline facts, the resource lists (5 regional:
    // instances, volumes, RDS, KMS keys, load balancers; and the buckets) and the activity
    // view's lookup.
    assert_eq!(polled.unreadable.len(), 14, "{:#?}", polled.unreadable);
    assert!(
        polled
            .unreadable
            .iter()
            .any(|u| u.contains("needs cloudtrail:LookupEvents")),
        "{:#?}",
        polled.unreadable
    );
}

#[tokio::test]
async fn a_deleted_key_fails_every_source_as_a_credentials_problem() {
    let emulator = Emulator::lock().await;
    seed_account(&emulator).await;
    let iam = aws_sdk_iam::Client::new(&emulator.sdk(REGION).await);
    let reader = user_with_policy(&iam, "reader", Some(&read_policy()), &[]).await;
    let admin_keys = user_with_policy(&iam, "admin", Some(&allow(&["*".to_string()])), &[]).await;
    let admin = Inspector::new(&emulator, &admin_keys).await;
    let _enforced = emulator.enforce_iam();
    let mut session = session_as(&emulator, &reader).await;
    // The key is revoked while the session runs: each service refuses it in its own words
    // (IAM InvalidClientTokenId, EC2 AuthFailure, CloudTrail and GuardDuty
    // UnrecognizedClientException), and every source says the credentials failed; no
    // baseline control passes it off as a denied read.
    admin
        .iam
        .delete_access_key()
        .user_name("reader")
        .access_key_id(reader.access_key_id())
        .send()
        .await
        .unwrap();
    let polled = poll_every_source(&mut session).await;
    assert_eq!(
        polled.failed.len(),
        session.sources.len(),
        "{:#?}",
        polled.failed
    );
    for error in &polled.failed {
        assert_eq!(
            error.kind,
            watchpost::sources::SourceErrorKind::Credentials,
            "{error}"
        );
    }
}

#[tokio::test]
async fn without_describe_flow_logs_only_the_flow_log_control_fails() {
    let emulator = Emulator::lock().await;
    seed_account(&emulator).await;
    let iam = aws_sdk_iam::Client::new(&emulator.sdk(REGION).await);
    let reader = user_with_policy(&iam, "reader", Some(&read_policy()), &[]).await;
    let reduced: Vec<String> = read_actions()
        .into_iter()
        .filter(|a| a != "ec2:DescribeFlowLogs")
        .collect();
    assert_eq!(reduced.len() + 1, read_actions().len());
    let blind = user_with_policy(&iam, "no-flow-logs", Some(&allow(&reduced)), &[]).await;
    let _enforced = emulator.enforce_iam();
    // Both callers have used their keys before either report, so the credential report
    // says the same of both.
    session_as(&emulator, &reader).await;
    session_as(&emulator, &blind).await;

    let full = emulator.report(&reader, &[]);
    let partial = emulator.report(&blind, &[]);
    assert_eq!(full.json["complete"], true, "{}", full.stderr);
    assert_eq!(partial.json["complete"], true, "{}", partial.stderr);
    assert_eq!(partial.code, full.code, "{}", partial.stderr);

    let is_flow_logs = |(check, _): &(String, String)| check == "ec2.vpc-flow-logs";
    let mut full = report_checks(&full.json);
    let mut partial = report_checks(&partial.json);
    let full_flow_logs: Vec<_> = full.iter().filter(|(k, _)| is_flow_logs(k)).collect();
    assert!(!full_flow_logs.is_empty());
    assert!(
        full_flow_logs
            .iter()
            .all(|(_, (status, _))| status == "pass"),
        "{full_flow_logs:?}"
    );
    let partial_flow_logs: Vec<_> = partial.iter().filter(|(k, _)| is_flow_logs(k)).collect();
    assert_eq!(partial_flow_logs.len(), 1, "{partial_flow_logs:?}");
    let ((_, resource), (status, evidence)) = partial_flow_logs[0];
    assert_eq!(resource, REGION);
    assert_eq!(status, "fail");
    assert!(
        evidence.starts_with("could not be evaluated (needs ec2:DescribeFlowLogs): "),
        "{evidence}"
    );
    assert!(evidence.contains("UnauthorizedOperation"), "{evidence}");
    full.retain(|k, _| !is_flow_logs(k));
    partial.retain(|k, _| !is_flow_logs(k));
    assert_eq!(partial, full, "every other result is unchanged");

    // The session: only the VPC facts are unreadable.
    let mut session = session_as(&emulator, &blind).await;
    let polled = poll_every_source(&mut session).await;
    assert!(polled.failed.is_empty(), "{:#?}", polled.failed);
    assert_eq!(polled.unreadable.len(), 1, "{:#?}", polled.unreadable);
    assert!(
        polled.unreadable[0].starts_with("ec2:DescribeFlowLogs: "),
        "{:?}",
        polled.unreadable
    );
}

/// The account-level results (not those about IAM users, whose key use differs from one
/// caller to the next): (check, resource) → status.
fn account_results(polled: &Polled) -> BTreeMap<(String, String), String> {
    polled
        .data
        .checks
        .iter()
        .filter(|c| !c.check_id().starts_with("iam."))
        .map(|c| {
            let key = (c.check_id().to_string(), c.resource().to_string());
            (key, format!("{:?}", c.status))
        })
        .collect()
}

/// How the poll shows that `permission` was missing, if it does: a source failed for it, a
/// fact could not be read for it (the alarms' history included), or a control came out
/// otherwise than with the full policy.
fn shows_missing(polled: &Polled, permission: &str, full: &Polled) -> Option<String> {
    let denied = polled.failed.iter().find(|e| {
        matches!(&e.kind, watchpost::sources::SourceErrorKind::AccessDenied {
            permission: Some(p),
        } if p == permission)
    });
    if let Some(error) = denied {
        return Some(format!("source failed: {error}"));
    }
    if let Some(fact) = polled.unreadable.iter().find(|u| u.contains(permission)) {
        return Some(format!("unreadable: {fact}"));
    }
    let (now, before) = (account_results(polled), account_results(full));
    if now != before {
        let changed: Vec<_> = now
            .iter()
            .filter(|(k, v)| before.get(*k) != Some(v))
            .collect();
        return Some(format!("controls changed: {changed:?}"));
    }
    None
}

#[tokio::test]
async fn every_permission_of_the_read_policy_is_needed() {
    let emulator = Emulator::lock().await;
    seed_account(&emulator).await;
    let iam = aws_sdk_iam::Client::new(&emulator.sdk(REGION).await);
    let reader = user_with_policy(&iam, "reader", Some(&read_policy()), &[]).await;
    let mut without = Vec::new();
    for (i, permission) in read_actions().into_iter().enumerate() {
        let rest: Vec<String> = read_actions()
            .into_iter()
            .filter(|a| *a != permission)
            .collect();
        let name = format!("without-{i}");
        let credentials = user_with_policy(&iam, &name, Some(&allow(&rest)), &[]).await;
        without.push((permission, credentials));
    }
    let _enforced = emulator.enforce_iam();
    let full = poll_every_source(&mut session_as(&emulator, &reader).await).await;
    assert!(full.failed.is_empty(), "{:#?}", full.failed);
    assert!(full.unreadable.is_empty(), "{:#?}", full.unreadable);

    let mut unused = Vec::new();
    for (permission, credentials) in &without {
        let polled = poll_every_source(&mut session_as(&emulator, credentials).await).await;
        match shows_missing(&polled, permission, &full) {
            Some(how) => eprintln!("without {permission}: {how}"),
            None => unused.push(permission.clone()),
        }
    }
    assert!(
        unused.is_empty(),
        "the README's read policy grants what watchpost never needs: {unused:?}"
    );
}

// ------------------------------------------------------------------ remediation

/// Each action, the README row that documents it, and which of the row's alternatives.
const DOCUMENTED: &[(ActionId, &str, usize)] = &[
    (
        ActionId::DeactivateKey,
        "deactivate / reactivate an access key",
        0,
    ),
    (
        ActionId::ReactivateKey,
        "deactivate / reactivate an access key",
        1,
    ),
    (ActionId::DeleteKey, "delete an access key", 0),
    (
        ActionId::DeleteLoginProfile,
        "delete a console login profile",
        0,
    ),
    (
        ActionId::QuarantineUser,
        "quarantine a user / release them",
        0,
    ),
    (ActionId::ReleaseUser, "quarantine a user / release them", 1),
    (
        ActionId::RevokeRoleSessions,
        "revoke a role's older sessions",
        0,
    ),
    (
        ActionId::ArchiveFinding,
        "archive / unarchive a GuardDuty finding",
        0,
    ),
    (
        ActionId::UnarchiveFinding,
        "archive / unarchive a GuardDuty finding",
        1,
    ),
    (ActionId::FeedbackUseful, "send finding feedback", 0),
    (ActionId::FeedbackNotUseful, "send finding feedback", 0),
    (
        ActionId::SuppressFinding,
        "create a suppression rule from a finding",
        0,
    ),
    (
        ActionId::DisableAlarmActions,
        "disable / enable an alarm's actions",
        0,
    ),
    (
        ActionId::EnableAlarmActions,
        "disable / enable an alarm's actions",
        1,
    ),
    (
        ActionId::RevokeIngress,
        "revoke / restore a world-open inbound rule",
        0,
    ),
    (
        ActionId::RestoreIngress,
        "revoke / restore a world-open inbound rule",
        1,
    ),
    (
        ActionId::EnableEbsDefaultEncryption,
        "EBS encryption by default on / off",
        0,
    ),
    (
        ActionId::DisableEbsDefaultEncryption,
        "EBS encryption by default on / off",
        1,
    ),
    (
        ActionId::BlockPublicAccess,
        "turn on account-level S3 Block Public Access",
        0,
    ),
    (ActionId::StartTrailLogging, "start logging on a trail", 0),
    (
        ActionId::BlockBucketPublicAccess,
        "turn on a bucket's S3 Block Public Access",
        0,
    ),
    (
        ActionId::RequireImdsV2,
        "require IMDSv2 on an instance / allow IMDSv1 again",
        0,
    ),
    (
        ActionId::AllowImdsV1,
        "require IMDSv2 on an instance / allow IMDSv1 again",
        1,
    ),
    (
        ActionId::EnableKeyRotation,
        "turn a KMS key's rotation on / off",
        0,
    ),
    (
        ActionId::DisableKeyRotation,
        "turn a KMS key's rotation on / off",
        1,
    ),
];

/// Clients that see everything, to read the state an action changes.
struct Inspector {
    iam: aws_sdk_iam::Client,
    guardduty: aws_sdk_guardduty::Client,
    cloudwatch: aws_sdk_cloudwatch::Client,
    ec2: aws_sdk_ec2::Client,
    cloudtrail: aws_sdk_cloudtrail::Client,
    s3control: aws_sdk_s3control::Client,
    s3: aws_sdk_s3::Client,
    kms: aws_sdk_kms::Client,
}

impl Inspector {
    async fn new(emulator: &Emulator, credentials: &Credentials) -> Inspector {
        let sdk = emulator
            .sdk(REGION)
            .await
            .to_builder()
            .credentials_provider(
                aws_credential_types::provider::SharedCredentialsProvider::new(credentials.clone()),
            )
            .build();
        let s3control = aws_sdk_s3control::config::Builder::from(&sdk)
            .endpoint_resolver(
                watchpost::aws::baseline::s3control_endpoint::LiteralHostResolver::new(),
            )
            .build();
        Inspector {
            iam: aws_sdk_iam::Client::new(&sdk),
            guardduty: aws_sdk_guardduty::Client::new(&sdk),
            cloudwatch: aws_sdk_cloudwatch::Client::new(&sdk),
            ec2: aws_sdk_ec2::Client::new(&sdk),
            cloudtrail: aws_sdk_cloudtrail::Client::new(&sdk),
            kms: aws_sdk_kms::Client::new(&sdk),
            s3control: aws_sdk_s3control::Client::from_conf(s3control),
            s3: aws_sdk_s3::Client::from_conf(
                aws_sdk_s3::config::Builder::from(&sdk)
                    .force_path_style(true)
                    .build(),
            ),
        }
    }

    /// The state `target` is in, as text: what its actions change.
    async fn state(&self, target: &Target) -> String {
        match target {
            Target::AccessKey { user, .. } => {
                let keys = self
                    .iam
                    .list_access_keys()
                    .user_name(user)
                    .send()
                    .await
                    .unwrap();
                format!("{:?}", keys.access_key_metadata())
            }
            Target::User { name, .. } => {
                let policies = self
                    .iam
                    .list_user_policies()
                    .user_name(name)
                    .send()
                    .await
                    .unwrap();
                let login = self.iam.get_login_profile().user_name(name).send().await;
                format!("{:?} console={}", policies.policy_names(), login.is_ok())
            }
            Target::Role { name, .. } => {
                let policies = self
                    .iam
                    .list_role_policies()
                    .role_name(name)
                    .send()
                    .await
                    .unwrap();
                format!("{:?}", policies.policy_names())
            }
            Target::Finding {
                detector_id, id, ..
            } => {
                let found = self
                    .guardduty
                    .get_findings()
                    .detector_id(detector_id)
                    .finding_ids(id)
                    .send()
                    .await
                    .unwrap();
                let service = found.findings()[0].service().unwrap();
                let filters = self
                    .guardduty
                    .list_filters()
                    .detector_id(detector_id)
                    .send()
                    .await
                    .unwrap();
                format!(
                    "archived={:?} feedback={:?} filters={:?}",
                    service.archived(),
                    service.user_feedback(),
                    filters.filter_names()
                )
            }
            Target::Alarm { name, .. } => {
                let alarms = self
                    .cloudwatch
                    .describe_alarms()
                    .alarm_names(name)
                    .send()
                    .await
                    .unwrap();
                format!("actions={:?}", alarms.metric_alarms()[0].actions_enabled())
            }
            Target::IngressRule { group_id, .. } => {
                let groups = self
                    .ec2
                    .describe_security_groups()
                    .group_ids(group_id)
                    .send()
                    .await
                    .unwrap();
                format!("{:?}", groups.security_groups()[0].ip_permissions())
            }
            Target::EbsDefaults { .. } => {
                let out = self.ec2.get_ebs_encryption_by_default().send().await;
                format!("{:?}", out.unwrap().ebs_encryption_by_default())
            }
            Target::PublicAccessBlock { account_id, .. } => {
                let out = self
                    .s3control
                    .get_public_access_block()
                    .account_id(account_id)
                    .send()
                    .await
                    .unwrap();
                format!("{:?}", out.public_access_block_configuration())
            }
            Target::Instance { instance_id, .. } => {
                let out = self
                    .ec2
                    .describe_instances()
                    .instance_ids(instance_id)
                    .send()
                    .await
                    .unwrap();
                let instance = &out.reservations()[0].instances()[0];
                format!("{:?}", instance.metadata_options().map(|m| m.http_tokens()))
            }
            Target::KmsKey { key_id, .. } => {
                let out = self
                    .kms
                    .get_key_rotation_status()
                    .key_id(key_id)
                    .send()
                    .await;
                format!("rotating={:?}", out.unwrap().key_rotation_enabled())
            }
            Target::Bucket { name, .. } => {
                let out = self.s3.get_public_access_block().bucket(name).send().await;
                format!(
                    "{:?}",
                    out.ok()
                        .map(|o| o.public_access_block_configuration().cloned())
                )
            }
            Target::Trail { arn, .. } => {
                let status = self
                    .cloudtrail
                    .get_trail_status()
                    .name(arn)
                    .send()
                    .await
                    .unwrap();
                format!("logging={:?}", status.is_logging())
            }
        }
    }
}

/// The user `name`, allowed the read policy and `extra`.
async fn principal(admin: &Inspector, name: &str, extra: &[String]) -> Credentials {
    let mut actions = read_actions();
    actions.extend(extra.iter().cloned());
    user_with_policy(&admin.iam, name, Some(&allow(&actions)), &[]).await
}

async fn executor_as(emulator: &Emulator, credentials: &Credentials) -> Arc<dyn Execute> {
    session_as(emulator, credentials)
        .await
        .executor
        .expect("a writable session has an executor")
}

#[tokio::test]
async fn each_remediation_action_needs_exactly_its_documented_permissions() {
    let emulator = Emulator::lock().await;
    let seeded = seed_account(&emulator).await;
    // What the baseline actions need to apply: a trail that is not logging, Block Public
    // Access not fully on.
    let sdk = emulator.sdk(REGION).await;
    aws_sdk_cloudtrail::Client::new(&sdk)
        .stop_logging()
        .name(baseline::TRAIL)
        .send()
        .await
        .unwrap();
    baseline::block_public_access(&emulator, false).await;
    // The baseline targets as the Posture pane offers them.
    let mut session = support::emulator::connect(&emulator.options(&[REGION])).await;
    let data = poll_every_source(&mut session).await.data;
    let ingress = baseline::posture_targets(&data, "ec2.sg-open-admin-ports").remove(0);
    let trail = baseline::posture_targets(&data, "cloudtrail.multi-region-logging").remove(0);
    let public_access =
        baseline::posture_targets(&data, "s3.account-public-access-block").remove(0);
    let instance = baseline::posture_targets(&data, "ec2.imdsv2").remove(0);
    let bucket = baseline::posture_targets(&data, "s3.bucket-public-access").remove(0);
    let key = baseline::posture_targets(&data, "kms.key-rotation").remove(0);
    let enable_rotation = Offer::new(ActionId::EnableKeyRotation, key, Utc::now());
    let disable_rotation = enable_rotation
        .undo(Utc::now())
        .expect("turning rotation on has an undo");
    let require_v2 = Offer::new(ActionId::RequireImdsV2, instance, Utc::now());
    let allow_v1 = require_v2
        .undo(Utc::now())
        .expect("requiring IMDSv2 has an undo");
    drop(session);

    let iam = aws_sdk_iam::Client::new(&sdk);
    let admin_keys =
        user_with_policy(&iam, "inspector", Some(&allow(&["*".to_string()])), &[]).await;
    let admin = Inspector::new(&emulator, &admin_keys).await;
    let _enforced = emulator.enforce_iam();

    // By slot, as the Identity pane knows it from the credential report.
    let key = |active| Target::AccessKey {
        account_id: ACCOUNT.into(),
        user: "alice".into(),
        key: "#1".into(),
        created: seeded.key_created,
        active,
    };
    let user = |console, quarantined| Target::User {
        account_id: ACCOUNT.into(),
        name: "alice".into(),
        console,
        quarantined,
    };
    let finding = Target::Finding {
        account_id: ACCOUNT.into(),
        region: REGION.into(),
        detector_id: seeded.detector.clone().into(),
        id: seeded.finding.clone().into(),
        finding_type: "Recon:EC2/PortProbeUnprotectedPort".into(),
        resource_kind: "Instance".into(),
        resource_id: "i-0abc".into(),
        archived: false,
    };
    // The same finding as archiving leaves it.
    let archived_finding = Offer::new(ActionId::ArchiveFinding, finding.clone(), Utc::now())
        .undo(Utc::now())
        .expect("archiving has an undo")
        .target;
    let alarm = |actions_enabled| Target::Alarm {
        account_id: ACCOUNT.into(),
        region: REGION.into(),
        name: "orders-cpu".into(),
        actions_enabled,
    };
    let ebs = |enabled| Target::EbsDefaults {
        account_id: ACCOUNT.into(),
        region: REGION.into(),
        enabled,
    };
    let revoke = Offer::new(ActionId::RevokeIngress, ingress, Utc::now());
    let restore = revoke.undo(Utc::now()).expect("a revoke has an undo");

    // In an order where each target is in the state its action applies to.
    let plan: Vec<(ActionId, Target)> = vec![
        (ActionId::DeactivateKey, key(true)),
        (ActionId::ReactivateKey, key(false)),
        (ActionId::DeactivateKey, key(true)),
        (ActionId::DeleteKey, key(false)),
        (ActionId::QuarantineUser, user(true, false)),
        (ActionId::ReleaseUser, user(true, true)),
        (ActionId::DeleteLoginProfile, user(true, false)),
        (
            ActionId::RevokeRoleSessions,
            Target::Role {
                account_id: ACCOUNT.into(),
                name: "ci-deploy".into(),
            },
        ),
        (ActionId::ArchiveFinding, finding.clone()),
        (ActionId::UnarchiveFinding, archived_finding.clone()),
        (ActionId::FeedbackUseful, finding.clone()),
        (ActionId::FeedbackNotUseful, finding.clone()),
        (ActionId::SuppressFinding, finding.clone()),
        (ActionId::DisableAlarmActions, alarm(true)),
        (ActionId::EnableAlarmActions, alarm(false)),
        (ActionId::RevokeIngress, revoke.target.clone()),
        (ActionId::RestoreIngress, restore.target.clone()),
        (ActionId::DisableEbsDefaultEncryption, ebs(true)),
        (ActionId::EnableEbsDefaultEncryption, ebs(false)),
        (ActionId::BlockPublicAccess, public_access),
        (ActionId::StartTrailLogging, trail),
        (ActionId::RequireImdsV2, require_v2.target.clone()),
        (ActionId::AllowImdsV1, allow_v1.target.clone()),
        (ActionId::BlockBucketPublicAccess, bucket),
        (ActionId::EnableKeyRotation, enable_rotation.target.clone()),
        (
            ActionId::DisableKeyRotation,
            disable_rotation.target.clone(),
        ),
    ];
    for id in CATALOG {
        assert!(
            plan.iter().any(|(action, _)| action == id),
            "{id:?} is not exercised"
        );
    }

    let mut users = 0;
    let mut found_wrong = Vec::new();
    for (action, target) in plan {
        let (_, row, alternative) = DOCUMENTED
            .iter()
            .find(|(a, _, _)| *a == action)
            .unwrap_or_else(|| panic!("{action:?} has no README row here"));
        let needed = documented(row, *alternative);
        let offer = Offer::new(action, target.clone(), Utc::now());
        assert_eq!(offer.available, Ok(()), "{action:?} on {target:?}");
        assert!(
            needed.contains(&offer.spec().permission()),
            "the README row {row:?} names {needed:?}, not the call {}",
            offer.spec().permission()
        );

        // Without any one of them: refused, naming it, and nothing changes.
        for missing in &needed {
            let rest: Vec<String> = needed.iter().filter(|p| *p != missing).cloned().collect();
            users += 1;
            let credentials = principal(&admin, &format!("lacks-{users}"), &rest).await;
            let before = admin.state(&target).await;
            match executor_as(&emulator, &credentials)
                .await
                .perform(&offer)
                .await
            {
                Err(error)
                    if error
                        .to_string()
                        .contains(&format!("access denied (needs {missing})")) =>
                {
                    assert_eq!(
                        admin.state(&target).await,
                        before,
                        "{action:?} changed nothing"
                    );
                }
                Err(error) => found_wrong.push(format!(
                    "{action:?} without {missing} (README row {row:?}) failed otherwise: {error}"
                )),
                Ok(said) => found_wrong.push(format!(
                    "{action:?} ran without {missing} (README row {row:?}): {said}"
                )),
            }
        }

        // With exactly them: it runs, and the state changes.
        users += 1;
        let credentials = principal(&admin, &format!("may-{users}"), &needed).await;
        let before = admin.state(&target).await;
        match executor_as(&emulator, &credentials)
            .await
            .perform(&offer)
            .await
        {
            Ok(said) => {
                let after = admin.state(&target).await;
                assert_ne!(after, before, "{action:?} ({said}) changed nothing");
            }
            Err(error) => found_wrong.push(format!(
                "{action:?} with {needed:?} (README row {row:?}): {error}"
            )),
        }
    }
    assert!(
        found_wrong.is_empty(),
        "the README's remediation table is wrong:\n{}",
        found_wrong.join("\n")
    );
}
