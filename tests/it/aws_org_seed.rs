//! The organisation the tests seed in the emulator (`support::org`): its accounts and OUs,
//! the member role (and AccessDenied where it is missing), and GuardDuty's delegated
//! administrator reading its members' findings across regions.

use crate::support::emulator::{ACCOUNT, Emulator};
use crate::support::org::{GUARDDUTY_PRINCIPAL, OrgSeed};
use aws_sdk_sts::error::ProvideErrorMetadata;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

const REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];

/// The one parent (OU or root) of an account or OU.
async fn parent(organizations: &aws_sdk_organizations::Client, child: &str) -> String {
    let parents = organizations
        .list_parents()
        .child_id(child)
        .send()
        .await
        .unwrap_or_else(|e| panic!("ListParents {child}: {e:?}"));
    assert_eq!(parents.parents().len(), 1, "{parents:?}");
    parents.parents()[0].id().unwrap_or_default().to_string()
}

/// Every finding ID the detector answers for, through `ListFindings`' pages.
async fn list_all(guardduty: &aws_sdk_guardduty::Client, detector: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut token = None;
    loop {
        let page = guardduty
            .list_findings()
            .detector_id(detector)
            .max_results(7)
            .set_next_token(token)
            .send()
            .await
            .unwrap_or_else(|e| panic!("ListFindings: {e:?}"));
        ids.extend(page.finding_ids().iter().cloned());
        token = page.next_token().map(str::to_string);
        if token.is_none() {
            return ids;
        }
    }
}

#[tokio::test]
async fn a_seeded_organisation_has_its_roles_ous_and_a_guardduty_administrator() {
    let emulator = Emulator::lock().await;
    let seed = OrgSeed {
        accounts: 5,
        without_role: vec![3],
        guardduty_admin: Some(4),
        regions: REGIONS.iter().map(|r| r.to_string()).collect(),
        findings_per_member_region: 2,
        member_role_policy: Some(json!({
            "Version": "2012-10-17",
            "Statement": [{ "Effect": "Allow", "Action": "guardduty:ListMembers", "Resource": "*" }],
        })),
        member_role_managed: vec!["SecurityAudit".to_string()],
        ..OrgSeed::default()
    };
    let org = emulator.seed_organization(&seed).await;

    // The accounts, as Organizations lists them, the management account first.
    let names: Vec<&str> = org.accounts.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["prod", "staging", "dev", "sandbox", "security"]);
    let organizations = aws_sdk_organizations::Client::new(&emulator.sdk("us-east-1").await);
    let listed = organizations.list_accounts().send().await.unwrap();
    let listed: Vec<(String, String, String)> = listed
        .accounts()
        .iter()
        .map(|a| {
            (
                a.id().unwrap_or_default().to_string(),
                a.email().unwrap_or_default().to_string(),
                a.state()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(listed.len(), 6, "{listed:?}");
    assert_eq!(listed[0].0, org.management);
    assert_eq!(org.management, ACCOUNT);
    for account in &org.accounts {
        assert!(
            listed.contains(&(account.id.clone(), account.email.clone(), "ACTIVE".into())),
            "{} not in {listed:?}",
            account.name
        );
    }
    let described = organizations.describe_organization().send().await.unwrap();
    assert_eq!(
        described.organization().and_then(|o| o.id()),
        Some(org.id.as_str())
    );

    // The OUs: each account in its own, nested ones under their parents.
    for account in &org.accounts {
        assert_eq!(parent(&organizations, &account.id).await, account.ou_id);
        assert_eq!(org.ous[&account.ou_path], account.ou_id);
    }
    assert_eq!(org.account("prod").ou_path, "Workloads/Prod");
    assert_eq!(
        parent(&organizations, &org.ous["Workloads/Prod"]).await,
        org.ous["Workloads"]
    );
    assert_eq!(
        parent(&organizations, &org.ous["Workloads"]).await,
        org.root_id
    );

    // The member role: refused where it was left out, as AWS refuses it; assumed elsewhere.
    let sandbox = org.account("sandbox");
    assert!(!sandbox.has_role);
    let sts = aws_sdk_sts::Client::new(&emulator.sdk("us-east-1").await);
    let refused = sts
        .assume_role()
        .role_arn(org.role_arn(&sandbox.id))
        .role_session_name("watchpost-test")
        .source_identity("test")
        .send()
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Some("AccessDenied"), "{refused:?}");
    let message = refused.message().unwrap_or_default();
    assert!(
        message.contains("is not authorized to perform: sts:AssumeRole on resource: ")
            && message.ends_with(&org.role_arn(&sandbox.id)),
        "{message}"
    );
    let prod = org.account("prod");
    assert!(prod.has_role && !prod.suspended);
    let as_prod =
        aws_sdk_sts::Client::new(&emulator.sdk_as("us-east-1", &org.role_arn(&prod.id)).await);
    let caller = as_prod.get_caller_identity().send().await.unwrap();
    assert_eq!(caller.account(), Some(prod.id.as_str()));
    assert!(
        caller
            .arn()
            .unwrap_or_default()
            .contains(":assumed-role/WatchpostAudit/"),
        "{caller:?}"
    );
    let iam =
        aws_sdk_iam::Client::new(&emulator.sdk_as("us-east-1", &org.role_arn(&prod.id)).await);
    let attached = iam
        .list_attached_role_policies()
        .role_name("WatchpostAudit")
        .send()
        .await
        .unwrap();
    let attached: Vec<&str> = attached
        .attached_policies()
        .iter()
        .filter_map(|p| p.policy_name())
        .collect();
    assert_eq!(attached, ["SecurityAudit"]);
    let inline = iam
        .list_role_policies()
        .role_name("WatchpostAudit")
        .send()
        .await
        .unwrap();
    assert_eq!(inline.policy_names(), ["watchpost"]);

    // GuardDuty: the delegated administrator, through the member role in its account, reads
    // every member's findings in each region, each with its own account ID.
    let admin = org.guardduty_admin.clone().unwrap();
    assert_eq!(admin, org.account("security").id);
    let delegated = organizations
        .list_delegated_administrators()
        .service_principal(GUARDDUTY_PRINCIPAL)
        .send()
        .await
        .unwrap();
    let delegated: Vec<&str> = delegated
        .delegated_administrators()
        .iter()
        .filter_map(|a| a.id())
        .collect();
    assert_eq!(delegated, [admin.as_str()]);
    let everyone: BTreeSet<&str> = org.active().map(|a| a.id.as_str()).collect();
    for region in REGIONS {
        let guardduty =
            aws_sdk_guardduty::Client::new(&emulator.sdk_as(region, &org.role_arn(&admin)).await);
        let detector = guardduty
            .list_detectors()
            .send()
            .await
            .unwrap()
            .detector_ids()
            .to_vec();
        assert_eq!(
            detector,
            [org.account("security").detectors[region].clone()]
        );
        let detector = &detector[0];

        let members = guardduty
            .list_members()
            .detector_id(detector)
            .send()
            .await
            .unwrap();
        let members: BTreeMap<&str, &str> = members
            .members()
            .iter()
            .map(|m| {
                (
                    m.account_id().unwrap_or_default(),
                    m.relationship_status().unwrap_or_default(),
                )
            })
            .collect();
        let others: BTreeSet<&str> = everyone.iter().copied().filter(|a| *a != admin).collect();
        assert_eq!(members.keys().copied().collect::<BTreeSet<_>>(), others);
        assert!(members.values().all(|s| *s == "Enabled"), "{members:?}");

        let ids = list_all(&guardduty, detector).await;
        let seeded: BTreeSet<String> = org
            .active()
            .flat_map(|a| a.findings[region].iter().cloned())
            .collect();
        assert_eq!(ids.iter().cloned().collect::<BTreeSet<_>>(), seeded);
        assert_eq!(ids.len(), 5 * 2);
        let mut per_account: BTreeMap<String, usize> = BTreeMap::new();
        for chunk in ids.chunks(50) {
            let found = guardduty
                .get_findings()
                .detector_id(detector)
                .set_finding_ids(Some(chunk.to_vec()))
                .send()
                .await
                .unwrap();
            for finding in found.findings() {
                assert_eq!(finding.region(), Some(region));
                *per_account
                    .entry(finding.account_id().unwrap_or_default().to_string())
                    .or_default() += 1;
            }
        }
        assert_eq!(
            per_account
                .keys()
                .map(String::as_str)
                .collect::<BTreeSet<_>>(),
            everyone
        );
        assert!(per_account.values().all(|n| *n == 2), "{per_account:?}");

        // The accountId criterion picks one member's findings.
        let only_prod = guardduty
            .list_findings()
            .detector_id(detector)
            .finding_criteria(
                aws_sdk_guardduty::types::FindingCriteria::builder()
                    .criterion(
                        "accountId",
                        aws_sdk_guardduty::types::Condition::builder()
                            .equals(&prod.id)
                            .build(),
                    )
                    .build(),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(
            only_prod.finding_ids().iter().collect::<BTreeSet<_>>(),
            prod.findings[region].iter().collect::<BTreeSet<_>>()
        );
    }
}

#[tokio::test]
async fn a_suspended_member_gets_no_role_and_no_guardduty() {
    let emulator = Emulator::lock().await;
    let seed = OrgSeed {
        accounts: 3,
        suspended: vec![2],
        findings_per_member_region: 1,
        ..OrgSeed::default()
    };
    let org = emulator.seed_organization(&seed).await;
    let dev = org.account("dev");
    assert!(dev.suspended && !dev.has_role);
    assert!(dev.detectors.is_empty() && dev.findings.is_empty());
    let organizations = aws_sdk_organizations::Client::new(&emulator.sdk("us-east-1").await);
    let described = organizations
        .describe_account()
        .account_id(&dev.id)
        .send()
        .await
        .unwrap();
    assert_eq!(
        described
            .account()
            .and_then(|a| a.state())
            .map(|s| s.as_str()),
        Some("SUSPENDED")
    );
    assert_eq!(org.active().count(), 2);
    let sts = aws_sdk_sts::Client::new(&emulator.sdk("us-east-1").await);
    let refused = sts
        .assume_role()
        .role_arn(org.role_arn(&dev.id))
        .role_session_name("watchpost-test")
        .send()
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Some("AccessDenied"), "{refused:?}");
    // Without an administrator, each active member's findings are in its own detector.
    let staging = org.account("staging");
    let guardduty = aws_sdk_guardduty::Client::new(
        &emulator
            .sdk_as("us-east-1", &org.role_arn(&staging.id))
            .await,
    );
    let ids = list_all(&guardduty, &staging.detectors["us-east-1"]).await;
    assert_eq!(ids, staging.findings["us-east-1"]);
}
