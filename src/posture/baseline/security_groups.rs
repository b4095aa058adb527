use super::Control;
use crate::domain::{Check, SourceKind};
use crate::domain::{
    CheckResult, CheckStatus, OpenIngress, RegionalBaseline, SecurityGroup, Severity,
};

/// Remote administration: SSH and RDP.
pub const ADMIN_PORTS: &[i32] = &[22, 3389];

/// AWS FSBP EC2.19's high-risk ports (besides SSH and RDP, which [`ADMIN`] covers): FTP,
/// Telnet, SMTP, POP3, RPC, IMAP, SMB, SQL Server, dev servers, MySQL, PostgreSQL,
/// Kibana, HTTP alternates, Elasticsearch.
pub const HIGH_RISK_PORTS: &[i32] = &[
    20, 21, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 4333, 5000, 5432, 5500, 5601, 8080,
    8088, 8888, 9200, 9300,
];

pub static ADMIN: Check = Check {
    source: SourceKind::Baseline,
    id: "ec2.sg-open-admin-ports",
    title: "No security group admits the internet to SSH, RDP or all ports",
    problem: "A security group admits the internet to SSH, RDP or all ports",
    severity: Severity::High,
    controls: &["CIS 5.2", "CIS 5.3", "EC2.13", "EC2.14", "EC2.2"],
};

pub static HIGH_RISK: Check = Check {
    source: SourceKind::Baseline,
    id: "ec2.sg-open-high-risk-ports",
    title: "No security group admits the internet to high-risk ports",
    problem: "A security group admits the internet to high-risk ports",
    severity: Severity::High,
    controls: &["EC2.19"],
};

/// The group's world-open rules that the admin control fails on.
pub fn admin_rules(group: &SecurityGroup) -> Vec<&OpenIngress> {
    group
        .open_ingress
        .iter()
        .filter(|r| r.all_traffic() || ADMIN_PORTS.iter().any(|p| r.opens(*p)))
        .collect()
}

/// The group's world-open rules to high-risk ports (not already admin failures).
pub fn high_risk_rules(group: &SecurityGroup) -> Vec<&OpenIngress> {
    group
        .open_ingress
        .iter()
        .filter(|r| !r.all_traffic() && !ADMIN_PORTS.iter().any(|p| r.opens(*p)))
        .filter(|r| HIGH_RISK_PORTS.iter().any(|p| r.opens(*p)))
        .collect()
}

/// `sg-1 (web)`: the resource of a group's results; the ID comes first.
pub fn resource(group: &SecurityGroup) -> String {
    format!("{} ({})", group.id, group.name)
}

/// The group ID in a result's resource.
pub fn group_id(resource: &str) -> &str {
    resource.split(' ').next().unwrap_or(resource)
}

/// One result per group and control.
pub fn evaluate(baseline: &RegionalBaseline, out: &mut Vec<CheckResult>) {
    let region = Some(&baseline.region);
    let account = &baseline.account_id;
    let groups = match &baseline.security_groups {
        Err(why) => {
            for control in [&ADMIN, &HIGH_RISK] {
                out.push(control.unreadable(account, region, baseline.region.as_str(), why));
            }
            return;
        }
        Ok(groups) => groups,
    };
    for group in groups {
        for (control, rules, what) in [
            (&ADMIN, admin_rules(group), "SSH, RDP or all ports"),
            (&HIGH_RISK, high_risk_rules(group), "high-risk ports"),
        ] {
            let (status, evidence) = if rules.is_empty() {
                (
                    CheckStatus::Pass,
                    format!("no inbound rule from 0.0.0.0/0 or ::/0 to {what}"),
                )
            } else {
                let each: Vec<String> = rules.iter().map(|r| r.describe()).collect();
                (
                    CheckStatus::Fail,
                    format!("open to the internet: {}", each.join("; ")),
                )
            };
            out.push(control.result(status, account, region, resource(group), evidence));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{denied, regional};
    use super::*;

    fn rule(protocol: &str, from: i32, to: i32, cidr: &str) -> OpenIngress {
        OpenIngress {
            rule_id: Some(format!("sgr-{from}")),
            protocol: protocol.into(),
            from_port: Some(from),
            to_port: Some(to),
            cidr: cidr.into(),
        }
    }

    fn group(rules: Vec<OpenIngress>) -> SecurityGroup {
        SecurityGroup {
            id: "sg-1".into(),
            name: "web".into(),
            vpc_id: Some("vpc-1".into()),
            open_ingress: rules,
        }
    }

    fn statuses(groups: Vec<SecurityGroup>) -> Vec<(&'static str, CheckStatus, String)> {
        let mut b = regional();
        b.security_groups = Ok(groups);
        let mut out = Vec::new();
        evaluate(&b, &mut out);
        out.into_iter()
            .map(|r| (r.check_id(), r.status, r.evidence().to_string()))
            .collect()
    }

    #[test]
    fn ssh_from_anywhere_fails_the_admin_control_only() {
        let got = statuses(vec![group(vec![rule("tcp", 22, 22, "0.0.0.0/0")])]);
        assert_eq!(got[0].1, CheckStatus::Fail);
        assert_eq!(got[0].2, "open to the internet: tcp 22 from 0.0.0.0/0");
        assert_eq!(got[1].1, CheckStatus::Pass);
    }

    #[test]
    fn rdp_over_ipv6_and_all_traffic_fail() {
        let got = statuses(vec![group(vec![rule("tcp", 3389, 3389, "::/0")])]);
        assert_eq!(got[0].1, CheckStatus::Fail);
        let all = OpenIngress {
            rule_id: None,
            protocol: "-1".into(),
            from_port: None,
            to_port: None,
            cidr: "0.0.0.0/0".into(),
        };
        let got = statuses(vec![group(vec![all])]);
        assert_eq!(got[0].1, CheckStatus::Fail);
        assert_eq!(got[1].1, CheckStatus::Pass, "one failure per rule");
    }

    #[test]
    fn high_risk_ports_fail_their_own_control_and_web_ports_pass() {
        let got = statuses(vec![group(vec![
            rule("tcp", 3306, 3306, "0.0.0.0/0"),
            rule("tcp", 443, 443, "0.0.0.0/0"),
        ])]);
        assert_eq!(got[0].1, CheckStatus::Pass);
        assert_eq!(got[1].1, CheckStatus::Fail);
        assert_eq!(got[1].2, "open to the internet: tcp 3306 from 0.0.0.0/0");
        let web = statuses(vec![group(vec![rule("tcp", 443, 443, "0.0.0.0/0")])]);
        assert!(web.iter().all(|r| r.1 == CheckStatus::Pass));
    }

    #[test]
    fn unreadable_groups_leave_both_controls_unevaluated() {
        let mut b = regional();
        b.security_groups = Err(denied("ec2:DescribeSecurityGroups"));
        let mut out = Vec::new();
        evaluate(&b, &mut out);
        assert_eq!(out.len(), 2);
        assert!(
            out.iter()
                .all(|r| r.failed() && r.evidence().contains("ec2:DescribeSecurityGroups"))
        );
        assert_eq!(group_id("sg-1 (web)"), "sg-1");
    }
}
