//! The account-level baseline controls: logging (CloudTrail, monitoring filters, AWS
//! Config), network exposure (security groups, flow logs), public data (S3 Block Public
//! Access) and encryption at rest (EBS). One file per control.
//!
//! A fact that could not be read (a denied call) gives the control a failing result that
//! says it could not be evaluated and which permission it needs: unknown is not clean.

mod cloudtrail;
mod config;
mod ebs;
mod flow_logs;
mod monitoring;
mod s3;
mod security_groups;

/// How the evidence of a result that could not be evaluated begins (the Overview counts them).
pub const UNEVALUATED: &str = "could not be evaluated";

pub use security_groups::{ADMIN_PORTS, HIGH_RISK_PORTS, admin_rules, group_id, high_risk_rules};

use super::CheckInfo;
use crate::domain::{
    AccountBaseline, Alarm, CheckResult, CheckStatus, RegionalBaseline, Severity, SourceKind,
    Unreadable,
};

/// Runs every baseline control on what has been read so far.
pub fn evaluate(
    regional: &[RegionalBaseline],
    account: &[AccountBaseline],
    alarms: &[Alarm],
    out: &mut Vec<CheckResult>,
) {
    // Each account's alarms, found once: an organisation has hundreds of accounts and
    // tens of thousands of alarms.
    let mut by_account: std::collections::HashMap<&str, Vec<&Alarm>> =
        std::collections::HashMap::new();
    for alarm in alarms {
        by_account.entry(&alarm.account_id).or_default().push(alarm);
    }
    for baseline in account {
        cloudtrail::evaluate(baseline, out);
        let own = by_account
            .get(baseline.account_id.as_str())
            .map_or(&[][..], Vec::as_slice);
        monitoring::evaluate(baseline, own, out);
        s3::evaluate(baseline, out);
    }
    for baseline in regional {
        security_groups::evaluate(baseline, out);
        ebs::evaluate(baseline, out);
        flow_logs::evaluate(baseline, out);
        config::evaluate(baseline, out);
    }
}

/// Every baseline control.
pub const CHECKS: &[CheckInfo] = &[
    cloudtrail::MULTI_REGION_TRAIL.info(),
    monitoring::CIS_MONITORING.info(),
    s3::ACCOUNT_PUBLIC_ACCESS_BLOCK.info(),
    security_groups::ADMIN.info(),
    security_groups::HIGH_RISK.info(),
    ebs::EBS_DEFAULT_ENCRYPTION.info(),
    flow_logs::VPC_FLOW_LOGS.info(),
    config::CONFIG_RECORDER.info(),
];

/// What every control declares once.
pub(crate) struct Control {
    pub id: &'static str,
    pub title: &'static str,
    /// The failure in words, as the Overview's Problem column names it.
    pub problem: &'static str,
    pub severity: Severity,
    pub controls: &'static [&'static str],
}

impl Control {
    /// Every control reads the baseline sources (the CIS monitoring control reads alarms
    /// too, with the account's metric filters).
    const fn info(&self) -> CheckInfo {
        CheckInfo {
            id: self.id,
            title: self.title,
            problem: self.problem,
            source: SourceKind::Baseline,
        }
    }

    pub fn result(
        &self,
        status: CheckStatus,
        account_id: &str,
        region: Option<&str>,
        resource: impl Into<String>,
        evidence: impl Into<String>,
    ) -> CheckResult {
        CheckResult {
            check_id: self.id,
            title: self.title,
            severity: self.severity,
            source: SourceKind::Baseline,
            controls: self.controls,
            status,
            account_id: account_id.into(),
            region: region.map(std::sync::Arc::from),
            subject: None,
            resource: resource.into().into_boxed_str(),
            evidence: evidence.into().into_boxed_str(),
        }
    }

    /// The control could not be evaluated: a failing result naming the permission, its
    /// evidence starting with [`UNEVALUATED`].
    pub fn unreadable(
        &self,
        account_id: &str,
        region: Option<&str>,
        resource: impl Into<String>,
        why: &Unreadable,
    ) -> CheckResult {
        self.result(
            CheckStatus::Fail,
            account_id,
            region,
            resource,
            format!("{UNEVALUATED} (needs {}): {}", why.permission, why.message),
        )
    }
}

#[cfg(test)]
pub(crate) mod fixtures {
    use crate::domain::{AccountBaseline, RegionalBaseline, Unreadable};

    pub fn denied(permission: &str) -> Unreadable {
        Unreadable {
            permission: permission.into(),
            message: "AccessDenied: not allowed".into(),
        }
    }

    pub fn regional() -> RegionalBaseline {
        RegionalBaseline {
            account_id: "111122223333".into(),
            region: "eu-west-1".into(),
            security_groups: Ok(Vec::new()),
            ebs_encryption_by_default: Ok(true),
            vpcs: Ok(Vec::new()),
            config_recorders: Ok(Vec::new()),
        }
    }

    pub fn account() -> AccountBaseline {
        AccountBaseline {
            account_id: "111122223333".into(),
            trails: Ok(Vec::new()),
            metric_filters: Ok(Vec::new()),
            public_access_block: Ok(None),
        }
    }
}
