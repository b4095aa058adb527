//! An organisation against the emulator (issue 17's acceptance): five member accounts, one
//! without the member role, GuardDuty's delegated administrator with member findings in two
//! regions. The session reaches four members and says why not the fifth; every member's
//! findings come through the administrator's detector (one source per region); archiving a
//! member's finding goes through the administrator, as the recorder shows; an account's
//! read-only rule stops its actions and no other's; the report lists every account and exits
//! 4 naming the unreachable one; the dry run makes discovery calls only; credentials that
//! cannot read Organizations exit 3 with one line.

use crate::support::emulator::{
    ACCOUNT, Emulator, mutating_requests, put_alarm, recorded_operation, test_credentials,
    user_with_policy,
};
use crate::support::org::{Org, OrgSeed};
use std::collections::BTreeSet;
use watchpost::aws::org::OrgRequest;
use watchpost::domain::SourceKind;
use watchpost::remediation::{ActionError, ActionId, Offer, Target};
use watchpost::report::{Progress, assemble, collect};
use watchpost::sources::Session;

const REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];
const ROLE: &str = "WatchpostAudit";
/// `support::org`'s layout: prod, staging, dev, sandbox, security.
const WITHOUT_ROLE: usize = 3;
const ADMIN: usize = 4;

/// `watchpost report --org` in us-east-1 as `credentials`, with no other configuration.
fn org_report_as(
    emulator: &Emulator,
    credentials: &aws_credential_types::Credentials,
) -> std::process::Output {
    let home = tempfile::tempdir().unwrap();
    crate::support::watchpost_with_keys(home.path())
        .env("AWS_ACCESS_KEY_ID", credentials.access_key_id())
        .env("AWS_SECRET_ACCESS_KEY", credentials.secret_access_key())
        .args([
            "report",
            "--org",
            "--member-role",
            ROLE,
            "--region",
            "us-east-1",
        ])
        .args(["--endpoint-url", &emulator.url])
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap()
}

async fn seed(emulator: &Emulator) -> Org {
    emulator
        .seed_organization(&OrgSeed {
            accounts: 5,
            without_role: vec![WITHOUT_ROLE],
            guardduty_admin: Some(ADMIN),
            regions: REGIONS.iter().map(|r| r.to_string()).collect(),
            findings_per_member_region: 2,
            member_role: ROLE.to_string(),
            ..OrgSeed::default()
        })
        .await
}

/// The console's session of the organisation, as `--org --member-role WatchpostAudit`
/// opens it; `read_only` names the accounts a rule makes read-only.
async fn open(emulator: &Emulator, read_only: &[String]) -> Session {
    let options = emulator.options(&REGIONS);
    let loader = watchpost::aws::config_loader(&options)
        .await
        .credentials_provider(test_credentials());
    let signed_in = watchpost::aws::sign_in(&options, loader, &mut |serial| {
        panic!("unexpected MFA prompt for {serial}")
    })
    .await
    .unwrap();
    let request = OrgRequest {
        discover: true,
        member_role: ROLE.to_string(),
        ..OrgRequest::default()
    };
    let rule = |account: &str| {
        read_only
            .iter()
            .any(|a| a == account)
            .then(|| format!("[[accounts]] match = {account:?}"))
    };
    watchpost::aws::org::open(&options, &signed_in, &request, &rule)
        .await
        .unwrap_or_else(|e| panic!("open: {e}"))
}

#[tokio::test]
async fn the_session_reaches_every_member_but_one_and_reads_findings_through_the_administrator() {
    let emulator = Emulator::lock().await;
    let org = seed(&emulator).await;
    let admin = &org.accounts[ADMIN];
    let roleless = &org.accounts[WITHOUT_ROLE];
    emulator.start_recording();
    let mut session = open(&emulator, &[]).await;

    let known = session.org.clone().unwrap();
    assert_eq!(
        known.accounts.len(),
        6,
        "the management account and five members"
    );
    assert_eq!(known.guardduty_admin.as_deref(), Some(admin.id.as_str()));
    let unreachable: Vec<_> = known.unreachable().collect();
    assert_eq!(unreachable.len(), 1, "{:?}", known.accounts);
    assert_eq!(unreachable[0].id, *roleless.id);
    let why = unreachable[0].reach.reason().unwrap_or_default();
    assert!(
        why.contains("role/WatchpostAudit") && why.contains("AccessDenied"),
        "{why}"
    );
    assert_eq!(known.reachable().count(), 5);
    let prod = known.account(&org.accounts[0].id).unwrap();
    assert_eq!(
        (prod.name.as_str(), prod.ou_path.as_str()),
        ("prod", "Workloads/Prod")
    );

    // Findings: one source per region, the administrator's, plus the management account's
    // own (not a member); none per member.
    let findings: BTreeSet<(String, String)> = session
        .sources
        .iter()
        .map(|s| s.id())
        .filter(|id| id.kind == SourceKind::Findings)
        .map(|id| (id.account_id.clone(), id.region.clone().unwrap_or_default()))
        .collect();
    let expected: BTreeSet<(String, String)> = REGIONS
        .iter()
        .flat_map(|r| {
            [
                (admin.id.clone(), r.to_string()),
                (ACCOUNT.to_string(), r.to_string()),
            ]
        })
        .collect();
    assert_eq!(findings, expected);
    // No source at all for the account without the role.
    assert!(
        session
            .sources
            .iter()
            .all(|s| s.id().account_id != roleless.id)
    );

    let results = collect(
        &mut session.sources,
        8,
        std::time::Duration::from_secs(60),
        &mut |_: Progress<'_>| {},
    )
    .await;
    let collected = assemble(
        results,
        &watchpost::posture::Thresholds::default(),
        watchpost::domain::Severity::High,
        chrono::Utc::now(),
    );
    assert!(collected.errors.is_empty(), "{:?}", collected.errors);
    let by_account: BTreeSet<(String, String)> = collected
        .data
        .findings
        .iter()
        .map(|f| (f.account_id.to_string(), f.region.to_string()))
        .collect();
    for member in org.accounts.iter().filter(|a| a.id != admin.id) {
        for region in REGIONS {
            assert!(
                by_account.contains(&(member.id.clone(), region.to_string())),
                "{} {region}: {by_account:?}",
                member.name
            );
        }
    }

    // GuardDuty counts as on for a member whose detector the administrator manages.
    let member_enabled: Vec<_> = collected
        .data
        .checks
        .iter()
        .filter(|c| c.check_id() == "guardduty.enabled" && *c.account_id == org.accounts[0].id)
        .collect();
    assert_eq!(member_enabled.len(), REGIONS.len(), "{member_enabled:?}");
    for result in member_enabled {
        assert_eq!(
            result.status,
            watchpost::domain::CheckStatus::Pass,
            "{result:?}"
        );
        assert!(
            result.evidence().contains(admin.id.as_str()),
            "{}",
            result.evidence()
        );
    }

    // One AssumeRole per member for the session and every poll of its sources (the
    // role-less member's refused one included); the caller's own account needs none.
    let assumed = emulator
        .recording()
        .iter()
        .filter(|r| recorded_operation(r) == "AssumeRole")
        .count();
    assert_eq!(
        assumed,
        org.accounts.len(),
        "one AssumeRole per member account"
    );

    // Archiving a member's finding goes through the administrator's detector.
    let member = &org.accounts[1];
    let finding = collected
        .data
        .findings
        .iter()
        .find(|f| *f.account_id == member.id && *f.region == "eu-west-1")
        .unwrap();
    let target = Target::Finding {
        account_id: member.id.as_str().into(),
        region: "eu-west-1".into(),
        detector_id: finding.detector_id.as_str().into(),
        id: (*finding.id).into(),
        finding_type: finding.finding_type.to_string(),
        resource_kind: String::new(),
        resource_id: String::new(),
        archived: false,
    };
    let offer = Offer::new(ActionId::ArchiveFinding, target, chrono::Utc::now());
    emulator.start_recording();
    let executor = session.executor.clone().unwrap();
    executor
        .perform(&offer)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let recording = emulator.recording();
    let archive: Vec<&serde_json::Value> = recording
        .iter()
        .filter(|r| recorded_operation(r) == "ArchiveFindings")
        .collect();
    assert_eq!(archive.len(), 1, "{recording:?}");
    let admin_detector = &admin.detectors["eu-west-1"];
    let url = archive[0]["url"].as_str().unwrap_or_default();
    assert!(
        url.contains(admin_detector.as_str()),
        "{url} is not the administrator's detector"
    );
    // The member's own detector now lists it as archived.
    let member_guardduty = aws_sdk_guardduty::Client::new(
        &emulator
            .sdk_as("eu-west-1", &org.role_arn(&member.id))
            .await,
    );
    let archived = member_guardduty
        .get_findings()
        .detector_id(&member.detectors["eu-west-1"])
        .finding_ids(&*finding.id)
        .send()
        .await
        .unwrap();
    assert_eq!(
        archived.findings()[0].service().and_then(|s| s.archived()),
        Some(true)
    );
}

#[tokio::test]
async fn a_read_only_account_refuses_its_actions_and_another_account_acts() {
    let emulator = Emulator::lock().await;
    let org = seed(&emulator).await;
    let prod = &org.accounts[0];
    let staging = &org.accounts[1];
    let session = open(&emulator, std::slice::from_ref(&prod.id)).await;
    let known = session.org.clone().unwrap();
    assert!(known.account(&prod.id).unwrap().read_only.is_some());
    assert!(known.account(&staging.id).unwrap().read_only.is_none());
    let executor = session.executor.clone().unwrap();
    for account in [prod, staging] {
        let cloudwatch = aws_sdk_cloudwatch::Client::new(
            &emulator
                .sdk_as("us-east-1", &org.role_arn(&account.id))
                .await,
        );
        put_alarm(&cloudwatch, "paging").await;
    }
    let alarm = |account: &str| {
        Offer::new(
            ActionId::DisableAlarmActions,
            Target::Alarm {
                account_id: account.into(),
                region: "us-east-1".into(),
                name: "paging".into(),
                actions_enabled: true,
            },
            chrono::Utc::now(),
        )
    };
    emulator.start_recording();
    let refused = executor.perform(&alarm(&prod.id)).await;
    assert!(
        matches!(&refused, Err(ActionError::NoAccount { why, .. }) if why.contains("read-only")),
        "{refused:?}"
    );
    assert!(mutating_requests(&emulator.recording()).is_empty());
    // The other account's action is sent (to its own account).
    emulator.start_recording();
    executor
        .perform(&alarm(&staging.id))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let sent = mutating_requests(&emulator.recording());
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(sent[0].starts_with("DisableAlarmActions"), "{sent:?}");
}

#[tokio::test]
async fn the_report_covers_every_account_and_exits_4_naming_the_unreachable_one() {
    let emulator = Emulator::lock().await;
    let org = seed(&emulator).await;
    let roleless = &org.accounts[WITHOUT_ROLE];
    let report = emulator.report(
        &test_credentials(),
        &["--region", "eu-west-1", "--org", "--member-role", ROLE],
    );
    assert_eq!(report.code, 4, "{}", report.stderr);
    assert!(
        report.stderr.contains(&format!(
            "account {} ({}) unreachable",
            roleless.name, roleless.id
        )),
        "{}",
        report.stderr
    );
    let accounts = report.json["organization"]["accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), 6);
    let reach: Vec<&str> = accounts
        .iter()
        .map(|a| a["reach"].as_str().unwrap())
        .collect();
    assert_eq!(reach.iter().filter(|r| **r == "unreachable").count(), 1);
    // Every member's findings, named by account.
    let named: BTreeSet<&str> = report.json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["account_name"].as_str())
        .collect();
    for member in org
        .accounts
        .iter()
        .filter(|a| a.id != org.accounts[ADMIN].id)
    {
        assert!(named.contains(member.name.as_str()), "{named:?}");
    }
    // IAM results of each reachable account.
    let iam: BTreeSet<&str> = report.json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["service"] == "IAM")
        .filter_map(|c| c["account_id"].as_str())
        .collect();
    assert!(iam.len() >= 5, "{iam:?}");
}

#[tokio::test]
async fn the_dry_run_makes_discovery_calls_only_and_prices_a_refresh() {
    let emulator = Emulator::lock().await;
    seed(&emulator).await;
    emulator.start_recording();
    let home = tempfile::tempdir().unwrap();
    let output = crate::support::watchpost_with_keys(home.path())
        .args(["report", "--org", "--member-role", ROLE, "--dry-run"])
        .args([
            "--region",
            "us-east-1,eu-west-1",
            "--endpoint-url",
            &emulator.url,
        ])
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("accounts: 6 to read"), "{stdout}");
    assert!(
        stdout.contains("4 member accounts read through the delegated administrator"),
        "{stdout}"
    );
    assert!(stdout.contains("fixed calls per refresh:"), "{stdout}");
    let operations: BTreeSet<String> = emulator
        .recording()
        .iter()
        .map(recorded_operation)
        .collect();
    let discovery: BTreeSet<String> = [
        "GetCallerIdentity",
        "DescribeOrganization",
        "ListAccounts",
        "ListRoots",
        "ListOrganizationalUnitsForParent",
        "ListAccountsForParent",
        "ListDelegatedAdministrators",
        "AssumeRole",
        "ListDetectors",
        "ListMembers",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert!(operations.is_subset(&discovery), "{operations:?}");
    assert!(operations.contains("ListAccounts") && operations.contains("ListMembers"));
}

#[tokio::test]
async fn credentials_that_cannot_read_the_organisation_exit_3_with_one_line() {
    let emulator = Emulator::lock().await;
    seed(&emulator).await;
    let iam = aws_sdk_iam::Client::new(&emulator.sdk("us-east-1").await);
    let policy = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{ "Effect": "Allow", "Action": ["sts:GetCallerIdentity"], "Resource": "*" }],
    });
    let credentials = user_with_policy(&iam, "no-org", Some(&policy), &[]).await;
    let _enforced = emulator.enforce_iam();
    let output = org_report_as(&emulator, &credentials);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("organizations:"), "{stderr}");
    assert!(output.stdout.is_empty());
}

/// The README's read policy (every statement) for the caller and as each member role's
/// policy, under IAM enforcement: `report --org` is complete. Without
/// `organizations:ListAccounts` it stops at exit 3, naming that permission.
#[tokio::test]
async fn the_readme_read_policy_reads_an_organisation_under_iam_enforcement() {
    let emulator = Emulator::lock().await;
    let policy = crate::aws_least_privilege::read_policy();
    let org = emulator
        .seed_organization(&OrgSeed {
            accounts: 3,
            guardduty_admin: Some(2),
            regions: vec!["us-east-1".to_string()],
            findings_per_member_region: 1,
            member_role: ROLE.to_string(),
            member_role_policy: Some(policy.clone()),
            ..OrgSeed::default()
        })
        .await;
    let iam = aws_sdk_iam::Client::new(&emulator.sdk("us-east-1").await);
    let reader = user_with_policy(&iam, "org-reader", Some(&policy), &[]).await;
    let mut without_list = policy.clone();
    for statement in without_list["Statement"].as_array_mut().unwrap() {
        if let Some(actions) = statement["Action"].as_array_mut() {
            actions.retain(|a| a != "organizations:ListAccounts");
        }
    }
    let lister = user_with_policy(&iam, "no-list", Some(&without_list), &[]).await;
    let _enforced = emulator.enforce_iam();

    let report = emulator.report(&reader, &["--org", "--member-role", ROLE]);
    assert_eq!(report.code, 0, "{}", report.stderr);
    assert_eq!(report.json["complete"], true, "{}", report.json["errors"]);
    let accounts = report.json["organization"]["accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), org.accounts.len() + 1);
    assert!(
        accounts.iter().all(|a| a["reach"] == "reachable"),
        "{accounts:?}"
    );
    let findings = report.json["findings"].as_array().unwrap();
    assert_eq!(
        findings.len(),
        org.accounts.len(),
        "one finding of every member, the administrator's own included, through its detector"
    );

    let output = org_report_as(&emulator, &lister);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("organizations:ListAccounts"), "{stderr}");
}

/// `--org-ou` keeps an OU and its children; `[org] skip` and `member_role` in config.toml
/// leave an account out (listed as skipped, never unreachable) and name the role.
#[tokio::test]
async fn org_ou_narrows_and_config_skips_and_names_the_role() {
    let emulator = Emulator::lock().await;
    let org = seed(&emulator).await;
    let workloads = org.ous["Workloads"].clone();
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join("config/watchpost")).unwrap();
    std::fs::write(
        home.path().join("config/watchpost/config.toml"),
        format!("[org]\nmember_role = \"{ROLE}\"\nskip = [\"dev\"]\n"),
    )
    .unwrap();
    let output = crate::support::watchpost_with_keys(home.path())
        .args([
            "report", "--format", "json", "--org", "--org-ou", &workloads,
        ])
        .args(["--region", "us-east-1", "--endpoint-url", &emulator.url])
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let accounts: Vec<(String, String, String)> = report["organization"]["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["name"].as_str().unwrap().to_string(),
                a["ou_path"].as_str().unwrap().to_string(),
                a["reach"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected: Vec<(String, String, String)> = [
        ("prod", "Workloads/Prod", "reachable"),
        ("staging", "Workloads/NonProd", "reachable"),
        ("dev", "Workloads/NonProd", "skipped"),
    ]
    .iter()
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    .collect();
    let mut sorted = accounts.clone();
    sorted.sort();
    let mut expected_sorted = expected;
    expected_sorted.sort();
    assert_eq!(sorted, expected_sorted);
}

/// A multi-account session without a member role is a usage error naming the option.
#[test]
fn org_without_a_member_role_is_a_usage_error() {
    let home = tempfile::tempdir().unwrap();
    let output = crate::support::watchpost_with_keys(home.path())
        .args(["report", "--org", "--region", "us-east-1"])
        .args(["--endpoint-url", &crate::support::dead_endpoint()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--member-role"), "{stderr}");
}
