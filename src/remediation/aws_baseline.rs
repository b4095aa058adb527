//! The baseline actions on AWS: revoke or restore a world-open inbound rule, EBS
//! encryption by default, account-level S3 Block Public Access, start a trail's logging.

use super::catalog::ActionId;
use super::{Offer, Target};
use crate::aws::errors::{Call, classify};
use crate::domain::{OpenIngress, SourceId, SourceKind};
use crate::sources::SourceError;
use aws_sdk_ec2::types::{IpPermission, IpRange, Ipv6Range};
use std::collections::HashMap;

/// The clients the baseline actions use: EC2 and CloudTrail per region, one S3 Control.
#[derive(Clone, Default)]
pub struct BaselineClients {
    pub ec2: HashMap<String, aws_sdk_ec2::Client>,
    pub cloudtrail: HashMap<String, aws_sdk_cloudtrail::Client>,
    pub s3control: Option<aws_sdk_s3control::Client>,
}

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

fn no_client(service: &str, region: &str) -> String {
    format!("no {service} client for {region}: it is not a watched region")
}

impl BaselineClients {
    /// Carries out a baseline action; `None` when the offer is not one.
    pub async fn run(
        &self,
        offer: &Offer,
        call: Call,
        fail: impl Fn(SourceError) -> String,
    ) -> Option<Result<String, String>> {
        let id = SourceId {
            kind: SourceKind::Baseline,
            account_id: offer.target.account_id().to_string(),
            region: offer.target.region().map(str::to_string),
        };
        let result = match &offer.target {
            Target::IngressRule {
                region,
                group_id,
                rule,
                ..
            } => {
                let Some(ec2) = self.ec2.get(region) else {
                    return Some(Err(no_client("EC2", region)));
                };
                if offer.action == ActionId::RestoreIngress {
                    ec2.authorize_security_group_ingress()
                        .group_id(group_id)
                        .ip_permissions(permission(rule))
                        .send()
                        .await
                        .map(|_| format!("{} is back in {group_id}", rule.describe()))
                        .map_err(|e| fail(classify(&id, call, &e)))
                } else {
                    // By rule ID when known (exactly that rule), else by its permission.
                    let request = ec2.revoke_security_group_ingress().group_id(group_id);
                    let request = match &rule.rule_id {
                        Some(rule_id) => request.security_group_rule_ids(rule_id),
                        None => request.ip_permissions(permission(rule)),
                    };
                    request
                        .send()
                        .await
                        .map_err(|e| fail(classify(&id, call, &e)))
                        .and_then(|out| {
                            if out.r#return() == Some(false) {
                                Err(format!("EC2 did not revoke {}", rule.describe()))
                            } else {
                                Ok(format!("{} is revoked from {group_id}", rule.describe()))
                            }
                        })
                }
            }
            Target::EbsDefaults { region, .. } => {
                let Some(ec2) = self.ec2.get(region) else {
                    return Some(Err(no_client("EC2", region)));
                };
                if offer.action == ActionId::DisableEbsDefaultEncryption {
                    ec2.disable_ebs_encryption_by_default()
                        .send()
                        .await
                        .map(|_| format!("EBS encryption by default is off in {region}"))
                        .map_err(|e| fail(classify(&id, call, &e)))
                } else {
                    ec2.enable_ebs_encryption_by_default()
                        .send()
                        .await
                        .map(|_| format!("EBS encryption by default is on in {region}"))
                        .map_err(|e| fail(classify(&id, call, &e)))
                }
            }
            Target::PublicAccessBlock { account_id, .. } => {
                let Some(s3control) = &self.s3control else {
                    return Some(Err("no S3 Control client".to_string()));
                };
                let all_on = aws_sdk_s3control::types::PublicAccessBlockConfiguration::builder()
                    .block_public_acls(true)
                    .ignore_public_acls(true)
                    .block_public_policy(true)
                    .restrict_public_buckets(true)
                    .build();
                s3control
                    .put_public_access_block()
                    .account_id(account_id)
                    .public_access_block_configuration(all_on)
                    .send()
                    .await
                    .map(|_| format!("S3 Block Public Access is on for {account_id}"))
                    .map_err(|e| fail(classify(&id, call, &e)))
            }
            Target::Trail {
                region, name, arn, ..
            } => {
                let Some(cloudtrail) = self.cloudtrail.get(region) else {
                    return Some(Err(no_client("CloudTrail", region)));
                };
                cloudtrail
                    .start_logging()
                    .name(arn)
                    .send()
                    .await
                    .map(|_| format!("trail {name} is logging"))
                    .map_err(|e| fail(classify(&id, call, &e)))
            }
            _ => return None,
        };
        Some(result)
    }
}
