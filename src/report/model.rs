//! The report as data. Its serde form is the JSON format, documented field by field in
//! `docs/report.md` and by the JSON Schema `docs/report.schema.json`: a change that removes
//! or renames a field, or changes its meaning, raises [`SCHEMA_VERSION`]'s major number;
//! adding a field raises the minor number.

use super::{Filters, Section};
use crate::build_info;
use crate::domain::{CheckStatus, PasswordPolicy, Severity};
use crate::posture::Thresholds;
use chrono::{DateTime, Utc};
use serde::Serialize;

pub const SCHEMA_VERSION: &str = "1.2";

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub schema_version: &'static str,
    pub generator: Generator,
    pub generated_at: DateTime<Utc>,
    /// Who the report ran as.
    pub caller: Caller,
    /// Whether it ran on the embedded demo account.
    pub demo: bool,
    pub regions: Vec<String>,
    pub settings: ReportSettings,
    pub filters: Filters,
    /// False when a source the selected sections need failed; `errors` says which.
    pub complete: bool,
    pub errors: Vec<ErrorEntry>,
    pub summary: Summary,
    pub checks: Vec<CheckEntry>,
    pub alarms: Vec<AlarmEntry>,
    pub findings: Vec<FindingEntry>,
    /// `None` when the identity section is not selected or the IAM source failed.
    pub identity: Option<IdentityEntry>,
    /// `None` without `--fail-on`.
    pub fail_on: Option<FailOn>,
    /// A multi-account report (`--org`, `--accounts`): the organisation and a summary per
    /// account; `null` for one account. Since 1.1.
    pub organization: Option<OrganizationEntry>,
}

/// The accounts of a multi-account report.
#[derive(Clone, Debug, Serialize)]
pub struct OrganizationEntry {
    /// `o-…`, when Organizations was asked.
    pub id: Option<String>,
    pub management_account: Option<String>,
    pub guardduty_admin: Option<String>,
    pub accounts: Vec<AccountEntry>,
}

/// One account of the organisation: whether it was read, and its failing results.
#[derive(Clone, Debug, Serialize)]
pub struct AccountEntry {
    pub account_id: String,
    pub name: String,
    /// OU names from the root down, `Workloads/Prod`; empty at the root or when unknown.
    pub ou_path: String,
    /// `reachable`, `unreachable` (its results are missing: the report is incomplete) or
    /// `skipped` (not ACTIVE, or left out by configuration).
    pub reach: &'static str,
    pub reason: Option<String>,
    /// Results of this account after the filters, and the failing ones per severity.
    pub results: usize,
    pub failing_by_severity: SeverityCounts,
}

#[derive(Clone, Debug, Serialize)]
pub struct Generator {
    pub name: &'static str,
    pub version: &'static str,
    /// The git commit the binary was built from; `None` when built outside a git checkout.
    /// Since 1.2.
    pub commit: Option<&'static str>,
    /// That commit's date (`YYYY-MM-DD`, UTC); `None` as for `commit`. Since 1.2.
    pub build_date: Option<&'static str>,
}

impl Generator {
    /// This binary.
    pub fn this() -> Generator {
        Generator {
            name: "watchpost",
            version: env!("CARGO_PKG_VERSION"),
            commit: build_info::known(build_info::COMMIT),
            build_date: build_info::known(build_info::DATE),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Caller {
    pub account_id: String,
    pub arn: String,
}

/// The configuration that decided results: the severity of alarms in ALARM and the check
/// thresholds.
#[derive(Clone, Debug, Serialize)]
pub struct ReportSettings {
    pub alarm_severity: Severity,
    pub thresholds: Thresholds,
}

/// A source that failed.
#[derive(Clone, Debug, Serialize)]
pub struct ErrorEntry {
    /// `alarms`, `findings` or `identity`: the kind of source.
    pub source: &'static str,
    /// `CloudWatch`, `GuardDuty` or `IAM`.
    pub service: &'static str,
    pub account_id: String,
    pub region: Option<String>,
    pub operation: String,
    /// `access_denied`, `throttled`, `timeout`, `network`, `service`, `malformed`,
    /// `credentials`.
    pub kind: &'static str,
    /// The missing permission, when access was denied and AWS named it.
    pub permission: Option<String>,
    /// The whole error, as the console shows it.
    pub message: String,
}

/// Failing-result counts per severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SeverityCounts {
    pub critical: usize,
    pub high: usize,
    pub medium: usize,
    pub low: usize,
    pub info: usize,
}

impl SeverityCounts {
    pub fn add(&mut self, severity: Severity) {
        match severity {
            Severity::Critical => self.critical += 1,
            Severity::High => self.high += 1,
            Severity::Medium => self.medium += 1,
            Severity::Low => self.low += 1,
            Severity::Info => self.info += 1,
        }
    }

    pub fn get(&self, severity: Severity) -> usize {
        match severity {
            Severity::Critical => self.critical,
            Severity::High => self.high,
            Severity::Medium => self.medium,
            Severity::Low => self.low,
            Severity::Info => self.info,
        }
    }

    pub fn total(&self) -> usize {
        self.critical + self.high + self.medium + self.low + self.info
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    /// Failing results (failing checks, alarms in ALARM, findings) per severity.
    pub failing_by_severity: SeverityCounts,
    /// The same per section: alarms, findings, posture (identity's failures are checks).
    pub by_source: Vec<SourceSummary>,
}

#[derive(Clone, Debug, Serialize)]
pub struct SourceSummary {
    pub source: Section,
    /// Results kept by the filters.
    pub total: usize,
    pub failing: usize,
    pub failing_by_severity: SeverityCounts,
}

#[derive(Clone, Debug, Serialize)]
pub struct CheckEntry {
    pub check_id: &'static str,
    pub title: &'static str,
    pub severity: Severity,
    pub controls: Vec<&'static str>,
    pub status: CheckStatus,
    /// The service whose data the check reads: `IAM`, `GuardDuty`, `CloudWatch`.
    pub service: &'static str,
    pub account_id: String,
    /// The account's name in a multi-account report; `null` for one account. Since 1.1.
    pub account_name: Option<String>,
    /// `None` for account-wide (global) checks.
    pub region: Option<String>,
    /// What was checked, as the console names it: `alice`, `alice (AKIA…)`, `<root_account>`…
    pub resource: String,
    /// The resource's ARN or ID (an access key ID, the account ID for account-wide checks).
    pub resource_uid: String,
    /// AWS Security Hub resource type: `AwsIamUser`, `AwsIamAccessKey`, `AwsAccount`, …
    pub resource_type: &'static str,
    pub evidence: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct AlarmEntry {
    pub arn: String,
    pub name: String,
    pub account_id: String,
    /// The account's name in a multi-account report; `null` for one account. Since 1.1.
    pub account_name: Option<String>,
    pub region: String,
    /// `metric` or `composite`.
    pub kind: &'static str,
    /// `OK`, `ALARM` or `INSUFFICIENT_DATA`.
    pub state: &'static str,
    /// `fail` in ALARM, else `pass`.
    pub status: CheckStatus,
    /// The configured severity of an alarm in ALARM (`alarm_severity`).
    pub severity: Severity,
    pub state_reason: String,
    pub state_updated: DateTime<Utc>,
    pub description: Option<String>,
    /// Metric alarms: `Namespace MetricName Statistic >= threshold`.
    pub condition: Option<String>,
    /// Composite alarms: the alarm rule.
    pub rule: Option<String>,
    pub actions_enabled: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct FindingEntry {
    pub id: String,
    pub arn: String,
    pub account_id: String,
    /// The account's name in a multi-account report; `null` for one account. Since 1.1.
    pub account_name: Option<String>,
    pub region: String,
    pub detector_id: String,
    #[serde(rename = "type")]
    pub finding_type: String,
    pub title: String,
    pub description: String,
    pub severity: Severity,
    /// GuardDuty's numeric severity, 1.0–10.0.
    pub severity_score: f64,
    pub resource_type: String,
    pub resource_id: String,
    pub count: u64,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Serialize)]
pub struct IdentityEntry {
    pub account_id: String,
    /// When the credential report the data comes from was generated.
    pub report_generated: DateTime<Utc>,
    pub root: RootEntry,
    /// `None`: the account has no password policy.
    pub password_policy: Option<PasswordPolicy>,
    /// Counts over every user of the account, whatever the filters.
    pub summary: IdentitySummary,
    /// The users the filters keep, by name.
    pub users: Vec<UserEntry>,
}

#[derive(Clone, Debug, Serialize)]
pub struct RootEntry {
    pub arn: String,
    pub mfa_active: bool,
    /// `true` hardware, `false` virtual, `None` no MFA or unknown.
    pub mfa_hardware: Option<bool>,
    pub active_access_keys: usize,
    pub password_last_used: Option<DateTime<Utc>>,
}

#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct IdentitySummary {
    pub users: usize,
    pub console_users: usize,
    pub console_users_without_mfa: usize,
    pub users_with_active_keys: usize,
    pub active_access_keys: usize,
    pub admin_users: usize,
    pub users_with_failing_checks: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct UserEntry {
    pub name: String,
    pub arn: String,
    pub created: DateTime<Utc>,
    pub console_access: bool,
    pub password_last_used: Option<DateTime<Utc>>,
    pub mfa_active: bool,
    /// `virtual` or `hardware`, when known.
    pub mfa_device: Option<&'static str>,
    pub active_access_keys: usize,
    pub oldest_active_key_created: Option<DateTime<Utc>>,
    /// The most recent use of the password or any key.
    pub last_activity: Option<DateTime<Utc>>,
    pub groups: Vec<String>,
    /// Policies granting full admin, with how they apply.
    pub admin_via: Vec<String>,
    /// IDs of the checks failing for this user (unfiltered), sorted.
    pub failing_checks: Vec<&'static str>,
}

#[derive(Clone, Debug, Serialize)]
pub struct FailOn {
    pub severity: Severity,
    /// Failing results kept by the filters at or above `severity`.
    pub failing: usize,
    pub exceeded: bool,
}
