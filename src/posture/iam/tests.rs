use super::*;
use crate::domain::{
    AccessKey, AccessKeyStatus, IamRole, IamUser, PasswordCredential, PasswordPolicy, RootAccount,
};
use crate::posture::Thresholds;
use chrono::{Duration, TimeZone};
use std::sync::Arc;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0)
        .single()
        .unwrap_or_default()
}

fn key(id: &str, age_days: i64, last_used_days: Option<i64>, active: bool) -> AccessKey {
    AccessKey {
        id: id.into(),
        status: if active {
            AccessKeyStatus::Active
        } else {
            AccessKeyStatus::Inactive
        },
        created: now() - Duration::days(age_days),
        last_used: last_used_days.map(|d| now() - Duration::days(d)),
        last_used_service: None,
        last_used_region: None,
    }
}

fn user(name: &str, keys: Vec<AccessKey>) -> IamUser {
    let mut user = IamUser::new(
        name,
        &format!("arn:aws:iam::1:user/{name}"),
        now() - Duration::days(400),
    );
    user.access_keys = keys;
    user
}

fn inventory(users: Vec<IamUser>) -> IdentityInventory {
    IdentityInventory {
        account_id: "1".to_string().into(),
        report_generated: now(),
        root: RootAccount {
            arn: "arn:aws:iam::1:root".into(),
            mfa_active: true,
            mfa_hardware: Some(true),
            password_last_used: None,
            access_keys: vec![],
        },
        users: users.into(),
        password_policy: Some(PasswordPolicy {
            minimum_length: 14,
            require_symbols: true,
            require_numbers: true,
            require_uppercase: true,
            require_lowercase: true,
            reuse_prevention: Some(24),
            max_age_days: Some(90),
        }),
        roles: vec![],
        admin_managed_policies: vec![],
        authorization_error: None,
    }
}

fn failing(inv: &IdentityInventory) -> Vec<(String, String)> {
    let mut out = Vec::new();
    evaluate(inv, &Thresholds::default(), now(), &mut out);
    out.into_iter()
        .filter(CheckResult::failed)
        .map(|r| (r.check_id().to_string(), r.resource().to_string()))
        .collect()
}

#[test]
fn clean_account_passes_everything() {
    let inv = inventory(vec![user("svc", vec![key("AKIA1", 10, Some(1), true)])]);
    assert_eq!(failing(&inv), Vec::<(String, String)>::new());
}

#[test]
fn key_age_boundary_is_ninety_days() {
    let inv = inventory(vec![
        user("a", vec![key("AKIA90", 90, Some(1), true)]),
        user("b", vec![key("AKIA91", 91, Some(1), true)]),
        user("c", vec![key("AKIAOLD", 300, Some(1), false)]),
    ]);
    assert_eq!(
        failing(&inv),
        vec![("iam.key-rotation".into(), "b (AKIA91)".into())]
    );
}

#[test]
fn never_used_key_counts_from_creation() {
    let inv = inventory(vec![
        user("fresh", vec![key("AKIANEW", 10, None, true)]),
        user("stale", vec![key("AKIAIDLE", 60, None, true)]),
    ]);
    assert_eq!(
        failing(&inv),
        vec![("iam.unused-credentials".into(), "stale (AKIAIDLE)".into())]
    );
}

#[test]
fn two_active_keys_fail_once_per_user() {
    let inv = inventory(vec![user(
        "dual",
        vec![
            key("AKIA1", 5, Some(1), true),
            key("AKIA2", 5, Some(1), true),
        ],
    )]);
    assert_eq!(
        failing(&inv),
        vec![("iam.single-active-key".into(), "dual".into())]
    );
}

#[test]
fn console_user_without_mfa_fails() {
    let mut u = user("human", vec![]);
    u.password = Some(PasswordCredential {
        enabled: true,
        last_used: Some(now()),
        last_changed: None,
    });
    let inv = inventory(vec![u]);
    assert_eq!(
        failing(&inv),
        vec![("iam.console-mfa".into(), "human".into())]
    );
}

#[test]
fn root_without_mfa_and_with_keys_fails_and_skips_hardware_check() {
    let mut inv = inventory(vec![]);
    inv.root.mfa_active = false;
    inv.root.mfa_hardware = None;
    inv.root.access_keys = vec![key("AKIAROOT", 3, Some(0), true)];
    let ids: Vec<String> = failing(&inv).into_iter().map(|(id, _)| id).collect();
    assert_eq!(
        ids,
        [
            "iam.root-mfa",
            "iam.root-access-keys",
            "iam.root-recent-use"
        ]
    );
}

#[test]
fn virtual_root_mfa_fails_hardware_check() {
    let mut inv = inventory(vec![]);
    inv.root.mfa_hardware = Some(false);
    assert_eq!(
        failing(&inv),
        vec![("iam.root-hardware-mfa".into(), ROOT.into())]
    );
}

#[test]
fn weak_or_missing_password_policy_fails_with_reasons() {
    let mut inv = inventory(vec![]);
    if let Some(p) = inv.password_policy.as_mut() {
        p.minimum_length = 8;
        p.reuse_prevention = None;
    }
    let mut out = Vec::new();
    evaluate(&inv, &Thresholds::default(), now(), &mut out);
    let policy = out.iter().find(|r| r.check_id() == "iam.password-policy");
    let evidence = policy.map(|r| r.evidence()).unwrap_or_default();
    assert_eq!(evidence, "minimum length 8 < 14; reuse prevention off");
    inv.password_policy = None;
    assert_eq!(
        failing(&inv),
        vec![("iam.password-policy".into(), "password policy".into())]
    );
}

#[test]
fn admin_user_fails() {
    let mut u = user("boss", vec![]);
    u.admin_via = vec![Arc::new("AdministratorAccess (attached)".into())].into();
    assert_eq!(
        failing(&inventory(vec![u])),
        vec![("iam.admin-policy".into(), "boss".into())]
    );
}

fn results_of(inv: &IdentityInventory, t: &Thresholds, id: &str) -> Vec<CheckResult> {
    let mut out = Vec::new();
    evaluate(inv, t, now(), &mut out);
    out.into_iter().filter(|r| r.check_id() == id).collect()
}

#[test]
fn a_key_made_with_the_user_and_never_used_fails_cis_1_11() {
    let mut setup = user("new-hire", vec![]);
    setup.created = now() - Duration::days(20);
    let mut unused = key("AKIASETUP", 20, None, true);
    unused.created = setup.created + Duration::minutes(2);
    setup.access_keys = vec![unused];

    let mut used_since = user("builder", vec![]);
    used_since.created = now() - Duration::days(20);
    let mut used = key("AKIAUSED", 20, Some(1), true);
    used.created = used_since.created + Duration::minutes(59);
    used_since.access_keys = vec![used];

    // Made a day after the user: not from setup, whatever its use.
    let mut later = user("later", vec![key("AKIALATER", 19, None, true)]);
    later.created = now() - Duration::days(20);

    let results = results_of(
        &inventory(vec![setup, used_since, later]),
        &Thresholds::default(),
        "iam.key-at-setup",
    );
    let summary: Vec<(&str, bool)> = results.iter().map(|r| (r.resource(), r.failed())).collect();
    assert_eq!(
        summary,
        [
            ("new-hire (AKIASETUP)", true),
            ("builder (AKIAUSED)", false)
        ]
    );
    assert!(
        results[0].evidence().contains("never used"),
        "{}",
        results[0].evidence()
    );
}

#[test]
fn admin_check_passes_with_evidence_when_no_policy_grants_everything() {
    let mut u = user("dev", vec![]);
    u.policies = vec![Arc::new("ReadOnlyAccess (via group Auditors)".into())].into();
    let results = results_of(
        &inventory(vec![u]),
        &Thresholds::default(),
        "iam.admin-policy",
    );
    assert_eq!(results.len(), 1);
    assert!(!results[0].failed());
    assert!(
        results[0].evidence().contains("1 polic"),
        "{}",
        results[0].evidence()
    );
}

#[test]
fn unreadable_authorization_details_are_a_finding_not_a_pass() {
    let mut inv = inventory(vec![user("dev", vec![])]);
    inv.authorization_error =
        Some("access denied (needs iam:GetAccountAuthorizationDetails)".into());
    assert_eq!(
        failing(&inv),
        vec![(
            "iam.authorization-details".into(),
            "authorization details".into()
        )]
    );
    let t = Thresholds::default();
    assert!(
        results_of(&inv, &t, "iam.admin-policy").is_empty(),
        "unknown, not passed"
    );
    assert!(results_of(&inv, &t, "iam.admin-managed-policy").is_empty());
}

#[test]
fn admin_roles_fail_except_service_linked_ones() {
    let mut inv = inventory(vec![]);
    let role = |name: &str, service_linked: bool, admin: bool| IamRole {
        name: name.into(),
        arn: format!("arn:aws:iam::1:role/{name}"),
        service_linked,
        admin_via: if admin {
            vec![Arc::new("AdministratorAccess (attached)".into())]
        } else {
            vec![]
        },
    };
    inv.roles = vec![
        role("ci-deploy", false, true),
        role("AWSServiceRoleForSupport", true, true),
        role("lambda-exec", false, false),
    ];
    let results = results_of(&inv, &Thresholds::default(), "iam.admin-role");
    let summary: Vec<(&str, bool)> = results.iter().map(|r| (r.resource(), r.failed())).collect();
    assert_eq!(
        summary,
        [("role/ci-deploy", true), ("role/lambda-exec", false)]
    );
}

#[test]
fn customer_managed_admin_policies_fail_iam_1() {
    let mut inv = inventory(vec![]);
    inv.admin_managed_policies = vec!["break-glass".into()];
    let results = results_of(&inv, &Thresholds::default(), "iam.admin-managed-policy");
    assert_eq!(results.len(), 1);
    assert!(results[0].failed());
    assert!(results[0].evidence().contains("break-glass"));
    assert!(results[0].controls().contains(&"IAM.1"));
}

#[test]
fn password_policy_character_classes_and_optional_expiry() {
    let mut inv = inventory(vec![]);
    if let Some(p) = inv.password_policy.as_mut() {
        p.require_symbols = false;
        p.require_lowercase = false;
        p.max_age_days = None;
    }
    let t = Thresholds::default();
    let results = results_of(&inv, &t, "iam.password-policy");
    let evidence = results[0].evidence();
    assert_eq!(
        evidence, "symbols not required; lowercase letters not required",
        "expiry is not required by default"
    );
    let strict = Thresholds {
        password_max_age_days: 90,
        password_require_symbols: false,
        ..Thresholds::default()
    };
    let results = results_of(&inv, &strict, "iam.password-policy");
    let evidence = results[0].evidence();
    assert_eq!(
        evidence,
        "lowercase letters not required; passwords never expire"
    );
}

#[test]
fn thresholds_move_the_boundaries() {
    let inv = inventory(vec![user("a", vec![key("AKIA40", 40, Some(1), true)])]);
    assert!(failing(&inv).is_empty());
    let strict = Thresholds {
        key_max_age_days: 30,
        ..Thresholds::default()
    };
    let mut out = Vec::new();
    evaluate(&inv, &strict, now(), &mut out);
    let failed: Vec<&str> = out
        .iter()
        .filter(|r| r.failed())
        .map(|r| r.check_id())
        .collect();
    assert_eq!(failed, ["iam.key-rotation"]);
}

#[test]
fn results_name_their_subject_once_per_user() {
    let inv = inventory(vec![
        user(
            "alice",
            vec![
                key("AKIA1", 200, None, true),
                key("AKIA2", 10, Some(1), true),
            ],
        ),
        user("bob", vec![]),
    ]);
    let mut out = Vec::new();
    evaluate(&inv, &Thresholds::default(), now(), &mut out);
    let alice: Vec<&CheckResult> = out
        .iter()
        .filter(|r| r.subject() == Some("alice"))
        .collect();
    // Her keys' rotation, use and setup, and her two active keys.
    assert!(alice.len() >= 4, "{alice:?}");
    assert!(alice.iter().any(|r| r.resource() == "alice (AKIA1)"));
    let first = alice.first().and_then(|r| r.subject.as_ref());
    assert!(
        alice
            .iter()
            .all(|r| first.is_some_and(|f| r.subject.as_ref().is_some_and(|s| Arc::ptr_eq(f, s)))),
        "one shared name per user"
    );
    for r in &out {
        assert_eq!(r.source(), crate::domain::SourceKind::Identity);
        let expected = match r.check_id() {
            "iam.password-policy"
            | "iam.authorization-details"
            | "iam.admin-managed-policy"
            | "iam.admin-role" => None,
            id if id.starts_with("iam.root-") => Some(ROOT),
            _ if r.resource().starts_with("alice") => Some("alice"),
            _ => Some("bob"),
        };
        assert_eq!(r.subject(), expected, "{r:?}");
    }
}
