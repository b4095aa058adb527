//! EC2 instances (`DescribeInstances`) and EBS volumes (`DescribeVolumes`), paged.

use crate::aws::errors::{Call, classify};
use crate::domain::{Instance, SourceId, Volume};
use crate::sources::SourceError;
use aws_sdk_ec2::types::{HttpTokensState, InstanceMetadataEndpointState, InstanceStateName};

const INSTANCES: Call = Call::new("ec2", "DescribeInstances");
const VOLUMES: Call = Call::new("ec2", "DescribeVolumes");

/// The largest pages the two calls allow.
const INSTANCE_PAGE: i32 = 1000;
const VOLUME_PAGE: i32 = 500;

/// Every instance that is not terminated (or being terminated).
pub async fn instances(
    ec2: &aws_sdk_ec2::Client,
    id: &SourceId,
) -> Result<Vec<Instance>, SourceError> {
    let mut pages = ec2
        .describe_instances()
        .max_results(INSTANCE_PAGE)
        .into_paginator()
        .send();
    let mut instances = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify(id, INSTANCES, &e))?;
        for instance in page.reservations().iter().flat_map(|r| r.instances()) {
            let state = instance.state().and_then(|s| s.name());
            if matches!(
                state,
                Some(InstanceStateName::Terminated | InstanceStateName::ShuttingDown)
            ) {
                continue;
            }
            let metadata = instance.metadata_options();
            instances.push(Instance {
                id: instance.instance_id().unwrap_or_default().to_string(),
                name: instance
                    .tags()
                    .iter()
                    .find(|t| t.key() == Some("Name"))
                    .and_then(|t| t.value())
                    .map(str::to_string),
                state: state.map(|s| s.as_str().to_string()).unwrap_or_default(),
                instance_profile: instance
                    .iam_instance_profile()
                    .and_then(|p| p.arn())
                    .map(str::to_string),
                imds_v2_required: metadata
                    .and_then(|m| m.http_tokens())
                    .is_some_and(|t| *t == HttpTokensState::Required),
                // AWS leaves it out only when it is the default, enabled.
                metadata_endpoint: metadata
                    .and_then(|m| m.http_endpoint())
                    .is_none_or(|e| *e == InstanceMetadataEndpointState::Enabled),
            });
        }
    }
    Ok(instances)
}

pub async fn volumes(ec2: &aws_sdk_ec2::Client, id: &SourceId) -> Result<Vec<Volume>, SourceError> {
    let mut pages = ec2
        .describe_volumes()
        .max_results(VOLUME_PAGE)
        .into_paginator()
        .send();
    let mut volumes = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify(id, VOLUMES, &e))?;
        volumes.extend(page.volumes().iter().map(|v| {
            Volume {
                id: v.volume_id().unwrap_or_default().to_string(),
                encrypted: v.encrypted().unwrap_or(false),
                state: v
                    .state()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                attached_to: v
                    .attachments()
                    .iter()
                    .filter_map(|a| a.instance_id())
                    .map(str::to_string)
                    .collect(),
            }
        }));
    }
    Ok(volumes)
}
