//! GuardDuty's reads on demand on AWS, through the client of the detector's account and
//! region: each detector's archived findings for the archived view (`findings::archived`),
//! and one finding's JSON for its detail view (`findings::finding_json`).

use crate::domain::SourceId;
use crate::sources::archived::{ArchivedListing, ArchivedLookup, ArchivedRequest};
use crate::sources::finding_json::{FindingJsonLookup, FindingJsonRequest};
use crate::sources::{SourceError, SourceErrorKind};
use async_trait::async_trait;
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::Semaphore;

/// Detectors listed at once: an organisation without a GuardDuty administrator asks one
/// per account and region when the view opens.
const AT_ONCE: usize = 8;

/// The GuardDuty clients of every account of the session, by region.
pub struct AwsArchived {
    clients: HashMap<String, HashMap<String, aws_sdk_guardduty::Client>>,
    at_once: Arc<Semaphore>,
}

impl Default for AwsArchived {
    fn default() -> Self {
        AwsArchived {
            clients: HashMap::new(),
            at_once: Arc::new(Semaphore::new(AT_ONCE)),
        }
    }
}

impl AwsArchived {
    /// Adds `account`'s clients (one per watched region).
    pub fn with_account(
        mut self,
        account: &str,
        clients: HashMap<String, aws_sdk_guardduty::Client>,
    ) -> AwsArchived {
        self.clients.insert(account.to_string(), clients);
        self
    }
}

impl AwsArchived {
    /// The GuardDuty client of `source`'s account and region.
    fn client(&self, source: &SourceId) -> Option<&aws_sdk_guardduty::Client> {
        self.clients
            .get(&source.account_id)?
            .get(source.region.as_deref()?)
    }
}

fn no_client(source_id: SourceId, operation: &str) -> SourceError {
    SourceError {
        source_id,
        operation: operation.into(),
        kind: SourceErrorKind::Service,
        message: "no GuardDuty client for this account and region".into(),
    }
}

#[async_trait]
impl ArchivedLookup for AwsArchived {
    async fn archived(&self, request: &ArchivedRequest) -> Result<ArchivedListing, SourceError> {
        let source = request.source_id();
        let client = self
            .client(&source)
            .ok_or_else(|| no_client(source.clone(), "ListFindings"))?;
        // A closed semaphore (never closed here) would only lift the bound.
        let _permit = self.at_once.acquire().await.ok();
        super::findings::archived(client, request).await
    }
}

#[async_trait]
impl FindingJsonLookup for AwsArchived {
    async fn finding_json(
        &self,
        request: &FindingJsonRequest,
    ) -> Result<Option<String>, SourceError> {
        let source = request.source_id();
        let client = self
            .client(&source)
            .ok_or_else(|| no_client(source.clone(), "GetFindings"))?;
        super::findings::finding_json(client, request).await
    }
}
