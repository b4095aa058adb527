//! The simulated organisation has the shape it promises, and is read as a real one is:
//! members' findings through the administrator's sources, everything else per account.

use super::*;
use crate::clock::FixedClock;
use crate::domain::{Discovery, Organization, Reach, SourceKind};
use crate::remediation::{ActionId, Offer, Target};
use crate::sources::SourceData;
use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

fn anchor() -> DateTime<Utc> {
    DateTime::from_timestamp(1_795_000_000, 0).unwrap_or_default()
}

fn org_session(seed: u64, scale: &str) -> Session {
    let scale = scale.parse().unwrap_or_default();
    demo_org_session(DemoOptions { seed, scale }, Arc::new(FixedClock(anchor())))
}

fn org(session: &Session) -> Organization {
    session.org.clone().unwrap_or_else(|| Organization {
        id: None,
        management_account: None,
        discovery: Discovery::Listed,
        accounts: Vec::new(),
        member_role: None,
        guardduty_admin: None,
    })
}

fn block_on<T>(future: impl std::future::Future<Output = T>) -> Option<T> {
    let runtime = tokio::runtime::Builder::new_current_thread().build().ok()?;
    Some(runtime.block_on(future))
}

/// Every source polled once, by source.
fn poll_all(session: &mut Session) -> Vec<(crate::domain::SourceId, SourceData)> {
    block_on(async {
        let mut out = Vec::new();
        for source in &mut session.sources {
            let id = source.id().clone();
            if let Ok(data) = source.poll().await {
                out.push((id, data));
            }
        }
        out
    })
    .unwrap_or_default()
}

#[test]
fn the_organisation_has_its_ous_administrator_and_the_unreachable_and_suspended_account() {
    let session = org_session(DEFAULT_SEED, "1");
    let org = org(&session);
    assert_eq!(org.accounts.len(), DEFAULT_ACCOUNTS as usize);
    assert_eq!(org.discovery, Discovery::Demo);
    assert_eq!(org.member_role.as_deref(), Some(MEMBER_ROLE));
    assert!(org.id.as_deref().is_some_and(|id| id.starts_with("o-")));
    // The caller is in the management account: the demo account itself.
    assert_eq!(org.management_account.as_deref(), Some(DEMO_ACCOUNT_ID));
    assert_eq!(session.caller.account_id, DEMO_ACCOUNT_ID);
    assert_eq!(session.regions, DEMO_REGIONS.map(String::from));

    let ids: HashSet<&str> = org.accounts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids.len(), org.accounts.len(), "IDs are unique");
    assert!(
        ids.iter()
            .all(|id| id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()))
    );
    let names: HashSet<&str> = org.accounts.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names.len(), org.accounts.len(), "names are unique");
    let ous: HashSet<&str> = org.accounts.iter().map(|a| a.ou_path.as_str()).collect();
    for ou in [
        "Workloads/Prod",
        "Workloads/Staging",
        "Workloads/Dev",
        "Sandbox",
        "Security",
    ] {
        assert!(ous.contains(ou), "{ou}: {ous:?}");
    }
    let prod: Vec<_> = org
        .accounts
        .iter()
        .filter(|a| a.ou_path == "Workloads/Prod")
        .collect();
    assert!((2..=3).contains(&prod.len()), "{}", prod.len());
    // A path's IDs: the root, then each OU down; accounts of one OU share them.
    for account in &org.accounts {
        let depth = account.ou_path.split('/').filter(|p| !p.is_empty()).count();
        assert_eq!(account.ou_ids.len(), depth + 1, "{}", account.name);
        assert!(account.ou_ids.first().is_some_and(|r| r.starts_with("r-")));
        assert!(
            account
                .ou_ids
                .iter()
                .skip(1)
                .all(|ou| ou.starts_with("ou-"))
        );
    }
    assert_eq!(
        prod.first().map(|a| &a.ou_ids),
        prod.last().map(|a| &a.ou_ids)
    );

    let admin = org.guardduty_admin.clone().unwrap_or_default();
    assert_eq!(org.name_of(&admin), "acme-security");
    assert_eq!(org.unreachable().count(), 1);
    let unreachable = org.unreachable().next().map(|a| a.reach.clone());
    assert!(
        matches!(&unreachable, Some(Reach::Unreachable(why))
            if why.starts_with("cannot assume role/WatchpostAudit: AccessDenied")),
        "{unreachable:?}"
    );
    let skipped: Vec<_> = org
        .accounts
        .iter()
        .filter(|a| a.reach == Reach::Skipped("SUSPENDED".into()))
        .collect();
    assert_eq!(skipped.len(), 1);
    assert_eq!(org.reachable().count(), DEFAULT_ACCOUNTS as usize - 2);

    // Neither the unreachable nor the suspended account has a source of its own.
    let with_sources: HashSet<&str> = session
        .sources
        .iter()
        .map(|s| s.id().account_id.as_str())
        .collect();
    for account in &org.accounts {
        assert_eq!(
            with_sources.contains(account.id.as_str()),
            account.reach == Reach::Reachable,
            "{}",
            account.name
        );
    }
}

#[test]
fn members_findings_arrive_through_the_administrators_sources() {
    let mut session = org_session(DEFAULT_SEED, "1");
    let org = org(&session);
    let admin = org.guardduty_admin.clone().unwrap_or_default();
    let unreachable = org.unreachable().next().map(|a| a.id.to_string());
    let polled = poll_all(&mut session);
    assert_eq!(polled.len(), session.sources.len(), "every poll succeeds");

    let mut through_admin: HashMap<&str, usize> = HashMap::new();
    let mut listed_members = HashSet::new();
    for (id, data) in &polled {
        let SourceData::Findings {
            upserts,
            members,
            detector,
            ..
        } = data
        else {
            continue;
        };
        if id.account_id == *admin {
            for finding in upserts {
                // Listed through the administrator's detector, which acts on them.
                assert_eq!(
                    detector.detector_id.as_deref(),
                    Some(finding.detector_id.as_str())
                );
                *through_admin
                    .entry(finding.account_id.as_str())
                    .or_default() += 1;
            }
            listed_members.extend(members.iter().cloned());
        } else {
            // An account's own source lists its own findings, and manages nobody.
            assert!(upserts.iter().all(|f| *f.account_id == id.account_id));
            assert!(members.is_empty());
        }
    }
    assert!(through_admin.len() >= 5, "{through_admin:?}");
    assert!(through_admin.contains_key(admin.as_str()));
    // The account the console cannot enter still has its findings, through the administrator.
    let unreachable = unreachable.unwrap_or_default();
    assert!(through_admin.contains_key(unreachable.as_str()));
    assert!(listed_members.contains(&unreachable));
    assert!(!listed_members.contains(admin.as_str()));
    // Each member's findings come once: never also from a source of its own.
    for (id, data) in &polled {
        if let SourceData::Findings { upserts, .. } = data {
            if id.account_id != *admin && !upserts.is_empty() {
                assert!(!listed_members.contains(&id.account_id), "{id}");
            }
        }
    }
}

#[test]
fn the_same_seed_gives_the_same_organisation_and_another_seed_another() {
    let accounts = |seed| org(&org_session(seed, "1")).accounts;
    assert_eq!(accounts(DEFAULT_SEED), accounts(DEFAULT_SEED));
    assert_ne!(accounts(DEFAULT_SEED), accounts(DEFAULT_SEED + 1));

    let users = |seed| {
        let mut session = org_session(seed, "1");
        poll_all(&mut session)
            .into_iter()
            .filter_map(|(_, data)| match data {
                SourceData::Identity(inventory) => Some(*inventory),
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    let (first, again) = (users(DEFAULT_SEED), users(DEFAULT_SEED));
    assert_eq!(first, again);
    // Each account is a world of its own: its own users.
    let user_sets: HashSet<Vec<String>> = first
        .iter()
        .map(|inventory| {
            inventory
                .users
                .iter()
                .map(|u| u.name().to_string())
                .collect()
        })
        .collect();
    assert_eq!(user_sets.len(), first.len());
    assert!(first.iter().all(|inventory| {
        inventory
            .users
            .iter()
            .all(|u| u.arn().contains(&format!(":{}:", inventory.account_id)))
    }));
}

#[test]
fn five_hundred_accounts_are_built_quickly() {
    let started = Instant::now();
    let session = org_session(DEFAULT_SEED, "accounts=500");
    let took = started.elapsed();
    let org = org(&session);
    assert_eq!(org.accounts.len(), 500);
    let ids: HashSet<&str> = org.accounts.iter().map(|a| a.id.as_str()).collect();
    let names: HashSet<&str> = org.accounts.iter().map(|a| a.name.as_str()).collect();
    assert_eq!((ids.len(), names.len()), (500, 500));
    assert_eq!(org.unreachable().count(), 1);
    let identity_sources = session
        .sources
        .iter()
        .filter(|s| s.id().kind == SourceKind::Identity)
        .count();
    assert_eq!(identity_sources, org.reachable().count());
    // Generous for an unoptimised build on a busy machine: it takes well under a second.
    assert!(took < Duration::from_secs(10), "{took:?}");
}

#[test]
fn the_scale_names_accounts_beside_the_populations() {
    let scale: DemoScale = "accounts=500,findings=3".parse().unwrap_or_default();
    assert_eq!(
        (scale.accounts, scale.findings, scale.users),
        (Some(500), 3, 1)
    );
    let uniform: DemoScale = "40".parse().unwrap_or_default();
    assert_eq!((uniform.accounts, uniform.alarms), (None, 40));
    assert!("accounts=0".parse::<DemoScale>().is_err());
    assert!("accounts=5001".parse::<DemoScale>().is_err());
}

/// The administrator's findings source of `region` in `session`.
fn admin_findings<'a>(session: &'a mut Session, region: &str) -> Option<&'a mut Box<dyn Source>> {
    let admin = session.org.as_ref()?.guardduty_admin.clone()?;
    session.sources.iter_mut().find(|s| {
        let id = s.id();
        id.kind == SourceKind::Findings
            && id.account_id == *admin
            && id.region.as_deref() == Some(region)
    })
}

#[tokio::test]
async fn actions_go_to_their_account_and_member_findings_through_the_administrator() {
    // Two sessions of one seed and anchor are alike: one shows what the other will list.
    let mut reference = org_session(DEFAULT_SEED, "1");
    let mut session = org_session(DEFAULT_SEED, "1");
    let admin = org(&session).guardduty_admin.clone().unwrap_or_default();
    let region = DEMO_REGIONS[0];
    let listed = match admin_findings(&mut reference, region) {
        Some(source) => source.poll().await.ok(),
        None => None,
    };
    let Some(SourceData::Findings { upserts, .. }) = listed else {
        panic!("no findings from the administrator");
    };
    let Some(finding) = upserts.iter().find(|f| *f.account_id != *admin).cloned() else {
        panic!("no member finding");
    };
    let Some(executor) = session.executor.clone() else {
        panic!("no executor");
    };
    let archive = Offer::new(
        ActionId::ArchiveFinding,
        Target::Finding {
            account_id: finding.account_id.as_str().into(),
            region: finding.region.as_str().into(),
            detector_id: finding.detector_id.as_str().into(),
            id: (*finding.id).into(),
            finding_type: finding.finding_type.to_string(),
            resource_kind: finding.resource.kind.to_string(),
            resource_id: finding.text.resource_id().to_string(),
            archived: false,
        },
        anchor(),
    );
    let done = executor.perform(&archive).await;
    assert!(done.is_ok(), "{done:?}");
    let listed = match admin_findings(&mut session, region) {
        Some(source) => source.poll().await.ok(),
        None => None,
    };
    let Some(SourceData::Findings { upserts: after, .. }) = listed else {
        panic!("no findings from the administrator");
    };
    assert_eq!(after.len(), upserts.len() - 1);
    assert!(after.iter().all(|f| f.id != finding.id));

    // An alarm is acted on in its own account; the unreachable account has no way in.
    let org = org(&session);
    let alarm = |account: AccountIdOf| {
        Offer::new(
            ActionId::DisableAlarmActions,
            Target::Alarm {
                account_id: account,
                region: "us-east-1".into(),
                name: "no-such-alarm".into(),
                actions_enabled: true,
            },
            anchor(),
        )
    };
    let unreachable = org
        .unreachable()
        .next()
        .map(|a| a.id.clone())
        .unwrap_or_default();
    let refused = executor.perform(&alarm(unreachable)).await;
    assert!(
        matches!(&refused, Err(crate::remediation::ActionError::NoAccount { why, .. })
            if why.contains("AccessDenied")),
        "{refused:?}"
    );
    let member = org
        .reachable()
        .nth(3)
        .map(|a| a.id.clone())
        .unwrap_or_default();
    let done = executor.perform(&alarm(member)).await;
    assert!(done.is_ok(), "{done:?}");
}

type AccountIdOf = crate::domain::AccountId;
