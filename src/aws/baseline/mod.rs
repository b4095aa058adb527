//! The account-level baseline sources: one per region (EC2 security groups, EBS default
//! encryption, VPCs and flow logs, the AWS Config recorder, instances, volumes, RDS, KMS
//! keys, load balancers) and one per account (CloudTrail trails and their status, metric
//! filters on the trails' log groups, S3 account-level Block Public Access, the buckets).
//! Every list costs one (paged) call per resource type; buckets, KMS keys and load
//! balancers cost a few calls more each (their exposure, rotation or web ACL).
//!
//! A denied call makes that one fact unreadable (its controls say what they need); any
//! other failure fails the poll, so the worker retries with backoff.

mod account;
pub mod buckets;
mod instances;
mod kms;
mod load_balancers;
mod rds;
mod regional;
pub mod s3control_endpoint;

pub use account::AccountBaselineSource;
pub use regional::{RegionalBaselineSource, RegionalClients};

use crate::domain::{Probe, Unreadable};
use crate::sources::{SourceError, SourceErrorKind};

/// A read that was denied becomes an unreadable fact; other errors end the poll.
// The error is the poll's own error, passed on unchanged: boxing it here would only move
// the size elsewhere.
#[allow(clippy::result_large_err)]
fn degrade<T>(read: Result<T, SourceError>) -> Result<Probe<T>, SourceError> {
    match read {
        Ok(value) => Ok(Ok(value)),
        Err(SourceError {
            kind: SourceErrorKind::AccessDenied { permission },
            operation,
            message,
            ..
        }) => Ok(Err(Unreadable {
            permission: permission.unwrap_or(operation),
            message,
        })),
        Err(error) => Err(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{SourceId, SourceKind};

    fn error(kind: SourceErrorKind) -> SourceError {
        SourceError {
            source_id: SourceId {
                kind: SourceKind::Baseline,
                account_id: "1".into(),
                region: Some("r".into()),
            },
            operation: "DescribeFlowLogs".into(),
            kind,
            message: "AccessDenied: no".into(),
        }
    }

    #[test]
    fn only_denials_degrade() {
        let denied = degrade::<()>(Err(error(SourceErrorKind::AccessDenied {
            permission: Some("ec2:DescribeFlowLogs".into()),
        })));
        assert_eq!(
            denied.ok().and_then(|p| p.err()).map(|u| u.permission),
            Some("ec2:DescribeFlowLogs".to_string())
        );
        assert!(degrade::<()>(Err(error(SourceErrorKind::Throttled))).is_err());
    }
}
