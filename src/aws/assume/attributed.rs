//! `--role-arn` without MFA: the role is assumed by watchpost's own refreshing credentials
//! provider, because aws-config's `AssumeRoleProvider` cannot set a `SourceIdentity`. Each
//! session is named `watchpost-<local user>` and carries the local user as its source
//! identity (see `attribution.rs`); credentials are cached and assumed again five minutes
//! before they expire (one hour, the most AWS allows under role chaining).
//!
//! A trust policy that does not allow `sts:SetSourceIdentity` refuses the call: it is made
//! once more without the source identity, that is logged, and later refreshes leave it out.

use crate::aws::attribution::LocalOperator;
use crate::aws::errors::chain;
use aws_credential_types::Credentials;
use aws_credential_types::provider::{self, ProvideCredentials, error::CredentialsError, future};
use aws_sdk_sts::error::SdkError;
use aws_sdk_sts::operation::assume_role::AssumeRoleError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};

/// Credentials this close to expiry are renewed before they are handed out.
const REFRESH_BEFORE: Duration = Duration::from_secs(300);

#[derive(Debug)]
pub struct AttributedRole {
    sts: aws_sdk_sts::Client,
    role_arn: String,
    external_id: Option<String>,
    session_name: String,
    source_identity: String,
    /// The trust policy refused `sts:SetSourceIdentity` once: leave it out from then on.
    without_source_identity: AtomicBool,
    cached: tokio::sync::Mutex<Option<Credentials>>,
}

impl AttributedRole {
    pub fn new(
        sts: aws_sdk_sts::Client,
        role_arn: &str,
        external_id: Option<String>,
        operator: &LocalOperator,
    ) -> AttributedRole {
        AttributedRole {
            sts,
            role_arn: role_arn.to_string(),
            external_id,
            session_name: operator.session_name(),
            source_identity: operator.source_identity(),
            without_source_identity: AtomicBool::new(false),
            cached: tokio::sync::Mutex::new(None),
        }
    }

    async fn credentials(&self) -> provider::Result {
        let mut cached = self.cached.lock().await;
        if let Some(credentials) = cached.as_ref().filter(|c| !expires_soon(c)) {
            return Ok(credentials.clone());
        }
        let fresh = self.assume().await?;
        *cached = Some(fresh.clone());
        Ok(fresh)
    }

    async fn assume(&self) -> provider::Result {
        let with_identity = !self.without_source_identity.load(Ordering::SeqCst);
        let answer = match self.call(with_identity).await {
            Err(err) if with_identity && refuses_source_identity(&err) => {
                tracing::warn!(
                    role = %self.role_arn,
                    "the role's trust policy does not allow sts:SetSourceIdentity; assuming it \
                     without a source identity (add sts:SetSourceIdentity to the trust policy \
                     so CloudTrail names the person behind the session)"
                );
                self.without_source_identity.store(true, Ordering::SeqCst);
                self.call(false).await
            }
            answer => answer,
        };
        let output = answer.map_err(|err| {
            CredentialsError::provider_error(format!(
                "cannot assume {}: {}",
                self.role_arn,
                chain(&err)
            ))
        })?;
        let issued = output.credentials().ok_or_else(|| {
            CredentialsError::provider_error(format!(
                "STS returned no credentials for {}",
                self.role_arn
            ))
        })?;
        let expiry = SystemTime::try_from(*issued.expiration()).ok();
        Ok(Credentials::new(
            issued.access_key_id(),
            issued.secret_access_key(),
            Some(issued.session_token().to_string()),
            expiry,
            "watchpost-assume-role",
        ))
    }

    async fn call(
        &self,
        with_identity: bool,
    ) -> Result<
        aws_sdk_sts::operation::assume_role::AssumeRoleOutput,
        SdkError<AssumeRoleError, aws_smithy_runtime_api::client::orchestrator::HttpResponse>,
    > {
        let mut request = self
            .sts
            .assume_role()
            .role_arn(&self.role_arn)
            .role_session_name(&self.session_name)
            .set_external_id(self.external_id.clone());
        if with_identity {
            request = request.source_identity(&self.source_identity);
        }
        request.send().await
    }
}

fn expires_soon(credentials: &Credentials) -> bool {
    credentials
        .expiry()
        .is_some_and(|expiry| expiry <= SystemTime::now() + REFRESH_BEFORE)
}

/// Whether STS refused the call because the trust policy does not allow setting a source
/// identity (`AccessDenied` naming `sts:SetSourceIdentity`).
pub fn refuses_source_identity<R>(err: &SdkError<AssumeRoleError, R>) -> bool {
    err.as_service_error().is_some_and(|e| {
        e.code() == Some("AccessDenied")
            && e.message()
                .is_some_and(|m| m.contains("sts:SetSourceIdentity"))
    })
}

impl ProvideCredentials for AttributedRole {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(self.credentials())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
    use aws_smithy_types::body::SdkBody;
    use aws_smithy_types::error::ErrorMetadata;

    fn denied(message: &str) -> SdkError<AssumeRoleError, HttpResponse> {
        let error = AssumeRoleError::generic(
            ErrorMetadata::builder()
                .code("AccessDenied")
                .message(message)
                .build(),
        );
        let response = HttpResponse::new(
            aws_smithy_runtime_api::http::StatusCode::try_from(403).unwrap(),
            SdkBody::empty(),
        );
        SdkError::service_error(error, response)
    }

    #[test]
    fn only_a_refused_source_identity_is_retried_without_it() {
        assert!(refuses_source_identity(&denied(
            "User: arn:aws:iam::1:user/me is not authorized to perform: sts:SetSourceIdentity \
             on resource: arn:aws:iam::2:role/Audit"
        )));
        assert!(!refuses_source_identity(&denied(
            "User: arn:aws:iam::1:user/me is not authorized to perform: sts:AssumeRole"
        )));
    }

    #[test]
    fn credentials_are_renewed_five_minutes_before_they_expire() {
        let at = |secs: u64| {
            Credentials::new(
                "AKID",
                "secret",
                None,
                Some(SystemTime::now() + Duration::from_secs(secs)),
                "t",
            )
        };
        assert!(expires_soon(&at(60)));
        assert!(!expires_soon(&at(3600)));
        assert!(!expires_soon(&Credentials::new(
            "AKID", "s", None, None, "t"
        )));
    }
}
