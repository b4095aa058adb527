//! IAM checks from the credential report, account summary, MFA devices, password policy and
//! authorization details (see the check table in the design brief, section 8): root-account
//! checks in `root.rs`, per-user checks in `users.rs`, account-wide ones in `account.rs`.

mod account;
mod root;
mod users;

use super::{CheckInfo, Thresholds};
use crate::domain::{CheckResult, CheckStatus, IdentityInventory, Severity, SourceKind};
use chrono::{DateTime, Utc};
use std::sync::Arc;

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
pub const CHECKS: &[CheckInfo] = &[
    root::ROOT_MFA.info(),
    root::ROOT_HARDWARE_MFA.info(),
    root::ROOT_ACCESS_KEYS.info(),
    root::ROOT_RECENT_USE.info(),
    users::CONSOLE_MFA.info(),
    users::KEY_ROTATION.info(),
    users::UNUSED_CREDENTIALS.info(),
    users::SINGLE_ACTIVE_KEY.info(),
    users::KEY_AT_SETUP.info(),
    users::ADMIN_POLICY.info(),
    account::PASSWORD_POLICY.info(),
    account::AUTHORIZATION_DETAILS.info(),
    account::ADMIN_MANAGED_POLICY.info(),
    account::ADMIN_ROLE.info(),
];

/// What a check is, independent of any resource it is run against.
#[derive(Clone, Copy)]
struct Check {
    id: &'static str,
    title: &'static str,
    /// The failure in words, as the Overview's Problem column names it.
    problem: &'static str,
    severity: Severity,
    /// CIS and AWS FSBP control IDs.
    controls: &'static [&'static str],
}

impl Check {
    const fn info(&self) -> CheckInfo {
        CheckInfo {
            id: self.id,
            title: self.title,
            problem: self.problem,
            source: SourceKind::Identity,
        }
    }
}

/// A result of `check` about `resource`; `subject` is the user it is about (or [`ROOT`]),
/// `None` for account-wide checks and roles.
fn result(
    inv: &IdentityInventory,
    check: Check,
    subject: Option<&Arc<str>>,
    resource: &str,
    pass: bool,
    evidence: String,
) -> CheckResult {
    CheckResult {
        check_id: check.id,
        title: check.title,
        severity: check.severity,
        source: SourceKind::Identity,
        controls: check.controls,
        status: if pass {
            CheckStatus::Pass
        } else {
            CheckStatus::Fail
        },
        account_id: inv.account_id.clone(),
        region: None,
        subject: subject.cloned(),
        resource: resource.into(),
        evidence: evidence.into(),
    }
}

/// The resource name of root-account checks: the credential report's own name for the row.
/// IAM user names cannot contain `<`, so no user can be mistaken for root.
pub const ROOT: &str = "<root_account>";

fn days(since: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    (now - since).num_days()
}

#[cfg(test)]
mod tests;
