//! The AWS side: credentials and targets, the caller's identity, and one source adapter per
//! service. This module and the remediation executor are the only places that touch the
//! AWS SDK; everything they hand on is a domain type.

pub mod activity;
pub mod alarms;
pub mod archived;
mod assume;
pub mod attribution;
mod authorization;
pub mod baseline;
mod caller;
mod capture;
mod clients;
mod connect;
pub mod credential_report;
mod credentials;
pub mod errors;
pub mod findings;
pub mod identity;
pub mod org;
pub mod read_only;
mod token_bucket;

pub use clients::Clients;
pub use connect::{AwsOptions, ConnectError, SignedIn, check_options, connect, open, sign_in};
pub use credentials::{ProfileFacts, config_loader, find_profile};

/// SDK timestamps as chrono's, for the domain types.
pub fn to_chrono(time: &aws_smithy_types::DateTime) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::from_timestamp(time.secs(), time.subsec_nanos())
}
