//! The simulated organisation (`--demo --org`) in the console: once every source has been
//! polled, the store holds each reachable account's data and posture judges each account.

use crate::support::{app_for, fixed_now, poll_all};
use std::collections::HashSet;
use std::sync::Arc;
use watchpost::clock::{FixedClock, SharedClock};
use watchpost::domain::{CheckStatus, SourceKind};
use watchpost::panes::Tab;
use watchpost::sources::demo::{DemoOptions, demo_org_session};

#[test]
fn every_reachable_account_is_loaded_and_judged_on_its_own() {
    let clock: SharedClock = Arc::new(FixedClock(fixed_now()));
    let mut session = demo_org_session(DemoOptions::default(), clock);
    let org = session.org.clone().unwrap();
    let mut app = app_for(&session, false, fixed_now());
    app.data.org = session.org.clone();
    poll_all(&mut app, &mut session);

    let reachable: HashSet<&str> = org.reachable().map(|a| a.id.as_str()).collect();
    assert_eq!(reachable.len(), 10);
    let loaded: HashSet<&str> = app
        .data
        .identities
        .iter()
        .map(|i| i.account_id.as_str())
        .collect();
    assert_eq!(loaded, reachable, "one IAM inventory per reachable account");
    let rows: usize = app.data.identities.iter().map(|i| i.users.len() + 1).sum();
    assert_eq!(app.view(Tab::Identity).rows().len(), rows);

    // Posture judges each account: its IAM, its alarms and baseline, its GuardDuty.
    let judged = |source: SourceKind| -> HashSet<&str> {
        app.data
            .checks
            .iter()
            .filter(|c| c.source() == source)
            .map(|c| c.account_id.as_str())
            .collect()
    };
    for source in [SourceKind::Identity, SourceKind::Baseline] {
        assert_eq!(judged(source), reachable, "{source:?}");
    }
    // The account the console cannot enter is judged on GuardDuty alone, which the
    // administrator manages for it.
    let unreachable = org.unreachable().next().unwrap();
    let managed: Vec<_> = app
        .data
        .checks
        .iter()
        .filter(|c| c.check_id() == "guardduty.enabled" && *c.account_id == *unreachable.id)
        .collect();
    assert!(!managed.is_empty());
    let admin = org.guardduty_admin.clone().unwrap();
    assert!(managed.iter().all(|c| c.status == CheckStatus::Pass
        && *c.evidence() == *format!("managed by the delegated administrator {admin}")));
    // IAM results of one account are about its own users.
    for check in app
        .data
        .checks
        .iter()
        .filter(|c| c.source() == SourceKind::Identity)
    {
        let inventory = app.data.identities.get(&check.account_id).unwrap();
        if let Some(user) = check
            .subject
            .as_deref()
            .filter(|s| *s != watchpost::posture::ROOT)
        {
            assert!(
                inventory.users.iter().any(|u| u.name() == user),
                "{check:?}"
            );
        }
    }
    // Findings of many accounts, each counted once.
    let accounts: HashSet<&str> = app
        .data
        .findings
        .iter()
        .map(|f| f.account_id.as_str())
        .collect();
    assert!(accounts.len() >= 8, "{accounts:?}");
    let ids: HashSet<&str> = app.data.findings.iter().map(|f| &*f.id).collect();
    assert_eq!(ids.len(), app.data.findings.len());
    assert!(!app.data.triage.is_empty());
}
