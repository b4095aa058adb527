//! Posture rules: pure functions from inventory to check results, each with its control IDs
//! and the evidence it used. Adding a check means adding one function in the file of its
//! service and listing it in [`evaluate`].

mod cloudwatch;
mod guardduty;
mod iam;

pub use iam::ROOT;

use crate::domain::{Alarm, CheckResult, DetectorStatus, IdentityInventory};
use chrono::{DateTime, Utc};
use serde::Deserialize;

/// Configurable thresholds (CIS defaults).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Thresholds {
    /// Access keys older than this must be rotated (CIS 1.14).
    pub key_max_age_days: i64,
    /// Credentials unused for longer than this should be disabled (CIS 1.12).
    pub unused_credential_days: i64,
    /// Root used within this many days fails CIS 1.7.
    pub root_recent_use_days: i64,
    pub password_min_length: u32,
    pub password_reuse_prevention: u32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            key_max_age_days: 90,
            unused_credential_days: 45,
            root_recent_use_days: 1,
            password_min_length: 14,
            password_reuse_prevention: 24,
        }
    }
}

/// What the rules look at. Anything not loaded yet is simply not checked.
pub struct Inventory<'a> {
    pub identity: Option<&'a IdentityInventory>,
    pub detectors: &'a [DetectorStatus],
    pub alarms: &'a [Alarm],
}

/// Runs every rule.
pub fn evaluate(
    inventory: &Inventory<'_>,
    thresholds: &Thresholds,
    now: DateTime<Utc>,
) -> Vec<CheckResult> {
    let mut results = Vec::new();
    if let Some(identity) = inventory.identity {
        iam::evaluate(identity, thresholds, now, &mut results);
    }
    guardduty::evaluate(inventory.detectors, &mut results);
    cloudwatch::evaluate(inventory.alarms, &mut results);
    results
}
