//! The demo account's archived findings, for the Findings tab's archived view: those its
//! world archived before the demo started and those archived since, listed through the
//! same trait as AWS's `ListFindings` on `service.archived = true`. In the demo
//! organisation the delegated administrator's detector lists its members' too.

use super::DemoWorld;
use crate::clock::SharedClock;
use crate::domain::SharedText;
use crate::sources::archived::{ARCHIVED_LIMIT, ArchivedListing, ArchivedLookup, ArchivedRequest};
use crate::sources::finding_json::{FindingJsonLookup, FindingJsonRequest};
use crate::sources::{SourceError, SourceErrorKind};
use async_trait::async_trait;
use std::collections::HashMap;
use std::sync::Arc;

/// GuardDuty's delegated administrator in the demo organisation.
pub(super) struct Administrator {
    pub account: String,
    /// The members its detector lists, in the regions it covers.
    pub members: Vec<Arc<DemoWorld>>,
    pub covered: Vec<&'static str>,
}

pub struct DemoArchived {
    worlds: HashMap<String, Arc<DemoWorld>>,
    admin: Option<Administrator>,
    clock: SharedClock,
}

impl DemoArchived {
    /// The archived findings of `worlds` (the reachable accounts), as of the clock.
    pub fn new(worlds: impl IntoIterator<Item = Arc<DemoWorld>>, clock: SharedClock) -> Self {
        DemoArchived {
            worlds: worlds
                .into_iter()
                .map(|w| (w.account_id().to_string(), w))
                .collect(),
            admin: None,
            clock,
        }
    }

    /// The same, with the organisation's GuardDuty administrator.
    pub(super) fn administered_by(mut self, admin: Administrator) -> Self {
        self.admin = Some(admin);
        self
    }
}

/// The demo's findings have no wire form: their detail shows the record watchpost holds.
#[async_trait]
impl FindingJsonLookup for DemoArchived {
    async fn finding_json(
        &self,
        _request: &FindingJsonRequest,
    ) -> Result<Option<String>, SourceError> {
        Ok(None)
    }
}

#[async_trait]
impl ArchivedLookup for DemoArchived {
    async fn archived(&self, request: &ArchivedRequest) -> Result<ArchivedListing, SourceError> {
        let Some(world) = self.worlds.get(&request.account_id) else {
            return Err(SourceError {
                source_id: request.source_id(),
                operation: "ListFindings".into(),
                kind: SourceErrorKind::Credentials,
                message: format!("account {} is not reachable", request.account_id),
            });
        };
        let now = self.clock.now();
        let region = request.region.as_str();
        let mut findings = match &self.admin {
            Some(admin)
                if admin.account == request.account_id && admin.covered.contains(&region) =>
            {
                let through: SharedText = Arc::new(request.detector_id.clone());
                super::org::admin_listing(world, &admin.members, &through, |w, offers| {
                    w.archived_at(region, now, offers)
                })
            }
            _ => world.archived_at(region, now, &[]),
        };
        // Newest updated first, as the AWS listing asks for them.
        findings.sort_by_key(|f| std::cmp::Reverse(f.updated_at));
        let more = findings.len() > ARCHIVED_LIMIT;
        findings.truncate(ARCHIVED_LIMIT);
        Ok(ArchivedListing { findings, more })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FixedClock;
    use crate::remediation::{ActionId, Execute, Offer};
    use crate::sources::demo::{DEMO_REGIONS, DemoOptions, DemoScale, changes::DemoExecutor};
    use chrono::{DateTime, TimeDelta, Utc};
    use std::collections::HashSet;

    fn anchor() -> DateTime<Utc> {
        DateTime::from_timestamp(1_795_000_000, 0).unwrap_or_default()
    }

    fn ids(findings: &[crate::domain::Finding]) -> HashSet<String> {
        findings.iter().map(|f| f.id.to_string()).collect()
    }

    fn offer(action: ActionId, f: &crate::domain::Finding) -> Offer {
        Offer::new(action, crate::remediation::Target::finding(f), anchor())
    }

    #[test]
    fn archived_findings_are_apart_from_the_listed_ones_and_never_change() {
        let options = DemoOptions {
            seed: 7,
            scale: DemoScale::uniform(2),
        };
        let world = DemoWorld::new(options, anchor());
        let later = anchor() + TimeDelta::hours(30);
        for region in DEMO_REGIONS {
            let archived = world.archived_at(region, anchor(), &[]);
            let expected = match world.detector(region).enabled {
                true => 2 * super::super::findings::ARCHIVED_PER_UNIT as usize,
                false => 0,
            };
            assert_eq!(archived.len(), expected, "{region}");
            assert!(archived.iter().all(|f| f.archived));
            assert!(
                archived
                    .iter()
                    .all(|f| f.last_seen < anchor() - TimeDelta::days(2))
            );
            assert!(ids(&archived).is_disjoint(&ids(&world.findings_at(region, later))));
            assert_eq!(world.archived_at(region, later, &[]), archived);
        }
    }

    #[tokio::test]
    async fn archiving_and_unarchiving_move_findings_between_the_listings() {
        let world = Arc::new(DemoWorld::new(DemoOptions::default(), anchor()));
        let executor = DemoExecutor::new(world.changes.clone());
        let region = "us-east-1";
        let listed = world.findings_at(region, anchor());
        let archived = world.archived_at(region, anchor(), &[]);
        let (open, closed) = (listed[0].clone(), archived[0].clone());
        assert!(
            executor
                .perform(&offer(ActionId::ArchiveFinding, &open))
                .await
                .is_ok()
        );
        assert!(
            executor
                .perform(&offer(ActionId::UnarchiveFinding, &closed))
                .await
                .is_ok()
        );

        let clock: SharedClock = Arc::new(FixedClock(anchor()));
        let lookup = DemoArchived::new([world.clone()], clock);
        let request = ArchivedRequest {
            account_id: world.account_id().to_string(),
            region: region.to_string(),
            detector_id: world.detector(region).detector_id.unwrap_or_default(),
        };
        let now_archived = lookup.archived(&request).await.unwrap_or_default();
        let now_archived = ids(&now_archived.findings);
        assert!(now_archived.contains(&*open.id));
        assert!(!now_archived.contains(&*closed.id));
        assert_eq!(now_archived.len(), archived.len());

        let now_listed = world.findings_at(region, anchor());
        assert!(now_listed.iter().any(|f| f.id == closed.id && !f.archived));
        assert!(!ids(&now_listed).contains(&*open.id));
        assert_eq!(now_listed.len(), listed.len());
        // An incremental poll after the unarchive does not bring it again: it did not
        // change since (GuardDuty's `updatedAt` does not move either).
        let since = world.findings_changed_since(region, anchor(), anchor());
        assert!(!ids(&since).contains(&*closed.id));
    }

    #[tokio::test]
    async fn an_unreachable_account_is_refused() {
        let world = Arc::new(DemoWorld::new(DemoOptions::default(), anchor()));
        let clock: SharedClock = Arc::new(FixedClock(anchor()));
        let lookup = DemoArchived::new([world], clock);
        let request = ArchivedRequest {
            account_id: "999999999999".into(),
            region: "us-east-1".into(),
            detector_id: "d".into(),
        };
        let error = lookup.archived(&request).await.unwrap_err();
        assert_eq!(error.kind, SourceErrorKind::Credentials);
    }
}
