//! The AWS side: credentials and targets, the caller's identity, and one source adapter per
//! service. This module and the remediation executor are the only places that touch the
//! AWS SDK; everything they hand on is a domain type.

pub mod alarms;
mod authorization;
pub mod baseline;
mod capture;
mod connect;
pub mod credential_report;
pub mod errors;
pub mod findings;
pub mod identity;
mod mfa;
pub mod read_only;

pub use connect::{
    AwsOptions, Clients, ConnectError, config_loader, connect, glob_match, parse_regions,
};

/// SDK timestamps as chrono's, for the domain types.
pub fn to_chrono(time: &aws_smithy_types::DateTime) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::from_timestamp(time.secs(), time.subsec_nanos())
}
