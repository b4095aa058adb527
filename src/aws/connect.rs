//! From command-line options to a connected [`Session`]: the standard credential chain
//! (environment, shared files, SSO, web identity, container and instance roles), an optional
//! role to assume (with external ID and MFA), the regions, an endpoint override for local
//! emulators, then `GetCallerIdentity` to prove the credentials work before any pane opens.

use super::alarms::AlarmSource;
use super::assume::{AttributedRole, refuses_source_identity};
use super::attribution::LocalOperator;
use super::baseline::s3control_endpoint::LiteralHostResolver;
use super::baseline::{AccountBaselineSource, RegionalBaselineSource};
use super::errors::{chain, no_credentials_found};
use super::findings::FindingSource;
use super::identity::IamSource;
use super::mfa::MfaSessionCredentials;
use super::read_only::ReadOnlySwitch;
use crate::domain::CallerIdentity;
use crate::remediation::Execute;
use crate::remediation::aws::{AwsExecutor, BaselineClients};
use crate::sources::{Session, Source};
use aws_config::default_provider::credentials::DefaultCredentialsChain;
use aws_config::environment::EnvironmentVariableRegionProvider;
use aws_config::imds::region::ImdsRegionProvider;
use aws_config::meta::region::RegionProviderChain;
use aws_config::profile::ProfileFileRegionProvider;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, ConfigLoader, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// Where and as whom to connect; every field is optional and falls back to the standard
/// AWS configuration (`AWS_PROFILE`, `AWS_REGION`, `AWS_ENDPOINT_URL`, shared files, …).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwsOptions {
    pub profile: Option<String>,
    /// Regions to watch; empty means the profile's or environment's region.
    pub regions: Vec<String>,
    pub endpoint_url: Option<String>,
    pub role_arn: Option<String>,
    pub external_id: Option<String>,
    pub mfa_serial: Option<String>,
    /// A credential report younger than this is reused instead of asking for a new one.
    pub report_max_age: Duration,
    /// Audit mode from the start (`--read-only`, config.toml, `report`): every client
    /// refuses non-read operations from the first call, and no executor is built. Account
    /// rules are applied by the session once the account is known (`crate::session`).
    pub read_only: bool,
}

impl Default for AwsOptions {
    fn default() -> Self {
        AwsOptions {
            profile: None,
            regions: Vec::new(),
            endpoint_url: None,
            role_arn: None,
            external_id: None,
            mfa_serial: None,
            report_max_age: super::identity::DEFAULT_REPORT_MAX_AGE,
            read_only: false,
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConnectError {
    #[error(
        "no AWS credentials that work: {0}. Provide them with AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, \
         --profile (or AWS_PROFILE; `aws sso login` for SSO profiles), or an instance/container role; \
         or run `watchpost --demo`"
    )]
    Credentials(String),
    #[error("cannot reach AWS: {0}. Check the network, the proxy settings and --endpoint-url")]
    Unreachable(String),
    #[error("cannot assume {role}: {message}")]
    AssumeRole { role: String, message: String },
    #[error("no MFA code: {0}")]
    MfaCode(String),
    #[error(
        "no region: pass --region (e.g. --region us-east-1,eu-west-1), set AWS_REGION, \
         add `regions` to config.toml, or set a region in your AWS profile"
    )]
    NoRegion,
}

impl ConnectError {
    /// Missing regions are a usage problem (exit 2); everything else means "cannot
    /// connect as anyone" (exit 3).
    pub fn is_usage(&self) -> bool {
        matches!(self, ConnectError::NoRegion)
    }
}

/// How long start-up may wait for `GetCallerIdentity` (and the credential chain behind it).
const IDENTITY_TIMEOUT: Duration = Duration::from_secs(20);
/// The instance metadata service answers in milliseconds where it exists; where it does not
/// (a laptop, a CI runner), a short timeout and a single attempt keep start-up from hanging.
const IMDS_TIMEOUT: Duration = Duration::from_secs(1);
/// Assumed-role sessions with MFA last this long (AWS's default; a role may allow more).
const MFA_SESSION: Duration = Duration::from_secs(3600);

fn imds_client() -> aws_config::imds::Client {
    aws_config::imds::Client::builder()
        .connect_timeout(IMDS_TIMEOUT)
        .read_timeout(IMDS_TIMEOUT)
        .max_attempts(1)
        .build()
}

/// The SDK configuration loader for `options`, before credentials are proven. Tests and
/// embedders may adjust it (e.g. supply credentials) before [`connect`].
pub async fn config_loader(options: &AwsOptions) -> ConfigLoader {
    let mut credentials = DefaultCredentialsChain::builder().imds_client(imds_client());
    let mut profile_region = ProfileFileRegionProvider::builder();
    if let Some(profile) = &options.profile {
        credentials = credentials.profile_name(profile);
        profile_region = profile_region.profile_name(profile);
    }
    let region_chain =
        RegionProviderChain::first_try(options.regions.first().cloned().map(Region::new))
            .or_else(EnvironmentVariableRegionProvider::new())
            .or_else(profile_region.build())
            .or_else(
                ImdsRegionProvider::builder()
                    .imds_client(imds_client())
                    .build(),
            );
    let region = region_chain.region().await;
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .credentials_provider(credentials.region(region.clone()).build().await)
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(5))
                .operation_attempt_timeout(Duration::from_secs(20))
                .build(),
        );
    if let Some(region) = region {
        loader = loader.region(region);
    }
    if let Some(profile) = &options.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(url) = &options.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    loader
}

/// Loads the configuration, assumes the role if asked, proves the credentials with
/// `GetCallerIdentity`, and builds one source per service and region. `mfa_code` is asked
/// for the code of `--mfa-serial`, before the console starts.
pub async fn connect(
    options: &AwsOptions,
    loader: ConfigLoader,
    mfa_code: &mut (dyn FnMut(&str) -> std::io::Result<String> + Send),
) -> Result<Session, ConnectError> {
    let signed_in = sign_in(options, loader, mfa_code).await?;
    open(options, &signed_in).await
}

/// Credentials that were loaded (and a role assumed with them, if asked), kept so other
/// regions of the same account can be opened without signing in again: a role assumed with
/// MFA could not be assumed again without a new code.
#[derive(Clone, Debug)]
pub struct SignedIn {
    config: SdkConfig,
}

/// Loads the configuration and assumes the role if asked; nothing is proven yet.
pub async fn sign_in(
    options: &AwsOptions,
    loader: ConfigLoader,
    mfa_code: &mut (dyn FnMut(&str) -> std::io::Result<String> + Send),
) -> Result<SignedIn, ConnectError> {
    let base = loader.load().await;
    let config = match &options.role_arn {
        Some(role) => assume_role(&base, options, role, mfa_code).await?,
        None => base,
    };
    Ok(SignedIn { config })
}

/// Proves the credentials with `GetCallerIdentity`, then builds one source per service and
/// region of `options` (or the configuration's region when it names none).
pub async fn open(options: &AwsOptions, signed_in: &SignedIn) -> Result<Session, ConnectError> {
    let config = &signed_in.config;
    // Every client carries the guard; the switch decides. The session may still turn it on
    // (an account rule), before any source polls or any action runs.
    let read_only = ReadOnlySwitch::new(options.read_only);
    let caller = caller_identity(config, &read_only).await?;
    let regions = if options.regions.is_empty() {
        config
            .region()
            .map(|r| vec![r.to_string()])
            .ok_or(ConnectError::NoRegion)?
    } else {
        options.regions.clone()
    };
    let clients = Clients::new(config, &read_only, &regions);
    let sources = clients.sources(options, &caller.account_id, &regions);
    let executor: Option<Arc<dyn Execute>> = if options.read_only {
        None
    } else {
        Some(Arc::new(clients.executor()))
    };
    Ok(Session {
        caller,
        regions,
        demo: false,
        journal_history: Vec::new(),
        sources,
        executor,
        read_only,
    })
}

/// One client per service (and region), each with the read-only guard when asked.
pub struct Clients {
    iam: aws_sdk_iam::Client,
    cloudwatch: HashMap<String, aws_sdk_cloudwatch::Client>,
    guardduty: HashMap<String, aws_sdk_guardduty::Client>,
    ec2: HashMap<String, aws_sdk_ec2::Client>,
    config: HashMap<String, aws_sdk_config::Client>,
    cloudtrail: HashMap<String, aws_sdk_cloudtrail::Client>,
    logs: HashMap<String, aws_sdk_cloudwatchlogs::Client>,
    s3control: aws_sdk_s3control::Client,
}

/// One client of `$sdk` per region, from `$config`, each with the read-only guard.
macro_rules! regional_clients {
    ($sdk:ident, $config:expr, $read_only:expr, $regions:expr) => {{
        let mut clients = HashMap::new();
        for region in $regions {
            let builder = $sdk::config::Builder::from($config)
                .region(Region::new(region.clone()))
                .interceptor($read_only.guard());
            clients.insert(region.clone(), $sdk::Client::from_conf(builder.build()));
        }
        clients
    }};
}

impl Clients {
    /// Every client carries `read_only`'s guard, which refuses all but reads while it is on.
    pub fn new(config: &SdkConfig, read_only: &ReadOnlySwitch, regions: &[String]) -> Clients {
        let iam = aws_sdk_iam::config::Builder::from(config).interceptor(read_only.guard());
        // S3 Control is global; it signs for the first watched region.
        let mut s3control = aws_sdk_s3control::config::Builder::from(config)
            .endpoint_resolver(LiteralHostResolver::new())
            .interceptor(read_only.guard());
        if let Some(region) = regions.first() {
            s3control = s3control.region(Region::new(region.clone()));
        }
        Clients {
            iam: aws_sdk_iam::Client::from_conf(iam.build()),
            cloudwatch: regional_clients!(aws_sdk_cloudwatch, config, read_only, regions),
            guardduty: regional_clients!(aws_sdk_guardduty, config, read_only, regions),
            ec2: regional_clients!(aws_sdk_ec2, config, read_only, regions),
            config: regional_clients!(aws_sdk_config, config, read_only, regions),
            cloudtrail: regional_clients!(aws_sdk_cloudtrail, config, read_only, regions),
            logs: regional_clients!(aws_sdk_cloudwatchlogs, config, read_only, regions),
            s3control: aws_sdk_s3control::Client::from_conf(s3control.build()),
        }
    }

    /// An executor on these clients. A read-only session never builds one; if code did,
    /// the guard on the clients would still refuse every call it makes.
    pub fn executor(&self) -> AwsExecutor {
        AwsExecutor::new(
            self.iam.clone(),
            self.guardduty.clone(),
            self.cloudwatch.clone(),
        )
        .with_baseline(BaselineClients {
            ec2: self.ec2.clone(),
            cloudtrail: self.cloudtrail.clone(),
            s3control: Some(self.s3control.clone()),
        })
    }

    /// IAM and the account baseline once per account; CloudWatch, GuardDuty and the
    /// regional baseline once per region.
    fn sources(
        &self,
        options: &AwsOptions,
        account_id: &str,
        regions: &[String],
    ) -> Vec<Box<dyn Source>> {
        let mut sources: Vec<Box<dyn Source>> = vec![Box::new(IamSource::new(
            self.iam.clone(),
            account_id,
            options.report_max_age,
        ))];
        if let Some(home) = regions.first() {
            sources.push(Box::new(AccountBaselineSource::new(
                self.cloudtrail.clone(),
                self.logs.clone(),
                self.s3control.clone(),
                account_id,
                home,
            )));
        }
        for region in regions {
            if let Some(client) = self.cloudwatch.get(region) {
                sources.push(Box::new(AlarmSource::new(
                    client.clone(),
                    account_id,
                    region,
                )));
            }
            if let Some(client) = self.guardduty.get(region) {
                sources.push(Box::new(FindingSource::new(
                    client.clone(),
                    account_id,
                    region,
                )));
            }
            if let (Some(ec2), Some(config)) = (self.ec2.get(region), self.config.get(region)) {
                sources.push(Box::new(RegionalBaselineSource::new(
                    ec2.clone(),
                    config.clone(),
                    account_id,
                    region,
                )));
            }
        }
        sources
    }
}

/// STS needs some region to sign with; the global endpoint's is us-east-1.
fn sts_client(config: &SdkConfig) -> aws_sdk_sts::Client {
    let mut builder = aws_sdk_sts::config::Builder::from(config);
    if config.region().is_none() {
        builder = builder.region(Region::from_static("us-east-1"));
    }
    aws_sdk_sts::Client::from_conf(builder.build())
}

async fn caller_identity(
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

async fn assume_role(
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_missing_region_is_a_usage_error() {
        assert!(ConnectError::NoRegion.is_usage());
        assert!(!ConnectError::Credentials("x".into()).is_usage());
    }
}
