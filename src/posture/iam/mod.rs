//! IAM checks from the credential report, account summary, MFA devices, password policy and
//! authorization details (see the check table in the design brief, section 8): root-account
//! checks in `root.rs`, per-user checks in `users.rs`, account-wide ones in `account.rs`.

mod account;
mod root;
mod users;

use super::Thresholds;
use crate::domain::{Check, CheckResult, CheckStatus, IdentityInventory, SharedText};
use chrono::{DateTime, Utc};

pub fn evaluate(
    inv: &IdentityInventory,
    t: &Thresholds,
    now: DateTime<Utc>,
    out: &mut Vec<CheckResult>,
) {
    root::evaluate(inv, t, now, out);
    account::evaluate(inv, t, out);
    for user in inv.users.iter() {
        users::evaluate(inv, user, t, now, out);
    }
}

/// Every IAM check.
pub static CHECKS: &[&Check] = &[
    &root::ROOT_MFA,
    &root::ROOT_HARDWARE_MFA,
    &root::ROOT_ACCESS_KEYS,
    &root::ROOT_RECENT_USE,
    &users::CONSOLE_MFA,
    &users::KEY_ROTATION,
    &users::UNUSED_CREDENTIALS,
    &users::SINGLE_ACTIVE_KEY,
    &users::KEY_AT_SETUP,
    &users::ADMIN_POLICY,
    &account::PASSWORD_POLICY,
    &account::AUTHORIZATION_DETAILS,
    &account::ADMIN_MANAGED_POLICY,
    &account::ADMIN_ROLE,
];

/// A result of `check` about `resource`; `subject` is the user it is about (or [`ROOT`]),
/// `None` for account-wide checks and roles.
fn result(
    inv: &IdentityInventory,
    check: &'static Check,
    subject: Option<&SharedText>,
    resource: &str,
    pass: bool,
    evidence: impl AsRef<str>,
) -> CheckResult {
    let status = if pass {
        CheckStatus::Pass
    } else {
        CheckStatus::Fail
    };
    CheckResult::new(
        check,
        status,
        inv.account_id.clone(),
        None,
        subject.cloned(),
        resource,
        evidence.as_ref(),
    )
}

/// The resource name of root-account checks: the credential report's own name for the row.
/// IAM user names cannot contain `<`, so no user can be mistaken for root.
pub const ROOT: &str = "<root_account>";

fn days(since: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    (now - since).num_days()
}

#[cfg(test)]
mod tests;
