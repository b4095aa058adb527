//! Posture rules: pure functions from inventory to check results, each with its control IDs
//! and the evidence it used. Adding a check means declaring it once in the file of its
//! service (with the rule that runs it, listed in [`evaluate`]) and listing it in that
//! service's `CHECKS`, which make up the catalog, [`checks`].

pub mod baseline;
mod cloudwatch;
mod guardduty;
mod iam;
pub mod policy;

pub use baseline::UNEVALUATED;
pub use iam::ROOT;

use crate::domain::{
    AccountBaseline, Alarm, Check, CheckResult, DetectorStatus, IdentityInventory,
    RegionalBaseline, SourceKind,
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
    /// TCP ports a security group may open to 0.0.0.0/0 or ::/0 (FSBP EC2.18's
    /// `authorizedTcpPorts`; Trusted Advisor also allows 25 and 465).
    pub authorized_ports: Vec<i32>,
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
            authorized_ports: baseline::DEFAULT_AUTHORIZED_PORTS.to_vec(),
        }
    }
}

/// Every check posture makes, service by service.
pub fn checks() -> impl Iterator<Item = &'static Check> {
    iam::CHECKS
        .iter()
        .chain(guardduty::CHECKS)
        .chain(cloudwatch::CHECKS)
        .chain(baseline::CHECKS)
        .copied()
}

/// A failing check's problem in words, by its ID (`None` for an ID posture does not know).
pub fn problem(id: &str) -> Option<&'static str> {
    checks().find(|c| c.id == id).map(|c| c.problem)
}

/// The source a check reads, by its ID (e.g. one given on the command line); `None` for an
/// ID posture does not know.
pub fn check_source(id: &str) -> Option<SourceKind> {
    checks().find(|c| c.id == id).map(|c| c.source)
}

/// What the rules look at. Anything not loaded yet is simply not checked.
pub struct Inventory<'a> {
    /// One inventory per account; the IAM rules run on each.
    pub identities: &'a [IdentityInventory],
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
    let users: usize = inventory.identities.iter().map(|i| i.users.len()).sum();
    let expected = users * per_user + inventory.alarms.len() + 64;
    let mut results = Vec::with_capacity(expected);
    for identity in inventory.identities {
        iam::evaluate(identity, thresholds, now, &mut results);
    }
    guardduty::evaluate(inventory.detectors, &mut results);
    cloudwatch::evaluate(inventory.alarms, &mut results);
    baseline::evaluate(
        inventory.regional_baselines,
        inventory.account_baselines,
        inventory.alarms,
        thresholds,
        &mut results,
    );
    results.shrink_to_fit();
    results
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::demo::{DEFAULT_SEED, DEMO_REGIONS, DemoOptions, DemoScale, DemoWorld};
    use std::collections::HashSet;

    #[test]
    fn every_check_names_its_failure_apart_from_what_passing_means() {
        for check in checks() {
            assert!(!check.problem.is_empty(), "{}", check.id);
            assert_ne!(check.problem, check.title, "{}", check.id);
        }
        assert_eq!(problem("iam.root-mfa"), Some("Root account has no MFA"));
        assert_eq!(problem("nosuch"), None);
    }

    #[test]
    fn the_catalog_lists_each_check_once() {
        let mut ids: Vec<&str> = checks().map(|c| c.id).collect();
        let listed = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), listed, "an ID is listed twice");
        assert_eq!(check_source("iam.root-mfa"), Some(SourceKind::Identity));
        assert_eq!(
            check_source("guardduty.enabled"),
            Some(SourceKind::Findings)
        );
        assert_eq!(
            check_source("cloudwatch.alarm-actions"),
            Some(SourceKind::Alarms)
        );
        // Named like an alarm check, read from the baseline (with the metric filters).
        assert_eq!(
            check_source("cloudwatch.cis-monitoring"),
            Some(SourceKind::Baseline)
        );
        assert_eq!(check_source("iam.nope"), None);
    }

    /// Every result posture makes on the demo account is of a check in the catalog, with the
    /// catalog's title and source; only IAM results have a subject, and it is a user or root.
    #[test]
    fn every_demo_result_is_in_the_catalog_with_its_source() {
        let now = DateTime::from_timestamp(1_795_000_000, 0).unwrap_or_default();
        let world = DemoWorld::new(
            DemoOptions {
                seed: DEFAULT_SEED,
                scale: DemoScale::uniform(2),
            },
            now,
        );
        let identity = world.identity_at(now);
        let alarms: Vec<Alarm> = DEMO_REGIONS
            .iter()
            .flat_map(|r| world.alarms_at(r, now))
            .collect();
        let detectors: Vec<DetectorStatus> =
            DEMO_REGIONS.iter().map(|r| world.detector(r)).collect();
        let regional: Vec<RegionalBaseline> = DEMO_REGIONS
            .iter()
            .filter_map(|r| world.regional_baseline(r))
            .collect();
        let account = [world.account_baseline()];
        let inventory = Inventory {
            identities: std::slice::from_ref(&identity),
            detectors: &detectors,
            alarms: &alarms,
            regional_baselines: &regional,
            account_baselines: &account,
        };
        let results = evaluate(&inventory, &Thresholds::default(), now);

        let users: HashSet<&str> = identity.users.iter().map(|u| u.name()).collect();
        for result in &results {
            let listed = checks().find(|c| c.id == result.check_id());
            assert_eq!(
                listed.map(|c| (c.title, c.source)),
                Some((result.title(), result.source())),
                "{}",
                result.check_id()
            );
            if let Some(subject) = result.subject() {
                assert_eq!(
                    result.source(),
                    SourceKind::Identity,
                    "{}",
                    result.check_id()
                );
                assert!(subject == ROOT || users.contains(subject), "{subject}");
            }
        }
        let produced: HashSet<&str> = results.iter().map(|r| r.check_id()).collect();
        let sources: HashSet<SourceKind> = results.iter().map(|r| r.source()).collect();
        assert_eq!(sources.len(), SourceKind::ALL.len(), "{sources:?}");
        assert!(produced.len() >= 15, "{produced:?}");
        assert!(results.iter().any(|r| r.subject() == Some(ROOT)));
    }
}
