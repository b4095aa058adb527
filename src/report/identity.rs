//! The identity section: the root account, the password policy, account-wide counts and one
//! entry per user the filters keep.

use super::Filters;
use super::model::{IdentityEntry, IdentitySummary, RootEntry, UserEntry};
use crate::domain::{IamUser, IdentityInventory};
use crate::store::Data;
use std::collections::{HashMap, HashSet};

pub fn build(data: &Data, inv: &IdentityInventory, filters: &Filters) -> IdentityEntry {
    // With a check filter, only users that a kept IAM check result is about.
    // Results about this account's users: another account may have a user of the same name.
    let account = &*inv.account_id;
    let own = || data.checks.iter().filter(|c| *c.account_id == *account);
    let subjects: Option<HashSet<&str>> = filters.narrows_checks().then(|| {
        own()
            .filter(|c| filters.matches_check(c))
            .filter_map(|c| c.subject())
            .collect()
    });
    let mut failing: HashMap<&str, Vec<&'static str>> = HashMap::new();
    for check in own().filter(|c| c.failed()) {
        if let Some(subject) = check.subject() {
            failing.entry(subject).or_default().push(check.check_id());
        }
    }
    let mut summary = IdentitySummary {
        users: inv.users.len(),
        ..IdentitySummary::default()
    };
    for user in inv.users.iter() {
        let active = user.active_keys().count();
        summary.console_users += usize::from(user.has_console_access());
        summary.console_users_without_mfa +=
            usize::from(user.has_console_access() && !user.mfa_active);
        summary.users_with_active_keys += usize::from(active > 0);
        summary.active_access_keys += active;
        summary.admin_users += usize::from(!user.admin_via.is_empty());
        summary.users_with_failing_checks += usize::from(failing.contains_key(user.name()));
    }
    let mut users: Vec<&IamUser> = inv
        .users
        .iter()
        .filter(|u| subjects.as_ref().is_none_or(|s| s.contains(u.name())))
        .collect();
    users.sort_by(|a, b| a.name().cmp(b.name()).then_with(|| a.arn().cmp(b.arn())));
    let users = users
        .into_iter()
        .map(|u| user(u, failing.get(u.name())))
        .collect();
    IdentityEntry {
        account_id: inv.account_id.to_string(),
        report_generated: inv.report_generated,
        root: RootEntry {
            arn: inv.root.arn.clone(),
            mfa_active: inv.root.mfa_active,
            mfa_hardware: inv.root.mfa_hardware,
            active_access_keys: inv
                .root
                .access_keys
                .iter()
                .filter(|k| k.is_active())
                .count(),
            password_last_used: inv.root.password_last_used,
        },
        password_policy: inv.password_policy.clone(),
        summary,
        users,
    }
}

fn user(u: &IamUser, failing: Option<&Vec<&'static str>>) -> UserEntry {
    let mut failing_checks = failing.cloned().unwrap_or_default();
    failing_checks.sort_unstable();
    failing_checks.dedup();
    UserEntry {
        name: u.name().to_string(),
        arn: u.arn().to_string(),
        created: u.created,
        console_access: u.has_console_access(),
        password_last_used: u.password.as_ref().and_then(|p| p.last_used),
        mfa_active: u.mfa_active,
        mfa_device: u.mfa_device.map(|d| d.label()),
        active_access_keys: u.active_keys().count(),
        oldest_active_key_created: u.active_keys().map(|k| k.created).min(),
        last_activity: u.last_activity(),
        groups: u.groups.iter().map(|g| g.to_string()).collect(),
        admin_via: u.admin_via.iter().map(|a| a.to_string()).collect(),
        failing_checks,
    }
}
