//! The demo account's resources for the resource checks, deterministic per seed, in the
//! regions of the baseline's failures (`baseline::failures`):
//!
//! - in the SSH region: `legacy-batch`, an instance with no IAM role that allows IMDSv1,
//!   with an unencrypted root volume, and `shop-public`, an internet-facing ALB with no
//!   WAF web ACL;
//! - in the MySQL region: `reports-db`, an RDS instance unencrypted and publicly
//!   accessible, and a customer managed KMS key without rotation;
//! - everywhere else, and beside them, resources that pass;
//! - account-wide: `…-static-site`, a bucket public by its policy, and `…-press-kit`,
//!   public by its ACL but neutralised by the account's `IgnorePublicAcls`.

use super::DEMO_REGIONS;
use super::baseline::Failures;
use super::ids::{self, STREAM_BASELINE};
use crate::domain::{
    Bucket, BucketExposure, DbInstance, Instance, KeyRotation, KmsKey, LoadBalancer, Volume,
};

/// What one region of the demo account runs.
pub struct Resources {
    pub instances: Vec<Instance>,
    pub volumes: Vec<Volume>,
    pub db_instances: Vec<DbInstance>,
    pub kms_keys: Vec<KmsKey>,
    pub load_balancers: Vec<LoadBalancer>,
}

/// `i-…`, `vol-…`: 17 hex digits, as AWS's long IDs.
fn long_id(prefix: &str, seed: u64, slot: usize, index: u64) -> String {
    let hex = ids::hex32(seed, STREAM_BASELINE, 5000 + (slot as u64) * 100 + index);
    format!("{prefix}-{}", hex.get(..17).unwrap_or(&hex))
}

/// A KMS key ID (a UUID).
fn key_id(seed: u64, slot: usize, index: u64) -> String {
    let h = ids::hex32(seed, STREAM_BASELINE, 6000 + (slot as u64) * 100 + index);
    let part = |a: usize, b: usize| h.get(a..b).unwrap_or("0").to_string();
    format!(
        "{}-{}-{}-{}-{}",
        part(0, 8),
        part(8, 12),
        part(12, 16),
        part(16, 20),
        part(20, 32)
    )
}

pub fn regional(seed: u64, slot: usize, failures: &Failures, account: &str) -> Resources {
    let region = DEMO_REGIONS.get(slot).copied().unwrap_or_default();
    let instance = |index: u64, name: &str, role: bool, v2: bool| Instance {
        id: long_id("i", seed, slot, index),
        name: Some(name.to_string()),
        state: "running".into(),
        instance_profile: role.then(|| format!("arn:aws:iam::{account}:instance-profile/{name}")),
        imds_v2_required: v2,
        metadata_endpoint: true,
    };
    let mut instances = vec![
        instance(1, "web-1", true, true),
        instance(2, "web-2", true, true),
    ];
    let volume = |index: u64, on: &Instance, encrypted: bool| Volume {
        id: long_id("vol", seed, slot, index),
        encrypted,
        state: "in-use".into(),
        attached_to: vec![on.id.clone()],
    };
    let mut volumes: Vec<Volume> = instances
        .iter()
        .enumerate()
        .map(|(i, on)| volume(10 + i as u64, on, true))
        .collect();
    let alb = |name: &str, waf: bool| {
        let hex = ids::hex32(seed, STREAM_BASELINE, 7000 + slot as u64);
        let suffix = hex.get(..16).unwrap_or(&hex).to_string();
        LoadBalancer {
            name: name.to_string(),
            arn: format!(
                "arn:aws:elasticloadbalancing:{region}:{account}:loadbalancer/app/{name}/{suffix}"
            ),
            web_acl: Ok(waf.then(|| {
                format!("arn:aws:wafv2:{region}:{account}:regional/webacl/edge-protection/{suffix}")
            })),
        }
    };
    let mut load_balancers = vec![alb("web-alb", true)];
    let db = |id: &str, encrypted: bool, public: bool| DbInstance {
        id: id.to_string(),
        engine: "postgres".into(),
        storage_encrypted: encrypted,
        publicly_accessible: public,
    };
    let mut db_instances = vec![db("orders-db", true, false)];
    let key = |index: u64, rotation: KeyRotation| {
        let id = key_id(seed, slot, index);
        KmsKey {
            arn: format!("arn:aws:kms:{region}:{account}:key/{id}"),
            id,
            rotation: Ok(rotation),
        }
    };
    let mut kms_keys = vec![
        key(1, KeyRotation::On),
        key(2, KeyRotation::NotApplicable("AWS managed".into())),
    ];
    if slot == failures.ssh {
        let legacy = instance(3, "legacy-batch", false, false);
        volumes.push(volume(13, &legacy, false));
        instances.push(legacy);
        load_balancers.push(alb("shop-public", false));
    }
    if slot == failures.mysql {
        db_instances.push(db("reports-db", false, true));
        kms_keys.push(key(3, KeyRotation::Off));
    }
    Resources {
        instances,
        volumes,
        db_instances,
        kms_keys,
        load_balancers,
    }
}

/// The account's buckets: two public ones (one neutralised by the account's Block Public
/// Access), the rest private.
pub fn buckets(account: &str) -> Vec<Bucket> {
    let bucket = |name: &str, region: &str, policy_public: bool, grants: &[&str]| Bucket {
        name: format!("{account}-{name}"),
        region: Some(region.to_string()),
        exposure: Ok(BucketExposure {
            policy_public,
            public_grants: grants.iter().map(|g| g.to_string()).collect(),
            block: None,
        }),
    };
    let home = DEMO_REGIONS[0];
    let other = DEMO_REGIONS.get(1).copied().unwrap_or(home);
    vec![
        bucket("audit-logs", home, false, &[]),
        bucket("static-site", other, true, &[]),
        bucket("press-kit", home, false, &["READ to AllUsers"]),
        bucket("backups", other, false, &[]),
    ]
}

#[cfg(test)]
mod tests {
    use crate::domain::{CheckStatus, RegionalBaseline};
    use crate::posture::{Inventory, Thresholds, evaluate};
    use crate::sources::demo::{DEMO_REGIONS, DemoOptions, DemoWorld};

    /// On `--demo`, every resource check fails somewhere and passes somewhere else.
    #[test]
    fn every_resource_check_shows_a_failure_and_a_pass_on_the_demo() {
        let now = chrono::DateTime::UNIX_EPOCH;
        let world = DemoWorld::new(DemoOptions::default(), now);
        let regional: Vec<RegionalBaseline> = DEMO_REGIONS
            .iter()
            .filter_map(|r| world.regional_baseline(r))
            .collect();
        let account = [world.account_baseline()];
        let inventory = Inventory {
            identities: &[],
            detectors: &[],
            alarms: &[],
            regional_baselines: &regional,
            account_baselines: &account,
        };
        let results = evaluate(&inventory, &Thresholds::default(), now);
        for check in [
            "s3.bucket-public-access",
            "ec2.instance-iam-role",
            "ec2.imdsv2",
            "ec2.ebs-volume-encryption",
            "rds.storage-encryption",
            "rds.public-access",
            "kms.key-rotation",
            "elb.alb-waf",
            "ec2.sg-open-unauthorized-ports",
        ] {
            let of = |status| {
                results
                    .iter()
                    .filter(|r| r.check_id() == check && r.status == status)
                    .count()
            };
            assert!(of(CheckStatus::Fail) >= 1, "{check} fails nowhere");
            assert!(of(CheckStatus::Pass) >= 1, "{check} passes nowhere");
        }
        // The bucket public by ACL is protected by the account's IgnorePublicAcls.
        let press = results.iter().find(|r| {
            r.check_id() == "s3.bucket-public-access" && r.resource().ends_with("press-kit")
        });
        assert_eq!(
            press.map(|r| (r.status, r.evidence().to_string())),
            Some((
                CheckStatus::Pass,
                "its ACL grants READ to AllUsers, ignored by the account's IgnorePublicAcls"
                    .to_string()
            ))
        );
    }

    #[tokio::test]
    async fn the_new_actions_stay_done_on_the_demo() {
        use crate::remediation::{ActionId, Execute, Offer, Target};
        use crate::sources::demo::DEMO_ACCOUNT_ID;
        use crate::sources::demo::changes::DemoExecutor;
        let now = chrono::DateTime::UNIX_EPOCH;
        let world = DemoWorld::new(DemoOptions::default(), now);
        let executor = DemoExecutor::new(world.changes.clone());
        let legacy = DEMO_REGIONS.iter().find_map(|r| {
            let b = world.regional_baseline(r)?;
            let i = b
                .instances
                .ok()?
                .into_iter()
                .find(|i| !i.imds_v2_required)?;
            Some((*r, i))
        });
        let Some((region, instance)) = legacy else {
            panic!("no IMDSv1 instance in the demo");
        };
        let require = Offer::new(
            ActionId::RequireImdsV2,
            Target::Instance {
                account_id: DEMO_ACCOUNT_ID.into(),
                region: region.into(),
                instance_id: instance.id.clone(),
                name: instance.name.clone().unwrap_or_default(),
                imds_v2_required: false,
            },
            now,
        );
        assert!(executor.perform(&require).await.is_ok());
        let now_v2 = world
            .regional_baseline(region)
            .and_then(|b| b.instances.ok())
            .and_then(|all| all.into_iter().find(|i| i.id == instance.id))
            .map(|i| i.imds_v2_required);
        assert_eq!(now_v2, Some(true));

        let site = format!("{DEMO_ACCOUNT_ID}-static-site");
        let block = Offer::new(
            ActionId::BlockBucketPublicAccess,
            Target::Bucket {
                account_id: DEMO_ACCOUNT_ID.into(),
                region: DEMO_REGIONS[1].into(),
                name: site.clone(),
                blocked: false,
            },
            now,
        );
        assert!(executor.perform(&block).await.is_ok());
        let blocked = world
            .account_baseline()
            .buckets
            .ok()
            .and_then(|all| all.into_iter().find(|b| b.name == site))
            .and_then(|b| b.exposure.ok())
            .and_then(|e| e.block);
        assert_eq!(blocked, Some(crate::domain::PublicAccessBlock::ALL_ON));
    }
}
