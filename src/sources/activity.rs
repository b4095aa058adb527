//! The activity view's one read: a page of CloudTrail events for a query in one region,
//! asked on demand (never polled). The AWS adapter (`aws::activity`) and the demo account
//! (`demo::activity`) implement it, so the view cannot tell them apart.

use crate::domain::{ActivityPage, PageRequest};
use crate::sources::SourceErrorKind;
use async_trait::async_trait;
use std::fmt;

/// Why a page could not be read, in terms the user can act on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActivityError {
    pub kind: SourceErrorKind,
    pub region: String,
    pub message: String,
}

impl ActivityError {
    pub fn is_denied(&self) -> bool {
        matches!(self.kind, SourceErrorKind::AccessDenied { .. })
    }
}

impl fmt::Display for ActivityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A denial always names the one permission the view needs.
        let what = match &self.kind {
            SourceErrorKind::AccessDenied { .. } => SourceErrorKind::AccessDenied {
                permission: Some("cloudtrail:LookupEvents".to_string()),
            }
            .describe(),
            other => other.describe(),
        };
        write!(
            f,
            "CloudTrail LookupEvents in {}: {what}: {}",
            self.region, self.message
        )
    }
}

/// Reads CloudTrail's event history.
#[async_trait]
pub trait ActivityLookup: Send + Sync {
    /// The page of the request's events, newest first.
    async fn page(&self, request: &PageRequest) -> Result<ActivityPage, ActivityError>;
}
