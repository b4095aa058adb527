use super::Severity;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    Fail,
    Pass,
}

/// The outcome of one posture check against one resource, with the evidence it used.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CheckResult {
    /// Stable identifier, e.g. `iam.root-mfa`.
    pub check_id: &'static str,
    pub title: &'static str,
    pub severity: Severity,
    /// CIS and AWS Foundational Security Best Practices control IDs.
    pub controls: &'static [&'static str],
    pub status: CheckStatus,
    pub account_id: String,
    /// `None` for account-wide (global) checks.
    pub region: Option<String>,
    /// What was checked: a user name, `root`, a region, …
    pub resource: String,
    /// The facts that decided the status, in words an auditor can verify.
    pub evidence: String,
}

impl CheckResult {
    pub fn failed(&self) -> bool {
        self.status == CheckStatus::Fail
    }
}
