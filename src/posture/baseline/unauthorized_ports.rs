use super::security_groups::{admin_rules, high_risk_rules, resource};
use super::{Control, Judged};
use crate::domain::{Check, SourceKind};
use crate::domain::{CheckResult, OpenIngress, RegionalBaseline, SecurityGroup, Severity};

/// FSBP EC2.18's default `authorizedTcpPorts`. Trusted Advisor's "Security Groups –
/// Unrestricted Access" also allows 25, 465 (mail) besides these.
pub const DEFAULT_AUTHORIZED_PORTS: &[i32] = &[80, 443];

pub static UNAUTHORIZED_PORTS: Check = Check {
    source: SourceKind::Baseline,
    id: "ec2.sg-open-unauthorized-ports",
    title: "Security groups admit the internet only to authorised ports",
    problem: "A security group admits the internet to ports not authorised",
    severity: Severity::Low,
    controls: &["EC2.18"],
};

/// Whether every port the rule opens is authorised: TCP only (EC2.18 authorises no UDP
/// port), and each port of its range in `authorized`.
fn authorized(rule: &OpenIngress, authorized: &[i32]) -> bool {
    if rule.protocol != "tcp" && rule.protocol != "6" {
        return false;
    }
    let (Some(from), Some(to)) = (rule.from_port, rule.to_port) else {
        return false;
    };
    // A range wider than the list cannot be all authorised.
    let width = i64::from(to) - i64::from(from) + 1;
    width <= authorized.len() as i64 && (from..=to).all(|p| authorized.contains(&p))
}

/// The group's world-open rules to ports not authorised, leaving out the rules the admin and
/// high-risk controls already fail (one failure per rule).
pub fn unauthorized_rules<'a>(
    group: &'a SecurityGroup,
    authorized_ports: &[i32],
) -> Vec<&'a OpenIngress> {
    let counted: Vec<&OpenIngress> = admin_rules(group)
        .into_iter()
        .chain(high_risk_rules(group))
        .collect();
    group
        .open_ingress
        .iter()
        .filter(|r| !counted.contains(r) && !authorized(r, authorized_ports))
        .collect()
}

pub fn evaluate(baseline: &RegionalBaseline, authorized_ports: &[i32], out: &mut Vec<CheckResult>) {
    let allowed: Vec<String> = authorized_ports.iter().map(i32::to_string).collect();
    let allowed = if allowed.is_empty() {
        "none".to_string()
    } else {
        allowed.join(", ")
    };
    UNAUTHORIZED_PORTS.each(baseline, &baseline.security_groups, out, |group| {
        let rules = unauthorized_rules(group, authorized_ports);
        if rules.is_empty() {
            Judged::pass(
                resource(group),
                format!("the internet reaches only authorised TCP ports ({allowed}), or none"),
            )
        } else {
            let each: Vec<String> = rules.iter().map(|r| r.describe()).collect();
            Judged::fail(
                resource(group),
                format!(
                    "open to the internet beyond the authorised ports ({allowed}): {}",
                    each.join("; ")
                ),
            )
        }
    });
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{denied, regional, verdicts};
    use super::*;
    use crate::domain::CheckStatus;

    fn rule(protocol: &str, from: i32, to: i32, cidr: &str) -> OpenIngress {
        OpenIngress {
            rule_id: None,
            protocol: protocol.into(),
            from_port: Some(from),
            to_port: Some(to),
            cidr: cidr.into(),
        }
    }

    fn run(rules: Vec<OpenIngress>, ports: &[i32]) -> Vec<(CheckStatus, String, String)> {
        let mut b = regional();
        b.security_groups = Ok(vec![SecurityGroup {
            id: "sg-1".into(),
            name: "web".into(),
            vpc_id: None,
            open_ingress: rules,
        }]);
        let mut out = Vec::new();
        evaluate(&b, ports, &mut out);
        verdicts(&out)
    }

    #[test]
    fn web_ports_pass_and_other_ports_fail_once() {
        let web = run(
            vec![
                rule("tcp", 443, 443, "0.0.0.0/0"),
                rule("tcp", 80, 80, "::/0"),
            ],
            DEFAULT_AUTHORIZED_PORTS,
        );
        assert_eq!(web[0].0, CheckStatus::Pass);
        let got = run(
            vec![
                rule("tcp", 8443, 8443, "0.0.0.0/0"),
                rule("udp", 443, 443, "0.0.0.0/0"),
                rule("tcp", 8000, 8010, "0.0.0.0/0"),
                // The admin and high-risk controls fail these: not counted again.
                rule("tcp", 22, 22, "0.0.0.0/0"),
                rule("tcp", 3306, 3306, "0.0.0.0/0"),
            ],
            DEFAULT_AUTHORIZED_PORTS,
        );
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, CheckStatus::Fail);
        assert_eq!(got[0].1, "sg-1 (web)");
        assert_eq!(
            got[0].2,
            "open to the internet beyond the authorised ports (80, 443): tcp 8443 from 0.0.0.0/0; udp 443 from 0.0.0.0/0; tcp 8000-8010 from 0.0.0.0/0"
        );
    }

    #[test]
    fn the_authorised_ports_come_from_the_configuration() {
        let mail = vec![rule("tcp", 25, 25, "0.0.0.0/0")];
        // Port 25 is a high-risk port (EC2.19): that control fails it, not this one.
        assert_eq!(run(mail, &[])[0].0, CheckStatus::Pass);
        let imaps = vec![rule("tcp", 993, 993, "0.0.0.0/0")];
        assert_eq!(
            run(imaps.clone(), DEFAULT_AUTHORIZED_PORTS)[0].0,
            CheckStatus::Fail
        );
        assert_eq!(run(imaps, &[443, 993])[0].0, CheckStatus::Pass);
        let none = run(vec![rule("tcp", 443, 443, "0.0.0.0/0")], &[]);
        assert_eq!(none[0].0, CheckStatus::Fail);
        assert!(
            none[0].2.contains("authorised ports (none)"),
            "{}",
            none[0].2
        );
    }

    #[test]
    fn unreadable_groups_leave_the_control_unevaluated() {
        let mut b = regional();
        b.security_groups = Err(denied("ec2:DescribeSecurityGroups"));
        let mut out = Vec::new();
        evaluate(&b, DEFAULT_AUTHORIZED_PORTS, &mut out);
        assert_eq!(out.len(), 1);
        assert!(out[0].evidence().contains("ec2:DescribeSecurityGroups"));
    }
}
