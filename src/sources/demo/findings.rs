//! GuardDuty findings that accumulate and recur over time.
//!
//! A finding is regenerated from its own random stream whenever it is needed, so nothing is
//! stored per finding: `60 × scale` findings exist at the anchor (first seen over the previous
//! 30 days), one more arrives every [`ARRIVAL_SECS`] after it (alternating regions), and
//! active findings are seen again every few minutes, raising `count` and `last_seen`.

use super::catalog::{
    BUCKETS, C2_DOMAINS, EKS_CLUSTERS, KUBE_SYSTEM_PODS, MINING_DOMAINS, REMOTE_ORIGINS, TRAILS,
};
use super::finding_catalog::{
    BAND_EXEMPLARS, FINDING_TYPES, FindingType, ResourceKind, total_weight, type_for_ticket,
};
use super::ids::{
    DAY, STREAM_ARCHIVED, STREAM_ARRIVALS, STREAM_FINDING_IDS, STREAM_FINDINGS, access_key_id, at,
    between, choose, floor_div, hex32, instance, rng_for, unit_suffix,
};
use crate::domain::{Finding, FindingDetails, FindingResource, FindingText, IamUser, Interner};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

pub const FINDINGS_PER_UNIT: u64 = 60;
/// Findings archived before the demo started, per region where GuardDuty is on and scale
/// unit: only the archived view (`:archived`) lists them, until one is unarchived.
pub const ARCHIVED_PER_UNIT: u64 = 5;
/// The newest an archived finding was last seen: two days before the anchor.
const ARCHIVED_QUIET_SECS: i64 = 2 * DAY;
/// One new finding every this many seconds after the anchor.
pub const ARRIVAL_SECS: i64 = 40;
/// Arrivals stop after this many (about 23 days of running), bounding the work per poll.
const MAX_ARRIVALS: i64 = 50_000;
/// Region slots (indices into `DEMO_REGIONS`) where GuardDuty is enabled.
pub const ENABLED_SLOTS: [usize; 2] = [0, 1];
/// Instances per scale unit in each region's fleet.
const FLEET_PER_UNIT: i64 = 12;

/// Everything a region's findings are drawn from.
pub struct FindingContext<'a> {
    pub seed: u64,
    pub account: &'a str,
    pub scale: u32,
    pub anchor: i64,
    pub region_slot: usize,
    pub region: &'a str,
    pub detector_id: &'a str,
    pub users: &'a [IamUser],
    /// Indices into `users` of users holding at least one access key.
    pub keyed: &'a [u32],
    pub root_key: Option<&'a str>,
}

/// When a finding was seen and how often it recurs.
struct Timing {
    first_seen: i64,
    last_seen_at_start: i64,
    count_at_start: u64,
    /// Seconds between sightings; 0 for findings that are no longer active.
    period: i64,
}

impl Timing {
    /// (count, last_seen) at `now`.
    fn at(&self, now: i64) -> (u64, i64) {
        if self.period <= 0 {
            return (self.count_at_start, self.last_seen_at_start);
        }
        let repeats = floor_div(now - self.last_seen_at_start, self.period).max(0);
        (
            self.count_at_start + repeats as u64,
            self.last_seen_at_start + repeats * self.period,
        )
    }
}

/// Findings visible at `now` in the context's region; with `changed_after`, only those
/// first seen or updated strictly after that time (epoch seconds); at most `limit`.
pub fn visible(
    ctx: &FindingContext<'_>,
    now: i64,
    changed_after: Option<i64>,
    limit: usize,
) -> Vec<Finding> {
    let Some(lane) = ENABLED_SLOTS.iter().position(|&s| s == ctx.region_slot) else {
        return Vec::new();
    };
    let lanes = ENABLED_SLOTS.len() as u64;
    let base_total = FINDINGS_PER_UNIT * u64::from(ctx.scale);
    let arrivals = floor_div(now - ctx.anchor, ARRIVAL_SECS).clamp(0, MAX_ARRIVALS) as u64;
    // A full listing: room for the region's share of every finding at once (an incremental
    // one returns a few, and grows as needed).
    let expected = match changed_after {
        None => usize::try_from((base_total + arrivals) / lanes + 1).unwrap_or(0),
        Some(_) => 0,
    };
    let mut out = Vec::with_capacity(expected.min(limit));
    let mut interner = Interner::default();
    let mut emit = |index: u64, arrival: bool| -> Option<Finding> {
        let stream = if arrival {
            STREAM_ARRIVALS
        } else {
            STREAM_FINDINGS
        };
        let mut rng = rng_for(ctx.seed, stream, index);
        let timing = if arrival {
            arrival_timing(&mut rng, ctx.anchor + index as i64 * ARRIVAL_SECS)
        } else {
            base_timing(&mut rng, ctx.anchor)
        };
        if timing.first_seen > now {
            return None;
        }
        let (count, last_seen) = timing.at(now);
        if changed_after.is_some_and(|after| last_seen <= after) {
            return None;
        }
        let kind = if !arrival && index % FINDINGS_PER_UNIT < BAND_EXEMPLARS.len() as u64 {
            BAND_EXEMPLARS
                .get((index % FINDINGS_PER_UNIT) as usize)
                .copied()
                .unwrap_or(0)
        } else {
            type_for_ticket(rng.random_range(0..total_weight().max(1)))
        };
        let kind = FINDING_TYPES.get(kind)?;
        let id_index = if arrival { (1 << 63) | index } else { index };
        let id = hex32(ctx.seed, STREAM_FINDING_IDS, id_index);
        Some(finding(
            ctx,
            &mut interner,
            &mut rng,
            kind,
            id,
            (&timing, count, last_seen),
        ))
    };
    let mut index = lane as u64;
    while index < base_total && out.len() < limit {
        out.extend(emit(index, false));
        index += lanes;
    }
    // Arrival k (from 1) lands in lane k % 2.
    let mut k = if lane == 0 { lanes } else { lane as u64 };
    while k <= arrivals && out.len() < limit {
        out.extend(emit(k, true));
        k += lanes;
    }
    out
}

/// The findings of the context's region that were archived before the demo started
/// (`archived` set), at most `limit`: quiet ones, last seen at least two days before the
/// anchor, so they never change while the demo runs.
pub fn archived(ctx: &FindingContext<'_>, limit: usize) -> Vec<Finding> {
    if !ENABLED_SLOTS.contains(&ctx.region_slot) {
        return Vec::new();
    }
    let total = ARCHIVED_PER_UNIT * u64::from(ctx.scale);
    let mut interner = Interner::default();
    (0..total)
        .take(limit)
        .filter_map(|n| {
            // Per region: its own streams and IDs (the base findings' lanes share one).
            let index = ((ctx.region_slot as u64) << 40) | n;
            let mut rng = rng_for(ctx.seed, STREAM_ARCHIVED, index);
            let first_seen = ctx.anchor - between(&mut rng, 3 * DAY, 30 * DAY);
            let last_seen = between(&mut rng, first_seen, ctx.anchor - ARCHIVED_QUIET_SECS);
            let timing = Timing {
                first_seen,
                last_seen_at_start: last_seen,
                count_at_start: between(&mut rng, 1, 20) as u64,
                period: 0,
            };
            let kind = type_for_ticket(rng.random_range(0..total_weight().max(1)));
            let kind = FINDING_TYPES.get(kind)?;
            let id = hex32(ctx.seed, STREAM_FINDING_IDS, (1 << 62) | index);
            let mut finding = finding(
                ctx,
                &mut interner,
                &mut rng,
                kind,
                id,
                (&timing, timing.count_at_start, last_seen),
            );
            finding.archived = true;
            Some(finding)
        })
        .collect()
}

/// A finding present before the demo started: first seen in the last 30 days; some still
/// active (seen again every 2–30 minutes), the rest quiet since their last sighting.
fn base_timing(rng: &mut ChaCha8Rng, anchor: i64) -> Timing {
    let first_seen = anchor - between(rng, 600, 30 * DAY);
    if rng.random_bool(0.45) {
        let period = between(rng, 120, 1800);
        let last = (anchor - between(rng, 0, period)).max(first_seen);
        Timing {
            first_seen,
            last_seen_at_start: last,
            count_at_start: between(rng, 2, 400) as u64,
            period,
        }
    } else {
        Timing {
            first_seen,
            last_seen_at_start: between(rng, first_seen, anchor),
            count_at_start: between(rng, 1, 50) as u64,
            period: 0,
        }
    }
}

/// A finding that appears during the demo; most keep recurring.
fn arrival_timing(rng: &mut ChaCha8Rng, first_seen: i64) -> Timing {
    let period = if rng.random_bool(0.7) {
        between(rng, 60, 900)
    } else {
        0
    };
    Timing {
        first_seen,
        last_seen_at_start: first_seen,
        count_at_start: 1,
        period,
    }
}

/// Values substituted into a type's title and description.
#[derive(Default)]
struct Vars {
    instance: String,
    ip: String,
    port: String,
    user: String,
    api: &'static str,
    bucket: String,
    domain: &'static str,
    trail: &'static str,
    cluster: String,
    pod: &'static str,
}

fn finding(
    ctx: &FindingContext<'_>,
    interner: &mut Interner,
    rng: &mut ChaCha8Rng,
    kind: &FindingType,
    id: String,
    (timing, count, last_seen): (&Timing, u64, i64),
) -> Finding {
    let (prefix, country) = choose(rng, REMOTE_ORIGINS, ("198.51.100.", "Unknown"));
    let mut vars = Vars {
        ip: format!("{prefix}{}", between(rng, 2, 254)),
        api: choose(rng, kind.apis, "GetCallerIdentity"),
        port: choose(rng, kind.ports, 22).to_string(),
        ..Vars::default()
    };
    let mut details = FindingDetails::default();
    let mut push = |label: &str, value: String| details.push(label, &value);
    let resource_id = match kind.resource {
        ResourceKind::Instance => {
            let fleet = FLEET_PER_UNIT * i64::from(ctx.scale);
            let host = instance(ctx.seed, ctx.region_slot, between(rng, 0, fleet) as u64);
            vars.domain = if kind.name.starts_with("CryptoCurrency") {
                choose(rng, MINING_DOMAINS, "pool.example")
            } else {
                choose(rng, C2_DOMAINS, "c2.example")
            };
            push("Instance type", host.instance_type.to_string());
            push("Image ID", host.image_id);
            push("Private IP", host.private_ip);
            push("Tag: Name", host.name);
            push("Tag: env", host.env.to_string());
            vars.instance = host.id;
            vars.instance.clone()
        }
        ResourceKind::AccessKey => {
            let (user, user_type, key) = principal(ctx, rng, kind);
            vars.user = user;
            vars.trail = choose(rng, TRAILS, "org-trail");
            push("User name", vars.user.clone());
            push("User type", user_type.to_string());
            push("API", vars.api.to_string());
            key
        }
        ResourceKind::S3Bucket => {
            let j = between(rng, 0, BUCKETS.len() as i64 * i64::from(ctx.scale)) as usize;
            let base = BUCKETS
                .get(j % BUCKETS.len().max(1))
                .copied()
                .unwrap_or("demo-bucket");
            vars.bucket = format!("{base}{}", unit_suffix((j / BUCKETS.len().max(1)) as u32));
            vars.user = principal(ctx, rng, kind).0;
            push("Bucket", vars.bucket.clone());
            push("User name", vars.user.clone());
            push("API", vars.api.to_string());
            vars.bucket.clone()
        }
        ResourceKind::EksCluster => {
            let j = between(rng, 0, EKS_CLUSTERS.len() as i64 * i64::from(ctx.scale)) as usize;
            let base = EKS_CLUSTERS
                .get(j % EKS_CLUSTERS.len().max(1))
                .copied()
                .unwrap_or("eks");
            vars.cluster = format!(
                "{base}{}",
                unit_suffix((j / EKS_CLUSTERS.len().max(1)) as u32)
            );
            vars.pod = choose(rng, KUBE_SYSTEM_PODS, "aws-node");
            push("Namespace", "kube-system".to_string());
            push("Pod", vars.pod.to_string());
            push("Kubernetes user", "kubernetes-admin".to_string());
            vars.cluster.clone()
        }
    };
    if kind.description.contains("{ip}") || kind.title.contains("{ip}") {
        push("Remote IP", vars.ip.clone());
        push("Remote country", country.to_string());
    }
    if !kind.ports.is_empty() {
        push("Port", vars.port.clone());
    }
    if kind.description.contains("{domain}") {
        push("Domain", vars.domain.to_string());
    }
    if kind.description.contains("{trail}") {
        push("Trail", vars.trail.to_string());
    }
    Finding {
        // The usual GuardDuty ARN, which `Finding::arn` builds.
        id: id.into(),
        account_id: interner.get(ctx.account),
        region: interner.get(ctx.region),
        detector_id: interner.get(ctx.detector_id),
        finding_type: interner.get(kind.name),
        text: FindingText::new(
            &render(kind.title, &vars),
            &render(kind.description, &vars),
            &resource_id,
            &details,
        ),
        severity_score: kind.score,
        resource: FindingResource {
            kind: interner.get(match kind.resource {
                ResourceKind::Instance => "Instance",
                ResourceKind::AccessKey => "AccessKey",
                ResourceKind::S3Bucket => "S3Bucket",
                ResourceKind::EksCluster => "EKSCluster",
            }),
        },
        count,
        first_seen: at(timing.first_seen),
        last_seen: at(last_seen),
        updated_at: at(last_seen),
        archived: false,
        extra: None,
    }
}

/// Who acted: (user name, user type, access key ID). Root usage names root; instance
/// credential theft names an instance role with a temporary key; otherwise a demo user.
fn principal(
    ctx: &FindingContext<'_>,
    rng: &mut ChaCha8Rng,
    kind: &FindingType,
) -> (String, &'static str, String) {
    // Temporary (STS) credentials, as GuardDuty reports for roles and sessions.
    let session: u64 = rng.random();
    let temporary = || access_key_id(ctx.seed ^ 0x5e55_1011, "ASIA", session);
    if kind.name.starts_with("Policy:IAMUser/RootCredential") {
        let key = ctx.root_key.map(str::to_string).unwrap_or_else(temporary);
        return ("Root".to_string(), "Root", key);
    }
    if kind.name.contains("InstanceCredentialExfiltration") {
        let role = choose(
            rng,
            &["ec2-app-role", "eks-node-role", "batch-worker-role"],
            "ec2-app-role",
        );
        return (role.to_string(), "AssumedRole", temporary());
    }
    let pick = between(rng, 0, ctx.keyed.len() as i64) as usize;
    let holder = ctx.keyed.get(pick).and_then(|&u| ctx.users.get(u as usize));
    match holder {
        Some(user) => {
            let key_slot = between(rng, 0, user.access_keys.len() as i64) as usize;
            let key = user
                .access_keys
                .get(key_slot)
                .map(|k| k.id.to_string())
                .unwrap_or_else(temporary);
            (user.name().to_string(), "IAMUser", key)
        }
        None => ("unknown".to_string(), "IAMUser", temporary()),
    }
}

/// Substitutes `{name}` placeholders; unknown names are left as written.
fn render(template: &str, vars: &Vars) -> String {
    let mut out = String::with_capacity(template.len() + 48);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(rest.get(..open).unwrap_or(""));
        let after = rest.get(open..).unwrap_or("");
        let Some(close) = after.find('}') else {
            out.push_str(after);
            return out;
        };
        let name = after.get(1..close).unwrap_or("");
        let value: &str = match name {
            "instance" => &vars.instance,
            "ip" => &vars.ip,
            "port" => &vars.port,
            "user" => &vars.user,
            "api" => vars.api,
            "bucket" => &vars.bucket,
            "domain" => vars.domain,
            "trail" => vars.trail,
            "cluster" => &vars.cluster,
            "pod" => vars.pod,
            _ => after.get(..=close).unwrap_or(""),
        };
        out.push_str(value);
        rest = after.get(close + 1..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_substitutes_known_placeholders_only() {
        let vars = Vars {
            ip: "1.2.3.4".into(),
            instance: "i-0abc".into(),
            ..Vars::default()
        };
        assert_eq!(
            render("{ip} attacks {instance} {odd}", &vars),
            "1.2.3.4 attacks i-0abc {odd}"
        );
    }

    #[test]
    fn catalog_templates_use_only_known_placeholders() {
        let vars = Vars::default();
        for kind in FINDING_TYPES {
            assert!(!render(kind.title, &vars).contains('{'), "{}", kind.name);
            assert!(
                !render(kind.description, &vars).contains('{'),
                "{}",
                kind.name
            );
        }
    }
}
