use super::{Control, Judged};
use crate::domain::{Check, SourceKind};
use crate::domain::{CheckResult, RegionalBaseline, Severity};

pub static IMDSV2: Check = Check {
    source: SourceKind::Baseline,
    id: "ec2.imdsv2",
    title: "EC2 instances require IMDSv2",
    problem: "An EC2 instance allows IMDSv1",
    severity: Severity::High,
    controls: &["CIS 5.6", "EC2.8"],
};

/// IMDSv1 answers a plain GET, so a server-side request forgery reads the role's
/// credentials; IMDSv2 needs a session token obtained with a PUT first.
pub fn evaluate(baseline: &RegionalBaseline, out: &mut Vec<CheckResult>) {
    IMDSV2.each(baseline, &baseline.instances, out, |instance| {
        if !instance.metadata_endpoint {
            Judged::pass(instance.resource(), "the metadata endpoint is off")
        } else if instance.imds_v2_required {
            Judged::pass(instance.resource(), "HttpTokens = required: IMDSv2 only")
        } else {
            Judged::fail(
                instance.resource(),
                "HttpTokens = optional: IMDSv1 answers unauthenticated GETs",
            )
        }
    });
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{regional, verdicts};
    use super::*;
    use crate::domain::{CheckStatus, Instance};

    #[test]
    fn optional_tokens_fail_unless_the_endpoint_is_off() {
        let instance = |id: &str, v2: bool, endpoint: bool| Instance {
            id: id.into(),
            name: None,
            state: "running".into(),
            instance_profile: None,
            imds_v2_required: v2,
            metadata_endpoint: endpoint,
        };
        let mut b = regional();
        b.instances = Ok(vec![
            instance("i-1", true, true),
            instance("i-2", false, true),
            instance("i-3", false, false),
        ]);
        let mut out = Vec::new();
        evaluate(&b, &mut out);
        let statuses: Vec<CheckStatus> = verdicts(&out).into_iter().map(|v| v.0).collect();
        assert_eq!(
            statuses,
            [CheckStatus::Pass, CheckStatus::Fail, CheckStatus::Pass]
        );
        assert_eq!(out[1].resource(), "i-2");
    }
}
