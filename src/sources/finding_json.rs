//! A finding exactly as GuardDuty sent it, for its detail view: read when the view opens,
//! never kept for every finding (a few KB each: an organisation's 100,000 findings would
//! hold hundreds of MB of it). The AWS adapter (`aws::archived`, which holds the GuardDuty
//! clients) and the demo account (which has no wire form) implement it.

use crate::domain::{Finding, SourceId, SourceKind};
use crate::sources::SourceError;
use async_trait::async_trait;

/// The finding to read, through the detector it was listed by (a member's finding through
/// GuardDuty's delegated administrator).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FindingJsonRequest {
    pub account_id: String,
    pub region: String,
    pub detector_id: String,
    pub finding_id: String,
}

impl FindingJsonRequest {
    /// How to read `finding` again: through its detector, in its region, with the clients
    /// of the detector's account (the administrator's, for a member's finding).
    pub fn of(finding: &Finding, detector_account: &str) -> Self {
        FindingJsonRequest {
            account_id: detector_account.to_string(),
            region: finding.region.to_string(),
            detector_id: finding.detector_id.to_string(),
            finding_id: finding.id.to_string(),
        }
    }

    /// The findings source of the detector's account and region, for errors.
    pub fn source_id(&self) -> SourceId {
        SourceId {
            kind: SourceKind::Findings,
            account_id: self.account_id.clone(),
            region: Some(self.region.clone()),
        }
    }
}

/// Reads one finding's JSON; `None`: there is no wire form (the demo), or GuardDuty no
/// longer has the finding.
#[async_trait]
pub trait FindingJsonLookup: Send + Sync {
    async fn finding_json(
        &self,
        request: &FindingJsonRequest,
    ) -> Result<Option<String>, SourceError>;
}
