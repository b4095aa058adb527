//! The archived view's reads on AWS: each detector's archived findings through the
//! GuardDuty client of its account and region (`findings::archived`).

use crate::sources::archived::{ArchivedListing, ArchivedLookup, ArchivedRequest};
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

#[async_trait]
impl ArchivedLookup for AwsArchived {
    async fn archived(&self, request: &ArchivedRequest) -> Result<ArchivedListing, SourceError> {
        let client = self
            .clients
            .get(&request.account_id)
            .and_then(|regions| regions.get(&request.region))
            .ok_or_else(|| SourceError {
                source_id: request.source_id(),
                operation: "ListFindings".into(),
                kind: SourceErrorKind::Service,
                message: "no GuardDuty client for this account and region".into(),
            })?;
        // A closed semaphore (never closed here) would only lift the bound.
        let _permit = self.at_once.acquire().await.ok();
        super::findings::archived(client, request).await
    }
}
