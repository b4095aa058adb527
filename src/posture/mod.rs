//! Posture rules: pure functions from inventory to check results, each with its control IDs
//! and the evidence it used. Adding a check means adding one function in the file of its
//! service and listing it in [`evaluate`].

pub mod baseline;
mod cloudwatch;
mod guardduty;
mod iam;
pub mod policy;

pub use iam::ROOT;

use crate::domain::{
    AccountBaseline, Alarm, CheckResult, DetectorStatus, IdentityInventory, RegionalBaseline,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Configurable thresholds (CIS defaults).
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Thresholds {
    /// Access keys older than this must be rotated (CIS 1.14).
    pub key_max_age_days: i64,
    /// Credentials unused for longer than this should be disabled (CIS 1.12).
    pub unused_credential_days: i64,
    /// Root used within this many days fails CIS 1.7.
    pub root_recent_use_days: i64,
    /// Password policy: minimum length (CIS 1.8) and remembered passwords (CIS 1.9).
    pub password_min_length: u32,
    pub password_reuse_prevention: u32,
    /// Character classes the password policy must require (AWS FSBP IAM.7).
    pub password_require_symbols: bool,
    pub password_require_numbers: bool,
    pub password_require_uppercase: bool,
    pub password_require_lowercase: bool,
    /// Passwords must expire within this many days; 0 means expiry is not required (current
    /// NIST and CIS guidance; FSBP IAM.7 asks for 90).
    pub password_max_age_days: u32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            key_max_age_days: 90,
            unused_credential_days: 45,
            root_recent_use_days: 1,
            password_min_length: 14,
            password_reuse_prevention: 24,
            password_require_symbols: true,
            password_require_numbers: true,
            password_require_uppercase: true,
            password_require_lowercase: true,
            password_max_age_days: 0,
        }
    }
}

/// What the rules look at. Anything not loaded yet is simply not checked.
pub struct Inventory<'a> {
    pub identity: Option<&'a IdentityInventory>,
    pub detectors: &'a [DetectorStatus],
    pub alarms: &'a [Alarm],
    pub regional_baselines: &'a [RegionalBaseline],
    pub account_baselines: &'a [AccountBaseline],
}

/// Runs every rule.
pub fn evaluate(
    inventory: &Inventory<'_>,
    thresholds: &Thresholds,
    now: DateTime<Utc>,
) -> Vec<CheckResult> {
    // Room for every result up front: at 20,000 users a growing vector would briefly hold
    // its old and its doubled buffer, tens of MB for nothing.
    let per_user = 6;
    let expected = inventory
        .identity
        .map_or(0, |identity| identity.users.len() * per_user)
        + inventory.alarms.len()
        + 64;
    let mut results = Vec::with_capacity(expected);
    if let Some(identity) = inventory.identity {
        iam::evaluate(identity, thresholds, now, &mut results);
    }
    guardduty::evaluate(inventory.detectors, &mut results);
    cloudwatch::evaluate(inventory.alarms, &mut results);
    baseline::evaluate(
        inventory.regional_baselines,
        inventory.account_baselines,
        inventory.alarms,
        &mut results,
    );
    results.shrink_to_fit();
    results
}
