//! Per-user checks: MFA, key rotation, unused credentials, keys, admin rights.

use super::{days, result};
use crate::domain::{AccessKey, CheckResult, IamUser, IdentityInventory, Severity};
use crate::domain::{Check, SharedText, SourceKind, joined};
use crate::posture::Thresholds;
use chrono::{DateTime, Utc};
use std::sync::Arc;

pub static CONSOLE_MFA: Check = Check {
    source: SourceKind::Identity,
    id: "iam.console-mfa",
    title: "Console users have MFA",
    problem: "Console user has no MFA",
    severity: Severity::High,
    controls: &["CIS 1.10", "IAM.5"],
};

pub static KEY_ROTATION: Check = Check {
    source: SourceKind::Identity,
    id: "iam.key-rotation",
    title: "Access keys are rotated",
    problem: "Access key not rotated",
    severity: Severity::Medium,
    controls: &["CIS 1.14", "IAM.3"],
};

pub static UNUSED_CREDENTIALS: Check = Check {
    source: SourceKind::Identity,
    id: "iam.unused-credentials",
    title: "Unused credentials are disabled",
    problem: "Unused credentials are enabled",
    severity: Severity::Medium,
    controls: &["CIS 1.12", "IAM.22"],
};

pub static SINGLE_ACTIVE_KEY: Check = Check {
    source: SourceKind::Identity,
    id: "iam.single-active-key",
    title: "At most one active access key",
    problem: "More than one active access key",
    severity: Severity::Low,
    controls: &["CIS 1.13"],
};

pub static KEY_AT_SETUP: Check = Check {
    source: SourceKind::Identity,
    id: "iam.key-at-setup",
    title: "No unused access key from user setup",
    problem: "Unused access key from user setup",
    severity: Severity::Low,
    controls: &["CIS 1.11"],
};

pub static ADMIN_POLICY: Check = Check {
    source: SourceKind::Identity,
    id: "iam.admin-policy",
    title: "No full-admin (*:*) policy applies",
    problem: "A full-admin (*:*) policy applies",
    severity: Severity::High,
    controls: &["CIS 1.16"],
};

pub fn evaluate(
    inv: &IdentityInventory,
    user: &IamUser,
    t: &Thresholds,
    now: DateTime<Utc>,
    out: &mut Vec<CheckResult>,
) {
    // Every result about the user shares one copy of the name: their subject.
    let subject: SharedText = Arc::new(user.name().to_string());
    let subject = Some(&subject);
    console_mfa(inv, user, subject, out);
    key_rotation(inv, user, subject, t, now, out);
    unused_credentials(inv, user, subject, t, now, out);
    single_active_key(inv, user, subject, out);
    key_at_setup(inv, user, subject, out);
    admin_policy(inv, user, subject, out);
}

/// Whom a user's results are about.
type Subject<'a> = Option<&'a SharedText>;

fn console_mfa(
    inv: &IdentityInventory,
    user: &IamUser,
    subject: Subject<'_>,
    out: &mut Vec<CheckResult>,
) {
    if !user.has_console_access() {
        return;
    }
    let evidence = format!("password_enabled = true, mfa_active = {}", user.mfa_active);
    out.push(result(
        inv,
        &CONSOLE_MFA,
        subject,
        user.name(),
        user.mfa_active,
        evidence,
    ));
}

fn key_rotation(
    inv: &IdentityInventory,
    user: &IamUser,
    subject: Subject<'_>,
    t: &Thresholds,
    now: DateTime<Utc>,
    out: &mut Vec<CheckResult>,
) {
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
            &KEY_ROTATION,
            subject,
            &key_resource(user, key),
            age <= t.key_max_age_days,
            evidence,
        ));
    }
}

fn unused_credentials(
    inv: &IdentityInventory,
    user: &IamUser,
    subject: Subject<'_>,
    t: &Thresholds,
    now: DateTime<Utc>,
    out: &mut Vec<CheckResult>,
) {
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
            &UNUSED_CREDENTIALS,
            subject,
            &format!("{} (password)", user.name()),
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
            &UNUSED_CREDENTIALS,
            subject,
            &key_resource(user, key),
            idle <= t.unused_credential_days,
            evidence,
        ));
    }
}

fn single_active_key(
    inv: &IdentityInventory,
    user: &IamUser,
    subject: Subject<'_>,
    out: &mut Vec<CheckResult>,
) {
    let active: Vec<&str> = user.active_keys().map(|k| k.id.as_str()).collect();
    if active.is_empty() {
        return;
    }
    let evidence = format!("{} active key(s): {}", active.len(), active.join(", "));
    out.push(result(
        inv,
        &SINGLE_ACTIVE_KEY,
        subject,
        user.name(),
        active.len() <= 1,
        evidence,
    ));
}

/// CIS 1.11: a key made together with the user (the console's "create user" wizard) and
/// never used since is a credential nobody needed.
fn key_at_setup(
    inv: &IdentityInventory,
    user: &IamUser,
    subject: Subject<'_>,
    out: &mut Vec<CheckResult>,
) {
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
        out.push(result(
            inv,
            &KEY_AT_SETUP,
            subject,
            &key_resource(user, key),
            pass,
            evidence,
        ));
    }
}

/// A key created within this long of its user counts as created at setup.
const SETUP_WINDOW_MINUTES: i64 = 60;

fn admin_policy(
    inv: &IdentityInventory,
    user: &IamUser,
    subject: Subject<'_>,
    out: &mut Vec<CheckResult>,
) {
    if inv.authorization_error.is_some() && user.admin_via.is_empty() {
        return; // Unknown, not clean: iam.authorization-details says why.
    }
    let evidence = if user.admin_via.is_empty() {
        format!(
            "none of {} polic(ies) grants * on * (attached, inline or through groups)",
            user.policies.len()
        )
    } else {
        format!("Allow * on * through {}", joined(&user.admin_via, ", "))
    };
    out.push(result(
        inv,
        &ADMIN_POLICY,
        subject,
        user.name(),
        user.admin_via.is_empty(),
        evidence,
    ));
}

fn key_resource(user: &IamUser, key: &AccessKey) -> String {
    format!("{} ({})", user.name(), key.id)
}
