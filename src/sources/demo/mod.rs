//! The embedded demo account: a simulated AWS account that runs with no credentials.
//!
//! [`DemoWorld`] is pure and deterministic: every alarm, finding and user is a function of
//! the options (seed, scale), the anchor (when the demo started) and the time asked about,
//! so the demo can be replayed exactly in tests and screenshots, yet it stays alive — alarms
//! flip, findings arrive and recur. [`demo_session`] wraps it in ordinary [`Source`]s, so
//! workers and the UI cannot tell it from a real account.

mod activity;
mod alarm_catalog;
mod alarms;
mod archived;
mod baseline;
mod catalog;
mod changes;
mod finding_catalog;
mod findings;
mod identity;
mod ids;
mod journal;
mod org;
mod org_layout;
#[cfg(test)]
mod org_tests;
mod resources;
mod scale;
#[cfg(test)]
mod source_tests;
mod sources;
#[cfg(test)]
mod tests;
mod user_plans;

pub use org::demo_org_session;
pub use org_layout::{DEFAULT_ACCOUNTS, MEMBER_ROLE};
pub use scale::DemoScale;

use crate::clock::SharedClock;
use crate::domain::{
    AccountBaseline, Alarm, CallerIdentity, DetectorStatus, Finding, IdentityInventory,
    RegionalBaseline,
};
use crate::remediation::Offer;
use crate::sources::{Session, Source};
use changes::last_word;
use chrono::{DateTime, Utc};
use std::sync::Arc;

/// The account ID AWS uses in its own documentation examples.
pub const DEMO_ACCOUNT_ID: &str = "111122223333";
/// Regions of the demo account; GuardDuty is disabled in the last one.
pub const DEMO_REGIONS: [&str; 3] = ["us-east-1", "eu-west-1", "ap-southeast-2"];
/// The seed of the documented demo (root with virtual MFA, weak password policy, …).
pub const DEFAULT_SEED: u64 = 7;

/// How the demo account is generated.
#[derive(Clone, Copy, Debug)]
pub struct DemoOptions {
    /// Same seed, same account.
    pub seed: u64,
    pub scale: DemoScale,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            seed: DEFAULT_SEED,
            scale: DemoScale::default(),
        }
    }
}

/// Seconds between credential reports: AWS regenerates one at most every 4 hours.
const REPORT_INTERVAL_SECS: i64 = 4 * 3600;

/// The pure, deterministic simulated account. Everything is a function of (options, anchor, now).
pub struct DemoWorld {
    seed: u64,
    /// The account the world is: [`DEMO_ACCOUNT_ID`], or one of a simulated organisation.
    account: String,
    scale: DemoScale,
    anchor: i64,
    /// Generated when first read, by the first poll that needs it, off the UI loop: the
    /// 500 accounts of an organisation hold 60,000 users, too many to make before the first
    /// frame.
    people: std::sync::OnceLock<People>,
    alarms: [Vec<alarms::AlarmSlot>; 3],
    detectors: [Option<String>; 3],
    /// Actions taken on the account, laid over what is generated.
    changes: Arc<changes::Changes>,
}

/// The account's IAM side.
struct People {
    identity: identity::Identity,
    /// Indices of users holding an access key (GuardDuty findings name them).
    keyed: Vec<u32>,
}

impl DemoWorld {
    /// Generates the account as it stands at `anchor` (the moment the demo starts); credential
    /// ages and finding histories are relative to it.
    pub fn new(options: DemoOptions, anchor: DateTime<Utc>) -> Self {
        DemoWorld::in_account(options, anchor, DEMO_ACCOUNT_ID)
    }

    /// The same, as the account `account` (one of a simulated organisation).
    pub fn in_account(options: DemoOptions, anchor: DateTime<Utc>, account: &str) -> Self {
        let seed = options.seed;
        let scale = options.scale.at_least_one();
        let anchor = anchor.timestamp();
        let detectors = std::array::from_fn(|slot| {
            findings::ENABLED_SLOTS
                .contains(&slot)
                .then(|| ids::hex32(seed, ids::STREAM_DETECTORS, slot as u64))
        });
        DemoWorld {
            seed,
            account: account.to_string(),
            scale,
            anchor,
            people: std::sync::OnceLock::new(),
            alarms: alarms::build(seed, scale.alarms, anchor),
            detectors,
            changes: Arc::default(),
        }
    }

    /// The account's users, root and password policy, generated on first use.
    fn people(&self) -> &People {
        self.people.get_or_init(|| {
            let identity = identity::build(self.seed, self.scale.users, self.anchor, &self.account);
            let keyed = identity
                .users
                .iter()
                .enumerate()
                .filter(|(_, u)| !u.access_keys.is_empty())
                .filter_map(|(i, _)| u32::try_from(i).ok())
                .collect();
            People { identity, keyed }
        })
    }

    /// The account's ID.
    pub fn account_id(&self) -> &str {
        &self.account
    }

    /// The principal the console "runs as": the on-call role.
    pub fn caller(&self) -> CallerIdentity {
        let account = &self.account;
        CallerIdentity {
            account_id: account.clone(),
            arn: format!("arn:aws:sts::{account}:assumed-role/SecurityOncall/oncall-demo"),
            user_id: "AROARZ7RQ4IYK3MDEMO01:oncall-demo".to_string(),
        }
    }

    /// Every alarm in `region` as it stands at `now` (empty for regions outside the demo).
    pub fn alarms_at(&self, region: &str, now: DateTime<Utc>) -> Vec<Alarm> {
        let mut alarms = match region_slot(region).and_then(|slot| self.alarms.get(slot)) {
            Some(slots) => alarms::at_time(
                slots,
                self.seed,
                self.anchor,
                now.timestamp(),
                (&self.account, region),
            ),
            None => Vec::new(),
        };
        self.changes.apply_alarms(&mut alarms);
        alarms
    }

    /// All unarchived findings in `region` visible at `now`.
    pub fn findings_at(&self, region: &str, now: DateTime<Utc>) -> Vec<Finding> {
        self.listed(region, None, now, &[])
    }

    /// The first finding of `region` archived before the demo started (what its sample
    /// journal archived).
    pub fn first_archived(&self, region: &str) -> Option<Finding> {
        let ctx = self.finding_context(region)?;
        findings::archived(&ctx, 1).into_iter().next()
    }

    /// Findings in `region` first seen or updated after `since` and visible at `now`: what an
    /// incremental GuardDuty poll (filtered on `updatedAt`) would return.
    pub fn findings_changed_since(
        &self,
        region: &str,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Vec<Finding> {
        self.listed(region, Some(since), now, &[])
    }

    /// The unarchived findings of `region` at `now` (with `since`, only those updated after
    /// it), with the actions taken laid over them: the account's own and `through`, those
    /// of the administrator whose detector lists them. A finding archived before the demo
    /// started and unarchived since is listed again.
    pub fn listed(
        &self,
        region: &str,
        since: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
        through: &[Offer],
    ) -> Vec<Finding> {
        let Some(ctx) = self.finding_context(region) else {
            return Vec::new();
        };
        let after = since.map(|t| t.timestamp());
        let mut visible = findings::visible(&ctx, now.timestamp(), after, usize::MAX);
        let offers = self.offers_with(through);
        if offers.is_empty() {
            return visible;
        }
        visible.retain(|f| last_word(&offers, f) != Some(true));
        let back = findings::archived(&ctx, usize::MAX)
            .into_iter()
            .filter(|f| last_word(&offers, f) == Some(false))
            .filter(|f| after.is_none_or(|after| f.updated_at.timestamp() > after));
        visible.extend(back.map(|mut f| {
            f.archived = false;
            f
        }));
        visible
    }

    /// The archived findings of `region` at `now`: those archived before the demo started
    /// and not unarchived since, and those archived since (by the account's own actions or
    /// `through`, the administrator's).
    pub fn archived_at(&self, region: &str, now: DateTime<Utc>, through: &[Offer]) -> Vec<Finding> {
        let Some(ctx) = self.finding_context(region) else {
            return Vec::new();
        };
        let mut archived = findings::archived(&ctx, usize::MAX);
        let offers = self.offers_with(through);
        if offers.is_empty() {
            return archived;
        }
        archived.retain(|f| last_word(&offers, f) != Some(false));
        let since = findings::visible(&ctx, now.timestamp(), None, usize::MAX)
            .into_iter()
            .filter(|f| last_word(&offers, f) == Some(true));
        archived.extend(since.map(|mut f| {
            f.archived = true;
            f
        }));
        archived
    }

    /// The actions taken on the account, then `through`.
    fn offers_with(&self, through: &[Offer]) -> Vec<Offer> {
        let mut offers = self.changes.offers();
        offers.extend_from_slice(through);
        offers
    }

    /// What `region`'s findings are drawn from; `None` where GuardDuty is off.
    fn finding_context(&self, region: &str) -> Option<findings::FindingContext<'_>> {
        let slot = region_slot(region)?;
        let detector_id = self.detectors.get(slot)?.as_deref()?;
        let people = self.people();
        Some(findings::FindingContext {
            seed: self.seed,
            account: &self.account,
            scale: self.scale.findings,
            anchor: self.anchor,
            region_slot: slot,
            region: DEMO_REGIONS.get(slot)?,
            detector_id,
            users: &people.identity.users,
            keyed: &people.keyed,
            root_key: people
                .identity
                .root
                .access_keys
                .first()
                .map(|k| k.id.as_str()),
        })
    }

    /// Whether GuardDuty is on in `region` (it is off in ap-southeast-2).
    pub fn detector(&self, region: &str) -> DetectorStatus {
        let detector_id = region_slot(region)
            .and_then(|slot| self.detectors.get(slot))
            .cloned()
            .flatten();
        DetectorStatus {
            account_id: self.account.clone(),
            region: region.to_string(),
            enabled: detector_id.is_some(),
            detector_id,
            administrator: None,
        }
    }

    /// The IAM inventory as the latest credential report (at most 4 hours old) shows it.
    pub fn identity_at(&self, now: DateTime<Utc>) -> IdentityInventory {
        let identity = &self.people().identity;
        let first = self.anchor - identity.report_lag_secs;
        let reports = ids::floor_div(now.timestamp() - first, REPORT_INTERVAL_SECS).max(0);
        let mut inventory = IdentityInventory {
            account_id: self.account.clone().into(),
            report_generated: ids::at(first + reports * REPORT_INTERVAL_SECS),
            root: identity.root.clone(),
            users: identity.users.clone(),
            password_policy: identity.password_policy.clone(),
            roles: identity::roles(&self.account),
            admin_managed_policies: Vec::new(),
            authorization_error: None,
        };
        self.changes.apply_identity(&mut inventory);
        inventory
    }

    /// The baseline of `region` with the actions taken laid over it (`None` outside the demo).
    pub fn regional_baseline(&self, region: &str) -> Option<RegionalBaseline> {
        let mut baseline = baseline::regional(self.seed, region, &self.account)?;
        self.changes.apply_regional(&mut baseline);
        Some(baseline)
    }

    /// The account-wide baseline with the actions taken laid over it.
    pub fn account_baseline(&self) -> AccountBaseline {
        let mut baseline = baseline::account(&self.account);
        self.changes.apply_account(&mut baseline);
        baseline
    }

    /// Population multipliers the world was built with (each at least 1).
    pub fn scale(&self) -> DemoScale {
        self.scale
    }
}

fn region_slot(region: &str) -> Option<usize> {
    DEMO_REGIONS.iter().position(|r| *r == region)
}

/// One demo account's sources: identity and account baseline once, alarms and the regional
/// baseline per [`DEMO_REGIONS`] entry, and per region the findings source `findings` gives
/// (none where another account's detector lists them).
pub(super) fn account_sources(
    world: &Arc<DemoWorld>,
    clock: &SharedClock,
    findings: impl Fn(&'static str) -> Option<Box<dyn Source>>,
) -> Vec<Box<dyn Source>> {
    let mut list: Vec<Box<dyn Source>> = Vec::with_capacity(2 + 3 * DEMO_REGIONS.len());
    list.push(Box::new(sources::DemoIdentity::new(
        world.clone(),
        clock.clone(),
    )));
    list.push(Box::new(sources::DemoAccountBaseline::new(world.clone())));
    for region in DEMO_REGIONS {
        list.push(Box::new(sources::DemoAlarms::new(
            world.clone(),
            clock.clone(),
            region,
        )));
        list.extend(findings(region));
        list.push(Box::new(sources::DemoRegionalBaseline::new(
            world.clone(),
            region,
        )));
    }
    list
}

/// Builds a Session whose sources are: one Identity and one account baseline source (region
/// None), and one Alarms, one Findings and one baseline source per [`DEMO_REGIONS`] entry;
/// all share one `Arc<DemoWorld>` and the clock. The world is anchored at `clock.now()` when the session is built.
pub fn demo_session(options: DemoOptions, clock: SharedClock) -> Session {
    let anchor = clock.now();
    let world = Arc::new(DemoWorld::new(options, anchor));
    let list = account_sources(&world, &clock, |region| {
        Some(Box::new(sources::DemoFindings::new(
            world.clone(),
            clock.clone(),
            region,
        )))
    });
    Session {
        caller: world.caller(),
        regions: DEMO_REGIONS.iter().map(|r| r.to_string()).collect(),
        demo: true,
        journal_history: world.journal_at(anchor),
        sources: list,
        executor: Some(Arc::new(changes::DemoExecutor::new(world.changes.clone()))),
        read_only: crate::aws::read_only::ReadOnlySwitch::new(false),
        org: None,
        lookups: crate::sources::Lookups::new(
            activity::DemoActivity::new([world.clone()]),
            archived::DemoArchived::new([world.clone()], clock),
        ),
    }
}
