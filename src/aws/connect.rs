//! From command-line options to a connected [`Session`]: credentials from the standard chain
//! (`credentials.rs`), an optional role to assume (`assume/`), the regions, an endpoint
//! override for local emulators, then `GetCallerIdentity` (`caller.rs`) to prove the
//! credentials work before any pane opens, and the clients and sources on them
//! (`clients.rs`).

use super::assume::assume_role;
use super::caller::caller_identity;
use super::clients::Clients;
use super::read_only::ReadOnlySwitch;
use crate::remediation::Execute;
use crate::sources::{Lookups, Session};
use aws_config::{ConfigLoader, SdkConfig};
use std::sync::Arc;
use std::time::Duration;

/// Where and as whom to connect; every field is optional and falls back to the standard
/// AWS configuration (`AWS_PROFILE`, `AWS_REGION`, `AWS_ENDPOINT_URL`, shared files, …).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwsOptions {
    pub profile: Option<String>,
    /// Regions to watch; empty means the profile's or environment's region.
    pub regions: Vec<String>,
    /// Region names accepted besides the pinned list of AWS regions (config.toml's
    /// `extra_regions`).
    pub extra_regions: Vec<String>,
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
            extra_regions: Vec::new(),
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
    /// A region or profile that does not exist, named before anything is called.
    #[error("{0}")]
    Usage(String),
}

impl ConnectError {
    /// Missing or unknown regions and unknown profiles are usage problems (exit 2);
    /// everything else means "cannot connect as anyone" (exit 3).
    pub fn is_usage(&self) -> bool {
        matches!(self, ConnectError::NoRegion | ConnectError::Usage(_))
    }
}

/// Checks what the command line named before anything is called: every region is one AWS
/// has (or one of config.toml's `extra_regions`), and `--profile` is a profile of the shared
/// files (the error lists the known ones, as `:profile` does). Regions from config.toml
/// were checked when it was read; a region from the environment or the profile is checked
/// once the configuration is loaded (`regions_of`).
pub async fn check_options(options: &AwsOptions) -> Result<(), ConnectError> {
    crate::domain::check_regions(&options.regions, &options.extra_regions)
        .map_err(|why| ConnectError::Usage(format!("--region: {why}")))?;
    if let Some(profile) = &options.profile {
        super::credentials::find_profile(profile)
            .await
            .map_err(|why| ConnectError::Usage(format!("--profile: {why}")))?;
    }
    Ok(())
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

impl SignedIn {
    pub(super) fn config(&self) -> &SdkConfig {
        &self.config
    }
}

/// The regions to watch: those of `options`, else the configuration's own.
pub(super) fn regions_of(
    options: &AwsOptions,
    config: &SdkConfig,
) -> Result<Vec<String>, ConnectError> {
    if options.regions.is_empty() {
        check_config_region(options, config)?;
        config
            .region()
            .map(|r| vec![r.to_string()])
            .ok_or(ConnectError::NoRegion)
    } else {
        Ok(options.regions.clone())
    }
}

/// The region of the environment (`AWS_REGION`) or the profile, when no region is given
/// otherwise: a typo there would fail every call as surely as one in `--region`.
fn check_config_region(options: &AwsOptions, config: &SdkConfig) -> Result<(), ConnectError> {
    let region = config.region().filter(|_| options.regions.is_empty());
    match region.and_then(|r| crate::domain::unknown_region(r.as_ref(), &options.extra_regions)) {
        Some(why) => Err(ConnectError::Usage(format!(
            "AWS_REGION or the AWS profile's region: {why}"
        ))),
        None => Ok(()),
    }
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
    // An unknown region is refused before any call; a missing one after the credentials
    // are proven, which come first when both are missing.
    check_config_region(options, config)?;
    let caller = caller_identity(config, &read_only).await?;
    let regions = regions_of(options, config)?;
    let clients = Clients::new(config, &read_only, &regions);
    let sources = clients.sources(
        options,
        &caller.account_id,
        &regions,
        &super::clients::FindingsPlan::default(),
    );
    let executor: Option<Arc<dyn Execute>> = if options.read_only {
        None
    } else {
        Some(Arc::new(clients.executor()))
    };
    let activity = super::activity::AwsActivity::default()
        .with_account(&caller.account_id, clients.activity());
    let archived = super::archived::AwsArchived::default()
        .with_account(&caller.account_id, clients.archived());
    Ok(Session::on_aws(
        caller,
        regions,
        sources,
        executor,
        read_only,
        None,
        Lookups::new(activity, archived),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_missing_region_or_a_bad_name_is_a_usage_error() {
        assert!(ConnectError::NoRegion.is_usage());
        assert!(ConnectError::Usage("--region: unknown".into()).is_usage());
        assert!(!ConnectError::Credentials("x".into()).is_usage());
    }
}
