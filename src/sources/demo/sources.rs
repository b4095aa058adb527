//! The demo world behind the ordinary [`Source`] trait, one source per service and region.

use super::DemoWorld;
use crate::clock::SharedClock;
use crate::domain::{SourceId, SourceKind};
use crate::sources::{Source, SourceData, SourceError, SourceErrorKind};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::sync::Arc;

/// From this scale up, generation runs on tokio's blocking pool so a large demo does not
/// stall the async workers; small demos are generated inline (microseconds).
const OFFLOAD_FROM_SCALE: u32 = 16;

pub(super) fn source_id(kind: SourceKind, world: &DemoWorld, region: Option<&str>) -> SourceId {
    SourceId {
        kind,
        account_id: world.account_id().to_string(),
        region: region.map(str::to_string),
    }
}

/// Whether generating `worlds` worlds of this size should leave the async workers.
pub(super) fn large(world: &DemoWorld, worlds: usize) -> bool {
    let size = u64::from(world.scale().largest()).saturating_mul(worlds as u64);
    size >= u64::from(OFFLOAD_FROM_SCALE)
}

/// Runs `work` on the blocking pool when it is `large` and a tokio runtime is present.
pub(super) async fn generate<T, F>(
    large: bool,
    id: &SourceId,
    operation: &str,
    work: F,
) -> Result<T, SourceError>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    if !large {
        return Ok(work());
    }
    match tokio::runtime::Handle::try_current() {
        Ok(handle) => handle.spawn_blocking(work).await.map_err(|e| SourceError {
            source_id: id.clone(),
            operation: operation.to_string(),
            kind: SourceErrorKind::Service,
            message: format!("demo generator did not finish: {e}"),
        }),
        Err(_) => Ok(work()),
    }
}

/// CloudWatch alarms of one region: every poll returns the full set.
pub struct DemoAlarms {
    id: SourceId,
    world: Arc<DemoWorld>,
    clock: SharedClock,
}

impl DemoAlarms {
    pub fn new(world: Arc<DemoWorld>, clock: SharedClock, region: &str) -> Self {
        DemoAlarms {
            id: source_id(SourceKind::Alarms, &world, Some(region)),
            world,
            clock,
        }
    }
}

#[async_trait]
impl Source for DemoAlarms {
    fn id(&self) -> &SourceId {
        &self.id
    }

    async fn poll(&mut self) -> Result<SourceData, SourceError> {
        let now = self.clock.now();
        let world = self.world.clone();
        let region = self.id.region.clone().unwrap_or_default();
        let alarms = generate(
            large(&self.world, 1),
            &self.id,
            "DescribeAlarms",
            move || world.alarms_at(&region, now),
        )
        .await?;
        Ok(SourceData::alarms(alarms))
    }
}

/// GuardDuty findings of one region: everything on the first poll, then only what is new or
/// updated since the previous poll, like a `ListFindings` filtered on `updatedAt`.
pub struct DemoFindings {
    id: SourceId,
    world: Arc<DemoWorld>,
    clock: SharedClock,
    last_poll: Option<DateTime<Utc>>,
}

impl DemoFindings {
    pub fn new(world: Arc<DemoWorld>, clock: SharedClock, region: &str) -> Self {
        DemoFindings {
            id: source_id(SourceKind::Findings, &world, Some(region)),
            world,
            clock,
            last_poll: None,
        }
    }
}

#[async_trait]
impl Source for DemoFindings {
    fn id(&self) -> &SourceId {
        &self.id
    }

    async fn poll(&mut self) -> Result<SourceData, SourceError> {
        let now = self.clock.now();
        let region = self.id.region.clone().unwrap_or_default();
        let detector = self.world.detector(&region);
        let since = self.last_poll;
        let world = self.world.clone();
        let upserts = generate(
            large(&self.world, 1),
            &self.id,
            "ListFindings",
            move || match since {
                None => world.findings_at(&region, now),
                Some(since) => world.findings_changed_since(&region, since, now),
            },
        )
        .await?;
        // A clock that steps back must not make the next poll repeat old changes.
        self.last_poll = Some(since.map_or(now, |s| s.max(now)));
        Ok(SourceData::Findings {
            detector,
            upserts,
            complete: since.is_none(),
            members: Vec::new(),
        })
    }

    fn relist(&mut self) {
        self.last_poll = None;
    }
}

/// The account's IAM inventory (global: no region).
pub struct DemoIdentity {
    id: SourceId,
    world: Arc<DemoWorld>,
    clock: SharedClock,
}

impl DemoIdentity {
    pub fn new(world: Arc<DemoWorld>, clock: SharedClock) -> Self {
        DemoIdentity {
            id: source_id(SourceKind::Identity, &world, None),
            world,
            clock,
        }
    }
}

#[async_trait]
impl Source for DemoIdentity {
    fn id(&self) -> &SourceId {
        &self.id
    }

    async fn poll(&mut self) -> Result<SourceData, SourceError> {
        let now = self.clock.now();
        let world = self.world.clone();
        let inventory = generate(
            large(&self.world, 1),
            &self.id,
            "GetCredentialReport",
            move || world.identity_at(now),
        )
        .await?;
        Ok(SourceData::Identity(Box::new(inventory)))
    }
}

/// One region's baseline (security groups, EBS, VPCs, Config): the full set every poll.
pub struct DemoRegionalBaseline {
    id: SourceId,
    world: Arc<DemoWorld>,
}

impl DemoRegionalBaseline {
    pub fn new(world: Arc<DemoWorld>, region: &str) -> Self {
        DemoRegionalBaseline {
            id: source_id(SourceKind::Baseline, &world, Some(region)),
            world,
        }
    }
}

#[async_trait]
impl Source for DemoRegionalBaseline {
    fn id(&self) -> &SourceId {
        &self.id
    }

    async fn poll(&mut self) -> Result<SourceData, SourceError> {
        let region = self.id.region.clone().unwrap_or_default();
        let baseline = self
            .world
            .regional_baseline(&region)
            .ok_or_else(|| SourceError {
                source_id: self.id.clone(),
                operation: "DescribeSecurityGroups".into(),
                kind: SourceErrorKind::Service,
                message: format!("{region} is not a region of the demo account"),
            })?;
        Ok(SourceData::RegionalBaseline(Box::new(baseline)))
    }
}

/// The account-wide baseline (trails, monitoring filters, Block Public Access).
pub struct DemoAccountBaseline {
    id: SourceId,
    world: Arc<DemoWorld>,
}

impl DemoAccountBaseline {
    pub fn new(world: Arc<DemoWorld>) -> Self {
        DemoAccountBaseline {
            id: source_id(SourceKind::Baseline, &world, None),
            world,
        }
    }
}

#[async_trait]
impl Source for DemoAccountBaseline {
    fn id(&self) -> &SourceId {
        &self.id
    }

    async fn poll(&mut self) -> Result<SourceData, SourceError> {
        Ok(SourceData::AccountBaseline(Box::new(
            self.world.account_baseline(),
        )))
    }
}
