//! Turning SDK errors into [`SourceError`]s the user can act on: which permission is missing,
//! whether to retry, and a message with the service's own words.

use crate::domain::SourceId;
use crate::sources::{SourceError, SourceErrorKind};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use std::error::Error;

/// Error codes that mean "you may not", across IAM (Query), CloudWatch and GuardDuty (JSON).
const DENIED_CODES: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "UnauthorizedAccess",
    "AuthorizationError",
];

const THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "RequestThrottledException",
    "SlowDown",
];

/// Codes for credentials the service refuses: expired, revoked, or never valid.
const CREDENTIAL_CODES: &[&str] = &[
    "ExpiredToken",
    "ExpiredTokenException",
    "InvalidClientTokenId",
    "UnrecognizedClientException",
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "InvalidSignatureException",
    "AuthFailure",
    "IncompleteSignature",
    "MissingAuthenticationToken",
];

/// Which call failed: the operation's name and the IAM action it needs.
pub use crate::domain::Call;

/// Classifies an SDK error for source `id` and the call that failed.
pub fn classify<E>(id: &SourceId, call: Call, err: &SdkError<E, HttpResponse>) -> SourceError
where
    E: ProvideErrorMetadata + Error + Send + Sync + 'static,
{
    let (kind, message) = kind_of(call, err);
    SourceError {
        source_id: id.clone(),
        operation: call.operation.to_string(),
        kind,
        message,
    }
}

/// What kind of failure an SDK error of `call` is, and its message on one line.
pub fn kind_of<E>(call: Call, err: &SdkError<E, HttpResponse>) -> (SourceErrorKind, String)
where
    E: ProvideErrorMetadata + Error + Send + Sync + 'static,
{
    let (kind, message) = match err {
        // A 2xx answer the SDK could not read (e.g. invalid XML) surfaces as an unhandled
        // service error; it is garbage, not a fault worth retrying at once.
        SdkError::ServiceError(service) if service.raw().status().is_success() => {
            (SourceErrorKind::Malformed, chain(service.err()))
        }
        SdkError::ServiceError(service) => {
            let status = service.raw().status().as_u16();
            let code = service.err().code().unwrap_or_default();
            let message = service
                .err()
                .message()
                .map(str::to_string)
                .unwrap_or_else(|| format!("HTTP {status}"));
            let message = if code.is_empty() {
                message
            } else {
                format!("{code}: {message}")
            };
            (kind_for(code, status, call), message)
        }
        SdkError::TimeoutError(_) => (SourceErrorKind::Timeout, chain(err)),
        SdkError::DispatchFailure(failure) => {
            let kind = if failure.is_timeout() {
                SourceErrorKind::Timeout
            } else if failure.is_io() {
                SourceErrorKind::Network
            } else if mentions_credentials(err) {
                SourceErrorKind::Credentials
            } else {
                SourceErrorKind::Network
            };
            (kind, chain(err))
        }
        SdkError::ResponseError(_) => (SourceErrorKind::Malformed, chain(err)),
        // Construction failures are mostly credentials that could not be loaded.
        _ if mentions_credentials(err) => (SourceErrorKind::Credentials, chain(err)),
        _ => (SourceErrorKind::Service, chain(err)),
    };
    (kind, one_line(&message))
}

fn kind_for(code: &str, status: u16, call: Call) -> SourceErrorKind {
    if DENIED_CODES.contains(&code) || (status == 403 && !CREDENTIAL_CODES.contains(&code)) {
        SourceErrorKind::AccessDenied {
            permission: Some(call.permission()),
        }
    } else if THROTTLING_CODES.contains(&code) || status == 429 {
        SourceErrorKind::Throttled
    } else if CREDENTIAL_CODES.contains(&code) {
        SourceErrorKind::Credentials
    } else {
        // 5xx, and 4xx codes we do not know: retried with backoff like any fault.
        SourceErrorKind::Service
    }
}

/// Whether the error chain is about loading credentials (none found, refresh failed).
fn mentions_credentials<E, R>(err: &SdkError<E, R>) -> bool
where
    E: Error + 'static,
    R: std::fmt::Debug + 'static,
{
    let mut source: Option<&(dyn Error + 'static)> = Some(err);
    while let Some(current) = source {
        if current
            .downcast_ref::<aws_credential_types::provider::error::CredentialsError>()
            .is_some()
        {
            return true;
        }
        let text = current.to_string().to_ascii_lowercase();
        if text.contains("credential") || text.contains("identity") {
            return true;
        }
        source = current.source();
    }
    false
}

/// An error and its causes as one line, "outer: inner: innermost", without the Debug dumps
/// the SDK's own context display adds. Causes that repeat their parent are skipped.
pub fn chain(err: &(dyn Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current = Some(err);
    while let Some(e) = current {
        let text = one_line(&e.to_string());
        if !text.is_empty() && !parts.last().is_some_and(|last| last.contains(&text)) {
            parts.push(text);
        }
        current = e.source();
    }
    parts.join(": ")
}

/// Whether the chain says no credentials could be loaded at all (as opposed to credentials
/// that were found and refused).
pub fn no_credentials_found(err: &(dyn Error + 'static)) -> bool {
    use aws_credential_types::provider::error::CredentialsError;
    let mut current = Some(err);
    while let Some(e) = current {
        if let Some(CredentialsError::CredentialsNotLoaded(_)) =
            e.downcast_ref::<CredentialsError>()
        {
            return true;
        }
        current = e.source();
    }
    false
}

/// SDK messages can span lines (XML bodies, nested causes); a pane shows one line.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const CALL: Call = Call::new("iam", "GetCredentialReport");

    #[test]
    fn denial_names_the_permission_to_grant() {
        assert_eq!(
            kind_for("AccessDenied", 403, CALL),
            SourceErrorKind::AccessDenied {
                permission: Some("iam:GetCredentialReport".into())
            }
        );
        assert_eq!(
            kind_for("AccessDeniedException", 403, CALL),
            SourceErrorKind::AccessDenied {
                permission: Some("iam:GetCredentialReport".into())
            }
        );
    }

    #[test]
    fn throttling_is_recognised_by_code_or_status() {
        assert_eq!(
            kind_for("Throttling", 400, CALL),
            SourceErrorKind::Throttled
        );
        assert_eq!(kind_for("", 429, CALL), SourceErrorKind::Throttled);
    }

    #[test]
    fn expired_or_invalid_tokens_are_credential_problems_not_denials() {
        assert_eq!(
            kind_for("ExpiredToken", 403, CALL),
            SourceErrorKind::Credentials
        );
        assert_eq!(
            kind_for("InvalidClientTokenId", 403, CALL),
            SourceErrorKind::Credentials
        );
    }

    #[test]
    fn server_faults_are_service_errors() {
        assert_eq!(
            kind_for("InternalFailure", 500, CALL),
            SourceErrorKind::Service
        );
        assert_eq!(
            kind_for("ServiceUnavailable", 503, CALL),
            SourceErrorKind::Service
        );
    }

    #[test]
    fn messages_become_one_line() {
        assert_eq!(one_line("a\n  b\r\n\tc"), "a b c");
    }
}
