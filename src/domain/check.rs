use super::shared_text::pack;
use super::{Severity, SharedText, SourceKind};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    Fail,
    Pass,
}

/// What a check is, the same for every result of it. Each check declares one as a static
/// and its results point at it: at 370,000 results (500 accounts) a copy of these fields in
/// every result would cost some 15 MB.
#[derive(Debug, PartialEq, Eq)]
pub struct Check {
    /// Stable identifier, e.g. `iam.root-mfa`.
    pub id: &'static str,
    /// What passing means: "Root account has MFA".
    pub title: &'static str,
    /// What failing means, the failure named: "Root account has no MFA".
    pub problem: &'static str,
    pub severity: Severity,
    /// The source whose data the check reads.
    pub source: SourceKind,
    /// CIS and AWS Foundational Security Best Practices control IDs.
    pub controls: &'static [&'static str],
}

/// The outcome of one posture check against one resource, with the evidence it used.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckResult {
    pub check: &'static Check,
    pub status: CheckStatus,
    // Shared, and thin pointers (8 bytes where `Arc<str>` takes 16): an organisation of 500
    // accounts has 370,000 results.
    /// Shared by every result of the account.
    pub account_id: SharedText,
    /// `None` for account-wide (global) checks.
    pub region: Option<SharedText>,
    /// The IAM user the result is about, or `posture::ROOT` for the root account; `None` for
    /// results about anything else (a role, the password policy, a region, an alarm…).
    /// Shared by every result of the same user (a thin pointer: 8 bytes a result).
    pub subject: Option<SharedText>,
    /// The resource, then the evidence, in one allocation (two would cost 370,000 results
    /// some 10 MB more in pointers and allocator headers).
    text: Box<str>,
    resource_end: u32,
}

impl CheckResult {
    /// A result of `check`; `resource` is what was checked, as shown (a user name,
    /// `alice (AKIA…)`, `<root_account>`, a region, …), `evidence` the facts that decided the
    /// status, in words an auditor can verify.
    pub fn new(
        check: &'static Check,
        status: CheckStatus,
        account_id: SharedText,
        region: Option<SharedText>,
        subject: Option<SharedText>,
        resource: &str,
        evidence: &str,
    ) -> Self {
        let (text, [resource_end, _]) = pack([resource, evidence]);
        CheckResult {
            check,
            status,
            account_id,
            region,
            subject,
            text,
            resource_end,
        }
    }

    /// The user the result is about, or `posture::ROOT`.
    pub fn subject(&self) -> Option<&str> {
        self.subject.as_deref().map(String::as_str)
    }

    pub fn failed(&self) -> bool {
        self.status == CheckStatus::Fail
    }

    pub fn check_id(&self) -> &'static str {
        self.check.id
    }

    pub fn title(&self) -> &'static str {
        self.check.title
    }

    pub fn severity(&self) -> Severity {
        self.check.severity
    }

    pub fn source(&self) -> SourceKind {
        self.check.source
    }

    pub fn controls(&self) -> &'static [&'static str] {
        self.check.controls
    }

    /// The region, `None` for account-wide checks.
    pub fn region_name(&self) -> Option<&str> {
        self.region.as_deref().map(String::as_str)
    }

    /// What was checked, as shown.
    pub fn resource(&self) -> &str {
        self.text
            .get(..self.resource_end as usize)
            .unwrap_or_default()
    }

    /// The facts that decided the status.
    pub fn evidence(&self) -> &str {
        self.text
            .get(self.resource_end as usize..)
            .unwrap_or_default()
    }
}

/// The report's shape of a result: the check's fields inline, as before results pointed at
/// their check.
impl Serialize for CheckResult {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut out = serializer.serialize_struct("CheckResult", 9)?;
        out.serialize_field("check_id", self.check_id())?;
        out.serialize_field("title", self.title())?;
        out.serialize_field("severity", &self.severity())?;
        out.serialize_field("controls", self.controls())?;
        out.serialize_field("status", &self.status)?;
        out.serialize_field("account_id", &*self.account_id)?;
        out.serialize_field("region", &self.region_name())?;
        out.serialize_field("resource", self.resource())?;
        out.serialize_field("evidence", self.evidence())?;
        out.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An organisation of 500 accounts holds some 370,000 results: every 8 bytes here is
    /// 3 MB of the console's memory.
    #[test]
    fn a_result_stays_within_56_bytes() {
        assert!(
            std::mem::size_of::<CheckResult>() <= 56,
            "{} bytes",
            std::mem::size_of::<CheckResult>()
        );
    }
}
