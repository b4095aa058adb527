use super::{Severity, SourceKind};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

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
    /// The source whose data the check reads; set by the check itself.
    #[serde(skip)]
    pub source: SourceKind,
    /// CIS and AWS Foundational Security Best Practices control IDs.
    pub controls: &'static [&'static str],
    pub status: CheckStatus,
    /// Shared by every result of the account: at 20,000 users there are 100,000 results.
    pub account_id: Arc<str>,
    /// `None` for account-wide (global) checks.
    pub region: Option<Arc<str>>,
    /// The IAM user the result is about, or `posture::ROOT` for the root account; `None` for
    /// results about anything else (a role, the password policy, a region, an alarm…).
    /// Shared by every result of the same user.
    #[serde(skip)]
    pub subject: Option<Arc<str>>,
    /// What was checked, as shown: a user name, `alice (AKIA…)`, `<root_account>`, a region, …
    pub resource: Box<str>,
    /// The facts that decided the status, in words an auditor can verify.
    pub evidence: Box<str>,
}

impl CheckResult {
    pub fn failed(&self) -> bool {
        self.status == CheckStatus::Fail
    }
}
