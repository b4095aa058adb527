//! IAM checks from the credential report, account summary, MFA devices, password policy and
//! authorization details (see the check table in the design brief, section 8).

use super::Thresholds;
use crate::domain::{AccessKey, CheckResult, CheckStatus, IamUser, IdentityInventory, Severity};
use chrono::{DateTime, Utc};

pub fn evaluate(
    inv: &IdentityInventory,
    t: &Thresholds,
    now: DateTime<Utc>,
    out: &mut Vec<CheckResult>,
) {
    root_mfa(inv, out);
    root_hardware_mfa(inv, out);
    root_access_keys(inv, out);
    root_recent_use(inv, t, now, out);
    password_policy(inv, t, out);
    for user in &inv.users {
        console_mfa(inv, user, out);
        key_rotation(inv, user, t, now, out);
        unused_credentials(inv, user, t, now, out);
        single_active_key(inv, user, out);
        admin_policy(inv, user, out);
    }
}

/// What a check is, independent of any resource it is run against.
#[derive(Clone, Copy)]
struct Check {
    id: &'static str,
    title: &'static str,
    severity: Severity,
    /// CIS and AWS FSBP control IDs.
    controls: &'static [&'static str],
}

fn result(
    inv: &IdentityInventory,
    check: Check,
    resource: &str,
    pass: bool,
    evidence: String,
) -> CheckResult {
    CheckResult {
        check_id: check.id,
        title: check.title,
        severity: check.severity,
        controls: check.controls,
        status: if pass {
            CheckStatus::Pass
        } else {
            CheckStatus::Fail
        },
        account_id: inv.account_id.clone(),
        region: None,
        resource: resource.to_string(),
        evidence,
    }
}

/// The resource name of root-account checks: the credential report's own name for the row.
/// IAM user names cannot contain `<`, so no user can be mistaken for root.
pub const ROOT: &str = "<root_account>";

fn days(since: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    (now - since).num_days()
}

fn root_mfa(inv: &IdentityInventory, out: &mut Vec<CheckResult>) {
    let check = Check {
        id: "iam.root-mfa",
        title: "Root account has MFA",
        severity: Severity::Critical,
        controls: &["CIS 1.5", "IAM.9"],
    };
    let evidence = format!(
        "credential report <root_account> mfa_active = {}",
        inv.root.mfa_active
    );
    out.push(result(inv, check, ROOT, inv.root.mfa_active, evidence));
}

fn root_hardware_mfa(inv: &IdentityInventory, out: &mut Vec<CheckResult>) {
    if !inv.root.mfa_active {
        return; // Reported by iam.root-mfa; a hardware check without MFA would say the same twice.
    }
    let check = Check {
        id: "iam.root-hardware-mfa",
        title: "Root MFA is a hardware device",
        severity: Severity::High,
        controls: &["CIS 1.6", "IAM.6"],
    };
    let (pass, evidence) = match inv.root.mfa_hardware {
        Some(true) => (
            true,
            "no virtual MFA device is assigned to root".to_string(),
        ),
        Some(false) => (
            false,
            "a virtual MFA device is assigned to root (ListVirtualMFADevices)".to_string(),
        ),
        None => (
            false,
            "the root MFA device type could not be determined".to_string(),
        ),
    };
    out.push(result(inv, check, ROOT, pass, evidence));
}

fn root_access_keys(inv: &IdentityInventory, out: &mut Vec<CheckResult>) {
    let check = Check {
        id: "iam.root-access-keys",
        title: "Root account has no access keys",
        severity: Severity::Critical,
        controls: &["CIS 1.4", "IAM.4"],
    };
    let active: Vec<&str> = inv
        .root
        .access_keys
        .iter()
        .filter(|k| k.is_active())
        .map(|k| k.id.as_str())
        .collect();
    let evidence = if active.is_empty() {
        "no active root access key".to_string()
    } else {
        format!("active root access key(s): {}", active.join(", "))
    };
    out.push(result(inv, check, ROOT, active.is_empty(), evidence));
}

fn root_recent_use(
    inv: &IdentityInventory,
    t: &Thresholds,
    now: DateTime<Utc>,
    out: &mut Vec<CheckResult>,
) {
    let check = Check {
        id: "iam.root-recent-use",
        title: "Root account not used recently",
        severity: Severity::High,
        controls: &["CIS 1.7"],
    };
    let last = inv
        .root
        .password_last_used
        .into_iter()
        .chain(inv.root.access_keys.iter().filter_map(|k| k.last_used))
        .max();
    let (pass, evidence) = match last {
        Some(at) if days(at, now) < t.root_recent_use_days => (
            false,
            format!(
                "root last used {at} (within {} day(s))",
                t.root_recent_use_days
            ),
        ),
        Some(at) => (
            true,
            format!("root last used {at} ({} days ago)", days(at, now)),
        ),
        None => (true, "root has no recorded use".to_string()),
    };
    out.push(result(inv, check, ROOT, pass, evidence));
}

fn password_policy(inv: &IdentityInventory, t: &Thresholds, out: &mut Vec<CheckResult>) {
    let check = Check {
        id: "iam.password-policy",
        title: "Password policy is strong",
        severity: Severity::Medium,
        controls: &["CIS 1.8", "CIS 1.9", "IAM.15", "IAM.16"],
    };
    let Some(policy) = &inv.password_policy else {
        out.push(result(
            inv,
            check,
            "password policy",
            false,
            "the account has no password policy".to_string(),
        ));
        return;
    };
    let mut problems = Vec::new();
    if policy.minimum_length < t.password_min_length {
        problems.push(format!(
            "minimum length {} < {}",
            policy.minimum_length, t.password_min_length
        ));
    }
    match policy.reuse_prevention {
        Some(n) if n >= t.password_reuse_prevention => {}
        Some(n) => problems.push(format!(
            "reuse prevention {n} < {}",
            t.password_reuse_prevention
        )),
        None => problems.push("reuse prevention off".to_string()),
    }
    let evidence = if problems.is_empty() {
        format!(
            "minimum length {}, reuse prevention {}",
            policy.minimum_length,
            policy.reuse_prevention.unwrap_or_default()
        )
    } else {
        problems.join("; ")
    };
    out.push(result(
        inv,
        check,
        "password policy",
        problems.is_empty(),
        evidence,
    ));
}

fn console_mfa(inv: &IdentityInventory, user: &IamUser, out: &mut Vec<CheckResult>) {
    if !user.has_console_access() {
        return;
    }
    let check = Check {
        id: "iam.console-mfa",
        title: "Console users have MFA",
        severity: Severity::High,
        controls: &["CIS 1.10", "IAM.5"],
    };
    let evidence = format!("password_enabled = true, mfa_active = {}", user.mfa_active);
    out.push(result(inv, check, &user.name, user.mfa_active, evidence));
}

fn key_rotation(
    inv: &IdentityInventory,
    user: &IamUser,
    t: &Thresholds,
    now: DateTime<Utc>,
    out: &mut Vec<CheckResult>,
) {
    let check = Check {
        id: "iam.key-rotation",
        title: "Access keys are rotated",
        severity: Severity::Medium,
        controls: &["CIS 1.14", "IAM.3"],
    };
    for key in user.active_keys() {
        let age = days(key.created, now);
        let evidence = format!(
            "{} created {} ({age} days ago, limit {})",
            key.id,
            key.created.date_naive(),
            t.key_max_age_days
        );
        out.push(result(
            inv,
            check,
            &key_resource(user, key),
            age <= t.key_max_age_days,
            evidence,
        ));
    }
}

fn unused_credentials(
    inv: &IdentityInventory,
    user: &IamUser,
    t: &Thresholds,
    now: DateTime<Utc>,
    out: &mut Vec<CheckResult>,
) {
    let check = Check {
        id: "iam.unused-credentials",
        title: "Unused credentials are disabled",
        severity: Severity::Medium,
        controls: &["CIS 1.12", "IAM.22"],
    };
    if let Some(password) = user.password.as_ref().filter(|p| p.enabled) {
        // A never-used password counts from when the user was created.
        let (since, what) = match password.last_used {
            Some(at) => (at, "last used"),
            None => (user.created, "never used; user created"),
        };
        let idle = days(since, now);
        let evidence = format!(
            "console password {what} {} ({idle} days, limit {})",
            since.date_naive(),
            t.unused_credential_days
        );
        out.push(result(
            inv,
            check,
            &format!("{} (password)", user.name),
            idle <= t.unused_credential_days,
            evidence,
        ));
    }
    for key in user.active_keys() {
        let (since, what) = match key.last_used {
            Some(at) => (at, "last used"),
            None => (key.created, "never used; created"),
        };
        let idle = days(since, now);
        let evidence = format!(
            "{} {what} {} ({idle} days, limit {})",
            key.id,
            since.date_naive(),
            t.unused_credential_days
        );
        out.push(result(
            inv,
            check,
            &key_resource(user, key),
            idle <= t.unused_credential_days,
            evidence,
        ));
    }
}

fn single_active_key(inv: &IdentityInventory, user: &IamUser, out: &mut Vec<CheckResult>) {
    let active: Vec<&str> = user.active_keys().map(|k| k.id.as_str()).collect();
    if active.is_empty() {
        return;
    }
    let check = Check {
        id: "iam.single-active-key",
        title: "At most one active access key",
        severity: Severity::Low,
        controls: &["CIS 1.13"],
    };
    let evidence = format!("{} active key(s): {}", active.len(), active.join(", "));
    out.push(result(inv, check, &user.name, active.len() <= 1, evidence));
}

fn admin_policy(inv: &IdentityInventory, user: &IamUser, out: &mut Vec<CheckResult>) {
    if user.admin_via.is_empty() {
        return;
    }
    let check = Check {
        id: "iam.admin-policy",
        title: "No full-admin (*:*) policy attached",
        severity: Severity::High,
        controls: &["CIS 1.16", "IAM.1"],
    };
    let evidence = format!("Allow * on * through {}", user.admin_via.join(", "));
    out.push(result(inv, check, &user.name, false, evidence));
}

fn key_resource(user: &IamUser, key: &AccessKey) -> String {
    format!("{} ({})", user.name, key.id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{AccessKeyStatus, PasswordCredential, PasswordPolicy, RootAccount};
    use chrono::{Duration, TimeZone};

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
        IamUser {
            name: name.into(),
            arn: format!("arn:aws:iam::1:user/{name}"),
            created: now() - Duration::days(400),
            password: None,
            mfa_active: false,
            access_keys: keys,
            groups: vec![],
            admin_via: vec![],
        }
    }

    fn inventory(users: Vec<IamUser>) -> IdentityInventory {
        IdentityInventory {
            account_id: "1".into(),
            report_generated: now(),
            root: RootAccount {
                arn: "arn:aws:iam::1:root".into(),
                mfa_active: true,
                mfa_hardware: Some(true),
                password_last_used: None,
                access_keys: vec![],
            },
            users,
            password_policy: Some(PasswordPolicy {
                minimum_length: 14,
                require_symbols: true,
                require_numbers: true,
                require_uppercase: true,
                require_lowercase: true,
                reuse_prevention: Some(24),
                max_age_days: Some(90),
            }),
        }
    }

    fn failing(inv: &IdentityInventory) -> Vec<(String, String)> {
        let mut out = Vec::new();
        evaluate(inv, &Thresholds::default(), now(), &mut out);
        out.into_iter()
            .filter(CheckResult::failed)
            .map(|r| (r.check_id.to_string(), r.resource))
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
        let policy = out.iter().find(|r| r.check_id == "iam.password-policy");
        let evidence = policy.map(|r| r.evidence.clone()).unwrap_or_default();
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
        u.admin_via = vec!["AdministratorAccess (attached)".into()];
        assert_eq!(
            failing(&inventory(vec![u])),
            vec![("iam.admin-policy".into(), "boss".into())]
        );
    }
}
