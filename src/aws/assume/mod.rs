//! `--role-arn`: without MFA, the role is assumed by a refreshing provider that names the
//! local user (`attributed.rs`); with `--mfa-serial`, it is assumed once, at start-up, with
//! the code the user typed, and those credentials serve until they expire (`mfa.rs`).

mod attributed;
mod mfa;

use super::attribution::LocalOperator;
use super::clients::sts_client;
use super::connect::{AwsOptions, ConnectError};
use super::errors::chain;
pub(super) use attributed::AttributedRole;
use attributed::refuses_source_identity;
use aws_config::SdkConfig;
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use mfa::MfaSessionCredentials;
use std::time::{Duration, SystemTime};

/// Assumed-role sessions with MFA last this long (AWS's default; a role may allow more).
const MFA_SESSION: Duration = Duration::from_secs(3600);

/// `base` with credentials of `role` in place of its own; `mfa_code` is asked for the code
/// of `--mfa-serial`.
pub(super) async fn assume_role(
    base: &SdkConfig,
    options: &AwsOptions,
    role: &str,
    mfa_code: &mut (dyn FnMut(&str) -> std::io::Result<String> + Send),
) -> Result<SdkConfig, ConnectError> {
    let provider = match &options.mfa_serial {
        None => {
            // Refreshes itself before expiry for as long as the base credentials work.
            SharedCredentialsProvider::new(AttributedRole::new(
                sts_client(base),
                role,
                options.external_id.clone(),
                LocalOperator::current(),
            ))
        }
        Some(serial) => {
            let code = mfa_code(serial)
                .map_err(|e| ConnectError::MfaCode(e.to_string()))?
                .trim()
                .to_string();
            if code.is_empty() {
                return Err(ConnectError::MfaCode(
                    "an empty code was entered".to_string(),
                ));
            }
            let credentials = assume_with_mfa(base, options, role, serial, &code).await?;
            SharedCredentialsProvider::new(MfaSessionCredentials::new(credentials, role))
        }
    };
    Ok(base.to_builder().credentials_provider(provider).build())
}

async fn assume_with_mfa(
    base: &SdkConfig,
    options: &AwsOptions,
    role: &str,
    serial: &str,
    code: &str,
) -> Result<Credentials, ConnectError> {
    let failed = |message: String| ConnectError::AssumeRole {
        role: role.to_string(),
        message,
    };
    let operator = LocalOperator::current();
    // No retry without the source identity here: the code is single-use.
    let output = sts_client(base)
        .assume_role()
        .role_arn(role)
        .role_session_name(operator.session_name())
        .source_identity(operator.source_identity())
        .set_external_id(options.external_id.clone())
        .serial_number(serial)
        .token_code(code)
        .duration_seconds(i32::try_from(MFA_SESSION.as_secs()).unwrap_or(3600))
        .send()
        .await
        .map_err(|e| {
            if refuses_source_identity(&e) {
                failed(format!(
                    "its trust policy does not allow sts:SetSourceIdentity, which watchpost \
                     sets to name you in CloudTrail: add sts:SetSourceIdentity to the trust \
                     policy's statement for the caller ({})",
                    chain(&e)
                ))
            } else {
                failed(chain(&e))
            }
        })?;
    let issued = output
        .credentials()
        .ok_or_else(|| failed("STS returned no credentials".to_string()))?;
    let expiry = SystemTime::try_from(*issued.expiration())
        .unwrap_or_else(|_| SystemTime::now() + MFA_SESSION);
    Ok(Credentials::new(
        issued.access_key_id(),
        issued.secret_access_key(),
        Some(issued.session_token().to_string()),
        Some(expiry),
        "watchpost-mfa",
    ))
}
