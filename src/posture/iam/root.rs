//! The root account: MFA, hardware MFA, access keys, recent use.

use super::{ROOT, days, result};
use crate::domain::{Check, SharedText, SourceKind};
use crate::domain::{CheckResult, IdentityInventory, Severity};
use crate::posture::Thresholds;
use chrono::{DateTime, Utc};
use std::sync::Arc;

pub static ROOT_MFA: Check = Check {
    source: SourceKind::Identity,
    id: "iam.root-mfa",
    title: "Root account has MFA",
    problem: "Root account has no MFA",
    severity: Severity::Critical,
    controls: &["CIS 1.5", "IAM.9"],
};

pub static ROOT_HARDWARE_MFA: Check = Check {
    source: SourceKind::Identity,
    id: "iam.root-hardware-mfa",
    title: "Root MFA is a hardware device",
    problem: "Root MFA is not a hardware device",
    severity: Severity::High,
    controls: &["CIS 1.6", "IAM.6"],
};

pub static ROOT_ACCESS_KEYS: Check = Check {
    source: SourceKind::Identity,
    id: "iam.root-access-keys",
    title: "Root account has no access keys",
    problem: "Root account has access keys",
    severity: Severity::Critical,
    controls: &["CIS 1.4", "IAM.4"],
};

pub static ROOT_RECENT_USE: Check = Check {
    source: SourceKind::Identity,
    id: "iam.root-recent-use",
    title: "Root account not used recently",
    problem: "Root account used recently",
    severity: Severity::High,
    controls: &["CIS 1.7"],
};

pub fn evaluate(
    inv: &IdentityInventory,
    t: &Thresholds,
    now: DateTime<Utc>,
    out: &mut Vec<CheckResult>,
) {
    // Every root result shares one copy of its subject.
    let root: SharedText = Arc::new(ROOT.to_string());
    root_mfa(inv, &root, out);
    root_hardware_mfa(inv, &root, out);
    root_access_keys(inv, &root, out);
    root_recent_use(inv, t, now, &root, out);
}

fn root_mfa(inv: &IdentityInventory, root: &SharedText, out: &mut Vec<CheckResult>) {
    let evidence = format!(
        "credential report <root_account> mfa_active = {}",
        inv.root.mfa_active
    );
    out.push(result(
        inv,
        &ROOT_MFA,
        Some(root),
        ROOT,
        inv.root.mfa_active,
        evidence,
    ));
}

fn root_hardware_mfa(inv: &IdentityInventory, root: &SharedText, out: &mut Vec<CheckResult>) {
    if !inv.root.mfa_active {
        return; // Reported by iam.root-mfa; a hardware check without MFA would say the same twice.
    }
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
    out.push(result(
        inv,
        &ROOT_HARDWARE_MFA,
        Some(root),
        ROOT,
        pass,
        evidence,
    ));
}

fn root_access_keys(inv: &IdentityInventory, root: &SharedText, out: &mut Vec<CheckResult>) {
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
    out.push(result(
        inv,
        &ROOT_ACCESS_KEYS,
        Some(root),
        ROOT,
        active.is_empty(),
        evidence,
    ));
}

fn root_recent_use(
    inv: &IdentityInventory,
    t: &Thresholds,
    now: DateTime<Utc>,
    root: &SharedText,
    out: &mut Vec<CheckResult>,
) {
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
    out.push(result(
        inv,
        &ROOT_RECENT_USE,
        Some(root),
        ROOT,
        pass,
        evidence,
    ));
}
