use super::{ConfigError, Origin};
use crate::domain::Severity;
use crate::posture::Thresholds;
use serde::Deserialize;
use std::path::Path;

/// `config.toml`: every field is optional; unknown fields are errors (a typo should not be
/// silently ignored in a security tool).
#[derive(Clone, Debug, Deserialize, serde::Serialize, schemars::JsonSchema, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Theme preset or file name under `themes/`.
    pub theme: String,
    /// Keymap preset or file name under `keymaps/`.
    pub keymap: String,
    /// Seconds between polls of each source (1 to 86,400).
    pub refresh_secs: u64,
    /// The severity an alarm in ALARM gets in the Overview.
    pub alarm_severity: Severity,
    /// Ring the terminal bell when an alarm enters ALARM.
    pub bell: bool,
    /// Regions to watch when `--region` is not given (empty: the AWS profile's region).
    /// Each must be an AWS region watchpost knows, or one of `extra_regions`.
    pub regions: Vec<String>,
    /// Region names to accept besides watchpost's pinned list of AWS regions (taken on
    /// 2026-11-30): regions AWS opened since, e.g. `["xx-newregion-1"]`.
    pub extra_regions: Vec<String>,
    /// A credential report younger than this many hours is reused (AWS regenerates it at
    /// most every 4 hours; 0 asks every poll).
    pub credential_report_max_age_hours: u32,
    /// `[thresholds]`: the limits of the posture checks.
    pub thresholds: Thresholds,
    /// Always start in read-only mode (as `--read-only`).
    pub read_only: bool,
    /// Accounts (IDs, `*` wildcards allowed) and profiles (names, `*` allowed) that are
    /// always opened read-only, e.g. `["prod-*"]`: production is audited, not touched.
    pub read_only_accounts: Vec<String>,
    pub read_only_profiles: Vec<String>,
    /// `[[accounts]]`: per-account safety — a theme, a banner and read-only for accounts or
    /// profiles matching a pattern (the first matching rule applies).
    pub accounts: Vec<AccountRule>,
    /// `[org]`: many accounts in one session (with `--org`, or `accounts` here).
    pub org: OrgSettings,
}

/// `[org] accounts = [...]  skip = [...]  member_role = "WatchpostAudit"` and
/// `[org.refresh]`: which accounts, how to get into them, and how often each per-account
/// source polls. `--accounts`, `--member-role` and `--external-id` win over these.
#[derive(Clone, Debug, Default, Deserialize, serde::Serialize, schemars::JsonSchema, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct OrgSettings {
    /// Account IDs to watch instead of discovering them (12 digits each).
    pub accounts: Vec<String>,
    /// Account IDs or names (`*` allowed) left out, whether discovered or listed.
    pub skip: Vec<String>,
    /// The role assumed in every member account. No default: `OrganizationAccountAccessRole`
    /// is full admin and missing from invited accounts.
    pub member_role: Option<String>,
    /// The external ID the member role's trust policy requires.
    pub external_id: Option<String>,
    pub refresh: OrgRefresh,
}

/// Seconds between polls of each per-account source in a multi-account session. Findings
/// come from the GuardDuty administrator once per region, at the console's interval.
#[derive(Clone, Copy, Debug, Deserialize, serde::Serialize, schemars::JsonSchema, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct OrgRefresh {
    /// Alarms; unset means the console's interval (`refresh_secs`, `--refresh`).
    pub alarms: Option<u64>,
    /// The baseline (security groups, EBS, flow logs, Config, trails): every 15 minutes.
    pub baseline: u64,
    /// IAM (credential report and inventory): hourly; reports are reused up to 4 hours.
    pub identity: u64,
}

impl Default for OrgRefresh {
    fn default() -> Self {
        OrgRefresh {
            alarms: None,
            baseline: 900,
            identity: 3600,
        }
    }
}

/// `[[accounts]] match = "prod-*"  theme = "…"  banner = "PRODUCTION"  read_only = true`.
#[derive(Clone, Debug, Default, Deserialize, serde::Serialize, schemars::JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AccountRule {
    /// An account ID or profile name; `*` matches any run of characters.
    #[serde(rename = "match")]
    pub pattern: String,
    pub theme: Option<String>,
    pub banner: Option<String>,
    #[serde(default)]
    pub read_only: bool,
}

impl Settings {
    /// The first `[[accounts]]` rule matching the account ID or the profile name.
    /// Whether the account (or the profile it was reached through) is to be read-only by
    /// configuration: `read_only`, `read_only_accounts`, `read_only_profiles`, or any
    /// matching `[[accounts]]` rule that says so (not only the first: for safety, one
    /// read-only rule is enough).
    pub fn read_only_for(&self, account_id: &str, profile: &str) -> bool {
        self.read_only_reason(account_id, profile).is_some()
    }

    /// Which setting makes the account read-only, in the words of config.toml, e.g.
    /// `[[accounts]] match = "prod-*"`; `None` when actions may run.
    pub fn read_only_reason(&self, account_id: &str, profile: &str) -> Option<String> {
        let glob = crate::domain::glob_match;
        if self.read_only {
            return Some("read_only = true".to_string());
        }
        if let Some(p) = self.read_only_accounts.iter().find(|p| glob(p, account_id)) {
            return Some(format!("read_only_accounts {p:?}"));
        }
        if let Some(p) = self.read_only_profiles.iter().find(|p| glob(p, profile)) {
            return Some(format!("read_only_profiles {p:?}"));
        }
        self.accounts
            .iter()
            .find(|rule| {
                rule.read_only && (glob(&rule.pattern, account_id) || glob(&rule.pattern, profile))
            })
            .map(|rule| format!("[[accounts]] match = {:?}", rule.pattern))
    }

    pub fn account_rule(&self, account_id: &str, profile: &str) -> Option<&AccountRule> {
        self.accounts.iter().find(|rule| {
            crate::domain::glob_match(&rule.pattern, account_id)
                || crate::domain::glob_match(&rule.pattern, profile)
        })
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            theme: "default".into(),
            keymap: "default".into(),
            refresh_secs: 60,
            alarm_severity: Severity::High,
            bell: false,
            regions: Vec::new(),
            extra_regions: Vec::new(),
            credential_report_max_age_hours: 4,
            thresholds: Thresholds::default(),
            read_only: false,
            read_only_accounts: Vec::new(),
            read_only_profiles: Vec::new(),
            accounts: Vec::new(),
            org: OrgSettings::default(),
        }
    }
}

impl Settings {
    /// Reads `config.toml` from `dir`; a missing file means defaults.
    pub fn load(dir: Option<&Path>) -> Result<Settings, ConfigError> {
        let Some(dir) = dir else {
            return Ok(Settings::default());
        };
        let path = dir.join("config.toml");
        match std::fs::read_to_string(&path) {
            Ok(text) => Settings::parse(&text, &Origin::file(&path)),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(Settings::default()),
            Err(err) => Err(ConfigError::io(&path, &err)),
        }
    }

    pub fn parse(text: &str, origin: &Origin) -> Result<Settings, ConfigError> {
        let settings: Settings =
            toml::from_str(text).map_err(|err| ConfigError::from_toml(origin, text, &err))?;
        if !REFRESH_SECS.contains(&settings.refresh_secs) {
            // Re-read the one field with its position, to point at it.
            let offset = toml::from_str::<RefreshOnly>(text)
                .ok()
                .and_then(|r| r.refresh_secs)
                .map_or(0, |spanned| spanned.span().start);
            return Err(ConfigError::at(
                origin,
                text,
                offset,
                format!(
                    "refresh_secs must be between {} and {} seconds",
                    REFRESH_SECS.start(),
                    REFRESH_SECS.end()
                ),
            ));
        }
        if settings
            .org
            .accounts
            .iter()
            .any(|id| crate::cli::parse_account_id(id).is_err())
        {
            // Re-read the list with positions, to point at the bad one.
            let spans = toml::from_str::<OrgAccountsOnly>(text)
                .ok()
                .and_then(|o| o.org)
                .map(|o| o.accounts)
                .unwrap_or_default();
            for id in spans {
                if let Err(message) = crate::cli::parse_account_id(id.get_ref()) {
                    let offset = id.span().start;
                    return Err(ConfigError::at(
                        origin,
                        text,
                        offset,
                        format!("[org] accounts: {message}"),
                    ));
                }
            }
        }
        check_regions(&settings, text, origin)?;
        let refresh = settings.org.refresh;
        for (name, secs) in [
            ("alarms", refresh.alarms),
            ("baseline", Some(refresh.baseline)),
            ("identity", Some(refresh.identity)),
        ] {
            if secs.is_some_and(|s| !REFRESH_SECS.contains(&s)) {
                let offset = text
                    .find(&format!("{name} ="))
                    .or_else(|| text.find(name))
                    .unwrap_or(0);
                return Err(ConfigError::at(
                    origin,
                    text,
                    offset,
                    format!(
                        "[org.refresh] {name} must be between {} and {} seconds",
                        REFRESH_SECS.start(),
                        REFRESH_SECS.end()
                    ),
                ));
            }
        }
        Ok(settings)
    }
}

/// Poll intervals watchpost accepts: at least a second, at most a day.
pub const REFRESH_SECS: std::ops::RangeInclusive<u64> = 1..=86_400;

#[derive(Deserialize)]
struct OrgAccountsOnly {
    org: Option<OrgAccountSpans>,
}

#[derive(Deserialize)]
struct OrgAccountSpans {
    #[serde(default)]
    accounts: Vec<toml::Spanned<String>>,
}

/// `extra_regions` must be shaped like region names, and every name in `regions` must be a
/// known region or an extra one: a typo there would make every pane fail after start-up.
/// The error points at the offending string.
fn check_regions(settings: &Settings, text: &str, origin: &Origin) -> Result<(), ConfigError> {
    let bad_extra = settings
        .extra_regions
        .iter()
        .find(|r| !crate::domain::is_region_name(r));
    let unknown = settings.regions.iter().find_map(|entry| {
        crate::domain::parse_regions(std::slice::from_ref(entry))
            .iter()
            .find_map(|r| crate::domain::unknown_region(r, &settings.extra_regions))
            .map(|why| (entry, why))
    });
    let (field, entry, message) = match (bad_extra, unknown) {
        (Some(bad), _) => (
            "extra_regions",
            bad,
            format!("extra_regions: {bad:?} is not shaped like a region name (e.g. us-east-1)"),
        ),
        (None, Some((entry, why))) => ("regions", entry, format!("regions: {why}")),
        (None, None) => return Ok(()),
    };
    // Re-read the lists with positions, to point at the bad entry.
    let offset = toml::from_str::<RegionSpans>(text)
        .ok()
        .and_then(|spans| match field {
            "extra_regions" => spans.extra_regions,
            _ => spans.regions,
        })
        .unwrap_or_default()
        .into_iter()
        .find(|s| s.get_ref() == entry)
        .map_or(0, |s| s.span().start);
    Err(ConfigError::at(origin, text, offset, message))
}

#[derive(Deserialize)]
struct RegionSpans {
    regions: Option<Vec<toml::Spanned<String>>>,
    extra_regions: Option<Vec<toml::Spanned<String>>>,
}

#[derive(Deserialize)]
struct RefreshOnly {
    refresh_secs: Option<toml::Spanned<u64>>,
}

impl Settings {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_file_means_defaults() {
        let settings = Settings::parse("", &Origin("c".into()));
        assert_eq!(settings, Ok(Settings::default()));
    }

    #[test]
    fn unknown_field_is_reported_with_position() {
        let err = Settings::parse("theme = \"mono\"\nrefesh_secs = 5\n", &Origin("c".into()));
        let text = err.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(text.starts_with("c:2:1: "), "{text}");
        assert!(text.contains("refesh_secs"), "{text}");
    }

    #[test]
    fn out_of_range_refresh_points_at_the_value() {
        let err = Settings::parse("theme = \"mono\"\nrefresh_secs = 0\n", &Origin("c".into()));
        let text = err.err().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(
            text,
            "c:2:16: refresh_secs must be between 1 and 86400 seconds"
        );
    }

    #[test]
    fn thresholds_are_read_from_their_table_and_unknown_ones_rejected() {
        let text = "[thresholds]\nkey_max_age_days = 30\nunused_credential_days = 60\n";
        let settings = Settings::parse(text, &Origin("c".into())).unwrap_or_default();
        assert_eq!(settings.thresholds.key_max_age_days, 30);
        assert_eq!(settings.thresholds.unused_credential_days, 60);
        assert_eq!(
            settings.thresholds.password_min_length,
            Thresholds::default().password_min_length,
            "unset thresholds keep their defaults"
        );
        let err = Settings::parse("[thresholds]\nkey_age = 30\n", &Origin("c".into()));
        let text = err.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(text.starts_with("c:2:1: "), "{text}");
        assert!(text.contains("key_age"), "{text}");
    }

    #[test]
    fn an_unknown_region_points_at_the_entry_and_names_the_nearest() {
        let text = "regions = [\"us-east-1\", \"eu-wset-1\"]\n";
        let err = Settings::parse(text, &Origin("c".into()));
        let text = err.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(
            text.starts_with("c:1:25: regions: unknown region"),
            "{text}"
        );
        assert!(text.contains("did you mean eu-west-1?"), "{text}");
        // Named in extra_regions, a region newer than the list is accepted.
        let text = "regions = [\"xx-future-1\"]\nextra_regions = [\"xx-future-1\"]\n";
        let settings = Settings::parse(text, &Origin("c".into()));
        assert_eq!(
            settings.map(|s| s.regions),
            Ok(vec!["xx-future-1".to_string()])
        );
        let err = Settings::parse("extra_regions = [\"Mars\"]\n", &Origin("c".into()));
        let text = err.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(
            text.starts_with("c:1:18: extra_regions: \"Mars\""),
            "{text}"
        );
    }

    #[test]
    fn severity_is_parsed() {
        let settings = Settings::parse("alarm_severity = \"critical\"", &Origin("c".into()));
        assert_eq!(settings.map(|s| s.alarm_severity), Ok(Severity::Critical));
    }
}
