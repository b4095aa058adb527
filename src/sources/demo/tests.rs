//! Behaviour of the demo account as the rest of the console relies on it.

use super::*;
use crate::domain::{AlarmKind, AlarmState, IamUser, Severity};
use chrono::TimeDelta;
use std::collections::HashSet;

fn anchor() -> DateTime<Utc> {
    DateTime::from_timestamp(1_795_000_000, 0).unwrap_or_default()
}

fn world(seed: u64, scale: u32) -> DemoWorld {
    DemoWorld::new(
        DemoOptions {
            seed,
            scale: DemoScale::uniform(scale),
        },
        anchor(),
    )
}

fn all_alarms(w: &DemoWorld, now: DateTime<Utc>) -> Vec<Alarm> {
    DEMO_REGIONS
        .iter()
        .flat_map(|r| w.alarms_at(r, now))
        .collect()
}

fn all_findings(w: &DemoWorld, now: DateTime<Utc>) -> Vec<Finding> {
    DEMO_REGIONS
        .iter()
        .flat_map(|r| w.findings_at(r, now))
        .collect()
}

fn age_days(t: DateTime<Utc>) -> i64 {
    (anchor() - t).num_days()
}

#[test]
fn same_seed_anchor_and_time_give_the_same_account() {
    let (a, b) = (world(DEFAULT_SEED, 2), world(DEFAULT_SEED, 2));
    let later = anchor() + TimeDelta::seconds(1234);
    assert_eq!(a.identity_at(later), b.identity_at(later));
    assert_eq!(all_alarms(&a, later), all_alarms(&b, later));
    assert_eq!(all_findings(&a, later), all_findings(&b, later));
    assert_eq!(a.caller(), b.caller());
    let other = world(DEFAULT_SEED + 1, 2);
    assert_ne!(a.identity_at(later).users, other.identity_at(later).users);
    assert_ne!(all_findings(&a, later), all_findings(&other, later));
}

#[test]
fn default_seed_root_and_policy_are_the_documented_ones() {
    let inv = world(DEFAULT_SEED, 1).identity_at(anchor());
    assert!(inv.root.mfa_active);
    assert_eq!(inv.root.mfa_hardware, Some(false));
    assert!(inv.root.access_keys.is_empty());
    let last = inv.root.password_last_used.map(age_days);
    assert_eq!(last, Some(20));
    assert_eq!(inv.root.arn, "arn:aws:iam::111122223333:root");
    let policy = inv
        .password_policy
        .map(|p| (p.minimum_length, p.reuse_prevention));
    assert_eq!(policy, Some((8, None)));
}

#[test]
fn other_seeds_vary_the_root_account() {
    let configs: HashSet<(bool, Option<bool>, usize)> = (0..24)
        .map(|seed| {
            let root = world(seed, 1).identity_at(anchor()).root;
            (root.mfa_active, root.mfa_hardware, root.access_keys.len())
        })
        .collect();
    assert!(configs.len() >= 3, "{configs:?}");
    assert!(
        configs.contains(&(false, None, 1)),
        "no seed gave a root key without MFA"
    );
    let policies: HashSet<Option<u32>> = (0..24)
        .map(|seed| {
            world(seed, 1)
                .identity_at(anchor())
                .password_policy
                .map(|p| p.minimum_length)
        })
        .collect();
    assert!(
        policies.contains(&None) && policies.contains(&Some(14)),
        "{policies:?}"
    );
}

#[test]
fn populations_scale_linearly() {
    for scale in [1, 3] {
        let w = world(DEFAULT_SEED, scale);
        let n = scale as usize;
        assert_eq!(w.identity_at(anchor()).users.len(), 40 * n);
        assert_eq!(all_alarms(&w, anchor()).len(), 31 * n);
        assert_eq!(all_findings(&w, anchor()).len(), 60 * n);
    }
}

#[test]
fn each_population_scales_on_its_own() {
    let scale: DemoScale = "findings=3,alarms=2".parse().unwrap();
    assert_eq!(
        scale,
        DemoScale {
            findings: 3,
            users: 1,
            alarms: 2,
            accounts: None,
        }
    );
    let w = DemoWorld::new(
        DemoOptions {
            seed: DEFAULT_SEED,
            scale,
        },
        anchor(),
    );
    assert_eq!(w.identity_at(anchor()).users.len(), 40);
    assert_eq!(all_alarms(&w, anchor()).len(), 62);
    assert_eq!(all_findings(&w, anchor()).len(), 180);
}

#[test]
fn a_bad_demo_scale_is_explained() {
    assert_eq!("4".parse::<DemoScale>(), Ok(DemoScale::uniform(4)));
    for (text, expected) in [
        ("0", "not a whole number from 1 to 10000"),
        ("users=x", "`x` is not a whole number"),
        ("groups=2", "unknown population `groups`"),
        ("users", "`users` is not a whole number"),
    ] {
        let err = text.parse::<DemoScale>().unwrap_err();
        assert!(err.contains(expected), "{text}: {err}");
    }
}

fn count_users(users: &[IamUser], pred: impl Fn(&IamUser) -> bool) -> usize {
    users.iter().filter(|u| pred(u)).count()
}

#[test]
fn identity_contains_every_hygiene_problem_the_checks_look_for() {
    for scale in [1, 3] {
        let users = world(DEFAULT_SEED, scale).identity_at(anchor()).users;
        let n = scale as usize;
        let keys = || users.iter().flat_map(|u| u.access_keys.iter());
        assert_eq!(count_users(&users, |u| u.active_keys().count() == 2), 2 * n);
        let attached = |u: &IamUser| u.admin_via.iter().any(|a| a.contains("(attached)"));
        assert_eq!(count_users(&users, attached), n);
        assert_eq!(
            count_users(&users, |u| u
                .admin_via
                .iter()
                .any(|a| a.contains("via group"))),
            n
        );
        assert!(keys().any(|k| k.is_active() && age_days(k.created) > 90));
        assert!(keys().any(|k| k.last_used.is_some_and(|t| age_days(t) > 45)));
        assert!(keys().any(|k| k.last_used.is_none() && age_days(k.created) > 45));
        assert!(keys().any(|k| !k.is_active()));
        assert!(count_users(&users, |u| u.has_console_access() && !u.mfa_active) >= 3 * n);
        assert!(count_users(&users, |u| u.has_console_access() && u.mfa_active) >= 10 * n);
        let new_unused = |u: &IamUser| {
            age_days(u.created) < 7 && u.access_keys.iter().any(|k| k.last_used.is_none())
        };
        assert_eq!(count_users(&users, new_unused), n);
        for u in users.iter() {
            assert_eq!(
                u.arn(),
                format!("arn:aws:iam::111122223333:user/{}", u.name())
            );
            assert!(
                u.access_keys
                    .iter()
                    .all(|k| k.created >= u.created && k.created <= anchor())
            );
            assert!(
                u.access_keys
                    .iter()
                    .all(|k| k.id.len() == 20 && k.id.starts_with("AKIA"))
            );
        }
    }
}

#[test]
fn findings_cover_every_severity_band_and_only_enabled_regions() {
    let w = world(DEFAULT_SEED, 1);
    let findings = all_findings(&w, anchor());
    let bands: HashSet<Severity> = findings.iter().map(Finding::severity).collect();
    for band in [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
    ] {
        assert!(bands.contains(&band), "no {band} finding");
    }
    assert!(
        w.findings_at("ap-southeast-2", anchor() + TimeDelta::hours(1))
            .is_empty()
    );
    let syd = w.detector("ap-southeast-2");
    assert_eq!((syd.detector_id.as_deref(), syd.enabled), (None, false));
    let use1 = w.detector("us-east-1");
    assert!(use1.enabled && use1.detector_id.as_ref().is_some_and(|d| d.len() == 32));
    for f in &findings {
        let det = w.detector(&f.region).detector_id.unwrap_or_default();
        assert_eq!(*f.detector_id, *det);
        let arn = format!(
            "arn:aws:guardduty:{}:111122223333:detector/{det}/finding/{}",
            f.region, f.id
        );
        assert_eq!(f.arn(), arn);
        assert!(f.first_seen <= f.last_seen && f.last_seen <= anchor());
        assert!(age_days(f.first_seen) <= 30);
        assert!(!f.text.title().contains('{') && !f.text.description().contains('{'));
    }
    let regions: HashSet<&str> = findings.iter().map(|f| f.region.as_str()).collect();
    assert_eq!(regions, HashSet::from(["us-east-1", "eu-west-1"]));
}

#[test]
fn access_key_findings_name_real_demo_users_and_keys() {
    let w = world(DEFAULT_SEED, 2);
    let users = w.identity_at(anchor()).users;
    let keys: HashSet<(&str, &str)> = users
        .iter()
        .flat_map(|u| u.access_keys.iter().map(move |k| (u.name(), k.id.as_str())))
        .collect();
    let findings = all_findings(&w, anchor() + TimeDelta::hours(2));
    let iam_user_findings: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.details().get("User type") == Some("IAMUser"))
        .collect();
    assert!(!iam_user_findings.is_empty());
    for f in iam_user_findings {
        let user = f.details().get("User name");
        assert!(
            keys.contains(&(user.unwrap_or(""), f.text.resource_id())),
            "{f:?}"
        );
    }
}

#[test]
fn alarms_show_all_states_realistic_reasons_and_composites() {
    let w = world(DEFAULT_SEED, 1);
    let alarms = all_alarms(&w, anchor());
    let states: HashSet<AlarmState> = alarms.iter().map(|a| a.state).collect();
    assert_eq!(states.len(), 3, "{states:?}");
    let composites: Vec<&Alarm> = alarms
        .iter()
        .filter(|a| a.kind == AlarmKind::Composite)
        .collect();
    assert_eq!(composites.len(), 2);
    assert!(
        composites
            .iter()
            .all(|a| a.metric.is_none() && a.rule.is_some())
    );
    assert!(alarms.iter().filter(|a| !a.actions_enabled).count() >= 2);
    assert!(
        w.alarms_at("ap-southeast-2", anchor()).len() < w.alarms_at("us-east-1", anchor()).len()
    );
    for a in &alarms {
        assert_eq!(
            a.arn(),
            format!(
                "arn:aws:cloudwatch:{}:111122223333:alarm:{}",
                a.region,
                a.name()
            )
        );
        assert!(a.state_updated <= anchor() + TimeDelta::seconds(1));
        if a.kind == AlarmKind::Metric && a.state != AlarmState::InsufficientData {
            assert!(
                a.state_reason.starts_with("Threshold Crossed: "),
                "{}",
                a.state_reason
            );
        }
    }
    // The demo opens with a quarter or so of alarms firing, whatever the seed…
    for seed in 0..12 {
        let opening = all_alarms(&world(seed, 2), anchor());
        let firing = opening
            .iter()
            .filter(|a| a.state == AlarmState::Alarm)
            .count();
        assert!(
            (14..=18).contains(&firing),
            "seed {seed}: {firing} of 62 firing"
        );
    }
    // …and across many moments, roughly a fifth to a third of alarms are firing.
    let (mut firing, mut total) = (0, 0);
    for step in 0..50 {
        let now = anchor() + TimeDelta::seconds(step * 97);
        let snapshot = all_alarms(&w, now);
        firing += snapshot
            .iter()
            .filter(|a| a.state == AlarmState::Alarm)
            .count();
        total += snapshot.len();
    }
    let share = firing as f64 / total as f64;
    assert!((0.15..=0.35).contains(&share), "share in ALARM {share}");
}

#[test]
fn the_account_changes_over_time() {
    let w = world(DEFAULT_SEED, 1);
    let later = anchor() + TimeDelta::minutes(10);
    let before = all_alarms(&w, anchor());
    let after = all_alarms(&w, later);
    assert!(before.iter().zip(&after).any(|(b, a)| b.state != a.state));
    let steady = before
        .iter()
        .zip(&after)
        .filter(|(b, a)| b.state == a.state && b.state_updated == a.state_updated);
    assert!(steady.count() >= 5, "some alarms never change");
    let old = all_findings(&w, anchor());
    let new = all_findings(&w, later);
    assert_eq!(new.len(), old.len() + 15);
    let grew = old.iter().filter(|o| {
        new.iter().any(|n| {
            n.id == o.id
                && n.count > o.count
                && n.last_seen > o.last_seen
                && n.updated_at > o.updated_at
        })
    });
    assert!(grew.count() > 0);
    let report = w.identity_at(anchor()).report_generated;
    assert!(report < anchor() && anchor() - report < TimeDelta::minutes(15));
    assert_eq!(w.identity_at(later).report_generated, report);
    let next = w
        .identity_at(anchor() + TimeDelta::hours(5))
        .report_generated;
    assert_eq!(next - report, TimeDelta::hours(4));
}

#[test]
fn names_and_ids_are_unique_at_scale() {
    let w = world(DEFAULT_SEED, 5);
    let inv = w.identity_at(anchor());
    let names: HashSet<&str> = inv.users.iter().map(|u| u.name()).collect();
    assert_eq!(names.len(), inv.users.len());
    let key_ids: HashSet<&str> = inv
        .users
        .iter()
        .flat_map(|u| u.access_keys.iter().map(|k| k.id.as_str()))
        .collect();
    assert_eq!(
        key_ids.len(),
        inv.users.iter().map(|u| u.access_keys.len()).sum::<usize>()
    );
    let findings = all_findings(&w, anchor() + TimeDelta::hours(3));
    let ids: HashSet<&str> = findings.iter().map(|f| &*f.id).collect();
    assert_eq!(ids.len(), findings.len());
    assert!(findings.iter().all(|f| f.id.len() == 32));
    let alarms = all_alarms(&w, anchor());
    let alarm_names: HashSet<&str> = alarms.iter().map(|a| a.name()).collect();
    assert_eq!(alarm_names.len(), alarms.len());
    // Composite rules point at alarms of the same copy.
    for a in alarms.iter().filter(|a| a.kind == AlarmKind::Composite) {
        let rule = a.rule.as_deref().unwrap_or("");
        for child in rule.split('"').skip(1).step_by(2) {
            assert!(
                alarms
                    .iter()
                    .any(|c| c.name() == child && c.region == a.region),
                "{rule}"
            );
        }
    }
}

/// The demo's CIS alarms watch the metrics its trail's filters publish (namespace and
/// name, in the trail's home region): only the filter without an alarm is reported.
#[test]
fn cis_alarms_watch_the_metrics_the_demo_filters_publish() {
    let w = world(DEFAULT_SEED, 1);
    let alarms = all_alarms(&w, anchor());
    let account = baseline::account(DEMO_ACCOUNT_ID);
    let mut out = Vec::new();
    crate::posture::baseline::evaluate(
        &[],
        std::slice::from_ref(&account),
        &alarms,
        &crate::posture::Thresholds::default(),
        &mut out,
    );
    let monitoring = out
        .iter()
        .find(|c| c.check_id() == "cloudwatch.cis-monitoring")
        .map(|c| c.evidence().to_string())
        .unwrap_or_default();
    assert!(
        monitoring.contains("covered: unauthorised API calls, root account usage"),
        "{monitoring}"
    );
    assert!(
        monitoring.contains(
            "filter only: CloudTrail changes (filter CloudTrailChanges, no alarm on \
             CloudTrailMetrics/CloudTrailChanges in us-east-1)"
        ),
        "{monitoring}"
    );
}
