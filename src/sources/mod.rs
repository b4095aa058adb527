//! Source adapters: one per service, each returning domain types. The demo account and the
//! AWS adapters implement the same [`Source`] trait, so workers and the UI never know which
//! one they are talking to.

pub mod activity;
pub mod archived;
pub mod demo;
pub mod finding_json;

use crate::domain::{
    AccountBaseline, Alarm, CallerIdentity, DetectorStatus, Finding, IdentityInventory,
    RegionalBaseline, SourceId,
};
use async_trait::async_trait;
use std::fmt;

/// What one poll of a source yields.
#[derive(Clone, Debug, PartialEq)]
pub enum SourceData {
    /// Every alarm in the source's region: the full set, replacing the previous one.
    /// `history_denied` says why recent transitions could not be read (a denied
    /// `DescribeAlarmHistory`): the alarms are complete, their history is not.
    Alarms {
        alarms: Vec<Alarm>,
        history_denied: Option<crate::domain::Unreadable>,
    },
    /// New or changed findings in the source's region. `complete` says the batch is the full
    /// set of unarchived findings (first poll), so anything not in it can be dropped.
    /// `members` are the accounts whose detectors the source's detector administers
    /// (GuardDuty's delegated administrator, relationship Enabled): their findings come
    /// through it, each with its own account ID. Empty for a plain account. A complete batch
    /// names every member (an account no longer named is no longer one); a later batch may
    /// name them again or leave them empty.
    Findings {
        detector: DetectorStatus,
        upserts: Vec<Finding>,
        complete: bool,
        members: Vec<String>,
    },
    /// The account's IAM inventory.
    Identity(Box<IdentityInventory>),
    /// One region's baseline (security groups, EBS, flow logs, Config): the full set.
    RegionalBaseline(Box<RegionalBaseline>),
    /// The account-wide baseline (trails, monitoring filters, Block Public Access).
    AccountBaseline(Box<AccountBaseline>),
}

impl SourceData {
    /// A region's alarms with their history read.
    pub fn alarms(alarms: Vec<Alarm>) -> SourceData {
        SourceData::Alarms {
            alarms,
            history_denied: None,
        }
    }
}

/// Why a poll failed, in terms the user can act on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SourceErrorKind {
    /// The caller lacks a permission; `permission` names it when known (e.g. `iam:GetCredentialReport`).
    AccessDenied {
        permission: Option<String>,
    },
    Throttled,
    Timeout,
    /// The connection failed or dropped.
    Network,
    /// The service answered with an error (5xx, or an unexpected 4xx).
    Service,
    /// The response could not be understood.
    Malformed,
    /// The credentials are missing, expired or were revoked.
    Credentials,
}

/// A failed poll, carrying which service, account, region and operation failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct SourceError {
    pub source_id: SourceId,
    pub operation: String,
    pub kind: SourceErrorKind,
    pub message: String,
}

impl SourceError {
    /// Throttling and transient faults are worth retrying with backoff; denials are not.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self.kind,
            SourceErrorKind::Throttled
                | SourceErrorKind::Timeout
                | SourceErrorKind::Network
                | SourceErrorKind::Service
        )
    }
}

impl SourceErrorKind {
    /// What went wrong, as the user reads it (`access denied (needs iam:GetCredentialReport)`).
    pub fn describe(&self) -> String {
        match self {
            SourceErrorKind::AccessDenied {
                permission: Some(permission),
            } => format!("access denied (needs {permission})"),
            SourceErrorKind::AccessDenied { permission: None } => "access denied".to_string(),
            SourceErrorKind::Throttled => "throttled".to_string(),
            SourceErrorKind::Timeout => "timed out".to_string(),
            SourceErrorKind::Network => "network error".to_string(),
            SourceErrorKind::Service => "service error".to_string(),
            SourceErrorKind::Malformed => "malformed response".to_string(),
            SourceErrorKind::Credentials => "credentials unusable".to_string(),
        }
    }
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = self.kind.describe();
        write!(
            f,
            "{} {}: {what}: {}",
            self.source_id, self.operation, self.message
        )
    }
}

/// One stream of data: a service in one account and region. Polled by a worker.
#[async_trait]
pub trait Source: Send {
    fn id(&self) -> &SourceId;

    /// Fetch what changed since the previous poll (or everything, the first time).
    async fn poll(&mut self) -> Result<SourceData, SourceError>;

    /// Makes the next poll list everything again, as the first one did. Asked for by a
    /// refresh (Ctrl-r, or after an action): an incremental listing misses changes that
    /// move no timestamp, such as a finding unarchived (its `updatedAt` stays old).
    fn relist(&mut self) {}
}

impl Session {
    /// A session on AWS: no demo history; an executor unless read-only (`None`).
    pub fn on_aws(
        caller: CallerIdentity,
        regions: Vec<String>,
        sources: Vec<Box<dyn Source>>,
        executor: Option<std::sync::Arc<dyn crate::remediation::Execute>>,
        read_only: crate::aws::read_only::ReadOnlySwitch,
        org: Option<crate::domain::Organization>,
        lookups: Lookups,
    ) -> Session {
        Session {
            caller,
            regions,
            demo: false,
            journal_history: Vec::new(),
            sources,
            executor,
            read_only,
            org,
            lookups,
        }
    }
}

/// What a session reads on demand, never polled: CloudTrail's event history for the
/// activity view, archived findings for the Findings tab's archived view, a finding's JSON
/// for its detail view.
#[derive(Clone)]
pub struct Lookups {
    pub activity: std::sync::Arc<dyn activity::ActivityLookup>,
    pub archived: std::sync::Arc<dyn archived::ArchivedLookup>,
    pub finding_json: std::sync::Arc<dyn finding_json::FindingJsonLookup>,
}

impl Lookups {
    /// `guardduty` reads both archived findings and a finding's JSON: it holds the
    /// GuardDuty clients (or the demo's worlds) of every account.
    pub fn new<G>(activity: impl activity::ActivityLookup + 'static, guardduty: G) -> Lookups
    where
        G: archived::ArchivedLookup + finding_json::FindingJsonLookup + 'static,
    {
        let guardduty = std::sync::Arc::new(guardduty);
        Lookups {
            activity: std::sync::Arc::new(activity),
            archived: guardduty.clone(),
            finding_json: guardduty,
        }
    }
}

/// A connected account: who we are and the sources to poll.
pub struct Session {
    pub caller: CallerIdentity,
    pub regions: Vec<String>,
    /// Whether the session was opened as a demo (shown in the header).
    pub demo: bool,
    /// The demo account's sample history, which the console writes into the demo's
    /// journal file when it starts. Empty for AWS accounts.
    pub journal_history: Vec<crate::journal::JournalRecord>,
    pub sources: Vec<Box<dyn Source>>,
    /// Carries out remediation actions; `None` in read-only mode, where none may run.
    pub executor: Option<std::sync::Arc<dyn crate::remediation::Execute>>,
    /// The account's read-only switch, which every AWS client of the session obeys: on
    /// from the start when read-only was asked for; the session turns it on for an account
    /// rule, and `:readonly` at any time. It never turns off.
    pub read_only: crate::aws::read_only::ReadOnlySwitch,
    /// The accounts of a multi-account session (`--org`, `--accounts`, `--demo --org`);
    /// `None` for one account.
    pub org: Option<crate::domain::Organization>,
    /// What the session reads on demand.
    pub lookups: Lookups,
}
