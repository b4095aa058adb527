//! `--role-arn` with `--mfa-serial`: the role is assumed once, at start-up, with a code the
//! user typed before the console took the terminal. An MFA code is single-use, so these
//! credentials cannot be refreshed silently: when they expire the provider says so, the
//! sources report it, and the header tells the user to restart with a new code.

use aws_credential_types::Credentials;
use aws_credential_types::provider::{self, ProvideCredentials, error::CredentialsError, future};
use chrono::{DateTime, Utc};
use std::time::SystemTime;

#[derive(Debug)]
pub struct MfaSessionCredentials {
    credentials: Credentials,
    role_arn: String,
}

impl MfaSessionCredentials {
    pub fn new(credentials: Credentials, role_arn: &str) -> Self {
        MfaSessionCredentials {
            credentials,
            role_arn: role_arn.to_string(),
        }
    }

    fn current(&self) -> provider::Result {
        match self.credentials.expiry() {
            Some(expiry) if expiry <= SystemTime::now() => {
                let at: DateTime<Utc> = expiry.into();
                Err(CredentialsError::provider_error(format!(
                    "the MFA session for {} expired at {}; restart watchpost and enter a new MFA code",
                    self.role_arn,
                    at.format("%Y-%m-%d %H:%M UTC")
                )))
            }
            _ => Ok(self.credentials.clone()),
        }
    }
}

impl ProvideCredentials for MfaSessionCredentials {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::ready(self.current())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn credentials(expiry: SystemTime) -> Credentials {
        Credentials::new(
            "AKIDEXAMPLE",
            "secret",
            Some("token".into()),
            Some(expiry),
            "test",
        )
    }

    #[test]
    fn valid_credentials_are_handed_out() {
        let provider = MfaSessionCredentials::new(
            credentials(SystemTime::now() + Duration::from_secs(3600)),
            "arn:aws:iam::1:role/r",
        );
        assert_eq!(provider.current().unwrap().access_key_id(), "AKIDEXAMPLE");
    }

    #[test]
    fn expired_credentials_say_to_restart_with_a_new_code() {
        let provider = MfaSessionCredentials::new(
            credentials(SystemTime::now() - Duration::from_secs(1)),
            "arn:aws:iam::1:role/r",
        );
        let err = provider.current().unwrap_err();
        let text = aws_smithy_types::error::display::DisplayErrorContext(&err).to_string();
        assert!(text.contains("new MFA code"), "{text}");
        assert!(text.contains("arn:aws:iam::1:role/r"), "{text}");
    }
}
