use super::{Control, Judged};
use crate::domain::{Check, SourceKind};
use crate::domain::{CheckResult, RegionalBaseline, Severity};

pub static INSTANCE_ROLE: Check = Check {
    source: SourceKind::Baseline,
    id: "ec2.instance-iam-role",
    title: "EC2 instances are launched with an IAM role",
    problem: "An EC2 instance has no IAM role",
    severity: Severity::Medium,
    controls: &["CIS 1.18"],
};

/// The instance a result is about: its resource starts with the instance ID.
pub fn instance_id(resource: &str) -> &str {
    resource.split(' ').next().unwrap_or(resource)
}

/// An instance without an instance profile gets AWS credentials some other way, usually
/// long-lived access keys on its disk (AWS Config's `ec2-instance-profile-attached`).
pub fn evaluate(baseline: &RegionalBaseline, out: &mut Vec<CheckResult>) {
    INSTANCE_ROLE.each(
        baseline,
        &baseline.instances,
        out,
        |instance| match &instance.instance_profile {
            Some(profile) => {
                Judged::pass(instance.resource(), format!("instance profile {profile}"))
            }
            None => Judged::fail(
                instance.resource(),
                format!(
                    "no instance profile ({}): code on it that calls AWS needs stored access keys",
                    instance.state
                ),
            ),
        },
    );
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{denied, regional, verdicts};
    use super::*;
    use crate::domain::{CheckStatus, Instance};

    pub fn instance(id: &str, profile: Option<&str>, v2: bool) -> Instance {
        Instance {
            id: id.into(),
            name: Some("web".into()),
            state: "running".into(),
            instance_profile: profile.map(str::to_string),
            imds_v2_required: v2,
            metadata_endpoint: true,
        }
    }

    #[test]
    fn instances_without_a_profile_fail() {
        let mut b = regional();
        b.instances = Ok(vec![
            instance("i-1", Some("arn:aws:iam::1:instance-profile/web"), true),
            instance("i-2", None, true),
        ]);
        let mut out = Vec::new();
        evaluate(&b, &mut out);
        let got = verdicts(&out);
        assert_eq!(got[0].0, CheckStatus::Pass);
        assert_eq!(
            got[0].2,
            "instance profile arn:aws:iam::1:instance-profile/web"
        );
        assert_eq!(got[1].0, CheckStatus::Fail);
        assert_eq!(got[1].1, "i-2 (web)");
        assert_eq!(instance_id(&got[1].1), "i-2");
        b.instances = Err(denied("ec2:DescribeInstances"));
        let mut out = Vec::new();
        evaluate(&b, &mut out);
        assert!(out[0].evidence().contains("ec2:DescribeInstances"));
    }
}
