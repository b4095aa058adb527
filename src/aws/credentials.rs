//! Where credentials and the region come from: the SDK configuration on the standard
//! credential chain (environment, shared files, SSO, web identity, container and instance
//! roles) and region chain, and the named profiles of the shared config and credentials
//! files (`~/.aws/config`, `~/.aws/credentials`, or `AWS_CONFIG_FILE` /
//! `AWS_SHARED_CREDENTIALS_FILE`), read the way the SDK reads them, so `:profile` can reject
//! a name the SDK would not find.

use super::connect::AwsOptions;
use aws_config::default_provider::credentials::DefaultCredentialsChain;
use aws_config::environment::EnvironmentVariableRegionProvider;
use aws_config::imds::region::ImdsRegionProvider;
use aws_config::meta::region::RegionProviderChain;
use aws_config::profile::{ProfileFileCredentialsProvider, ProfileFileRegionProvider};
use aws_config::provider_config::ProviderConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, ConfigLoader, Region};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_runtime::env_config::file::EnvConfigFiles;
use aws_types::os_shim_internal::{Env, Fs};
use std::time::Duration;

/// The instance metadata service answers in milliseconds where it exists; where it does not
/// (a laptop, a CI runner), a short timeout and a single attempt keep start-up from hanging.
const IMDS_TIMEOUT: Duration = Duration::from_secs(1);

fn imds_client() -> aws_config::imds::Client {
    aws_config::imds::Client::builder()
        .connect_timeout(IMDS_TIMEOUT)
        .read_timeout(IMDS_TIMEOUT)
        .max_attempts(1)
        .build()
}

/// The SDK configuration loader for `options`, before credentials are proven. Tests and
/// embedders may adjust it (e.g. supply credentials) before [`connect`](super::connect()).
pub async fn config_loader(options: &AwsOptions) -> ConfigLoader {
    let mut profile_region = ProfileFileRegionProvider::builder();
    if let Some(profile) = &options.profile {
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
    let credentials = match &options.profile {
        // A profile named explicitly beats credentials in the environment, as in the AWS
        // CLI: the default chain would try AWS_ACCESS_KEY_ID first and use it silently.
        Some(profile) => SharedCredentialsProvider::new(
            ProfileFileCredentialsProvider::builder()
                .configure(&ProviderConfig::default().with_region(region.clone()))
                .profile_name(profile)
                .build(),
        ),
        None => SharedCredentialsProvider::new(
            DefaultCredentialsChain::builder()
                .imds_client(imds_client())
                .region(region.clone())
                .build()
                .await,
        ),
    };
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .credentials_provider(credentials)
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

/// What a switch needs to know about a profile before connecting with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfileFacts {
    /// The profile assumes a role with MFA, whose code cannot be asked inside the console.
    pub mfa_serial: Option<String>,
}

/// The profile `name`, or why it cannot be used: it does not exist (the known ones are
/// listed), or the files cannot be read.
pub async fn find_profile(name: &str) -> Result<ProfileFacts, String> {
    let profiles =
        aws_config::profile::load(&Fs::real(), &Env::real(), &EnvConfigFiles::default(), None)
            .await
            .map_err(|err| format!("cannot read the AWS config files: {err}"))?;
    match profiles.get_profile(name) {
        Some(profile) => Ok(ProfileFacts {
            mfa_serial: profile.get("mfa_serial").map(str::to_string),
        }),
        None => {
            let mut known: Vec<&str> = profiles.profiles().collect();
            known.sort_unstable();
            let known = if known.is_empty() {
                "none are defined".to_string()
            } else {
                format!("known: {}", known.join(", "))
            };
            Err(format!(
                "no profile named `{name}` in the AWS config or credentials files ({known})"
            ))
        }
    }
}
