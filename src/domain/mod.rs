//! Domain types: everything above the source adapters speaks these, never SDK types.

pub mod activity;
mod alarm;
mod baseline;
mod check;
mod finding;
mod glob;
mod identity;
mod ids;
mod named_arn;
mod nearest;
mod org;
mod region;
mod region_list;
mod resources;
mod severity;
mod shared_text;
mod triage;

pub use activity::{
    ActivityEvent, ActivityPage, ActivityQuery, LookupKey, PageRequest, Window, Writes,
};
pub use alarm::{Alarm, AlarmKind, AlarmListing, AlarmState, AlarmTransition, MetricSpec};
pub use baseline::{
    AccountBaseline, ConfigRecorder, MetricFilter, OpenIngress, Probe, PublicAccessBlock,
    RegionalBaseline, SecurityGroup, Trail, Unreadable, Vpc,
};
pub use check::{Check, CheckResult, CheckStatus};
#[cfg(test)]
pub(crate) use finding::sample as sample_finding;
pub use finding::{
    DetectorStatus, Facts, Finding, FindingDetails, FindingExtra, FindingResource, FindingText,
};
pub use glob::glob_match;
pub use identity::{
    AccessKey, AccessKeyStatus, CallerIdentity, IamRole, IamUser, IdentityInventory, MfaDevice,
    PasswordCredential, PasswordPolicy, RootAccount,
};
pub use ids::{
    AccessKeyId, AccountId, AlarmName, Call, DetectorId, FindingId, KeyRef, Region, RoleName,
    SecurityGroupId, UserName,
};
pub use named_arn::NamedArn;
pub use nearest::{distance, nearest};
pub use org::{AccountScope, Discovery, OrgAccount, Organization, Reach};
pub use region::{check_regions, is_known_region, is_region_name, parse_regions, unknown_region};
pub use region_list::KNOWN_REGIONS;
pub use resources::{
    Bucket, BucketExposure, DbInstance, Instance, KeyRotation, KmsKey, LoadBalancer, Volume,
};
pub use severity::Severity;
pub use shared_text::{Interner, ListInterner, SharedList, SharedText, joined};
pub use triage::{TriageItem, TriageOrigin};

use serde::{Deserialize, Serialize};
use std::fmt;

/// `text` as a name AWS accepts where names are ASCII letters, digits and a few punctuation
/// marks (`punctuation`), at most `max` characters: every other character becomes `-`.
/// Used for GuardDuty filter names and STS session names and source identities.
pub fn aws_name(text: &str, punctuation: &str, max: usize) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || punctuation.contains(c) {
                c
            } else {
                '-'
            }
        })
        .take(max)
        .collect()
}

/// Which kind of data a source delivers. One worker runs per source × region × account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum SourceKind {
    Alarms,
    Findings,
    Identity,
    /// The account-level baseline: CloudTrail, S3 Control, EC2, AWS Config.
    Baseline,
}

impl SourceKind {
    pub const ALL: [SourceKind; 4] = [
        SourceKind::Alarms,
        SourceKind::Findings,
        SourceKind::Identity,
        SourceKind::Baseline,
    ];

    pub fn label(self) -> &'static str {
        match self {
            SourceKind::Alarms => "CloudWatch",
            SourceKind::Findings => "GuardDuty",
            SourceKind::Identity => "IAM",
            SourceKind::Baseline => "Baseline",
        }
    }

    /// A shorter name, for narrow terminals.
    pub fn short_label(self) -> &'static str {
        match self {
            SourceKind::Alarms => "CW",
            SourceKind::Findings => "GD",
            SourceKind::Identity => "IAM",
            SourceKind::Baseline => "Base",
        }
    }
}

impl fmt::Display for SourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Identifies one worker's stream of data: a kind of source in one account and (for
/// regional services) one region.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SourceId {
    pub kind: SourceKind,
    pub account_id: String,
    /// `None` for global services (IAM).
    pub region: Option<String>,
}

impl fmt::Display for SourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.region {
            Some(region) => write!(f, "{} {} {}", self.kind, self.account_id, region),
            None => write!(f, "{} {}", self.kind, self.account_id),
        }
    }
}
