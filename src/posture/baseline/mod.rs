//! The account-level baseline controls: logging (CloudTrail, monitoring filters, AWS
//! Config), network exposure (security groups, flow logs, WAF in front of load balancers,
//! public RDS instances), public data (S3 Block Public Access, open buckets), instances
//! (IAM role, IMDSv2) and encryption at rest (EBS, RDS, KMS key rotation). One file per
//! control.
//!
//! A fact that could not be read (a denied call) gives the control a failing result that
//! says it could not be evaluated and which permission it needs: unknown is not clean.

mod alb_waf;
mod cloudtrail;
mod config;
mod ebs;
mod ebs_volumes;
mod flow_logs;
mod imdsv2;
mod instance_role;
mod kms_rotation;
mod monitoring;
mod public_buckets;
mod rds_encryption;
mod rds_public;
mod s3;
mod security_groups;
mod unauthorized_ports;

/// How the evidence of a result that could not be evaluated begins (the Overview counts them).
pub const UNEVALUATED: &str = "could not be evaluated";

pub use instance_role::instance_id;
pub use public_buckets::bucket_name;
pub use security_groups::{ADMIN_PORTS, HIGH_RISK_PORTS, admin_rules, group_id, high_risk_rules};
pub use unauthorized_ports::{DEFAULT_AUTHORIZED_PORTS, unauthorized_rules};

use super::Thresholds;
use crate::domain::{
    AccountBaseline, Alarm, Check, CheckResult, CheckStatus, Probe, RegionalBaseline, SharedText,
    Unreadable,
};

/// Runs every baseline control on what has been read so far.
pub fn evaluate(
    regional: &[RegionalBaseline],
    account: &[AccountBaseline],
    alarms: &[Alarm],
    thresholds: &Thresholds,
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
        public_buckets::evaluate(baseline, out);
    }
    for baseline in regional {
        security_groups::evaluate(baseline, out);
        unauthorized_ports::evaluate(baseline, &thresholds.authorized_ports, out);
        ebs::evaluate(baseline, out);
        flow_logs::evaluate(baseline, out);
        config::evaluate(baseline, out);
        instance_role::evaluate(baseline, out);
        imdsv2::evaluate(baseline, out);
        ebs_volumes::evaluate(baseline, out);
        rds_encryption::evaluate(baseline, out);
        rds_public::evaluate(baseline, out);
        kms_rotation::evaluate(baseline, out);
        alb_waf::evaluate(baseline, out);
    }
}

/// Every baseline control.
pub static CHECKS: &[&Check] = &[
    &cloudtrail::MULTI_REGION_TRAIL,
    &monitoring::CIS_MONITORING,
    &s3::ACCOUNT_PUBLIC_ACCESS_BLOCK,
    &security_groups::ADMIN,
    &security_groups::HIGH_RISK,
    &unauthorized_ports::UNAUTHORIZED_PORTS,
    &ebs::EBS_DEFAULT_ENCRYPTION,
    &flow_logs::VPC_FLOW_LOGS,
    &config::CONFIG_RECORDER,
    &public_buckets::PUBLIC_BUCKETS,
    &instance_role::INSTANCE_ROLE,
    &imdsv2::IMDSV2,
    &ebs_volumes::EBS_VOLUME_ENCRYPTION,
    &rds_encryption::RDS_ENCRYPTION,
    &rds_public::RDS_PUBLIC,
    &kms_rotation::KMS_ROTATION,
    &alb_waf::ALB_WAF,
];

/// How a baseline control makes its results: every control reads the baseline sources (the
/// CIS monitoring control reads alarms too, with the account's metric filters). Written once
/// here; a control is a [`Check`] declared as a static.
pub(crate) trait Control {
    /// The check every result of the control points at.
    fn check(&'static self) -> &'static Check;

    fn result(
        &'static self,
        status: CheckStatus,
        account_id: &SharedText,
        region: Option<&SharedText>,
        resource: impl AsRef<str>,
        evidence: impl AsRef<str>,
    ) -> CheckResult {
        CheckResult::new(
            self.check(),
            status,
            account_id.clone(),
            region.cloned(),
            None,
            resource.as_ref(),
            evidence.as_ref(),
        )
    }

    /// The control could not be evaluated: a failing result naming the permission, its
    /// evidence starting with [`UNEVALUATED`].
    fn unreadable(
        &'static self,
        account_id: &SharedText,
        region: Option<&SharedText>,
        resource: impl AsRef<str>,
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

    /// One result per resource of a region's list, as `judge` says (`None` skips a
    /// resource the control is not about); one unevaluated result for the region when the
    /// list could not be read.
    fn each<T>(
        &'static self,
        baseline: &RegionalBaseline,
        list: &Probe<Vec<T>>,
        out: &mut Vec<CheckResult>,
        judge: impl Fn(&T) -> Option<Judged>,
    ) {
        let region = Some(&baseline.region);
        let account = &baseline.account_id;
        match list {
            Err(why) => out.push(self.unreadable(account, region, baseline.region.as_str(), why)),
            Ok(items) => out.extend(items.iter().filter_map(&judge).map(|j| match j.verdict {
                Ok((status, evidence)) => {
                    self.result(status, account, region, j.resource, evidence)
                }
                Err(why) => self.unreadable(account, region, j.resource, &why),
            })),
        }
    }
}

impl Control for Check {
    fn check(&'static self) -> &'static Check {
        self
    }
}

/// What a control says of one resource: its status and evidence, or why a fact of it could
/// not be read.
pub(crate) struct Judged {
    pub resource: String,
    pub verdict: Result<(CheckStatus, String), Unreadable>,
}

impl Judged {
    pub fn pass(resource: impl Into<String>, evidence: impl Into<String>) -> Option<Judged> {
        Some(Judged {
            resource: resource.into(),
            verdict: Ok((CheckStatus::Pass, evidence.into())),
        })
    }

    pub fn fail(resource: impl Into<String>, evidence: impl Into<String>) -> Option<Judged> {
        Some(Judged {
            resource: resource.into(),
            verdict: Ok((CheckStatus::Fail, evidence.into())),
        })
    }

    pub fn unreadable(resource: impl Into<String>, why: &Unreadable) -> Option<Judged> {
        Some(Judged {
            resource: resource.into(),
            verdict: Err(why.clone()),
        })
    }
}

#[cfg(test)]
pub(crate) mod fixtures {
    use crate::domain::{AccountBaseline, CheckResult, CheckStatus, RegionalBaseline, Unreadable};

    /// `(status, resource, evidence)` of each result.
    pub fn verdicts(out: &[CheckResult]) -> Vec<(CheckStatus, String, String)> {
        out.iter()
            .map(|r| (r.status, r.resource().to_string(), r.evidence().to_string()))
            .collect()
    }

    pub fn denied(permission: &str) -> Unreadable {
        Unreadable {
            permission: permission.into(),
            message: "AccessDenied: not allowed".into(),
        }
    }

    pub fn regional() -> RegionalBaseline {
        RegionalBaseline {
            account_id: "111122223333".to_string().into(),
            region: "eu-west-1".to_string().into(),
            security_groups: Ok(Vec::new()),
            ebs_encryption_by_default: Ok(true),
            vpcs: Ok(Vec::new()),
            config_recorders: Ok(Vec::new()),
            instances: Ok(Vec::new()),
            volumes: Ok(Vec::new()),
            db_instances: Ok(Vec::new()),
            kms_keys: Ok(Vec::new()),
            load_balancers: Ok(Vec::new()),
        }
    }

    pub fn account() -> AccountBaseline {
        AccountBaseline {
            account_id: "111122223333".to_string().into(),
            trails: Ok(Vec::new()),
            metric_filters: Ok(Vec::new()),
            public_access_block: Ok(None),
            buckets: Ok(Vec::new()),
        }
    }
}
