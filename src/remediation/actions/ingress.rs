//! World-open inbound rules of security groups: revoke one, and restore it.

use super::{other_kind, refused, shell_quote as q};
use crate::domain::{Call, OpenIngress, Region, RegionalBaseline, SecurityGroupId};
use crate::remediation::action::{Action, ActionError, ActionSpec, Applies};
use crate::remediation::aws::AwsClients;
use crate::remediation::catalog::ActionId;
use crate::remediation::{Offer, Target};
use async_trait::async_trait;
use aws_sdk_ec2::types::{IpPermission, IpRange, Ipv6Range};
use chrono::{DateTime, Utc};

pub struct Revoke;
pub struct Restore;

static REVOKE: ActionSpec = ActionSpec {
    name: "revoke-ingress-rule",
    title: "Revoke the inbound rule open to the internet",
    applies: Applies::IngressRule,
    call: Call::new("ec2", "RevokeSecurityGroupIngress"),
    recheck: None,
    api: "ec2:RevokeSecurityGroupIngress",
    undo: Some(ActionId::RestoreIngress),
};

static RESTORE: ActionSpec = ActionSpec {
    name: "restore-ingress-rule",
    title: "Restore the inbound rule",
    applies: Applies::IngressRule,
    call: Call::new("ec2", "AuthorizeSecurityGroupIngress"),
    recheck: None,
    api: "ec2:AuthorizeSecurityGroupIngress",
    undo: Some(ActionId::RevokeIngress),
};

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

/// The rule as the SDK takes it.
fn permission(rule: &OpenIngress) -> IpPermission {
    let mut p = IpPermission::builder().ip_protocol(&rule.protocol);
    if rule.protocol != "-1" {
        p = p.set_from_port(rule.from_port).set_to_port(rule.to_port);
    }
    if rule.cidr.contains(':') {
        p = p.ipv6_ranges(Ipv6Range::builder().cidr_ipv6(&rule.cidr).build());
    } else {
        p = p.ip_ranges(IpRange::builder().cidr_ip(&rule.cidr).build());
    }
    p.build()
}

/// The rule's region, group and permission; a target of another kind is an error.
fn rule_ref(target: &Target) -> Result<(&Region, &SecurityGroupId, &OpenIngress), ActionError> {
    match target {
        Target::IngressRule {
            region,
            group_id,
            rule,
            ..
        } => Ok((region, group_id, rule)),
        _ => Err(other_kind(target)),
    }
}

fn present(target: &Target) -> bool {
    matches!(target, Target::IngressRule { present: true, .. })
}

fn with_present(target: &Target, present: bool) -> Target {
    let mut after = target.clone();
    if let Target::IngressRule { present: now, .. } = &mut after {
        *now = present;
    }
    after
}

/// The rule leaves its group in the data; restored (`back`), it comes back.
fn show_rule(target: &Target, baseline: &mut RegionalBaseline, back: bool) {
    let Target::IngressRule { group_id, rule, .. } = target else {
        return;
    };
    if !target.is_in(baseline) {
        return;
    }
    let Ok(groups) = baseline.security_groups.as_mut() else {
        return;
    };
    if let Some(group) = groups.iter_mut().find(|g| g.id == **group_id) {
        group.open_ingress.retain(|r| r != rule);
        if back {
            group.open_ingress.push(rule.clone());
        }
    }
}

#[async_trait]
impl Action for Revoke {
    fn spec(&self) -> &'static ActionSpec {
        &REVOKE
    }

    fn unavailable(&self, target: &Target) -> Option<&'static str> {
        (!present(target)).then_some("the rule is no longer in the group")
    }

    /// By rule ID when known (exactly that rule), else by its permission.
    fn cli(&self, target: &Target, _at: DateTime<Utc>) -> String {
        let Ok((region, group_id, rule)) = rule_ref(target) else {
            return String::new();
        };
        match &rule.rule_id {
            Some(rule_id) => format!(
                "aws ec2 revoke-security-group-ingress --region {region} --group-id {} --security-group-rule-ids {}",
                q(group_id),
                q(rule_id)
            ),
            None => format!(
                "aws ec2 revoke-security-group-ingress --region {region} --group-id {} --ip-permissions {}",
                q(group_id),
                q(&ip_permissions(rule))
            ),
        }
    }

    fn after(&self, target: &Target) -> Target {
        with_present(target, false)
    }

    async fn call(&self, aws: &AwsClients, offer: &Offer) -> Result<String, ActionError> {
        let (region, group_id, rule) = rule_ref(&offer.target)?;
        let request = aws
            .ec2(region)?
            .revoke_security_group_ingress()
            .group_id(group_id.as_str());
        let request = match &rule.rule_id {
            Some(rule_id) => request.security_group_rule_ids(rule_id),
            None => request.ip_permissions(permission(rule)),
        };
        let out = request
            .send()
            .await
            .map_err(|e| refused(&offer.target, REVOKE.call, &e))?;
        if out.r#return() == Some(false) {
            return Err(ActionError::NotDone(format!(
                "EC2 did not revoke {}",
                rule.describe()
            )));
        }
        Ok(format!("{} is revoked from {group_id}", rule.describe()))
    }

    fn on_regional(&self, target: &Target, baseline: &mut RegionalBaseline) {
        show_rule(target, baseline, false);
    }
}

#[async_trait]
impl Action for Restore {
    fn spec(&self) -> &'static ActionSpec {
        &RESTORE
    }

    fn unavailable(&self, target: &Target) -> Option<&'static str> {
        present(target).then_some("the rule is in the group")
    }

    /// Reopens the group to the internet.
    fn weakens(&self) -> bool {
        true
    }

    fn cli(&self, target: &Target, _at: DateTime<Utc>) -> String {
        let Ok((region, group_id, rule)) = rule_ref(target) else {
            return String::new();
        };
        format!(
            "aws ec2 authorize-security-group-ingress --region {region} --group-id {} --ip-permissions {}",
            q(group_id),
            q(&ip_permissions(rule))
        )
    }

    fn after(&self, target: &Target) -> Target {
        with_present(target, true)
    }

    async fn call(&self, aws: &AwsClients, offer: &Offer) -> Result<String, ActionError> {
        let (region, group_id, rule) = rule_ref(&offer.target)?;
        aws.ec2(region)?
            .authorize_security_group_ingress()
            .group_id(group_id.as_str())
            .ip_permissions(permission(rule))
            .send()
            .await
            .map_err(|e| refused(&offer.target, RESTORE.call, &e))?;
        Ok(format!("{} is back in {group_id}", rule.describe()))
    }

    fn on_regional(&self, target: &Target, baseline: &mut RegionalBaseline) {
        show_rule(target, baseline, true);
    }
}

#[cfg(test)]
mod tests {
    use crate::remediation::{ActionId, Offer, Target};
    use chrono::Utc;

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
            rule,
            present: true,
        };
        let offer = |id| Offer::new(id, target.clone(), Utc::now());
        assert_eq!(
            offer(ActionId::RevokeIngress).cli,
            "aws ec2 revoke-security-group-ingress --region eu-west-1 --group-id sg-1 --security-group-rule-ids sgr-0abc"
        );
        assert_eq!(
            offer(ActionId::RestoreIngress).cli,
            r#"aws ec2 authorize-security-group-ingress --region eu-west-1 --group-id sg-1 --ip-permissions '[{"FromPort":22,"IpProtocol":"tcp","IpRanges":[{"CidrIp":"0.0.0.0/0"}],"ToPort":22}]'"#
        );
        assert_eq!(
            target.describe(),
            "inbound rule tcp 22 from 0.0.0.0/0 [sgr-0abc] of security group sg-1 (bastion)"
        );
        assert!(offer(ActionId::RevokeIngress).available.is_ok());
        assert!(offer(ActionId::RestoreIngress).available.is_err());
    }

    #[test]
    fn the_other_baseline_actions_name_their_region_account_and_state() {
        let ebs = Target::EbsDefaults {
            account_id: "1".into(),
            region: "us-east-1".into(),
            enabled: false,
        };
        assert_eq!(
            Offer::new(ActionId::EnableEbsDefaultEncryption, ebs, Utc::now()).cli,
            "aws ec2 enable-ebs-encryption-by-default --region us-east-1"
        );
        let trail = Target::Trail {
            account_id: "1".into(),
            region: "us-east-1".into(),
            name: "main".into(),
            arn: "arn:aws:cloudtrail:us-east-1:1:trail/main".into(),
            logging: true,
        };
        let start = Offer::new(ActionId::StartTrailLogging, trail, Utc::now());
        assert!(start.available.is_err());
        let bpa = Target::PublicAccessBlock {
            account_id: "111122223333".into(),
            all_on: false,
        };
        let block = Offer::new(ActionId::BlockPublicAccess, bpa, Utc::now());
        assert!(block.cli.contains("--account-id 111122223333"));
    }

    #[test]
    fn an_action_offered_on_another_kind_of_target_cannot_run() {
        let role = Target::Role {
            account_id: "1".into(),
            name: "ops".into(),
        };
        let offer = Offer::new(ActionId::RevokeIngress, role, Utc::now());
        assert!(offer.available.is_err(), "{offer:?}");
    }
}
