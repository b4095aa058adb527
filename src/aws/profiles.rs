//! The named profiles of the shared config and credentials files (`~/.aws/config`,
//! `~/.aws/credentials`, or `AWS_CONFIG_FILE` / `AWS_SHARED_CREDENTIALS_FILE`), read the
//! way the SDK reads them, so `:profile` can reject a name the SDK would not find.

use aws_runtime::env_config::file::EnvConfigFiles;
use aws_types::os_shim_internal::{Env, Fs};

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
