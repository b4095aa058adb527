//! The demo account's baseline: in every region a default VPC, a production VPC and a
//! few security groups; a multi-region trail; S3 Block Public Access. Deterministic per
//! seed, which also picks the regions of the failures:
//!
//! - a `bastion-ssh` group with SSH open to 0.0.0.0/0 (one region);
//! - a `legacy-mysql` group with MySQL open to 0.0.0.0/0 (another region);
//! - EBS encryption by default off (a third region);
//! - the production VPC of the SSH region without flow logs;
//! - S3 Block Public Access with `RestrictPublicBuckets` off;
//! - metric filters for some CIS monitoring events, without alarms;
//! - a `game-server` group open to 0.0.0.0/0 on ports not authorised (EBS region);
//! - the resources of `resources.rs`: open buckets, an IMDSv1 instance without a role, an
//!   unencrypted volume, a public unencrypted RDS instance, a key without rotation, an
//!   ALB without WAF.

use super::DEMO_REGIONS;
use super::ids::{self, STREAM_BASELINE};
use super::resources;
use crate::domain::{
    AccountBaseline, ConfigRecorder, MetricFilter, OpenIngress, PublicAccessBlock,
    RegionalBaseline, SecurityGroup, Trail, Vpc,
};

/// The region slot of each failure, for a seed.
pub struct Failures {
    pub ssh: usize,
    pub mysql: usize,
    pub ebs_off: usize,
}

pub fn failures(seed: u64) -> Failures {
    let n = DEMO_REGIONS.len();
    let first = (ids::mix(seed, STREAM_BASELINE, 0) % n as u64) as usize;
    Failures {
        ssh: first,
        mysql: (first + 1) % n,
        ebs_off: (first + 2) % n,
    }
}

/// `sg-…`, `vpc-…`, `fl-…`: 17 hex digits, like AWS's long IDs.
fn aws_id(prefix: &str, seed: u64, slot: usize, index: u64) -> String {
    let hex = ids::hex32(seed, STREAM_BASELINE, (slot as u64) * 100 + index);
    format!("{prefix}-{}", hex.get(..17).unwrap_or(&hex))
}

fn world_open(port: i32) -> OpenIngress {
    OpenIngress {
        rule_id: None,
        protocol: "tcp".into(),
        from_port: Some(port),
        to_port: Some(port),
        cidr: "0.0.0.0/0".into(),
    }
}

pub fn regional(seed: u64, region: &str, account: &str) -> Option<RegionalBaseline> {
    let slot = DEMO_REGIONS.iter().position(|r| *r == region)?;
    let failures = failures(seed);
    let default_vpc = aws_id("vpc", seed, slot, 1);
    let prod_vpc = aws_id("vpc", seed, slot, 2);
    let group = |index: u64, name: &str, vpc: &str, open: Vec<OpenIngress>| SecurityGroup {
        id: aws_id("sg", seed, slot, 10 + index),
        name: name.to_string(),
        vpc_id: Some(vpc.to_string()),
        open_ingress: open,
    };
    let mut groups = vec![
        group(0, "default", &default_vpc, Vec::new()),
        group(1, "default", &prod_vpc, Vec::new()),
        group(
            2,
            "web-alb",
            &prod_vpc,
            vec![world_open(443), world_open(80)],
        ),
    ];
    if slot == failures.ssh {
        groups.push(group(3, "bastion-ssh", &prod_vpc, vec![world_open(22)]));
    }
    if slot == failures.mysql {
        groups.push(group(4, "legacy-mysql", &prod_vpc, vec![world_open(3306)]));
    }
    if slot == failures.ebs_off {
        let mut udp = world_open(27015);
        udp.protocol = "udp".into();
        groups.push(group(
            5,
            "game-server",
            &prod_vpc,
            vec![world_open(8443), udp],
        ));
    }
    let flow_log = |index: u64| aws_id("fl", seed, slot, 20 + index);
    let vpcs = vec![
        Vpc {
            id: default_vpc,
            is_default: true,
            flow_logs: vec![flow_log(0)],
        },
        Vpc {
            id: prod_vpc,
            is_default: false,
            flow_logs: if slot == failures.ssh {
                Vec::new()
            } else {
                vec![flow_log(1)]
            },
        },
    ];
    let resources = resources::regional(seed, slot, &failures, account);
    Some(RegionalBaseline {
        account_id: account.to_string().into(),
        region: region.to_string().into(),
        security_groups: Ok(groups),
        ebs_encryption_by_default: Ok(slot != failures.ebs_off),
        vpcs: Ok(vpcs),
        config_recorders: Ok(vec![ConfigRecorder {
            name: "default".into(),
            recording: true,
            all_supported: true,
        }]),
        instances: Ok(resources.instances),
        volumes: Ok(resources.volumes),
        db_instances: Ok(resources.db_instances),
        kms_keys: Ok(resources.kms_keys),
        load_balancers: Ok(resources.load_balancers),
    })
}

/// Where the demo trail's metric filters publish, and its CIS alarms look.
pub const CIS_NAMESPACE: &str = "CloudTrailMetrics";

/// The log group the demo trail delivers to.
fn log_group(account: &str) -> String {
    format!("aws-cloudtrail-logs-{account}")
}

pub fn account(account: &str) -> AccountBaseline {
    let home = DEMO_REGIONS[0];
    let log_group = log_group(account);
    let filter = |name: &str, pattern: &str| MetricFilter {
        name: name.to_string(),
        log_group: log_group.clone(),
        region: home.to_string(),
        pattern: pattern.to_string(),
        // The namespace the demo's CIS alarms watch (`alarm_catalog.rs`): a filter must
        // publish where its alarm looks, or the alarm watches nothing.
        metrics: vec![(CIS_NAMESPACE.to_string(), name.to_string())],
    };
    AccountBaseline {
        account_id: account.to_string().into(),
        trails: Ok(vec![Trail {
            name: "org-trail".into(),
            arn: format!("arn:aws:cloudtrail:{home}:{account}:trail/org-trail"),
            home_region: home.to_string(),
            multi_region: true,
            log_file_validation: true,
            logging: Ok(true),
            log_group: Some(log_group.clone()),
        }]),
        metric_filters: Ok(vec![
            filter(
                "RootAccountUsage",
                r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#,
            ),
            filter(
                "UnauthorizedAPICalls",
                r#"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }"#,
            ),
            filter(
                "CloudTrailChanges",
                r#"{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }"#,
            ),
        ]),
        public_access_block: Ok(Some(PublicAccessBlock {
            restrict_public_buckets: false,
            ..PublicAccessBlock::ALL_ON
        })),
        buckets: Ok(resources::buckets(account)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::demo::DEMO_ACCOUNT_ID;

    #[test]
    fn each_failure_is_in_its_own_region_and_the_same_for_a_seed() {
        for seed in 0..20 {
            let f = failures(seed);
            assert!(f.ssh != f.mysql && f.mysql != f.ebs_off && f.ssh != f.ebs_off);
            assert_eq!(
                regional(seed, "eu-west-1", "1"),
                regional(seed, "eu-west-1", "1")
            );
        }
        assert!(regional(7, "mars-north-1", "1").is_none());
        let ssh = DEMO_REGIONS[failures(7).ssh];
        let groups = regional(7, ssh, DEMO_ACCOUNT_ID)
            .and_then(|b| b.security_groups.ok())
            .unwrap_or_default();
        assert!(groups.iter().any(|g| g.name == "bastion-ssh"));
    }

    #[tokio::test]
    async fn actions_on_the_demo_baseline_stay_done() {
        use crate::remediation::{ActionId, Execute, Offer, Target};
        use crate::sources::demo::{DemoOptions, DemoWorld, changes::DemoExecutor};
        let now = chrono::DateTime::UNIX_EPOCH;
        let world = DemoWorld::new(DemoOptions::default(), now);
        let executor = DemoExecutor::new(world.changes.clone());
        let region = DEMO_REGIONS[failures(7).ssh];
        let groups = world
            .regional_baseline(region)
            .and_then(|b| b.security_groups.ok())
            .unwrap_or_default();
        let Some(bastion) = groups.iter().find(|g| g.name == "bastion-ssh") else {
            panic!("no bastion group in {region}");
        };
        let revoke = Offer::new(
            ActionId::RevokeIngress,
            Target::IngressRule {
                account_id: DEMO_ACCOUNT_ID.into(),
                region: region.into(),
                group_id: bastion.id.clone().into(),
                group_name: bastion.name.clone(),
                rule: world_open(22),
                present: true,
            },
            now,
        );
        assert!(executor.perform(&revoke).await.is_ok());
        let after = world
            .regional_baseline(region)
            .and_then(|b| b.security_groups.ok());
        let open: Vec<_> = after
            .unwrap_or_default()
            .into_iter()
            .filter(|g| g.id == bastion.id)
            .flat_map(|g| g.open_ingress)
            .collect();
        assert!(open.is_empty(), "{open:?}");

        let ebs_region = DEMO_REGIONS[failures(7).ebs_off];
        let enable = Offer::new(
            ActionId::EnableEbsDefaultEncryption,
            Target::EbsDefaults {
                account_id: DEMO_ACCOUNT_ID.into(),
                region: ebs_region.into(),
                enabled: false,
            },
            now,
        );
        assert!(executor.perform(&enable).await.is_ok());
        let ebs = world
            .regional_baseline(ebs_region)
            .map(|b| b.ebs_encryption_by_default);
        assert_eq!(ebs, Some(Ok(true)));

        let block = Offer::new(
            ActionId::BlockPublicAccess,
            Target::PublicAccessBlock {
                account_id: DEMO_ACCOUNT_ID.into(),
                all_on: false,
            },
            now,
        );
        assert!(executor.perform(&block).await.is_ok());
        assert_eq!(
            world.account_baseline().public_access_block,
            Ok(Some(PublicAccessBlock::ALL_ON))
        );
    }
}
