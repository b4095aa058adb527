use super::Control;
use crate::domain::{Check, SourceKind};
use crate::domain::{CheckResult, CheckStatus, RegionalBaseline, Severity};

pub static VPC_FLOW_LOGS: Check = Check {
    source: SourceKind::Baseline,
    id: "ec2.vpc-flow-logs",
    title: "VPC flow logging is enabled",
    problem: "VPC flow logging is not enabled",
    severity: Severity::Medium,
    controls: &["CIS 3.7", "EC2.6"],
};

/// One result per VPC.
pub fn evaluate(baseline: &RegionalBaseline, out: &mut Vec<CheckResult>) {
    let region = Some(&baseline.region);
    let account = &baseline.account_id;
    let vpcs = match &baseline.vpcs {
        Err(why) => {
            out.push(VPC_FLOW_LOGS.unreadable(account, region, baseline.region.as_str(), why));
            return;
        }
        Ok(vpcs) => vpcs,
    };
    for vpc in vpcs {
        let default = if vpc.is_default { " (default VPC)" } else { "" };
        let (status, evidence) = if vpc.flow_logs.is_empty() {
            (
                CheckStatus::Fail,
                format!("no active flow log on {}{default}", vpc.id),
            )
        } else {
            (
                CheckStatus::Pass,
                format!(
                    "flow log(s) {} on {}{default}",
                    vpc.flow_logs.join(", "),
                    vpc.id
                ),
            )
        };
        out.push(VPC_FLOW_LOGS.result(status, account, region, &vpc.id, evidence));
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{denied, regional};
    use super::*;
    use crate::domain::Vpc;

    #[test]
    fn each_vpc_needs_a_flow_log() {
        let mut b = regional();
        b.vpcs = Ok(vec![
            Vpc {
                id: "vpc-1".into(),
                is_default: true,
                flow_logs: vec![],
            },
            Vpc {
                id: "vpc-2".into(),
                is_default: false,
                flow_logs: vec!["fl-1".into()],
            },
        ]);
        let mut out = Vec::new();
        evaluate(&b, &mut out);
        assert_eq!(out.len(), 2);
        assert_eq!(
            (out[0].status, out[0].resource()),
            (CheckStatus::Fail, "vpc-1")
        );
        assert_eq!(out[1].status, CheckStatus::Pass);
        b.vpcs = Err(denied("ec2:DescribeFlowLogs"));
        out.clear();
        evaluate(&b, &mut out);
        assert_eq!(out[0].resource(), "eu-west-1");
        assert!(out[0].evidence().contains("needs ec2:DescribeFlowLogs"));
    }
}
