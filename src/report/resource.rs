//! What a check result is about, as an ARN (or ID) and an AWS Security Hub resource type, for
//! the JSON's `resource_uid` and OCSF's `resources`. Check results name their resource the
//! way the console shows it (`alice`, `alice (AKIA…)`, `role/deploy`, `<root_account>`, a
//! region, an alarm name); this resolves those names against the data the checks read.

use crate::domain::{Alarm, CheckResult, IamRole, IamUser, SourceKind};
use crate::posture::ROOT;
use crate::store::Data;
use std::collections::HashMap;

pub struct Resolver<'a> {
    partition: String,
    users: HashMap<(&'a str, &'a str), &'a IamUser>,
    roles: HashMap<(&'a str, &'a str), &'a IamRole>,
    alarms: HashMap<(&'a str, &'a str, &'a str), &'a Alarm>,
    data: &'a Data,
}

impl<'a> Resolver<'a> {
    /// `caller_arn` gives the partition (`aws`, `aws-us-gov`, `aws-cn`) of ARNs built here.
    pub fn new(data: &'a Data, caller_arn: &str) -> Self {
        let partition = caller_arn
            .split(':')
            .nth(1)
            .filter(|p| !p.is_empty())
            .unwrap_or("aws")
            .to_string();
        let mut users = HashMap::new();
        let mut roles = HashMap::new();
        for identity in data.identities.iter() {
            let account = identity.account_id.as_str();
            for user in identity.users.iter() {
                users.insert((account, user.name()), user);
            }
            for role in &identity.roles {
                roles.insert((account, role.name.as_str()), role);
            }
        }
        let alarms = data
            .alarms
            .iter()
            .map(|a| ((a.account_id.as_str(), a.region.as_str(), a.name()), a))
            .collect();
        Resolver {
            partition,
            users,
            roles,
            alarms,
            data,
        }
    }

    fn iam_arn(&self, account: &str, path: &str) -> String {
        format!("arn:{}:iam::{account}:{path}", self.partition)
    }

    fn user_arn(&self, account: &str, name: &str) -> String {
        self.users
            .get(&(account, name))
            .map(|u| u.arn().to_string())
            .unwrap_or_else(|| self.iam_arn(account, &format!("user/{name}")))
    }

    /// The resource's ARN or ID, and its type.
    pub fn check(&self, check: &CheckResult) -> (String, &'static str) {
        let account = &*check.account_id;
        let resource = check.resource();
        match check.source() {
            SourceKind::Baseline => self.baseline(check),
            SourceKind::Findings => self.detector(check),
            SourceKind::Alarms => {
                let region = check.region_name().unwrap_or_default();
                match self.alarms.get(&(account, region, resource)) {
                    Some(alarm) => (alarm.arn().to_string(), "AwsCloudWatchAlarm"),
                    None => (resource.to_string(), "AwsCloudWatchAlarm"),
                }
            }
            SourceKind::Identity => self.iam(account, resource),
        }
    }

    /// Security groups and VPCs by ARN; the account-wide and per-region controls (and any
    /// that could not be evaluated) are about the account.
    fn baseline(&self, check: &CheckResult) -> (String, &'static str) {
        let region = check.region_name().unwrap_or_default();
        let id = crate::posture::baseline::group_id(check.resource());
        let ec2 = |kind: &str| {
            format!(
                "arn:{}:ec2:{region}:{}:{kind}/{id}",
                self.partition, check.account_id
            )
        };
        if id.starts_with("sg-") {
            (ec2("security-group"), "AwsEc2SecurityGroup")
        } else if id.starts_with("vpc-") {
            (ec2("vpc"), "AwsEc2Vpc")
        } else {
            (check.account_id.to_string(), "AwsAccount")
        }
    }

    fn detector(&self, check: &CheckResult) -> (String, &'static str) {
        let region = check.region_name().unwrap_or_default();
        let detector = self
            .data
            .detectors
            .iter()
            .find(|d| *d.account_id == *check.account_id && d.region == region)
            .and_then(|d| d.detector_id.as_deref());
        match detector {
            Some(id) => (
                format!(
                    "arn:{}:guardduty:{region}:{}:detector/{id}",
                    self.partition, check.account_id
                ),
                "AwsGuardDutyDetector",
            ),
            // No detector to name: the finding is about the account in that region.
            None => (check.account_id.to_string(), "AwsAccount"),
        }
    }

    fn iam(&self, account: &str, resource: &str) -> (String, &'static str) {
        if resource == ROOT {
            return (self.iam_arn(account, "root"), "AwsAccount");
        }
        if let Some(role) = resource.strip_prefix("role/") {
            let arn = self
                .roles
                .get(&(account, role))
                .map(|r| r.arn.clone())
                .unwrap_or_else(|| self.iam_arn(account, resource));
            return (arn, "AwsIamRole");
        }
        // `alice (AKIA…)` is a key of alice's, `alice (password)` her console password, and
        // `alice (#2)` her second key when only the credential report's key slot is known
        // (it carries no key IDs): the user is then the resource. IAM names cannot contain
        // spaces or parentheses.
        if let Some((user, detail)) = resource.split_once(" (") {
            let detail = detail.trim_end_matches(')');
            if detail == "password" || detail.starts_with('#') {
                return (self.user_arn(account, user), "AwsIamUser");
            }
            return (detail.to_string(), "AwsIamAccessKey");
        }
        if resource.contains(' ') {
            // Account-wide: `password policy`, `customer managed policies`, …
            return (account.to_string(), "AwsAccount");
        }
        (self.user_arn(account, resource), "AwsIamUser")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{CheckStatus, Severity};

    fn check(id: &'static str, resource: &str, region: Option<&str>) -> CheckResult {
        // A check made up for the test lives as long as the results that point at it.
        let check = Box::leak(Box::new(crate::domain::Check {
            id,
            title: "t",
            problem: "p",
            severity: Severity::Low,
            source: crate::posture::check_source(id).unwrap_or(SourceKind::Identity),
            controls: &[],
        }));
        CheckResult::new(
            check,
            CheckStatus::Fail,
            "111122223333".to_string().into(),
            region.map(|r| r.to_string().into()),
            None,
            resource,
            "",
        )
    }

    #[test]
    fn names_resolve_to_arns_and_types() {
        let data = Data::default();
        let resolver = Resolver::new(&data, "arn:aws-us-gov:sts::111122223333:assumed-role/x/y");
        let cases = [
            (
                check("iam.root-mfa", ROOT, None),
                "arn:aws-us-gov:iam::111122223333:root",
                "AwsAccount",
            ),
            (
                check("iam.console-mfa", "alice", None),
                "arn:aws-us-gov:iam::111122223333:user/alice",
                "AwsIamUser",
            ),
            (
                check("iam.key-rotation", "alice (AKIAEXAMPLE)", None),
                "AKIAEXAMPLE",
                "AwsIamAccessKey",
            ),
            (
                check("iam.key-rotation", "alice (#2)", None),
                "arn:aws-us-gov:iam::111122223333:user/alice",
                "AwsIamUser",
            ),
            (
                check("iam.unused-credentials", "alice (password)", None),
                "arn:aws-us-gov:iam::111122223333:user/alice",
                "AwsIamUser",
            ),
            (
                check("iam.admin-role", "role/deploy", None),
                "arn:aws-us-gov:iam::111122223333:role/deploy",
                "AwsIamRole",
            ),
            (
                check("iam.password-policy", "password policy", None),
                "111122223333",
                "AwsAccount",
            ),
            (
                check("guardduty.enabled", "eu-west-1", Some("eu-west-1")),
                "111122223333",
                "AwsAccount",
            ),
            (
                check("cloudwatch.alarm-actions", "cpu", Some("eu-west-1")),
                "cpu",
                "AwsCloudWatchAlarm",
            ),
        ];
        for (check, uid, kind) in cases {
            assert_eq!(resolver.check(&check), (uid.to_string(), kind), "{check:?}");
        }
    }
}
