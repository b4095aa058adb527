//! Per-user checks: MFA, key rotation, unused credentials, keys, admin rights.

use super::{Check, days, result};
use crate::domain::{AccessKey, CheckResult, IamUser, IdentityInventory, Severity};
use crate::posture::Thresholds;
use chrono::{DateTime, Utc};

pub fn evaluate(
    inv: &IdentityInventory,
    user: &IamUser,
    t: &Thresholds,
    now: DateTime<Utc>,
    out: &mut Vec<CheckResult>,
) {
    console_mfa(inv, user, out);
    key_rotation(inv, user, t, now, out);
    unused_credentials(inv, user, t, now, out);
    single_active_key(inv, user, out);
    key_at_setup(inv, user, out);
    admin_policy(inv, user, out);
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

/// CIS 1.11: a key made together with the user (the console's "create user" wizard) and
/// never used since is a credential nobody needed.
fn key_at_setup(inv: &IdentityInventory, user: &IamUser, out: &mut Vec<CheckResult>) {
    let check = Check {
        id: "iam.key-at-setup",
        title: "No unused access key from user setup",
        severity: Severity::Low,
        controls: &["CIS 1.11"],
    };
    for key in user.active_keys() {
        let after_creation = key.created - user.created;
        let at_setup = after_creation >= chrono::Duration::zero()
            && after_creation <= chrono::Duration::minutes(SETUP_WINDOW_MINUTES);
        if !at_setup {
            continue;
        }
        let pass = key.last_used.is_some();
        let evidence = format!(
            "{} created {} min after the user, {}",
            key.id,
            after_creation.num_minutes(),
            if pass { "since used" } else { "never used" }
        );
        out.push(result(inv, check, &key_resource(user, key), pass, evidence));
    }
}

/// A key created within this long of its user counts as created at setup.
const SETUP_WINDOW_MINUTES: i64 = 60;

fn admin_policy(inv: &IdentityInventory, user: &IamUser, out: &mut Vec<CheckResult>) {
    if inv.authorization_error.is_some() && user.admin_via.is_empty() {
        return; // Unknown, not clean: iam.authorization-details says why.
    }
    let check = Check {
        id: "iam.admin-policy",
        title: "No full-admin (*:*) policy applies",
        severity: Severity::High,
        controls: &["CIS 1.16"],
    };
    let evidence = if user.admin_via.is_empty() {
        format!(
            "none of {} polic(ies) grants * on * (attached, inline or through groups)",
            user.policies.len()
        )
    } else {
        format!("Allow * on * through {}", user.admin_via.join(", "))
    };
    out.push(result(
        inv,
        check,
        &user.name,
        user.admin_via.is_empty(),
        evidence,
    ));
}

fn key_resource(user: &IamUser, key: &AccessKey) -> String {
    format!("{} ({})", user.name, key.id)
}
