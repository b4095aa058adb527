//! One S3 bucket's Block Public Access: turn all four settings on.

use super::{other_kind, refused, shell_quote as q};
use crate::aws::baseline::buckets::{BUCKET_BLOCK, bucket_block};
use crate::domain::{AccountBaseline, Call, PublicAccessBlock};
use crate::remediation::action::{Action, ActionError, ActionSpec, Applies};
use crate::remediation::aws::AwsClients;
use crate::remediation::{Offer, Target};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

pub struct BlockPublicAccess;

static BLOCK: ActionSpec = ActionSpec {
    name: "block-public-access-bucket",
    title: "Turn on all four S3 Block Public Access settings of the bucket",
    applies: Applies::Bucket,
    call: Call::new("s3", "PutBucketPublicAccessBlock"),
    recheck: Some(BUCKET_BLOCK),
    api: "s3:PutPublicAccessBlock on the bucket (all four true)",
    undo: None,
};

#[async_trait]
impl Action for BlockPublicAccess {
    fn spec(&self) -> &'static ActionSpec {
        &BLOCK
    }

    fn unavailable(&self, target: &Target) -> Option<&'static str> {
        matches!(target, Target::Bucket { blocked: true, .. })
            .then_some("all four settings of the bucket are already on")
    }

    fn cli(&self, target: &Target, _at: DateTime<Utc>) -> String {
        let Target::Bucket { region, name, .. } = target else {
            return String::new();
        };
        format!(
            "aws s3api put-public-access-block --region {region} --bucket {} --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
            q(name)
        )
    }

    async fn recheck(&self, aws: &AwsClients, offer: &Offer) -> Result<(), ActionError> {
        let Target::Bucket { region, name, .. } = &offer.target else {
            return Err(other_kind(&offer.target));
        };
        match bucket_block(&aws.s3(region)?, name).await {
            Ok(Some(block)) if block.all_on() => Err(ActionError::Changed(format!(
                "all four Block Public Access settings of {name} are on already"
            ))),
            Ok(_) => Ok(()),
            Err(e) => Err(refused(&offer.target, BUCKET_BLOCK, &e)),
        }
    }

    async fn call(&self, aws: &AwsClients, offer: &Offer) -> Result<String, ActionError> {
        let Target::Bucket { region, name, .. } = &offer.target else {
            return Err(other_kind(&offer.target));
        };
        let all_on = aws_sdk_s3::types::PublicAccessBlockConfiguration::builder()
            .block_public_acls(true)
            .ignore_public_acls(true)
            .block_public_policy(true)
            .restrict_public_buckets(true)
            .build();
        aws.s3(region)?
            .put_public_access_block()
            .bucket(name)
            .public_access_block_configuration(all_on)
            .send()
            .await
            .map_err(|e| refused(&offer.target, BLOCK.call, &e))?;
        Ok(format!("S3 Block Public Access is on for bucket {name}"))
    }

    fn on_account(&self, target: &Target, baseline: &mut AccountBaseline) {
        let Target::Bucket { name, .. } = target else {
            return;
        };
        if *target.account_id() != *baseline.account_id {
            return;
        }
        if let Ok(buckets) = baseline.buckets.as_mut() {
            for bucket in buckets.iter_mut().filter(|b| b.name == *name) {
                if let Ok(exposure) = bucket.exposure.as_mut() {
                    exposure.block = Some(PublicAccessBlock::ALL_ON);
                }
            }
        }
    }
}
