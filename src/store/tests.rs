//! The store with several accounts: each account's IAM inventory, checks and actions stay
//! its own, though two accounts have a user of the same name.

use super::Data;
use super::data::RowsChange;
use crate::domain::{
    AccessKey, AccessKeyStatus, DetectorStatus, Finding, IamUser, IdentityInventory, KeyRef,
    PasswordCredential, RootAccount, Severity, SourceId, SourceKind,
};
use crate::remediation::{ActionId, Offer, Target};
use crate::sources::SourceData;
use chrono::{DateTime, TimeDelta, Utc};
use std::sync::Arc;

pub(super) fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default()
}

/// An account's inventory with these users: no console, one active key a year old.
pub(super) fn inventory(account: &str, users: &[&str]) -> IdentityInventory {
    let at = now() - TimeDelta::hours(1);
    IdentityInventory {
        account_id: account.to_string().into(),
        report_generated: at,
        root: RootAccount {
            arn: format!("arn:aws:iam::{account}:root"),
            mfa_active: true,
            mfa_hardware: Some(true),
            password_last_used: None,
            access_keys: Vec::new(),
        },
        users: Arc::new(
            users
                .iter()
                .map(|name| {
                    let arn = format!("arn:aws:iam::{account}:user/{name}");
                    let mut user = IamUser::new(name, &arn, at - TimeDelta::days(400));
                    user.access_keys = vec![AccessKey {
                        id: "#1".into(),
                        status: AccessKeyStatus::Active,
                        created: at - TimeDelta::days(365),
                        last_used: Some(at),
                        last_used_service: None,
                        last_used_region: None,
                    }];
                    user
                })
                .collect(),
        ),
        password_policy: None,
        roles: Vec::new(),
        admin_managed_policies: Vec::new(),
        authorization_error: None,
    }
}

fn identity_of(account: &str) -> SourceId {
    SourceId {
        kind: SourceKind::Identity,
        account_id: account.into(),
        region: None,
    }
}

const A: &str = "111111111111";
const B: &str = "222222222222";

fn two_accounts() -> Data {
    let mut data = Data::default();
    let mut a = inventory(A, &["alice"]);
    // Account A's alice signs in to the console without MFA; B's does not sign in at all.
    if let Some(alice) = a.user_mut("alice") {
        alice.password = Some(PasswordCredential {
            enabled: true,
            last_used: Some(now()),
            last_changed: None,
        });
    }
    data.apply(&identity_of(A), SourceData::Identity(Box::new(a)));
    data.apply(
        &identity_of(B),
        SourceData::Identity(Box::new(inventory(B, &["alice", "bob"]))),
    );
    data.derive(
        &crate::posture::Thresholds::default(),
        Severity::High,
        now(),
    );
    data
}

fn key_active(data: &Data, account: &str, user: &str) -> Option<bool> {
    let inventory = data.identities.get(account)?;
    let user = inventory.users.iter().find(|u| u.name() == user)?;
    user.access_keys.first().map(AccessKey::is_active)
}

fn deactivate(account: &str, user: &str) -> Offer {
    let target = Target::AccessKey {
        account_id: account.into(),
        user: user.into(),
        key: KeyRef::of_listed("#1"),
        created: now() - TimeDelta::days(365),
        active: true,
    };
    Offer::new(ActionId::DeactivateKey, target, now())
}

#[test]
fn each_account_keeps_its_inventory_and_its_users_checks() {
    let data = two_accounts();
    assert_eq!(data.identities.accounts(), 2);
    assert_eq!(data.identities.rows(), 5);
    let console_mfa = |account: &str| {
        data.checks.iter().find(|c| {
            c.check_id() == "iam.console-mfa"
                && *c.account_id == *account
                && c.subject() == Some("alice")
        })
    };
    assert!(console_mfa(A).is_some_and(|c| c.failed()), "A's alice");
    assert!(
        console_mfa(B).is_none_or(|c| !c.failed()),
        "B's alice has no console password"
    );
    assert!(data.failures_of(A, "alice") > data.failures_of(B, "alice"));
    assert_eq!(
        data.failures_of(B, "alice"),
        data.failures_of(B, "bob"),
        "B's two users are alike"
    );
    assert_eq!(data.failures_of("333333333333", "alice"), 0);
    // Every IAM result names the account of the inventory it came from.
    for check in data
        .checks
        .iter()
        .filter(|c| c.source() == SourceKind::Identity)
    {
        let inventory = data.identities.get(&check.account_id);
        assert!(inventory.is_some(), "{check:?}");
    }
}

#[test]
fn an_action_changes_its_own_accounts_user_only() {
    let mut data = two_accounts();
    data.action_done(&deactivate(B, "alice"), now());
    assert_eq!(key_active(&data, B, "alice"), Some(false));
    assert_eq!(key_active(&data, A, "alice"), Some(true));
    assert_eq!(key_active(&data, B, "bob"), Some(true));

    // Older reports arriving again get the action laid over in its own account only.
    for account in [A, B] {
        data.apply(
            &identity_of(account),
            SourceData::Identity(Box::new(inventory(account, &["alice", "bob"]))),
        );
    }
    assert_eq!(key_active(&data, B, "alice"), Some(false));
    assert_eq!(key_active(&data, A, "alice"), Some(true));
    assert_eq!(data.identities.rows(), 6);
}

fn findings_of(account: &str, region: &str) -> SourceId {
    SourceId {
        kind: SourceKind::Findings,
        account_id: account.into(),
        region: Some(region.into()),
    }
}

fn finding(id: &str, account: &str, region: &str, detector: &str) -> Finding {
    let mut finding = crate::domain::sample_finding(id, region);
    finding.account_id = Arc::new(account.into());
    finding.detector_id = Arc::new(detector.into());
    finding
}

fn detector(account: &str, region: &str, id: &str) -> DetectorStatus {
    DetectorStatus {
        account_id: account.into(),
        region: region.into(),
        detector_id: Some(id.into()),
        enabled: true,
        administrator: None,
    }
}

fn ids(data: &Data) -> Vec<&str> {
    let mut ids: Vec<&str> = data.findings.iter().map(|f| &*f.id).collect();
    ids.sort_unstable();
    ids
}

const ADMIN: &str = "999999999999";
const EAST: &str = "us-east-1";

/// A delegated administrator's detector lists its members' findings: a complete listing
/// without a member's finding (archived by someone else) drops it, and leaves the findings
/// of other detectors and regions alone.
#[test]
fn a_complete_listing_drops_what_its_detector_no_longer_lists_of_any_account() {
    let mut data = Data::default();
    let admin = || detector(ADMIN, EAST, "admin-east");
    let batch = |ids: &[(&str, &str)]| SourceData::Findings {
        detector: admin(),
        upserts: ids
            .iter()
            .map(|(id, account)| finding(id, account, EAST, "admin-east"))
            .collect(),
        complete: true,
        members: Vec::new(),
    };
    data.apply(
        &findings_of(ADMIN, EAST),
        batch(&[("own", ADMIN), ("a-1", A), ("b-1", B)]),
    );
    data.apply(
        &findings_of(ADMIN, "us-west-2"),
        SourceData::Findings {
            detector: detector(ADMIN, "us-west-2", "admin-west"),
            upserts: vec![finding("a-west", A, "us-west-2", "admin-west")],
            complete: true,
            members: Vec::new(),
        },
    );
    let plain = "333333333333";
    data.apply(
        &findings_of(plain, EAST),
        SourceData::Findings {
            detector: detector(plain, EAST, "plain-east"),
            upserts: vec![finding("plain", plain, EAST, "plain-east")],
            complete: true,
            members: Vec::new(),
        },
    );
    assert_eq!(ids(&data), ["a-1", "a-west", "b-1", "own", "plain"]);

    data.apply(
        &findings_of(ADMIN, EAST),
        batch(&[("own", ADMIN), ("b-1", B)]),
    );
    assert_eq!(ids(&data), ["a-west", "b-1", "own", "plain"]);
    assert!(data.finding("a-1").is_none());
    data.apply(&findings_of(ADMIN, EAST), batch(&[]));
    assert_eq!(ids(&data), ["a-west", "plain"]);
}

/// The delegated administrator's source names its members: each gets the status of the
/// administrator's detector, which posture counts as GuardDuty enabled for the member.
#[test]
fn members_of_the_administrator_are_recorded_as_managed_and_pass() {
    let mut data = Data::default();
    // Before the organisation was set up, A had a suspended detector of its own.
    let mut own = detector(A, EAST, "a-own");
    own.enabled = false;
    data.apply(
        &findings_of(A, EAST),
        SourceData::Findings {
            detector: own,
            upserts: Vec::new(),
            complete: true,
            members: Vec::new(),
        },
    );
    let batch = |members: &[&str], upserts: Vec<Finding>| SourceData::Findings {
        detector: detector(ADMIN, EAST, "admin-east"),
        upserts,
        complete: true,
        members: members.iter().map(|m| m.to_string()).collect(),
    };
    // Members' findings may carry their own detector's ID.
    data.apply(
        &findings_of(ADMIN, EAST),
        batch(
            &[A, B],
            vec![
                finding("a-1", A, EAST, "a-own"),
                finding("b-1", B, EAST, "b-own"),
            ],
        ),
    );
    let status = |data: &Data, account: &str| {
        data.detectors
            .iter()
            .filter(|d| d.account_id == account && d.region == EAST)
            .map(|d| (d.enabled, d.administrator.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(status(&data, A), [(true, Some(ADMIN.to_string()))]);
    assert_eq!(status(&data, B), [(true, Some(ADMIN.to_string()))]);
    assert_eq!(status(&data, ADMIN), [(true, None)]);

    data.derive(
        &crate::posture::Thresholds::default(),
        Severity::High,
        now(),
    );
    let enabled = |account: &str| {
        data.checks
            .iter()
            .find(|c| c.check_id() == "guardduty.enabled" && *c.account_id == *account)
            .map(|c| (c.failed(), c.evidence().to_string()))
    };
    assert_eq!(
        enabled(A),
        Some((
            false,
            format!("managed by the delegated administrator {ADMIN}")
        ))
    );
    assert_eq!(enabled(ADMIN).map(|(failed, _)| failed), Some(false));

    // B leaves the organisation and A's finding is archived: the next full listing says so.
    data.apply(
        &findings_of(ADMIN, EAST),
        batch(&[A], vec![finding("b-1", B, EAST, "b-own")]),
    );
    assert_eq!(status(&data, B), []);
    assert_eq!(status(&data, A), [(true, Some(ADMIN.to_string()))]);
    assert_eq!(ids(&data), ["b-1"]);
}

/// With an interval, a burst of arriving data is evaluated once it has passed: the second
/// account's results wait, then come with the next derive after the interval.
#[test]
fn posture_put_off_by_the_interval_is_evaluated_once_it_passes() {
    let thresholds = crate::posture::Thresholds::default();
    let mut data = Data::default();
    data.posture_interval = chrono::TimeDelta::seconds(1);
    data.apply(
        &identity_of(A),
        SourceData::Identity(Box::new(inventory(A, &["alice"]))),
    );
    assert_eq!(
        data.derive(&thresholds, Severity::High, now()).checks,
        RowsChange::All
    );
    let accounts = |data: &Data| {
        let mut seen: Vec<String> = data
            .checks
            .iter()
            .map(|c| c.account_id.to_string())
            .collect();
        seen.dedup();
        seen
    };
    assert_eq!(accounts(&data), [A]);
    data.apply(
        &identity_of(B),
        SourceData::Identity(Box::new(inventory(B, &["bob"]))),
    );
    let soon = now() + chrono::TimeDelta::milliseconds(200);
    assert_eq!(
        data.derive(&thresholds, Severity::High, soon).checks,
        RowsChange::None,
        "put off"
    );
    assert_eq!(accounts(&data), [A]);
    let later = now() + chrono::TimeDelta::milliseconds(1200);
    assert_eq!(
        data.derive(&thresholds, Severity::High, later).checks,
        RowsChange::All,
        "evaluated: a new account's results are laid out"
    );
    assert!(accounts(&data).contains(&B.to_string()));
    // Nothing new: no evaluation until the results grow stale.
    let after = later + chrono::TimeDelta::seconds(2);
    assert_eq!(
        data.derive(&thresholds, Severity::High, after).checks,
        RowsChange::None
    );
}

/// Results of one account, as a full evaluation would give them, in one place.
fn results_of(data: &Data, account: &str) -> Vec<crate::domain::CheckResult> {
    data.checks
        .iter()
        .filter(|c| c.account_id.as_str() == account)
        .cloned()
        .collect()
}

/// Only the account whose data changed is evaluated again; where it keeps the number of its
/// results they are replaced in place and only the changed ones are reported, and the
/// outcome is what evaluating everything gives.
#[test]
fn posture_is_evaluated_again_only_for_the_account_that_changed() {
    let thresholds = crate::posture::Thresholds::default();
    let mut data = Data::default();
    for (account, users) in [(A, &["alice", "al"][..]), (B, &["bob"][..])] {
        data.apply(
            &identity_of(account),
            SourceData::Identity(Box::new(inventory(account, users))),
        );
    }
    data.derive(&thresholds, Severity::High, now());
    let a_before = results_of(&data, A);
    let b_rows: Vec<usize> = (0..data.checks.len())
        .filter(|&i| data.checks[i].account_id.as_str() == B)
        .collect();

    // Bob's key is rotated: B keeps as many results, one of which changes.
    let mut changed = inventory(B, &["bob"]);
    if let Some(key) = Arc::make_mut(&mut changed.users)[0].access_keys.first_mut() {
        key.created = now() - TimeDelta::days(10);
    }
    data.apply(&identity_of(B), SourceData::Identity(Box::new(changed)));
    let later = now() + chrono::TimeDelta::seconds(5);
    let derived = data.derive(&thresholds, Severity::High, later);
    let RowsChange::Rows(rows) = &derived.checks else {
        panic!("{:?}", derived.checks)
    };
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|row| b_rows.contains(row)), "{rows:?}");
    assert_eq!(results_of(&data, A), a_before, "A untouched");
    let mut full = data.clone();
    full.derive_all(&thresholds, Severity::High, later);
    assert_eq!(data.checks, full.checks);
    assert_eq!(data.triage, full.triage);
    assert_eq!(data.summary, full.summary);

    // A new user changes the number of A's results: laid out again, still the same as
    // evaluating everything.
    data.apply(
        &identity_of(A),
        SourceData::Identity(Box::new(inventory(A, &["alice", "al", "ann"]))),
    );
    let derived = data.derive(&thresholds, Severity::High, later);
    assert_eq!(derived.checks, RowsChange::All);
    let mut full = data.clone();
    full.derive_all(&thresholds, Severity::High, later);
    assert_eq!(data.checks, full.checks);
    assert_eq!(data.summary, full.summary);
    assert_eq!(data.triage, full.triage);
}

/// Rules count days: results older than a minute are evaluated again without new data,
/// each account on its own clock.
#[test]
fn stale_accounts_are_evaluated_again_each_on_its_own_clock() {
    let thresholds = crate::posture::Thresholds::default();
    let mut data = Data::default();
    data.apply(
        &identity_of(A),
        SourceData::Identity(Box::new(inventory(A, &["alice"]))),
    );
    data.derive(&thresholds, Severity::High, now());
    let half = now() + chrono::TimeDelta::seconds(30);
    data.apply(
        &identity_of(B),
        SourceData::Identity(Box::new(inventory(B, &["bob"]))),
    );
    data.derive(&thresholds, Severity::High, half);
    // A minute after A's evaluation, only A is due.
    let due = now() + chrono::TimeDelta::seconds(61);
    let before = data.segments.clone();
    data.derive(&thresholds, Severity::High, due);
    let evaluated_again: Vec<bool> = data
        .segments
        .iter()
        .zip(&before)
        .map(|(after, before)| after != before)
        .collect();
    assert_eq!(evaluated_again, [true, false]);
}
