//! `--demo --org`: a simulated organisation (see `org_layout.rs` for its accounts), each
//! account a [`DemoWorld`] of its own, read the way the real thing is: alarms, IAM and the
//! baseline per account; GuardDuty through the delegated administrator, whose detector in
//! each region lists every member's findings ([`DemoAdminFindings`]). An account the
//! administrator does not cover in a region (not a member, or no administrator detector
//! there) has its own findings source. Actions go to the account that may act on the
//! target, a member's finding through the administrator, as on AWS.

use super::org_layout::{self, DEFAULT_ACCOUNTS, Part};
use super::sources::{self, generate, large, source_id};
use super::{DEMO_REGIONS, DemoOptions, DemoWorld, changes::DemoExecutor};
use crate::clock::SharedClock;
use crate::domain::{AccountId, Finding, SharedText, SourceId, SourceKind};
use crate::remediation::Offer;
use crate::remediation::accounts::AccountRouter;
use crate::sources::{Session, Source, SourceData, SourceError};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::collections::HashSet;
use std::sync::Arc;

/// The simulated organisation of `options.scale.accounts` accounts (12 by default), anchored
/// at `clock.now()`; the caller is the on-call role of the management account.
pub fn demo_org_session(options: DemoOptions, clock: SharedClock) -> Session {
    let anchor = clock.now();
    let accounts = options.scale.accounts.unwrap_or(DEFAULT_ACCOUNTS).max(1);
    let (org, planned) = org_layout::plan(options.seed, accounts);
    let worlds: Vec<Option<Arc<DemoWorld>>> = planned
        .iter()
        .map(|plan| {
            plan.part.has_world().then(|| {
                let own = DemoOptions {
                    seed: plan.seed,
                    scale: options.scale,
                };
                Arc::new(DemoWorld::in_account(own, anchor, &plan.account.id))
            })
        })
        .collect();
    let admin = planned
        .iter()
        .zip(&worlds)
        .find(|(plan, _)| plan.part == Part::Security)
        .and_then(|(_, world)| world.clone());
    let members: Vec<Arc<DemoWorld>> = planned
        .iter()
        .zip(&worlds)
        .filter(|(plan, _)| plan.part.guardduty_member())
        .filter_map(|(_, world)| world.clone())
        .collect();
    // The regions where the administrator's detector lists the members' findings.
    let covered: Vec<&str> = DEMO_REGIONS
        .into_iter()
        .filter(|region| {
            admin
                .as_ref()
                .is_some_and(|admin| admin.detector(region).detector_id.is_some())
        })
        .collect();

    let mut list: Vec<Box<dyn Source>> = Vec::new();
    let mut router = AccountRouter::new();
    for (plan, world) in planned.iter().zip(&worlds) {
        let id = &plan.account.id;
        let Some(world) = world.as_ref().filter(|_| plan.part.reachable()) else {
            if let Some(why) = plan.account.reach.reason() {
                router.refuse(id.clone(), why.to_string());
            }
            continue;
        };
        router.add(
            id.clone(),
            Arc::new(DemoExecutor::new(world.changes.clone())),
        );
        list.extend(super::account_sources(world, &clock, |region| {
            let findings: Box<dyn Source> = if plan.part == Part::Security {
                let members = if covered.contains(&region) {
                    members.clone()
                } else {
                    Vec::new()
                };
                Box::new(DemoAdminFindings::new(
                    world.clone(),
                    members,
                    clock.clone(),
                    region,
                ))
            } else if plan.part.guardduty_member() && covered.contains(&region) {
                // The administrator's detector lists them.
                return None;
            } else {
                Box::new(sources::DemoFindings::new(
                    world.clone(),
                    clock.clone(),
                    region,
                ))
            };
            Some(findings)
        }));
    }
    if let Some(admin) = &org.guardduty_admin {
        let ids: HashSet<AccountId> = members.iter().map(|m| m.account_id().into()).collect();
        for region in &covered {
            router.findings_through(admin, region, &ids);
        }
    }
    let management = planned
        .iter()
        .zip(&worlds)
        .find(|(plan, _)| plan.part == Part::Management)
        .and_then(|(_, world)| world.clone());
    let caller_world = management.or_else(|| worlds.iter().flatten().next().cloned());
    let reachable: Vec<Arc<DemoWorld>> = planned
        .iter()
        .zip(&worlds)
        .filter(|(plan, _)| plan.part.reachable())
        .filter_map(|(_, world)| world.clone())
        .collect();
    let mut archived = super::archived::DemoArchived::new(reachable.clone(), clock.clone());
    if let Some(admin) = &admin {
        archived = archived.administered_by(super::archived::Administrator {
            account: admin.account_id().to_string(),
            members: members.clone(),
            covered: covered.clone(),
        });
    }
    Session {
        caller: caller_world
            .as_ref()
            .map(|w| w.caller())
            .unwrap_or_else(|| DemoWorld::new(options, anchor).caller()),
        regions: DEMO_REGIONS.iter().map(|r| r.to_string()).collect(),
        demo: true,
        journal_history: caller_world
            .map(|w| w.journal_at(anchor))
            .unwrap_or_default(),
        sources: list,
        executor: Some(Arc::new(router)),
        read_only: crate::aws::read_only::ReadOnlySwitch::new(false),
        org: Some(org),
        lookups: crate::sources::Lookups::new(
            super::activity::DemoActivity::new(reachable.clone()),
            archived,
        ),
    }
}

/// What the administrator's detector lists in a region: its own account's findings, then
/// every member's. Members' findings are archived through the administrator, so its actions
/// are laid over them, and they carry the detector they were listed through, as the AWS
/// source's do. `list` lists one account's findings with the administrator's actions.
pub(super) fn admin_listing(
    admin: &DemoWorld,
    members: &[Arc<DemoWorld>],
    through: &SharedText,
    list: impl Fn(&DemoWorld, &[Offer]) -> Vec<Finding>,
) -> Vec<Finding> {
    let mut all = list(admin, &[]);
    let offers = admin.changes.offers();
    for member in members {
        let mut theirs = list(member, &offers);
        for finding in &mut theirs {
            finding.detector_id = through.clone();
        }
        all.append(&mut theirs);
    }
    all
}

/// GuardDuty of the delegated administrator in one region: its own findings and every
/// member's, each with the member's account ID, and the members it manages there. Like
/// [`sources::DemoFindings`], everything on the first poll, then what changed since.
pub struct DemoAdminFindings {
    id: SourceId,
    admin: Arc<DemoWorld>,
    members: Arc<Vec<Arc<DemoWorld>>>,
    clock: SharedClock,
    last_poll: Option<DateTime<Utc>>,
}

impl DemoAdminFindings {
    pub fn new(
        admin: Arc<DemoWorld>,
        members: Vec<Arc<DemoWorld>>,
        clock: SharedClock,
        region: &str,
    ) -> Self {
        DemoAdminFindings {
            id: source_id(SourceKind::Findings, &admin, Some(region)),
            admin,
            members: Arc::new(members),
            clock,
            last_poll: None,
        }
    }
}

#[async_trait]
impl Source for DemoAdminFindings {
    fn id(&self) -> &SourceId {
        &self.id
    }

    async fn poll(&mut self) -> Result<SourceData, SourceError> {
        let now = self.clock.now();
        let region = self.id.region.clone().unwrap_or_default();
        let detector = self.admin.detector(&region);
        let since = self.last_poll;
        let (admin, members) = (self.admin.clone(), self.members.clone());
        let size = large(&self.admin, members.len() + 1);
        let through: SharedText = Arc::new(detector.detector_id.clone().unwrap_or_default());
        let upserts = generate(size, &self.id, "ListFindings", move || {
            admin_listing(&admin, &members, &through, |world, offers| {
                world.listed(&region, since, now, offers)
            })
        })
        .await?;
        self.last_poll = Some(since.map_or(now, |s| s.max(now)));
        let members = if detector.detector_id.is_some() {
            self.members
                .iter()
                .map(|m| m.account_id().to_string())
                .collect()
        } else {
            Vec::new()
        };
        Ok(SourceData::Findings {
            detector,
            upserts,
            complete: since.is_none(),
            members,
        })
    }

    fn relist(&mut self) {
        self.last_poll = None;
    }
}
