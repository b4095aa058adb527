//! GuardDuty: the detector of one region and its unarchived findings, fetched incrementally.
//!
//! `ListFindings` returns IDs only, so a refresh can tell what changed only by the
//! `updatedAt` criterion. Three kinds of poll, all filtered on `service.archived = false`
//! and sorted by `updatedAt`, with `GetFindings` in batches of 50:
//!
//! - **full** (the first poll, then every [`FULL_EVERY`]): every unarchived finding; the set
//!   replaces the old one, which drops findings archived elsewhere (archiving does not move
//!   `updatedAt`, so nothing else would notice).
//! - **newer** (most polls): `updatedAt` after the high-water mark — new findings and updates
//!   to known ones. The detector found by the last full poll is reused, so a refresh with
//!   nothing new costs one `ListFindings` call.
//! - **overlap** (every [`OVERLAP_EVERY`]): `updatedAt` from the high-water mark minus
//!   [`OVERLAP_MINUTES`], fetching only IDs not yet known: findings that became visible late
//!   with an older timestamp.
//!
//! The archived findings (the Findings tab's `:archived` view) are not polled: [`archived`]
//! lists them when the view asks, newest first, up to `ARCHIVED_LIMIT`.

use super::capture::CaptureBody;
use super::errors::{Call, classify};
use crate::domain::{
    DetectorStatus, Finding, FindingDetails, FindingResource, FindingText, Interner, SourceId,
    SourceKind,
};
use crate::sources::archived::{ARCHIVED_LIMIT, ArchivedListing, ArchivedRequest};
use crate::sources::finding_json::FindingJsonRequest;
use crate::sources::{Source, SourceData, SourceError};
use async_trait::async_trait;
use aws_sdk_guardduty::Client;
use aws_sdk_guardduty::types::{
    Condition, DetectorStatus as AwsDetectorStatus, FindingCriteria, OrderBy, SortCriteria,
};
use chrono::{DateTime, Duration, Utc};
use std::collections::{HashMap, HashSet};

const LIST_DETECTORS: Call = Call::new("guardduty", "ListDetectors");
const GET_DETECTOR: Call = Call::new("guardduty", "GetDetector");
const LIST_FINDINGS: Call = Call::new("guardduty", "ListFindings");
const GET_FINDINGS: Call = Call::new("guardduty", "GetFindings");

/// `GetFindings` accepts at most 50 IDs; `ListFindings` pages hold at most 50.
const BATCH: usize = 50;
/// How far before the newest finding seen an overlap poll looks for late arrivals.
pub const OVERLAP_MINUTES: i64 = 5;
/// Every this many polls, an overlap poll instead of a newer-than poll.
pub const OVERLAP_EVERY: u32 = 4;
/// Every this many polls, a full listing.
pub const FULL_EVERY: u32 = 12;

/// Which findings one poll asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Listing {
    Full,
    Newer(DateTime<Utc>),
    Overlap(DateTime<Utc>),
}

pub struct FindingSource {
    id: SourceId,
    client: Client,
    /// The detector found by the last full listing.
    detector: Option<DetectorStatus>,
    /// The newest `updatedAt` seen; `None` until a full listing succeeded.
    high_water: Option<DateTime<Utc>>,
    /// IDs of the unarchived findings fetched so far.
    known: HashSet<String>,
    polls: u32,
    /// The member accounts this detector administers (a GuardDuty delegated administrator's),
    /// whose findings it lists: named in every batch so they count as covered.
    members: Vec<String>,
}

impl FindingSource {
    pub fn new(client: Client, account_id: &str, region: &str) -> Self {
        FindingSource {
            id: SourceId {
                kind: SourceKind::Findings,
                account_id: account_id.to_string(),
                region: Some(region.to_string()),
            },
            client,
            detector: None,
            high_water: None,
            known: HashSet::new(),
            polls: 0,
            members: Vec::new(),
        }
    }

    /// The source of a delegated administrator's detector, which lists `members`' findings.
    pub fn administering(mut self, members: Vec<String>) -> Self {
        self.members = members;
        self
    }

    fn status(&self, detector_id: Option<String>, enabled: bool) -> DetectorStatus {
        DetectorStatus {
            account_id: self.id.account_id.clone(),
            region: self.id.region.clone().unwrap_or_default(),
            detector_id,
            enabled,
            administrator: None,
        }
    }

    async fn detector(&self) -> Result<DetectorStatus, SourceError> {
        let listed = self
            .client
            .list_detectors()
            .send()
            .await
            .map_err(|e| classify(&self.id, LIST_DETECTORS, &e))?;
        // GuardDuty allows one detector per account and region.
        let Some(detector_id) = listed.detector_ids().first() else {
            return Ok(self.status(None, false));
        };
        let detector = self
            .client
            .get_detector()
            .detector_id(detector_id)
            .send()
            .await
            .map_err(|e| classify(&self.id, GET_DETECTOR, &e))?;
        let enabled = detector.status() == Some(&AwsDetectorStatus::Enabled);
        Ok(self.status(Some(detector_id.clone()), enabled))
    }

    /// Drops everything learnt, so the next poll looks the detector up and lists in full.
    fn forget(&mut self) {
        self.detector = None;
        self.high_water = None;
        self.known.clear();
    }

    fn listing(&self) -> Listing {
        match self.high_water {
            Some(_) if self.polls % FULL_EVERY == 0 => Listing::Full,
            Some(mark) if self.polls % OVERLAP_EVERY == 0 => {
                Listing::Overlap(mark - Duration::minutes(OVERLAP_MINUTES))
            }
            Some(mark) => Listing::Newer(mark),
            None => Listing::Full,
        }
    }

    async fn list_ids(
        &self,
        detector_id: &str,
        listing: Listing,
    ) -> Result<Vec<String>, SourceError> {
        let mut criteria = FindingCriteria::builder().criterion(
            "service.archived",
            Condition::builder().equals("false").build(),
        );
        let updated = match listing {
            Listing::Full => None,
            Listing::Newer(mark) => {
                Some(Condition::builder().greater_than(mark.timestamp_millis()))
            }
            Listing::Overlap(from) => {
                Some(Condition::builder().greater_than_or_equal(from.timestamp_millis()))
            }
        };
        if let Some(condition) = updated {
            criteria = criteria.criterion("updatedAt", condition.build());
        }
        let listed = list_ids(
            &self.client,
            &self.id,
            detector_id,
            criteria.build(),
            OrderBy::Asc,
            usize::MAX,
        )
        .await?;
        Ok(listed.0)
    }

    async fn get(&self, detector_id: &str, ids: &[String]) -> Result<Vec<Finding>, SourceError> {
        get(&self.client, &self.id, detector_id, ids).await
    }
}

/// The IDs `ListFindings` gives for `criteria`, sorted by `updatedAt` in `order`, page by
/// page until `limit` are listed; and whether more were left unlisted.
async fn list_ids(
    client: &Client,
    source: &SourceId,
    detector_id: &str,
    criteria: FindingCriteria,
    order: OrderBy,
    limit: usize,
) -> Result<(Vec<String>, bool), SourceError> {
    let mut ids = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = client
            .list_findings()
            .detector_id(detector_id)
            .finding_criteria(criteria.clone())
            .sort_criteria(
                SortCriteria::builder()
                    .attribute_name("updatedAt")
                    .order_by(order.clone())
                    .build(),
            )
            .max_results(BATCH as i32)
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| classify(source, LIST_FINDINGS, &e))?;
        ids.extend(page.finding_ids().iter().cloned());
        token = page
            .next_token()
            .filter(|t| !t.is_empty())
            .map(str::to_string);
        if token.is_none() || ids.len() >= limit {
            break;
        }
    }
    let more = token.is_some() || ids.len() > limit;
    ids.truncate(limit);
    Ok((ids, more))
}

/// The findings `ids` names, by `GetFindings` in batches of 50. Not the JSON GuardDuty
/// sent for each: a few KB a finding, 100,000 findings would hold hundreds of MB of it; the
/// detail view reads the one it shows ([`finding_json`]).
async fn get(
    client: &Client,
    source: &SourceId,
    detector_id: &str,
    ids: &[String],
) -> Result<Vec<Finding>, SourceError> {
    let mut findings = Vec::with_capacity(ids.len());
    let mut interner = Interner::default();
    for batch in ids.chunks(BATCH) {
        let output = client
            .get_findings()
            .detector_id(detector_id)
            .set_finding_ids(Some(batch.to_vec()))
            .send()
            .await
            .map_err(|e| classify(source, GET_FINDINGS, &e))?;
        findings.extend(
            output
                .findings()
                .iter()
                .map(|f| finding(f, source, detector_id, &mut interner)),
        );
    }
    Ok(findings)
}

/// One finding exactly as GuardDuty sends it (compact JSON), by `GetFindings` through the
/// detector it was listed by; `None` when GuardDuty no longer has it.
pub async fn finding_json(
    client: &Client,
    request: &FindingJsonRequest,
) -> Result<Option<String>, SourceError> {
    let capture = CaptureBody::default();
    client
        .get_findings()
        .detector_id(&request.detector_id)
        .finding_ids(&request.finding_id)
        .customize()
        .interceptor(capture.clone())
        .send()
        .await
        .map_err(|e| classify(&request.source_id(), GET_FINDINGS, &e))?;
    Ok(raw_findings(capture.take()).remove(&request.finding_id))
}

/// The archived findings of `request`'s detector, the newest updated first, at most
/// [`ARCHIVED_LIMIT`]: a `ListFindings` on `service.archived = true` per 50, then
/// `GetFindings` per 50.
pub async fn archived(
    client: &Client,
    request: &ArchivedRequest,
) -> Result<ArchivedListing, SourceError> {
    let source = request.source_id();
    let criteria = FindingCriteria::builder()
        .criterion(
            "service.archived",
            Condition::builder().equals("true").build(),
        )
        .build();
    let (ids, more) = list_ids(
        client,
        &source,
        &request.detector_id,
        criteria,
        OrderBy::Desc,
        ARCHIVED_LIMIT,
    )
    .await?;
    let findings = get(client, &source, &request.detector_id, &ids).await?;
    Ok(ArchivedListing { findings, more })
}

#[async_trait]
impl Source for FindingSource {
    fn id(&self) -> &SourceId {
        &self.id
    }

    async fn poll(&mut self) -> Result<SourceData, SourceError> {
        let listing = self.listing();
        // The detector is looked up with every full listing; in between, the one found is
        // used, so a quiet refresh is a single call.
        let detector = match (&self.detector, listing) {
            (Some(detector), Listing::Newer(_) | Listing::Overlap(_)) => detector.clone(),
            _ => self.detector().await?,
        };
        let Some(detector_id) = detector.detector_id.clone().filter(|_| detector.enabled) else {
            self.forget();
            return Ok(SourceData::Findings {
                detector,
                upserts: Vec::new(),
                complete: true,
                members: self.members.clone(),
            });
        };
        let fetched = match self.list_ids(&detector_id, listing).await {
            Ok(mut ids) => {
                if matches!(listing, Listing::Overlap(_)) {
                    ids.retain(|id| !self.known.contains(id));
                }
                self.get(&detector_id, &ids).await
            }
            Err(err) => Err(err),
        };
        let upserts = match fetched {
            Ok(upserts) => upserts,
            Err(err) => {
                // The detector may be gone or disabled: start over with a full poll.
                self.forget();
                return Err(err);
            }
        };
        self.detector = Some(detector.clone());
        let complete = listing == Listing::Full;
        if complete {
            self.known.clear();
        }
        for finding in &upserts {
            if finding.archived {
                self.known.remove(&*finding.id);
            } else {
                self.known.insert(finding.id.to_string());
            }
        }
        let newest = upserts.iter().map(|f| f.updated_at).max();
        self.high_water = self.high_water.max(newest).or(Some(DateTime::UNIX_EPOCH));
        self.polls = if complete {
            1
        } else {
            self.polls.wrapping_add(1)
        };
        Ok(SourceData::Findings {
            detector,
            upserts,
            complete,
            members: self.members.clone(),
        })
    }

    /// The next poll is a full listing (the detector is looked up again with it).
    fn relist(&mut self) {
        self.polls = 0;
    }
}

/// Each finding of a `GetFindings` body as compact JSON, by ID.
fn raw_findings(body: Option<Vec<u8>>) -> HashMap<String, String> {
    let Some(body) = body else {
        return HashMap::new();
    };
    let Ok(json) = serde_json::from_slice::<serde_json::Value>(&body) else {
        return HashMap::new();
    };
    json.get("findings")
        .and_then(serde_json::Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|f| {
                    let id = f.get("id")?.as_str()?.to_string();
                    Some((id, f.to_string()))
                })
                .collect()
        })
        .unwrap_or_default()
}

fn time(text: Option<&str>) -> Option<DateTime<Utc>> {
    text.and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc))
}

fn text(value: Option<&str>) -> String {
    value.unwrap_or_default().to_string()
}

/// An SDK finding as a domain finding. Missing fields become empty values, never errors:
/// one odd finding must not hide the others.
pub fn finding(
    f: &aws_sdk_guardduty::types::Finding,
    source: &SourceId,
    detector_id: &str,
    interner: &mut Interner,
) -> Finding {
    let service = f.service();
    let updated_at = time(f.updated_at()).unwrap_or(DateTime::UNIX_EPOCH);
    let last_seen = time(service.and_then(|s| s.event_last_seen())).unwrap_or(updated_at);
    let first_seen = time(service.and_then(|s| s.event_first_seen()))
        .or_else(|| time(f.created_at()))
        .unwrap_or(last_seen);
    let (resource, mut details, resource_id) = resource(f.resource(), interner);
    action_details(service.and_then(|s| s.action()), &mut details);
    let mut finding = Finding {
        id: text(f.id()).into(),
        account_id: interner.get(f.account_id().unwrap_or(&source.account_id)),
        region: interner.get(
            f.region()
                .unwrap_or(source.region.as_deref().unwrap_or_default()),
        ),
        // The detector the finding was listed through, not `service.detectorId`: a member's
        // finding read by the delegated administrator is archived (and dropped when no
        // longer listed) through the administrator's detector, as AWS requires.
        detector_id: interner.get(detector_id),
        finding_type: interner.get(f.r#type().unwrap_or_default()),
        text: FindingText::new(
            f.title().unwrap_or_default(),
            f.description().unwrap_or_default(),
            &resource_id,
            &details,
        ),
        severity_score: f.severity().unwrap_or_default(),
        resource,
        count: service
            .and_then(|s| s.count())
            .and_then(|c| u64::try_from(c).ok())
            .unwrap_or(1),
        first_seen,
        last_seen,
        updated_at,
        archived: service.and_then(|s| s.archived()).unwrap_or(false),
        extra: None,
    };
    finding.set_arn(f.arn().unwrap_or_default());
    finding
}

/// What was done: the action's kind, API, remote address, port or domain.
fn action_details(action: Option<&aws_sdk_guardduty::types::Action>, details: &mut FindingDetails) {
    let Some(action) = action else {
        return;
    };
    let mut push = |label: &str, value: Option<String>| {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            details.push(label, &value);
        }
    };
    let owned = |value: Option<&str>| value.map(str::to_string);
    push("Action", owned(action.action_type()));
    let mut remote = None;
    if let Some(call) = action.aws_api_call_action() {
        push("API", owned(call.api()));
        push("Service", owned(call.service_name()));
        push("Caller type", owned(call.caller_type()));
        push("User agent", owned(call.user_agent()));
        remote = call.remote_ip_details();
    }
    if let Some(connection) = action.network_connection_action() {
        push("Direction", owned(connection.connection_direction()));
        push("Protocol", owned(connection.protocol()));
        push(
            "Local port",
            connection
                .local_port_details()
                .and_then(|p| p.port())
                .map(|p| p.to_string()),
        );
        push(
            "Remote port",
            connection
                .remote_port_details()
                .and_then(|p| p.port())
                .map(|p| p.to_string()),
        );
        remote = remote.or(connection.remote_ip_details());
    }
    if let Some(probe) = action.port_probe_action() {
        for detail in probe.port_probe_details() {
            push(
                "Probed port",
                detail
                    .local_port_details()
                    .and_then(|p| p.port())
                    .map(|p| p.to_string()),
            );
            remote = remote.or(detail.remote_ip_details());
        }
    }
    if let Some(dns) = action.dns_request_action() {
        push("Domain", owned(dns.domain()));
    }
    if let Some(ip) = remote {
        push(
            "Remote IP",
            owned(ip.ip_address_v4().or(ip.ip_address_v6())),
        );
        push(
            "Remote country",
            owned(ip.country().and_then(|c| c.country_name())),
        );
        push("Remote org", owned(ip.organization().and_then(|o| o.org())));
    }
}

fn resource(
    resource: Option<&aws_sdk_guardduty::types::Resource>,
    interner: &mut Interner,
) -> (FindingResource, FindingDetails, String) {
    let kind = interner.get(resource.and_then(|r| r.resource_type()).unwrap_or_default());
    let mut details = FindingDetails::default();
    let mut push = |label: &str, value: Option<&str>| {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            details.push(label, value);
        }
    };
    let Some(resource) = resource else {
        return (FindingResource { kind }, details, String::new());
    };
    let mut id = None;
    if let Some(instance) = resource.instance_details() {
        id = instance.instance_id().map(str::to_string);
        push("Instance type", instance.instance_type());
        push("Image ID", instance.image_id());
        push(
            "Private IP",
            instance
                .network_interfaces()
                .first()
                .and_then(|n| n.private_ip_address()),
        );
        for tag in instance.tags() {
            let label = format!("Tag: {}", tag.key().unwrap_or_default());
            push(&label, tag.value());
        }
    }
    if let Some(key) = resource.access_key_details() {
        id = id.or_else(|| key.access_key_id().map(str::to_string));
        push("User name", key.user_name());
        push("User type", key.user_type());
    }
    for bucket in resource.s3_bucket_details() {
        id = id.or_else(|| bucket.name().map(str::to_string));
        push("Bucket", bucket.name());
    }
    if let Some(cluster) = resource.eks_cluster_details() {
        id = id.or_else(|| cluster.name().map(str::to_string));
        push("Cluster", cluster.name());
    }
    (FindingResource { kind }, details, id.unwrap_or_default())
}
