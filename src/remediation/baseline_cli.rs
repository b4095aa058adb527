//! The `aws` CLI equivalents of the baseline actions: revoke or restore a world-open
//! inbound rule, EBS encryption by default, account-level Block Public Access, a trail.

use super::catalog::{ActionId, shell_quote};
use super::target::Target;
use crate::domain::OpenIngress;

/// `--ip-permissions` of the rule, in the shape the EC2 API and the CLI take.
pub fn ip_permissions(rule: &OpenIngress) -> String {
    let range = if rule.cidr.contains(':') {
        serde_json::json!({ "Ipv6Ranges": [{ "CidrIpv6": rule.cidr }] })
    } else {
        serde_json::json!({ "IpRanges": [{ "CidrIp": rule.cidr }] })
    };
    let mut permission = serde_json::json!({ "IpProtocol": rule.protocol });
    if let (Some(map), Some(ranges)) = (permission.as_object_mut(), range.as_object()) {
        if rule.protocol != "-1" {
            if let (Some(from), Some(to)) = (rule.from_port, rule.to_port) {
                map.insert("FromPort".into(), from.into());
                map.insert("ToPort".into(), to.into());
            }
        }
        map.extend(ranges.clone());
    }
    serde_json::json!([permission]).to_string()
}

/// The command for a baseline target (any other target gives an empty string).
pub fn cli(id: ActionId, target: &Target) -> String {
    let q = shell_quote;
    match target {
        Target::IngressRule {
            region,
            group_id,
            rule,
            ..
        } => {
            let verb = if id == ActionId::RestoreIngress {
                "authorize-security-group-ingress"
            } else {
                "revoke-security-group-ingress"
            };
            match (&rule.rule_id, id) {
                (Some(rule_id), ActionId::RevokeIngress) => format!(
                    "aws ec2 {verb} --region {region} --group-id {} --security-group-rule-ids {}",
                    q(group_id),
                    q(rule_id)
                ),
                _ => format!(
                    "aws ec2 {verb} --region {region} --group-id {} --ip-permissions {}",
                    q(group_id),
                    q(&ip_permissions(rule))
                ),
            }
        }
        Target::EbsDefaults { region, .. } => format!(
            "aws ec2 {} --region {region}",
            if id == ActionId::DisableEbsDefaultEncryption {
                "disable-ebs-encryption-by-default"
            } else {
                "enable-ebs-encryption-by-default"
            }
        ),
        Target::PublicAccessBlock { account_id, .. } => format!(
            "aws s3control put-public-access-block --account-id {} --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
            q(account_id)
        ),
        Target::Trail { region, arn, .. } => {
            format!(
                "aws cloudtrail start-logging --region {region} --name {}",
                q(arn)
            )
        }
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::remediation::catalog::applicable;

    #[test]
    fn baseline_actions_preview_the_exact_rule_and_command() {
        let rule = crate::domain::OpenIngress {
            rule_id: Some("sgr-0abc".into()),
            protocol: "tcp".into(),
            from_port: Some(22),
            to_port: Some(22),
            cidr: "0.0.0.0/0".into(),
        };
        let target = Target::IngressRule {
            account_id: "1".into(),
            region: "eu-west-1".into(),
            group_id: "sg-1".into(),
            group_name: "bastion".into(),
            rule: rule.clone(),
            present: true,
        };
        assert_eq!(
            cli(ActionId::RevokeIngress, &target),
            "aws ec2 revoke-security-group-ingress --region eu-west-1 --group-id sg-1 --security-group-rule-ids sgr-0abc"
        );
        assert_eq!(
            cli(ActionId::RestoreIngress, &target),
            r#"aws ec2 authorize-security-group-ingress --region eu-west-1 --group-id sg-1 --ip-permissions '[{"FromPort":22,"IpProtocol":"tcp","IpRanges":[{"CidrIp":"0.0.0.0/0"}],"ToPort":22}]'"#
        );
        assert_eq!(
            target.describe(),
            "inbound rule tcp 22 from 0.0.0.0/0 [sgr-0abc] of security group sg-1 (bastion)"
        );
        assert!(applicable(ActionId::RevokeIngress, &target).is_ok());
        assert!(applicable(ActionId::RestoreIngress, &target).is_err());
        let ebs = Target::EbsDefaults {
            account_id: "1".into(),
            region: "us-east-1".into(),
            enabled: false,
        };
        assert_eq!(
            cli(ActionId::EnableEbsDefaultEncryption, &ebs),
            "aws ec2 enable-ebs-encryption-by-default --region us-east-1"
        );
        let trail = Target::Trail {
            account_id: "1".into(),
            region: "us-east-1".into(),
            name: "main".into(),
            arn: "arn:aws:cloudtrail:us-east-1:1:trail/main".into(),
            logging: true,
        };
        assert!(applicable(ActionId::StartTrailLogging, &trail).is_err());
        let bpa = Target::PublicAccessBlock {
            account_id: "111122223333".into(),
            all_on: false,
        };
        assert!(cli(ActionId::BlockPublicAccess, &bpa).contains("--account-id 111122223333"));
    }
}
