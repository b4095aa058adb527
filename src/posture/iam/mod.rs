//! IAM checks from the credential report, account summary, MFA devices, password policy and
//! authorization details (see the check table in the design brief, section 8): root-account
//! checks in `root.rs`, per-user checks in `users.rs`, account-wide ones in `account.rs`.

mod account;
mod root;
mod users;

use super::Thresholds;
use crate::domain::{CheckResult, CheckStatus, IdentityInventory, Severity};
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
