//! The remediation actions, one value each, grouped by the kind of target they act on.
//! Each declares its spec, when it applies, its CLI equivalent, its AWS call(s), its effect
//! on the data the console holds and its undo; `catalog.rs` lists them.

pub mod access_key;
pub mod alarm;
pub mod bucket;
pub mod ebs;
pub mod finding;
pub mod imds;
pub mod ingress;
pub mod kms_key;
pub mod public_access_block;
pub mod role;
pub mod trail;
pub mod user;

use super::action::{ActionError, Unavailable, source_of};
use super::target::Target;
use crate::aws::errors::classify;
use crate::domain::Call;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

/// Quotes a value for a POSIX shell when it needs it.
pub fn shell_quote(value: &str) -> String {
    let plain = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.,@+=:/-#".contains(c));
    if plain && !value.starts_with('#') {
        value.to_string()
    } else {
        format!("'{}'", value.replace('\'', r"'\''"))
    }
}

/// An SDK error of `call` on `target`, classified (a denial names the permission).
pub(super) fn refused<E>(
    target: &Target,
    call: Call,
    err: &SdkError<E, HttpResponse>,
) -> ActionError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    classify(&source_of(target), call, err).into()
}

/// A read of something the action needs to exist: `Ok` if it answered, what changed if AWS
/// says it is gone (`missing`), or why it could not be read.
pub(super) fn still_there<T, E>(
    read: Result<T, SdkError<E, HttpResponse>>,
    target: &Target,
    call: Call,
    missing: impl Fn(&E) -> bool,
    gone: impl Fn() -> String,
) -> Result<(), ActionError>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    match read {
        Ok(_) => Ok(()),
        Err(e) if e.as_service_error().is_some_and(&missing) => Err(ActionError::Changed(gone())),
        Err(e) => Err(refused(target, call, &e)),
    }
}

/// The target handed to an action of another kind: the catalog never offers one, and the
/// runner refuses unavailable offers, so this only guards against a programming slip.
pub(super) fn other_kind(target: &Target) -> ActionError {
    ActionError::Unavailable(Unavailable::OtherKind(target.describe()))
}
