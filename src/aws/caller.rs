//! The session's identity: `GetCallerIdentity` proves the credentials work before any pane
//! opens, and names the account and the caller's ARN for the header, the account rules and
//! the journal.

use super::clients::sts_client;
use super::connect::ConnectError;
use super::errors::{chain, no_credentials_found};
use super::read_only::ReadOnlySwitch;
use crate::domain::CallerIdentity;
use aws_config::SdkConfig;
use std::time::Duration;

/// How long start-up may wait for `GetCallerIdentity` (and the credential chain behind it).
const IDENTITY_TIMEOUT: Duration = Duration::from_secs(20);

/// The caller behind `config`'s credentials, asked through the read-only guard.
pub(super) async fn caller_identity(
    config: &SdkConfig,
    read_only: &ReadOnlySwitch,
) -> Result<CallerIdentity, ConnectError> {
    let client = aws_sdk_sts::Client::from_conf(
        sts_client(config)
            .config()
            .to_builder()
            .interceptor(read_only.guard())
            .build(),
    );
    let call = client.get_caller_identity().send();
    let output = match tokio::time::timeout(IDENTITY_TIMEOUT, call).await {
        Ok(Ok(output)) => output,
        Ok(Err(err)) if no_credentials_found(&err) => {
            return Err(ConnectError::Credentials(
                "none found (looked in the environment, the shared config and credentials \
                 files, SSO, web identity, and the container and instance metadata services)"
                    .to_string(),
            ));
        }
        Ok(Err(err)) if is_unreachable(&err) => {
            return Err(ConnectError::Unreachable(chain(&err)));
        }
        Ok(Err(err)) => {
            let message = chain(&err);
            return Err(ConnectError::Credentials(
                message.trim_end_matches('.').to_string(),
            ));
        }
        Err(_) => {
            return Err(ConnectError::Credentials(format!(
                "GetCallerIdentity did not answer within {}s",
                IDENTITY_TIMEOUT.as_secs()
            )));
        }
    };
    Ok(CallerIdentity {
        account_id: output.account().unwrap_or_default().to_string(),
        arn: output.arn().unwrap_or_default().to_string(),
        user_id: output.user_id().unwrap_or_default().to_string(),
    })
}

/// The network failed before any service could judge the credentials.
fn is_unreachable<E, R>(err: &aws_smithy_runtime_api::client::result::SdkError<E, R>) -> bool {
    use aws_smithy_runtime_api::client::result::SdkError;
    match err {
        SdkError::TimeoutError(_) => true,
        SdkError::DispatchFailure(failure) => failure.is_io() || failure.is_timeout(),
        _ => false,
    }
}
