//! The command line: the console by default, `report` for the headless audit report. The
//! account options (demo, profile, regions, endpoint, role) are global, so they may be given
//! before or after `report`.

use crate::domain::Severity;
use crate::report::{Format, Section, StatusFilter};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "watchpost",
    version = crate::build_info::VERSION_LINE,
    about = "A terminal security-operations console for AWS: CloudWatch alarms, GuardDuty \
             findings and IAM credential hygiene in one place.",
    after_help = "Keys: ? shows every binding. Configuration: $XDG_CONFIG_HOME/watchpost/ \
                  (config.toml, keymaps/, themes/). Logs: $XDG_STATE_HOME/watchpost/.",
    after_long_help = "Examples:\n  \
        watchpost --demo                                   the embedded demo account\n  \
        watchpost --region us-east-1,eu-west-1             your AWS account, two regions\n  \
        watchpost --profile audit --read-only              an auditor's session\n  \
        watchpost --role-arn arn:aws:iam::222233334444:role/Oncall --mfa-serial arn:aws:iam::111122223333:mfa/me\n  \
        watchpost report --format markdown --output audit.md --fail-on high\n  \
        watchpost journal verify                           check the remediation journal\n\n\
        Keys: ? shows every binding. Configuration: $XDG_CONFIG_HOME/watchpost/ (config.toml, \
        keymaps/, themes/; `watchpost config path`). Logs: $XDG_STATE_HOME/watchpost/."
)]
pub struct Cli {
    /// What to run instead of the console.
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Run on the embedded demo account: no AWS credentials, no network.
    #[arg(long, global = true, help_heading = "Account", conflicts_with_all = ["profile", "region", "endpoint_url", "role_arn", "member_role", "accounts", "external_id"])]
    pub demo: bool,

    /// AWS profile from the shared config files (default: AWS_PROFILE, then `default`).
    #[arg(long, global = true, help_heading = "Account", value_name = "NAME")]
    pub profile: Option<String>,

    /// Region(s) to watch: repeat the flag or give a comma list (default: config.toml
    /// `regions`, then AWS_REGION or the profile's region).
    #[arg(
        long,
        global = true,
        help_heading = "Account",
        value_name = "REGION[,REGION…]"
    )]
    pub region: Vec<String>,

    /// Send every AWS call to this endpoint (a local emulator). AWS_ENDPOINT_URL and
    /// AWS_ENDPOINT_URL_<SERVICE> are honoured as well.
    #[arg(long, global = true, help_heading = "Account", value_name = "URL")]
    pub endpoint_url: Option<String>,

    /// Assume this role (e.g. in another account) for every call.
    #[arg(long, global = true, help_heading = "Account", value_name = "ARN")]
    pub role_arn: Option<String>,

    /// External ID the role's trust policy requires (--role-arn's, or each member role's).
    #[arg(long, global = true, help_heading = "Account", value_name = "ID")]
    pub external_id: Option<String>,

    /// MFA device the role requires; its code is asked on a plain prompt before anything is
    /// read (before the console starts).
    #[arg(
        long,
        global = true,
        help_heading = "Account",
        value_name = "ARN",
        requires = "role_arn"
    )]
    pub mfa_serial: Option<String>,

    /// Every account of the AWS Organization (from the management account or a delegated
    /// administrator): accounts from `ListAccounts`, each entered through --member-role;
    /// the caller's own account with its own credentials.
    #[arg(long, global = true, help_heading = "Organisation")]
    pub org: bool,

    /// Only the accounts under this OU and its children (repeatable), e.g. ou-ab12-34cd56ef.
    #[arg(
        long,
        global = true,
        help_heading = "Organisation",
        value_name = "OU",
        requires = "org",
        value_parser = parse_ou
    )]
    pub org_ou: Vec<String>,

    /// These accounts instead of discovery (comma list or repeat), each entered through
    /// --member-role (or config.toml `[org] accounts`).
    #[arg(
        long,
        global = true,
        help_heading = "Organisation",
        value_name = "ID[,ID…]",
        value_delimiter = ',',
        value_parser = parse_account_id,
        conflicts_with = "org"
    )]
    pub accounts: Vec<String>,

    /// The role assumed in each member account (or config.toml `[org] member_role`), e.g.
    /// WatchpostAudit from docs/org/watchpost-audit-role.yaml. There is no default.
    #[arg(
        long,
        global = true,
        help_heading = "Organisation",
        value_name = "NAME"
    )]
    pub member_role: Option<String>,

    /// Seed of the demo account: the same seed always gives the same account.
    #[arg(long, global = true, help_heading = "Account", value_name = "N", default_value_t = crate::sources::demo::DEFAULT_SEED, requires = "demo")]
    pub demo_seed: u64,

    /// Multiply the demo account's populations (load testing): N for all, or
    /// findings=N,users=N,alarms=N (units of 60 findings, 40 users, 31 alarms); with --org,
    /// accounts=N sizes the simulated organisation (default 12).
    #[arg(
        long,
        global = true,
        help_heading = "Account",
        value_name = "N",
        default_value = "1",
        requires = "demo"
    )]
    pub demo_scale: crate::sources::demo::DemoScale,

    /// Audit mode: no action that changes the account can run (`report` always is).
    #[arg(long, global = true)]
    pub read_only: bool,

    // The built-in names come from the presets compiled in, so the help cannot fall behind.
    #[arg(
        long,
        value_name = "NAME",
        help = preset_help("Theme", "themes", crate::config::theme::PRESETS)
    )]
    pub theme: Option<String>,

    #[arg(
        long,
        value_name = "NAME",
        help = preset_help("Keymap", "keymaps", crate::config::keymap::PRESETS)
    )]
    pub keymap: Option<String>,

    /// Seconds between polls of each source, 1 to 86400 (overrides config.toml).
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub refresh: Option<u64>,
}

/// "Theme name (built in: default, light, …; or a file in themes/ of the config
/// directory)" for `--theme` and `--keymap`, from the presets compiled into the binary.
pub fn preset_help(what: &str, dir: &str, presets: &[(&str, &str)]) -> String {
    let names: Vec<&str> = presets.iter().map(|(name, _)| *name).collect();
    format!(
        "{what} name (built in: {}; or a file in {dir}/ of the config directory)",
        names.join(", ")
    )
}

impl Cli {
    /// The subcommand as typed, e.g. `config dump`, for messages about it.
    pub fn command_words(&self) -> &'static str {
        match &self.command {
            None => "",
            Some(Command::Report(_)) => "report",
            Some(Command::Journal(JournalArgs { action: None, .. })) => "journal",
            Some(Command::Journal(JournalArgs {
                action: Some(JournalAction::Verify { .. }),
                ..
            })) => "journal verify",
            Some(Command::Config { action }) => match action {
                ConfigAction::Path => "config path",
                ConfigAction::Dump => "config dump",
                ConfigAction::Schema => "config schema",
            },
            Some(Command::Completions { .. }) => "completions",
            Some(Command::Man) => "man",
        }
    }

    /// Console-only options given together with a subcommand, which would be silently
    /// ignored otherwise.
    pub fn misplaced_console_options(&self) -> Vec<&'static str> {
        if self.command.is_none() {
            return Vec::new();
        }
        let mut misplaced = Vec::new();
        if self.theme.is_some() {
            misplaced.push("--theme");
        }
        if self.keymap.is_some() {
            misplaced.push("--keymap");
        }
        if self.refresh.is_some() {
            misplaced.push("--refresh");
        }
        misplaced
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read every source once and write an audit report (read-only, no terminal needed).
    #[command(
        after_help = "Exit statuses: 0 report written; 1 a failing result at or above --fail-on; \
                      2 usage or configuration error; 3 no usable AWS connection; 4 a source \
                      failed (the report says which) and --fail-on found nothing; 5 the report \
                      could not be written."
    )]
    Report(ReportArgs),
    /// Print the remediation journal, or check that no record was edited or removed.
    #[command(
        after_help = "The journal is $XDG_STATE_HOME/watchpost/journal.jsonl (with --demo, \
                      demo-journal.jsonl, which each start of the demo console begins anew \
                      with the demo account's sample history). `verify` prints the record count and the head (the \
                      hash of the last record's line); keep the head elsewhere and check it \
                      with `verify --expect-head HASH`, since the chain alone cannot show a \
                      cut tail, a deleted file or a rewritten chain. Exit statuses: 0 printed, \
                      or intact (and ending at --expect-head); 1 tampering: an edited, \
                      removed, reordered or damaged record, or the journal does not end at \
                      --expect-head (or is missing); 2 usage error, or the journal cannot be \
                      read (a missing file is an empty journal); 3 intact, but a line was torn \
                      by a crash while writing (a write cut short, not tampering)."
    )]
    Journal(JournalArgs),
    /// Where configuration is read from, and the configuration in effect.
    Config {
        #[command(subcommand)]
        action: ConfigAction,
    },
    /// Print a shell completion script (e.g. `watchpost completions bash > /etc/bash_completion.d/watchpost`).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `watchpost man > watchpost.1`.
    Man,
}

#[derive(Debug, Subcommand)]
pub enum ConfigAction {
    /// Print the configuration directory, the files read from it, and the state directory.
    Path,
    /// Print the effective config.toml: every setting with its value, defaults included.
    Dump,
    /// Print the JSON Schema of config.toml (for editors that validate TOML by schema).
    Schema,
}

#[derive(Debug, Args)]
pub struct JournalArgs {
    /// Read this journal file instead of the default one (before or after `verify`).
    #[arg(long, value_name = "FILE", global = true)]
    pub file: Option<std::path::PathBuf>,
    #[command(subcommand)]
    pub action: Option<JournalAction>,
}

#[derive(Debug, Subcommand)]
pub enum JournalAction {
    /// Check the hash chain: every record must name the hash of the one before it. Prints
    /// the record count and the head hash.
    Verify {
        /// Fail unless the journal ends exactly at this head (the hash `verify` printed
        /// earlier, kept elsewhere): detects a removed last record, a cut tail, a deleted
        /// file, a rewritten chain.
        #[arg(long, value_name = "HASH", value_parser = parse_head)]
        expect_head: Option<String>,
    },
}

/// An OU ID as Organizations writes it: `ou-` and two groups of lowercase letters and digits.
fn parse_ou(text: &str) -> Result<String, String> {
    let text = text.trim();
    let mut parts = text.split('-');
    let ok = parts.next() == Some("ou")
        && parts.clone().count() == 2
        && parts.all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    if ok {
        Ok(text.to_string())
    } else {
        Err("an OU ID looks like ou-ab12-34cd56ef".into())
    }
}

/// A 12-digit AWS account ID.
pub fn parse_account_id(text: &str) -> Result<String, String> {
    let text = text.trim();
    if text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit()) {
        Ok(text.to_string())
    } else {
        Err(format!("{text:?} is not an account ID (12 digits)"))
    }
}

/// A check ID posture knows: a typo would otherwise filter every result away and pass a CI
/// gate with an empty report. Checked by the caller rather than as clap's value parser:
/// clap would echo the value to the terminal uncleaned.
pub fn parse_check_id(text: &str) -> Result<String, String> {
    let text = text.trim();
    if crate::posture::check_source(text).is_some() {
        return Ok(text.to_string());
    }
    let nearest = crate::domain::nearest(text, crate::posture::checks().map(|c| c.id));
    Err(match nearest {
        Some(id) => format!("unknown check ID; did you mean {id}?"),
        None => "unknown check ID".to_string(),
    })
}

/// A head hash: 64 hexadecimal digits (SHA-256), in either case.
fn parse_head(text: &str) -> Result<String, String> {
    let text = text.trim();
    if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(text.to_ascii_lowercase())
    } else {
        Err("a head is 64 hexadecimal digits, as `watchpost journal verify` prints it".into())
    }
}

/// `watchpost report`: the format, where it goes, the filters and the failure threshold.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    pub format: Format,

    /// Write the report to FILE (atomically: a temporary file beside it, then a rename)
    /// instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Exit with status 1 when a failing result at or above this severity remains after the
    /// filters (critical, high, medium, low, info).
    #[arg(long, value_name = "SEVERITY")]
    pub fail_on: Option<Severity>,

    /// Keep only results of these severities (repeat or comma list).
    #[arg(long, value_name = "SEVERITY[,…]", value_delimiter = ',')]
    pub severity: Vec<Severity>,

    /// Keep only these sections (repeat or comma list; default: all).
    #[arg(long, value_enum, value_name = "SOURCE[,…]", value_delimiter = ',')]
    pub source: Vec<Section>,

    /// Keep failing results, passing results, or both.
    #[arg(long, value_enum, default_value_t = StatusFilter::All)]
    pub status: StatusFilter,

    /// With --org: make only the discovery calls and print what one refresh would cost
    /// (accounts, regions, sources, calls per source), then exit.
    #[arg(long)]
    pub dry_run: bool,

    /// Keep only these checks, by ID, e.g. iam.console-mfa (repeat or comma list); alarms
    /// and findings are left out. An unknown ID is a usage error naming the nearest one.
    #[arg(long, value_name = "ID[,…]", value_delimiter = ',')]
    pub check: Vec<String>,
}
