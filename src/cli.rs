//! The command line.

use clap::Parser;

#[derive(Debug, Parser)]
#[command(
    name = "watchpost",
    version,
    about = "A terminal security-operations console for AWS: CloudWatch alarms, GuardDuty \
             findings and IAM credential hygiene in one place.",
    after_help = "Keys: ? shows every binding. Configuration: $XDG_CONFIG_HOME/watchpost/ \
                  (config.toml, keymaps/, themes/). Logs: $XDG_STATE_HOME/watchpost/."
)]
pub struct Cli {
    /// Run on the embedded demo account: no AWS credentials, no network.
    #[arg(long, conflicts_with_all = ["profile", "region", "endpoint_url", "role_arn"])]
    pub demo: bool,

    /// AWS profile from the shared config files (default: AWS_PROFILE, then `default`).
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,

    /// Region(s) to watch: repeat the flag or give a comma list (default: config.toml
    /// `regions`, then AWS_REGION or the profile's region).
    #[arg(long, value_name = "REGION[,REGION…]")]
    pub region: Vec<String>,

    /// Send every AWS call to this endpoint (a local emulator). AWS_ENDPOINT_URL and
    /// AWS_ENDPOINT_URL_<SERVICE> are honoured as well.
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,

    /// Assume this role (e.g. in another account) for every call.
    #[arg(long, value_name = "ARN")]
    pub role_arn: Option<String>,

    /// External ID the role's trust policy requires.
    #[arg(long, value_name = "ID", requires = "role_arn")]
    pub external_id: Option<String>,

    /// MFA device the role requires; its code is asked before the console starts.
    #[arg(long, value_name = "ARN", requires = "role_arn")]
    pub mfa_serial: Option<String>,

    /// Seed of the demo account: the same seed always gives the same account.
    #[arg(long, value_name = "N", default_value_t = crate::sources::demo::DEFAULT_SEED, requires = "demo")]
    pub demo_seed: u64,

    /// Multiply every population of the demo account by N (load testing).
    #[arg(long, value_name = "N", default_value_t = 1, requires = "demo",
          value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub demo_scale: u32,

    /// Audit mode: no action that changes the account can run.
    #[arg(long)]
    pub read_only: bool,

    /// Theme name (built in: default, mono; or a file in themes/ of the config directory).
    #[arg(long, value_name = "NAME")]
    pub theme: Option<String>,

    /// Keymap name (built in: default; or a file in keymaps/ of the config directory).
    #[arg(long, value_name = "NAME")]
    pub keymap: Option<String>,

    /// Seconds between polls of each source, 1 to 86400 (overrides config.toml).
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub refresh: Option<u64>,
}
