//! One region's baseline: `DescribeSecurityGroups`, `GetEbsEncryptionByDefault`,
//! `DescribeVpcs`, `DescribeFlowLogs`, `DescribeConfigurationRecorders` and
//! `DescribeConfigurationRecorderStatus` — each once (paged) per poll — and the region's
//! resources: instances and volumes (`instances.rs`), RDS (`rds.rs`), KMS keys (`kms.rs`)
//! and internet-facing load balancers with their web ACL (`load_balancers.rs`).

use super::{degrade, instances, kms, load_balancers, rds};
use crate::aws::errors::{Call, classify};
use crate::domain::{
    ConfigRecorder, OpenIngress, RegionalBaseline, SecurityGroup, SourceId, SourceKind, Vpc,
};
use crate::sources::{Source, SourceData, SourceError};
use async_trait::async_trait;
use std::collections::HashMap;

const SECURITY_GROUPS: Call = Call::new("ec2", "DescribeSecurityGroups");
const EBS: Call = Call::new("ec2", "GetEbsEncryptionByDefault");
const VPCS: Call = Call::new("ec2", "DescribeVpcs");
const FLOW_LOGS: Call = Call::new("ec2", "DescribeFlowLogs");
const RECORDERS: Call = Call::new("config", "DescribeConfigurationRecorders");
const RECORDER_STATUS: Call = Call::new("config", "DescribeConfigurationRecorderStatus");

/// The largest page `DescribeSecurityGroups`, `DescribeVpcs` and `DescribeFlowLogs` allow.
const PAGE_SIZE: i32 = 1000;

const WORLD: [&str; 2] = ["0.0.0.0/0", "::/0"];

/// The clients one region's baseline reads with.
#[derive(Clone)]
pub struct RegionalClients {
    pub ec2: aws_sdk_ec2::Client,
    pub config: aws_sdk_config::Client,
    pub rds: aws_sdk_rds::Client,
    pub kms: aws_sdk_kms::Client,
    pub elb: aws_sdk_elasticloadbalancingv2::Client,
    pub waf: aws_sdk_wafv2::Client,
}

pub struct RegionalBaselineSource {
    id: SourceId,
    ec2: aws_sdk_ec2::Client,
    config: aws_sdk_config::Client,
    rds: aws_sdk_rds::Client,
    kms: aws_sdk_kms::Client,
    elb: aws_sdk_elasticloadbalancingv2::Client,
    waf: aws_sdk_wafv2::Client,
}

impl RegionalBaselineSource {
    pub fn new(clients: RegionalClients, account_id: &str, region: &str) -> Self {
        let RegionalClients {
            ec2,
            config,
            rds,
            kms,
            elb,
            waf,
        } = clients;
        RegionalBaselineSource {
            id: SourceId {
                kind: SourceKind::Baseline,
                account_id: account_id.to_string(),
                region: Some(region.to_string()),
            },
            ec2,
            config,
            rds,
            kms,
            elb,
            waf,
        }
    }

    async fn security_groups(&self) -> Result<Vec<SecurityGroup>, SourceError> {
        let mut pages = self
            .ec2
            .describe_security_groups()
            .max_results(PAGE_SIZE)
            .into_paginator()
            .send();
        let mut groups = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| classify(&self.id, SECURITY_GROUPS, &e))?;
            groups.extend(page.security_groups().iter().map(security_group));
        }
        Ok(groups)
    }

    async fn ebs_default(&self) -> Result<bool, SourceError> {
        let out = self
            .ec2
            .get_ebs_encryption_by_default()
            .send()
            .await
            .map_err(|e| classify(&self.id, EBS, &e))?;
        Ok(out.ebs_encryption_by_default().unwrap_or(false))
    }

    async fn vpcs(&self) -> Result<Vec<Vpc>, SourceError> {
        let mut flow_logs: HashMap<String, Vec<String>> = HashMap::new();
        let mut pages = self
            .ec2
            .describe_flow_logs()
            .max_results(PAGE_SIZE)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| classify(&self.id, FLOW_LOGS, &e))?;
            for log in page.flow_logs() {
                let active = log.flow_log_status().is_none_or(|s| s == "ACTIVE");
                if let (Some(resource), Some(id), true) =
                    (log.resource_id(), log.flow_log_id(), active)
                {
                    flow_logs
                        .entry(resource.to_string())
                        .or_default()
                        .push(id.to_string());
                }
            }
        }
        let mut vpcs = Vec::new();
        let mut pages = self
            .ec2
            .describe_vpcs()
            .max_results(PAGE_SIZE)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| classify(&self.id, VPCS, &e))?;
            for vpc in page.vpcs() {
                let id = vpc.vpc_id().unwrap_or_default().to_string();
                vpcs.push(Vpc {
                    flow_logs: flow_logs.remove(&id).unwrap_or_default(),
                    is_default: vpc.is_default().unwrap_or(false),
                    id,
                });
            }
        }
        Ok(vpcs)
    }

    async fn recorders(&self) -> Result<Vec<ConfigRecorder>, SourceError> {
        let listed = self
            .config
            .describe_configuration_recorders()
            .send()
            .await
            .map_err(|e| classify(&self.id, RECORDERS, &e))?;
        if listed.configuration_recorders().is_empty() {
            return Ok(Vec::new());
        }
        let status = self
            .config
            .describe_configuration_recorder_status()
            .send()
            .await
            .map_err(|e| classify(&self.id, RECORDER_STATUS, &e))?;
        Ok(listed
            .configuration_recorders()
            .iter()
            .map(|r| {
                let name = r.name().unwrap_or_default().to_string();
                ConfigRecorder {
                    recording: status
                        .configuration_recorders_status()
                        .iter()
                        .any(|s| s.name() == Some(name.as_str()) && s.recording()),
                    all_supported: r.recording_group().is_some_and(|g| g.all_supported()),
                    name,
                }
            })
            .collect())
    }
}

/// A group with only its world-open inbound rules.
fn security_group(group: &aws_sdk_ec2::types::SecurityGroup) -> SecurityGroup {
    let mut open = Vec::new();
    for permission in group.ip_permissions() {
        let protocol = permission.ip_protocol().unwrap_or("-1").to_string();
        let cidrs = permission
            .ip_ranges()
            .iter()
            .filter_map(|r| r.cidr_ip())
            .chain(
                permission
                    .ipv6_ranges()
                    .iter()
                    .filter_map(|r| r.cidr_ipv6()),
            );
        for cidr in cidrs.filter(|c| WORLD.contains(c)) {
            let all = protocol == "-1";
            open.push(OpenIngress {
                rule_id: None,
                protocol: protocol.clone(),
                from_port: permission.from_port().filter(|_| !all),
                to_port: permission.to_port().filter(|_| !all),
                cidr: cidr.to_string(),
            });
        }
    }
    SecurityGroup {
        id: group.group_id().unwrap_or_default().to_string(),
        name: group.group_name().unwrap_or_default().to_string(),
        vpc_id: group.vpc_id().map(str::to_string),
        open_ingress: open,
    }
}

#[async_trait]
impl Source for RegionalBaselineSource {
    fn id(&self) -> &SourceId {
        &self.id
    }

    async fn poll(&mut self) -> Result<SourceData, SourceError> {
        let id = &self.id;
        let (groups, ebs, vpcs, recorders, instances, volumes, dbs, keys, albs) = tokio::join!(
            self.security_groups(),
            self.ebs_default(),
            self.vpcs(),
            self.recorders(),
            instances::instances(&self.ec2, id),
            instances::volumes(&self.ec2, id),
            rds::db_instances(&self.rds, id),
            kms::keys(&self.kms, id),
            load_balancers::internet_facing_albs(&self.elb, &self.waf, id),
        );
        Ok(SourceData::RegionalBaseline(Box::new(RegionalBaseline {
            account_id: self.id.account_id.clone().into(),
            region: self.id.region.clone().unwrap_or_default().into(),
            security_groups: degrade(groups)?,
            ebs_encryption_by_default: degrade(ebs)?,
            vpcs: degrade(vpcs)?,
            config_recorders: degrade(recorders)?,
            instances: degrade(instances)?,
            volumes: degrade(volumes)?,
            db_instances: degrade(dbs)?,
            kms_keys: degrade(keys)?,
            load_balancers: degrade(albs)?,
        })))
    }
}
