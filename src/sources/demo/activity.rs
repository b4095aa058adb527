//! The demo account's CloudTrail history, a function of the world like the rest of it: a
//! compromised key's calls come from its finding's remote address while the finding was
//! active; console users sign in every morning from the office; active keys make their
//! usual calls from inside the VPC; a security group is opened, an instance changed, just
//! before each alarm's last transition. Served page by page through the same trait as
//! AWS's `LookupEvents`, so the activity view cannot tell them apart.

use super::{DEMO_REGIONS, DemoWorld};
use crate::domain::activity::GLOBAL_EVENTS_REGION as GLOBAL_REGION;
use crate::domain::{ActivityEvent, ActivityPage, Finding, LookupKey, PageRequest};
use crate::sources::SourceErrorKind;
use crate::sources::activity::{ActivityError, ActivityLookup};
use async_trait::async_trait;
use chrono::{DateTime, TimeDelta, Timelike, Utc};
use std::collections::HashMap;
use std::sync::Arc;

/// Events per page, as `LookupEvents` answers.
const PAGE: usize = 50;

/// At most this many users' routine events are generated (a `--demo-scale` account has
/// thousands; the view asks about one at a time).
const ROUTINE_USERS: usize = 400;

/// The demo organisation's (or account's) event history.
pub struct DemoActivity {
    worlds: HashMap<String, Arc<DemoWorld>>,
}

impl DemoActivity {
    pub fn new(worlds: impl IntoIterator<Item = Arc<DemoWorld>>) -> Self {
        DemoActivity {
            worlds: worlds
                .into_iter()
                .map(|w| (w.account_id().to_string(), w))
                .collect(),
        }
    }
}

#[async_trait]
impl ActivityLookup for DemoActivity {
    async fn page(&self, request: &PageRequest) -> Result<ActivityPage, ActivityError> {
        let Some(world) = self.worlds.get(&request.query.account_id) else {
            return Err(ActivityError {
                kind: SourceErrorKind::Credentials,
                region: request.region.clone(),
                message: format!("account {} is not reachable", request.query.account_id),
            });
        };
        let offset = match &request.token {
            Some(token) => token.parse::<usize>().map_err(|_| ActivityError {
                kind: SourceErrorKind::Service,
                region: request.region.clone(),
                message: "InvalidNextTokenException: Invalid NextToken".to_string(),
            })?,
            None => 0,
        };
        let events = matching(world, request);
        let next = offset + PAGE;
        Ok(ActivityPage {
            events: events
                .iter()
                .skip(offset)
                .take(PAGE)
                .map(|e| e.event.clone())
                .collect(),
            next_token: (next < events.len()).then(|| next.to_string()),
        })
    }
}

/// A generated event and the resources it names (for `ResourceName` lookups).
struct DemoEvent {
    event: ActivityEvent,
    resources: Vec<String>,
}

/// The request's events, newest first.
fn matching(world: &DemoWorld, request: &PageRequest) -> Vec<DemoEvent> {
    let query = &request.query;
    let mut out: Vec<DemoEvent> = history(world, request.end, query.key, &query.value)
        .into_iter()
        .filter(|e| e.event.region == request.region)
        .filter(|e| e.event.time >= request.start && e.event.time <= request.end)
        .filter(|e| match query.key {
            LookupKey::AccessKeyId => e.event.access_key.as_deref() == Some(&query.value),
            LookupKey::Username => e.event.principal == query.value,
            LookupKey::ResourceName => e.resources.contains(&query.value),
            LookupKey::ReadOnly => {
                e.event.read_only.map(|r| r.to_string()).as_deref() == Some(&query.value)
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.event
            .time
            .cmp(&a.event.time)
            .then(a.event.id.cmp(&b.event.id))
    });
    out
}

/// Every event the world has up to `end` that the lookup could match (users and keys other
/// than the one asked about are skipped, so a lookup costs one user's history).
fn history(world: &DemoWorld, end: DateTime<Utc>, key: LookupKey, value: &str) -> Vec<DemoEvent> {
    let mut out = Vec::new();
    let account = world.account_id().to_string();
    for region in DEMO_REGIONS {
        for finding in world.findings_at(region, end) {
            finding_events(&account, &finding, &mut out);
        }
        for alarm in world.alarms_at(region, end) {
            let group = open_group(world, region)
                .unwrap_or_else(|| format!("sg-{:017x}", mix(alarm.name()) >> 4));
            alarm_events(
                &account,
                region,
                alarm.name(),
                alarm.state_updated,
                &group,
                &mut out,
            );
        }
    }
    let identity = world.identity_at(end);
    for user in identity.users.iter().take(ROUTINE_USERS) {
        let wanted = match key {
            LookupKey::Username => user.name() == value,
            LookupKey::AccessKeyId => user.access_keys.iter().any(|k| k.id == value),
            LookupKey::ResourceName | LookupKey::ReadOnly => true,
        };
        if !wanted {
            continue;
        }
        if user.has_console_access() {
            sign_ins(&account, user.name(), end, &mut out);
        }
        for key in user.active_keys() {
            key_usage(&account, user.name(), &key.id, end, &mut out);
        }
    }
    out
}

/// The first security group of the region open to the world, whose opening an alarm
/// follows.
fn open_group(world: &DemoWorld, region: &str) -> Option<String> {
    let baseline = world.regional_baseline(region)?;
    let groups = baseline.security_groups.ok()?;
    groups
        .into_iter()
        .find(|g| !g.open_ingress.is_empty())
        .map(|g| g.id)
}

/// A compromised key's calls from the finding's remote address while it was active; an
/// instance's or a bucket's changes just before GuardDuty last saw the activity.
fn finding_events(account: &str, finding: &Finding, out: &mut Vec<DemoEvent>) {
    let details = finding.details();
    let user = details.get("User name").unwrap_or("unknown").to_string();
    let remote = details
        .get("Remote IP")
        .unwrap_or("198.51.100.23")
        .to_string();
    let resource = finding.text.resource_id().to_string();
    let region = finding.region.to_string();
    let seed = mix(&finding.id);
    // When GuardDuty last saw the activity (a recurring finding is updated, not seen anew).
    let latest = finding.last_seen.max(finding.updated_at);
    match finding.resource.kind.as_str() {
        "AccessKey" => {
            const CALLS: &[(&str, &str, Option<&str>)] = &[
                ("GetCallerIdentity", "sts", None),
                ("ListBuckets", "s3", None),
                ("DescribeInstances", "ec2", None),
                ("ListUsers", "iam", None),
                ("CreateAccessKey", "iam", Some("AccessDenied")),
                ("GetObject", "s3", None),
                ("ListRoles", "iam", None),
                ("DescribeRegions", "ec2", None),
            ];
            // The latest burst: up to six hours of calls before GuardDuty last saw them.
            let span =
                (latest - finding.first_seen).clamp(TimeDelta::minutes(30), TimeDelta::hours(6));
            let count = 12 + (seed % 18) as i64;
            for i in 0..count {
                let (name, service, error) = CALLS[(i as usize) % CALLS.len()];
                let at = latest - span * i32::try_from(i).unwrap_or(0) / count as i32;
                out.push(make(Fields {
                    account,
                    region: region_of(service, &region),
                    time: at,
                    name,
                    service,
                    user: &user,
                    key: Some(&resource),
                    ip: &remote,
                    agent: "python-requests/2.31.0",
                    error,
                    resources: if name == "CreateAccessKey" {
                        vec![user.clone()]
                    } else {
                        Vec::new()
                    },
                }));
            }
        }
        "Instance" => {
            for (i, name) in ["RunInstances", "ModifyInstanceAttribute"]
                .into_iter()
                .enumerate()
            {
                let at = latest - TimeDelta::minutes(40 - 25 * i as i64);
                out.push(make(Fields {
                    account,
                    region: region.clone(),
                    time: at,
                    name,
                    service: "ec2",
                    user: "ops-admin",
                    key: None,
                    ip: &office(seed),
                    agent: "console.ec2.amazonaws.com",
                    error: None,
                    resources: vec![resource.clone()],
                }));
            }
        }
        "S3Bucket" => {
            for (i, name) in [
                "DeleteBucketPublicAccessBlock",
                "PutBucketPolicy",
                "GetObject",
            ]
            .into_iter()
            .enumerate()
            {
                let at = latest - TimeDelta::minutes(30) + TimeDelta::minutes(12 * i as i64);
                out.push(make(Fields {
                    account,
                    region: region.clone(),
                    time: at,
                    name,
                    service: "s3",
                    user: &user,
                    key: None,
                    ip: &remote,
                    agent: "aws-cli/1.16.312 Python/2.7.16 Linux/5.4.0-kali",
                    error: None,
                    resources: vec![resource.clone()],
                }));
            }
        }
        _ => {}
    }
}

/// What changed just before an alarm's last transition: a security group opened to the
/// world four minutes before, an instance changed nine minutes before.
fn alarm_events(
    account: &str,
    region: &str,
    alarm: &str,
    at: DateTime<Utc>,
    group: &str,
    out: &mut Vec<DemoEvent>,
) {
    let seed = mix(alarm);
    let instance = format!("i-{:017x}", seed >> 4);
    for (minutes, name, resource) in [
        (4, "AuthorizeSecurityGroupIngress", group.to_string()),
        (9, "ModifyInstanceAttribute", instance),
    ] {
        let mut event = make(Fields {
            account,
            region: region.to_string(),
            time: at - TimeDelta::minutes(minutes),
            name,
            service: "ec2",
            user: "ops-admin",
            key: None,
            ip: &office(seed),
            agent: "console.ec2.amazonaws.com",
            error: None,
            resources: vec![resource],
        });
        // The same group opened before several alarms is one event per alarm: keep IDs apart.
        event.event.id = format!("{}-{:08x}", event.event.id, seed as u32);
        out.push(event);
    }
}

/// A console user's sign-in each working morning of the last fortnight.
fn sign_ins(account: &str, user: &str, end: DateTime<Utc>, out: &mut Vec<DemoEvent>) {
    let seed = mix(user);
    for day in 0..14i64 {
        let Some(morning) = (end - TimeDelta::days(day))
            .with_hour(8)
            .and_then(|t| t.with_minute(((seed >> day) % 50) as u32))
        else {
            continue;
        };
        out.push(make(Fields {
            account,
            region: GLOBAL_REGION.to_string(),
            time: morning,
            name: "ConsoleLogin",
            service: "signin",
            user,
            key: None,
            ip: &office(seed),
            agent: "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
            error: None,
            resources: Vec::new(),
        }));
    }
}

/// An active key's routine calls, every three hours, from inside the VPC.
fn key_usage(account: &str, user: &str, key: &str, end: DateTime<Utc>, out: &mut Vec<DemoEvent>) {
    const CALLS: &[(&str, &str)] = &[
        ("DescribeInstances", "ec2"),
        ("PutObject", "s3"),
        ("GetParameters", "ssm"),
        ("GetCallerIdentity", "sts"),
    ];
    let seed = mix(key);
    let ip = format!("10.0.{}.{}", (seed >> 8) % 250, seed % 250 + 2);
    for step in 0..16i64 {
        let (name, service) = CALLS[(step as usize) % CALLS.len()];
        let slot = DEMO_REGIONS[((seed >> step) % 2) as usize];
        out.push(make(Fields {
            account,
            region: region_of(service, slot),
            time: end - TimeDelta::minutes(180 * step + (seed % 170) as i64),
            name,
            service,
            user,
            key: Some(key),
            ip: &ip,
            agent: "aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5",
            error: None,
            resources: Vec::new(),
        }));
    }
}

struct Fields<'a> {
    account: &'a str,
    region: String,
    time: DateTime<Utc>,
    name: &'a str,
    service: &'a str,
    user: &'a str,
    key: Option<&'a str>,
    ip: &'a str,
    agent: &'a str,
    error: Option<&'a str>,
    resources: Vec<String>,
}

fn make(f: Fields<'_>) -> DemoEvent {
    let read_only = ["Get", "List", "Describe"]
        .iter()
        .any(|p| f.name.starts_with(p));
    let id = format!(
        "{:08x}-demo-{:012x}",
        mix(f.name) as u32,
        mix(&format!(
            "{}{}{}{:?}",
            f.user,
            f.time.timestamp(),
            f.region,
            f.key
        )) >> 16
    );
    let source = format!("{}.amazonaws.com", f.service);
    let mut record = serde_json::json!({
        "eventVersion": "1.09",
        "userIdentity": {
            "type": "IAMUser",
            "arn": format!("arn:aws:iam::{}:user/{}", f.account, f.user),
            "accountId": f.account,
            "userName": f.user,
        },
        "eventTime": f.time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "eventSource": source,
        "eventName": f.name,
        "awsRegion": f.region,
        "sourceIPAddress": f.ip,
        "userAgent": f.agent,
        "requestParameters": null,
        "responseElements": null,
        "eventID": id,
        "readOnly": read_only,
        "eventType": if f.name == "ConsoleLogin" { "AwsConsoleSignIn" } else { "AwsApiCall" },
        "managementEvent": true,
        "recipientAccountId": f.account,
        "eventCategory": "Management",
    });
    if let Some(key) = f.key {
        record["userIdentity"]["accessKeyId"] = key.into();
    }
    if let Some(code) = f.error {
        record["errorCode"] = code.into();
    }
    if f.name == "AuthorizeSecurityGroupIngress" {
        record["requestParameters"] = serde_json::json!({
            "groupId": f.resources.first(),
            "ipPermissions": {"items": [{"ipProtocol": "tcp", "fromPort": 22, "toPort": 22,
                "ipRanges": {"items": [{"cidrIp": "0.0.0.0/0"}]}}]},
        });
    }
    DemoEvent {
        event: ActivityEvent {
            id,
            time: f.time,
            name: f.name.to_string(),
            source,
            principal: f.user.to_string(),
            access_key: f.key.map(str::to_string),
            source_ip: f.ip.to_string(),
            user_agent: f.agent.to_string(),
            region: f.region,
            error_code: f.error.map(str::to_string),
            read_only: Some(read_only),
            raw: record.to_string(),
        },
        resources: f.resources,
    }
}

/// IAM, STS and console sign-in events are recorded in us-east-1.
fn region_of(service: &str, region: &str) -> String {
    match service {
        "iam" | "sts" | "signin" => GLOBAL_REGION.to_string(),
        _ => region.to_string(),
    }
}

/// The office's public address range (documentation addresses).
fn office(seed: u64) -> String {
    format!("203.0.113.{}", seed % 200 + 10)
}

/// FNV-1a: a stable hash for the demo's variety (not for security).
fn mix(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}
