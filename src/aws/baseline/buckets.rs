//! The account's S3 buckets (`ListBuckets`) and, asked in each bucket's own region, what
//! makes it public: `GetBucketLocation`, `GetBucketPolicyStatus` (no policy answers
//! `NoSuchBucketPolicy`), `GetBucketAcl` and `GetBucketPublicAccessBlock`.

use super::degrade;
use crate::aws::errors::{Call, classify};
use crate::domain::{Bucket, BucketExposure, Probe, PublicAccessBlock, SourceId};
use crate::sources::SourceError;
use aws_config::Region;
use aws_sdk_s3::types::Permission;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use futures::StreamExt;

const LIST: Call = Call::new("s3", "ListAllMyBuckets");
const LOCATION: Call = Call::new("s3", "GetBucketLocation");
const POLICY_STATUS: Call = Call::new("s3", "GetBucketPolicyStatus");
const ACL: Call = Call::new("s3", "GetBucketAcl");
/// S3's `GetPublicAccessBlock` on a bucket is authorised as this IAM action.
pub const BUCKET_BLOCK: Call = Call::new("s3", "GetBucketPublicAccessBlock");

/// Buckets asked about at once.
const CONCURRENCY: usize = 8;

const ALL_USERS: &str = "http://acs.amazonaws.com/groups/global/AllUsers";
const AUTHENTICATED_USERS: &str = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";

/// A client of `base` that signs for `region` (a bucket is asked in its own region).
pub fn s3_in(base: &aws_sdk_s3::Client, region: &str) -> aws_sdk_s3::Client {
    if base.config().region().is_some_and(|r| r.as_ref() == region) {
        return base.clone();
    }
    let config = base
        .config()
        .to_builder()
        .region(Region::new(region.to_string()))
        .build();
    aws_sdk_s3::Client::from_conf(config)
}

/// `GetBucketLocation`'s constraint as a region: none is us-east-1, `EU` is eu-west-1.
pub fn region_of(constraint: Option<&str>) -> String {
    match constraint {
        None | Some("") => "us-east-1".to_string(),
        Some("EU") => "eu-west-1".to_string(),
        Some(region) => region.to_string(),
    }
}

/// The bucket-level Block Public Access as `GetPublicAccessBlock` answers it (`None`: no
/// configuration).
pub async fn bucket_block(
    s3: &aws_sdk_s3::Client,
    bucket: &str,
) -> Result<
    Option<PublicAccessBlock>,
    aws_smithy_runtime_api::client::result::SdkError<
        aws_sdk_s3::operation::get_public_access_block::GetPublicAccessBlockError,
        aws_smithy_runtime_api::client::orchestrator::HttpResponse,
    >,
> {
    match s3.get_public_access_block().bucket(bucket).send().await {
        Ok(out) => Ok(out.public_access_block_configuration().map(|c| {
            PublicAccessBlock::from_answer([
                c.block_public_acls(),
                c.ignore_public_acls(),
                c.block_public_policy(),
                c.restrict_public_buckets(),
            ])
        })),
        Err(e) if e.code() == Some("NoSuchPublicAccessBlockConfiguration") => Ok(None),
        Err(e) => Err(e),
    }
}

pub async fn buckets(s3: &aws_sdk_s3::Client, id: &SourceId) -> Result<Vec<Bucket>, SourceError> {
    let mut pages = s3.list_buckets().into_paginator().send();
    let mut names = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify(id, LIST, &e))?;
        names.extend(
            page.buckets()
                .iter()
                .filter_map(|b| b.name())
                .map(str::to_string),
        );
    }
    let read: Vec<Result<Option<Bucket>, SourceError>> = futures::stream::iter(names)
        .map(|name| bucket(s3, id, name))
        .buffered(CONCURRENCY)
        .collect()
        .await;
    read.into_iter().filter_map(Result::transpose).collect()
}

/// Whether S3 says the bucket is gone (deleted since it was listed).
fn gone<E: ProvideErrorMetadata>(error: &E) -> bool {
    error.code() == Some("NoSuchBucket")
}

/// One bucket; `None` if it was deleted since it was listed.
async fn bucket(
    s3: &aws_sdk_s3::Client,
    id: &SourceId,
    name: String,
) -> Result<Option<Bucket>, SourceError> {
    let region = match s3.get_bucket_location().bucket(&name).send().await {
        Ok(out) => region_of(out.location_constraint().map(|c| c.as_str())),
        Err(e) if gone(&e) => return Ok(None),
        Err(e) => {
            let exposure = degrade(Err(classify(id, LOCATION, &e)))?;
            return Ok(Some(Bucket {
                name,
                region: None,
                exposure,
            }));
        }
    };
    let Some(exposure) = exposure(&s3_in(s3, &region), id, &name).await? else {
        return Ok(None);
    };
    Ok(Some(Bucket {
        name,
        region: Some(region),
        exposure,
    }))
}

/// The bucket's policy status, public ACL grants and Block Public Access; the first denied
/// read makes the whole exposure unreadable (a bucket is judged on all three). `None`: the
/// bucket is gone.
async fn exposure(
    s3: &aws_sdk_s3::Client,
    id: &SourceId,
    name: &str,
) -> Result<Option<Probe<BucketExposure>>, SourceError> {
    let policy_public = match s3.get_bucket_policy_status().bucket(name).send().await {
        Ok(out) => out
            .policy_status()
            .and_then(|s| s.is_public())
            .unwrap_or(false),
        // No policy: nothing public about it.
        Err(e) if e.code() == Some("NoSuchBucketPolicy") => false,
        Err(e) if gone(&e) => return Ok(None),
        Err(e) => return degrade(Err(classify(id, POLICY_STATUS, &e))).map(Some),
    };
    let public_grants = match s3.get_bucket_acl().bucket(name).send().await {
        Ok(out) => out
            .grants()
            .iter()
            .filter_map(|g| {
                let group = match g.grantee()?.uri()? {
                    ALL_USERS => "AllUsers",
                    AUTHENTICATED_USERS => "AuthenticatedUsers",
                    _ => return None,
                };
                let permission = g.permission().map_or("?", Permission::as_str);
                Some(format!("{permission} to {group}"))
            })
            .collect(),
        Err(e) if gone(&e) => return Ok(None),
        Err(e) => return degrade(Err(classify(id, ACL, &e))).map(Some),
    };
    let block = match bucket_block(s3, name).await {
        Ok(block) => block,
        Err(e) if gone(&e) => return Ok(None),
        Err(e) => return degrade(Err(classify(id, BUCKET_BLOCK, &e))).map(Some),
    };
    Ok(Some(Ok(BucketExposure {
        policy_public,
        public_grants,
        block,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_constraints_name_regions() {
        assert_eq!(region_of(None), "us-east-1");
        assert_eq!(region_of(Some("")), "us-east-1");
        assert_eq!(region_of(Some("EU")), "eu-west-1");
        assert_eq!(region_of(Some("ap-south-1")), "ap-south-1");
    }
}
