//! The Findings tab's archived view (`:archived`): the archived findings of one GuardDuty
//! detector, read when the view is asked for, never polled. The AWS adapter
//! (`aws::archived`) and the demo account (`demo::archived`) implement it.

use crate::domain::{Finding, SourceId, SourceKind};
use crate::sources::SourceError;
use async_trait::async_trait;

/// The most archived findings listed per detector, newest updated first: GuardDuty keeps
/// archived findings for 90 days, and each 50 cost a `GetFindings` call.
pub const ARCHIVED_LIMIT: usize = 500;

/// One detector whose archived findings to list (a delegated administrator's lists its
/// members' too).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ArchivedRequest {
    pub account_id: String,
    pub region: String,
    pub detector_id: String,
}

impl ArchivedRequest {
    /// The findings source of the detector's account and region, for errors.
    pub fn source_id(&self) -> SourceId {
        SourceId {
            kind: SourceKind::Findings,
            account_id: self.account_id.clone(),
            region: Some(self.region.clone()),
        }
    }
}

/// What one detector listed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ArchivedListing {
    /// Each with `archived` set.
    pub findings: Vec<Finding>,
    /// The detector holds more than [`ARCHIVED_LIMIT`]: the newest are listed.
    pub more: bool,
}

/// Lists a detector's archived findings.
#[async_trait]
pub trait ArchivedLookup: Send + Sync {
    async fn archived(&self, request: &ArchivedRequest) -> Result<ArchivedListing, SourceError>;
}
