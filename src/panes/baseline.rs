//! What a baseline check's row can be acted on as: the world-open rules of a failing
//! security group, a region's EBS default, the account's Block Public Access, its trails,
//! an instance's metadata options, a bucket's Block Public Access.

use crate::domain::KeyRotation;
use crate::posture::baseline;
use crate::remediation::Target;
use crate::store::Data;

/// The targets of a baseline check's row; empty for checks with no action.
pub fn targets(
    data: &Data,
    check_id: &str,
    account_id: &str,
    region: Option<&str>,
    resource: &str,
) -> Vec<Target> {
    let regional = || {
        data.regional_baselines
            .iter()
            .find(|b| b.account_id.as_str() == account_id && Some(b.region.as_str()) == region)
    };
    let account = || {
        data.account_baselines
            .iter()
            .find(|b| b.account_id.as_str() == account_id)
    };
    match check_id {
        "ec2.sg-open-admin-ports"
        | "ec2.sg-open-high-risk-ports"
        | "ec2.sg-open-unauthorized-ports" => {
            let Some(b) = regional() else {
                return Vec::new();
            };
            let Some(group) =
                b.security_groups.as_ref().ok().and_then(|groups| {
                    groups.iter().find(|g| g.id == baseline::group_id(resource))
                })
            else {
                return Vec::new();
            };
            let rules = match check_id {
                "ec2.sg-open-admin-ports" => baseline::admin_rules(group),
                "ec2.sg-open-high-risk-ports" => baseline::high_risk_rules(group),
                // The ports authorised when posture was last evaluated (the row's own).
                _ => {
                    let authorized = data
                        .thresholds()
                        .map_or(baseline::DEFAULT_AUTHORIZED_PORTS, |t| {
                            t.authorized_ports.as_slice()
                        });
                    baseline::unauthorized_rules(group, authorized)
                }
            };
            rules
                .into_iter()
                .map(|rule| Target::IngressRule {
                    account_id: account_id.into(),
                    region: b.region.as_str().into(),
                    group_id: group.id.as_str().into(),
                    group_name: group.name.clone(),
                    rule: rule.clone(),
                    present: true,
                })
                .collect()
        }
        "ec2.ebs-default-encryption" => regional()
            .and_then(|b| {
                let enabled = *b.ebs_encryption_by_default.as_ref().ok()?;
                Some(vec![Target::EbsDefaults {
                    account_id: account_id.into(),
                    region: b.region.as_str().into(),
                    enabled,
                }])
            })
            .unwrap_or_default(),
        "s3.account-public-access-block" => account()
            .and_then(|b| {
                let block = b.public_access_block.as_ref().ok()?;
                Some(vec![Target::PublicAccessBlock {
                    account_id: account_id.into(),
                    all_on: block.is_some_and(|b| b.all_on()),
                }])
            })
            .unwrap_or_default(),
        "cloudtrail.multi-region-logging" => account()
            .and_then(|b| b.trails.as_ref().ok())
            .map(|trails| {
                trails
                    .iter()
                    .map(|t| Target::Trail {
                        account_id: account_id.into(),
                        region: t.home_region.as_str().into(),
                        name: t.name.clone(),
                        arn: t.arn.clone(),
                        logging: t.logging == Ok(true),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        "ec2.imdsv2" => regional()
            .and_then(|b| {
                let instances = b.instances.as_ref().ok()?;
                let instance = instances
                    .iter()
                    .find(|i| i.id == baseline::instance_id(resource))?;
                Some(vec![Target::Instance {
                    account_id: account_id.into(),
                    region: b.region.as_str().into(),
                    instance_id: instance.id.clone(),
                    name: instance.name.clone().unwrap_or_default(),
                    imds_v2_required: instance.imds_v2_required,
                }])
            })
            .unwrap_or_default(),
        "kms.key-rotation" => regional()
            .and_then(|b| {
                let keys = b.kms_keys.as_ref().ok()?;
                let key = keys.iter().find(|k| k.id == resource)?;
                let rotating = match key.rotation.as_ref().ok()? {
                    KeyRotation::On => true,
                    KeyRotation::Off => false,
                    KeyRotation::NotApplicable(_) => return None,
                };
                Some(vec![Target::KmsKey {
                    account_id: account_id.into(),
                    region: b.region.as_str().into(),
                    key_id: key.id.clone(),
                    rotating,
                }])
            })
            .unwrap_or_default(),
        "s3.bucket-public-access" => account()
            .and_then(|b| {
                let buckets = b.buckets.as_ref().ok()?;
                let bucket = buckets
                    .iter()
                    .find(|k| k.name == baseline::bucket_name(resource))?;
                let exposure = bucket.exposure.as_ref().ok()?;
                Some(vec![Target::Bucket {
                    account_id: account_id.into(),
                    region: bucket.region.as_deref()?.into(),
                    name: bucket.name.clone(),
                    blocked: exposure.block.is_some_and(|b| b.all_on()),
                }])
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}
