//! Account-wide IAM checks: the password policy, customer managed admin policies, admin
//! roles, and whether the authorization details could be read at all.

use super::result;
use crate::domain::{Check, SourceKind, joined};
use crate::domain::{CheckResult, IdentityInventory, Severity};
use crate::posture::Thresholds;

pub static PASSWORD_POLICY: Check = Check {
    source: SourceKind::Identity,
    id: "iam.password-policy",
    title: "Password policy is strong",
    problem: "Password policy is weak",
    severity: Severity::Medium,
    controls: &["CIS 1.8", "CIS 1.9", "IAM.7", "IAM.15", "IAM.16"],
};

pub static AUTHORIZATION_DETAILS: Check = Check {
    source: SourceKind::Identity,
    id: "iam.authorization-details",
    title: "Admin rights could be evaluated",
    problem: "Admin rights could not be evaluated",
    severity: Severity::Medium,
    controls: &[],
};

pub static ADMIN_MANAGED_POLICY: Check = Check {
    source: SourceKind::Identity,
    id: "iam.admin-managed-policy",
    title: "No customer managed policy allows *:*",
    problem: "A customer managed policy allows *:*",
    severity: Severity::High,
    controls: &["IAM.1"],
};

pub static ADMIN_ROLE: Check = Check {
    source: SourceKind::Identity,
    id: "iam.admin-role",
    title: "Roles do not hold full admin (*:*)",
    problem: "A role holds full admin (*:*)",
    severity: Severity::Medium,
    controls: &["CIS 1.16"],
};

pub fn evaluate(inv: &IdentityInventory, t: &Thresholds, out: &mut Vec<CheckResult>) {
    password_policy(inv, t, out);
    authorization_details(inv, out);
    admin_managed_policies(inv, out);
    admin_roles(inv, out);
}

fn password_policy(inv: &IdentityInventory, t: &Thresholds, out: &mut Vec<CheckResult>) {
    let Some(policy) = &inv.password_policy else {
        out.push(result(
            inv,
            &PASSWORD_POLICY,
            None,
            "password policy",
            false,
            "the account has no password policy",
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
    let classes = [
        (
            t.password_require_symbols,
            policy.require_symbols,
            "symbols",
        ),
        (
            t.password_require_numbers,
            policy.require_numbers,
            "numbers",
        ),
        (
            t.password_require_uppercase,
            policy.require_uppercase,
            "uppercase letters",
        ),
        (
            t.password_require_lowercase,
            policy.require_lowercase,
            "lowercase letters",
        ),
    ];
    for (wanted, required, what) in classes {
        if wanted && !required {
            problems.push(format!("{what} not required"));
        }
    }
    if t.password_max_age_days > 0 {
        match policy.max_age_days {
            Some(days) if days <= t.password_max_age_days => {}
            Some(days) => problems.push(format!(
                "passwords expire after {days} days > {}",
                t.password_max_age_days
            )),
            None => problems.push("passwords never expire".to_string()),
        }
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
        &PASSWORD_POLICY,
        None,
        "password policy",
        problems.is_empty(),
        evidence,
    ));
}

fn authorization_details(inv: &IdentityInventory, out: &mut Vec<CheckResult>) {
    let Some(error) = &inv.authorization_error else {
        return;
    };
    out.push(result(
        inv,
        &AUTHORIZATION_DETAILS,
        None,
        "authorization details",
        false,
        error.clone(),
    ));
}

fn admin_managed_policies(inv: &IdentityInventory, out: &mut Vec<CheckResult>) {
    if inv.authorization_error.is_some() && inv.admin_managed_policies.is_empty() {
        return;
    }
    let pass = inv.admin_managed_policies.is_empty();
    let evidence = if pass {
        "no customer managed policy's default version grants * on *".to_string()
    } else {
        format!(
            "default version grants * on *: {}",
            inv.admin_managed_policies.join(", ")
        )
    };
    out.push(result(
        inv,
        &ADMIN_MANAGED_POLICY,
        None,
        "customer managed policies",
        pass,
        evidence,
    ));
}

fn admin_roles(inv: &IdentityInventory, out: &mut Vec<CheckResult>) {
    // Service-linked roles belong to AWS and cannot be changed; they are not judged.
    for role in inv.roles.iter().filter(|r| !r.service_linked) {
        let pass = role.admin_via.is_empty();
        let evidence = if pass {
            "no policy of the role grants * on *".to_string()
        } else {
            format!("Allow * on * through {}", joined(&role.admin_via, ", "))
        };
        out.push(result(
            inv,
            &ADMIN_ROLE,
            None,
            &format!("role/{}", role.name),
            pass,
            evidence,
        ));
    }
}
