use super::{Control, Judged};
use crate::domain::{Check, SourceKind};
use crate::domain::{CheckResult, RegionalBaseline, Severity};

/// AWS Config's managed rule `alb-waf-enabled`; Security Hub's ELB.16.
pub static ALB_WAF: Check = Check {
    source: SourceKind::Baseline,
    id: "elb.alb-waf",
    title: "Internet-facing Application Load Balancers have an AWS WAF web ACL",
    problem: "An internet-facing load balancer has no AWS WAF web ACL",
    severity: Severity::Medium,
    controls: &["ELB.16"],
};

pub fn evaluate(baseline: &RegionalBaseline, out: &mut Vec<CheckResult>) {
    ALB_WAF.each(baseline, &baseline.load_balancers, out, |lb| match &lb.web_acl {
        Err(why) => Judged::unreadable(&lb.name, why),
        Ok(Some(acl)) => Judged::pass(&lb.name, format!("web ACL {acl}")),
        Ok(None) => Judged::fail(
            &lb.name,
            "internet-facing with no WAFv2 web ACL: every request reaches the targets unfiltered",
        ),
    });
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{regional, verdicts};
    use super::*;
    use crate::domain::{CheckStatus, LoadBalancer};

    #[test]
    fn load_balancers_without_a_web_acl_fail() {
        let lb = |name: &str, acl: Option<&str>| LoadBalancer {
            name: name.into(),
            arn: format!("arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/app/{name}/1"),
            web_acl: Ok(acl.map(str::to_string)),
        };
        let mut b = regional();
        b.load_balancers = Ok(vec![lb("shop", Some("arn:aws:wafv2:acl")), lb("api", None)]);
        let mut out = Vec::new();
        evaluate(&b, &mut out);
        let got = verdicts(&out);
        assert_eq!(
            got[0],
            (
                CheckStatus::Pass,
                "shop".into(),
                "web ACL arn:aws:wafv2:acl".into()
            )
        );
        assert_eq!(got[1].0, CheckStatus::Fail);
    }
}
