//! The account-wide baseline: `DescribeTrails` (with shadow trails, so a multi-region
//! trail from any region is seen), `GetTrailStatus` per trail, `DescribeMetricFilters` on
//! each trail's CloudWatch Logs log group, S3 Control's `GetPublicAccessBlock`, and the
//! account's buckets (`buckets.rs`).

use super::{buckets, degrade};
use crate::aws::errors::{Call, classify};
use crate::domain::{
    AccountBaseline, MetricFilter, PublicAccessBlock, SourceId, SourceKind, Trail,
};
use crate::sources::{Source, SourceData, SourceError};
use async_trait::async_trait;
use aws_config::Region;
use aws_sdk_s3control::operation::get_public_access_block::GetPublicAccessBlockError;
use aws_smithy_runtime_api::client::result::SdkError;
use std::collections::HashMap;

const TRAILS: Call = Call::new("cloudtrail", "DescribeTrails");
const TRAIL_STATUS: Call = Call::new("cloudtrail", "GetTrailStatus");
const METRIC_FILTERS: Call = Call::new("logs", "DescribeMetricFilters");
/// S3 Control's `GetPublicAccessBlock` is authorised as this IAM action.
const PUBLIC_ACCESS_BLOCK: Call = Call::new("s3", "GetAccountPublicAccessBlock");

pub struct AccountBaselineSource {
    id: SourceId,
    /// CloudTrail clients by region; the first watched region's lists the trails.
    cloudtrail: HashMap<String, aws_sdk_cloudtrail::Client>,
    home: String,
    /// CloudWatch Logs clients by region; a log group elsewhere gets one made from these.
    logs: HashMap<String, aws_sdk_cloudwatchlogs::Client>,
    s3control: aws_sdk_s3control::Client,
    /// S3, signing for the home region; each bucket is asked in its own.
    s3: aws_sdk_s3::Client,
}

impl AccountBaselineSource {
    pub fn new(
        cloudtrail: HashMap<String, aws_sdk_cloudtrail::Client>,
        logs: HashMap<String, aws_sdk_cloudwatchlogs::Client>,
        s3control: aws_sdk_s3control::Client,
        s3: aws_sdk_s3::Client,
        account_id: &str,
        home: &str,
    ) -> Self {
        AccountBaselineSource {
            id: SourceId {
                kind: SourceKind::Baseline,
                account_id: account_id.to_string(),
                region: None,
            },
            cloudtrail,
            home: home.to_string(),
            logs,
            s3control,
            s3,
        }
    }

    async fn trails(&self) -> Result<Vec<Trail>, SourceError> {
        let Some(client) = self.cloudtrail.get(&self.home) else {
            return Ok(Vec::new());
        };
        let listed = client
            .describe_trails()
            .include_shadow_trails(true)
            .send()
            .await
            .map_err(|e| classify(&self.id, TRAILS, &e))?;
        let mut trails = Vec::new();
        for t in listed.trail_list() {
            let arn = t.trail_arn().unwrap_or_default().to_string();
            let home_region = t.home_region().unwrap_or(&self.home).to_string();
            let status_client = self.cloudtrail.get(&home_region).unwrap_or(client);
            // Denied: the status is unknown and the control says which permission it needs;
            // any other failure fails the poll.
            let status = status_client.get_trail_status().name(&arn).send().await;
            let logging = degrade(
                status
                    .map(|s| s.is_logging().unwrap_or(false))
                    .map_err(|e| classify(&self.id, TRAIL_STATUS, &e)),
            )?;
            trails.push(Trail {
                name: t.name().unwrap_or_default().to_string(),
                arn,
                home_region,
                multi_region: t.is_multi_region_trail().unwrap_or(false),
                log_file_validation: t.log_file_validation_enabled().unwrap_or(false),
                logging,
                log_group: t.cloud_watch_logs_log_group_arn().and_then(log_group_name),
            });
        }
        Ok(trails)
    }

    fn logs_client(&self, region: &str) -> Option<aws_sdk_cloudwatchlogs::Client> {
        if let Some(client) = self.logs.get(region) {
            return Some(client.clone());
        }
        let any = self.logs.values().next()?;
        let config = any
            .config()
            .to_builder()
            .region(Region::new(region.to_string()))
            .build();
        Some(aws_sdk_cloudwatchlogs::Client::from_conf(config))
    }

    async fn metric_filters(&self, trails: &[Trail]) -> Result<Vec<MetricFilter>, SourceError> {
        let mut filters = Vec::new();
        let mut seen = Vec::new();
        for trail in trails.iter().filter(|t| t.multi_region) {
            let Some(group) = &trail.log_group else {
                continue;
            };
            let region = trail.home_region.clone();
            if seen.contains(&(group.clone(), region.clone())) {
                continue;
            }
            seen.push((group.clone(), region.clone()));
            let Some(client) = self.logs_client(&region) else {
                continue;
            };
            let mut pages = client
                .describe_metric_filters()
                .log_group_name(group)
                .into_paginator()
                .send();
            while let Some(page) = pages.next().await {
                let page = page.map_err(|e| classify(&self.id, METRIC_FILTERS, &e))?;
                filters.extend(page.metric_filters().iter().map(|f| {
                    MetricFilter {
                        name: f.filter_name().unwrap_or_default().to_string(),
                        log_group: group.clone(),
                        region: region.clone(),
                        pattern: f.filter_pattern().unwrap_or_default().to_string(),
                        metrics: f
                            .metric_transformations()
                            .iter()
                            .map(|m| {
                                (
                                    m.metric_namespace().to_string(),
                                    m.metric_name().to_string(),
                                )
                            })
                            .collect(),
                    }
                }));
            }
        }
        Ok(filters)
    }

    async fn public_access_block(&self) -> Result<Option<PublicAccessBlock>, SourceError> {
        let result = self
            .s3control
            .get_public_access_block()
            .account_id(&self.id.account_id)
            .send()
            .await;
        match result {
            Ok(out) => Ok(out.public_access_block_configuration().map(|c| {
                PublicAccessBlock::from_answer([
                    c.block_public_acls(),
                    c.ignore_public_acls(),
                    c.block_public_policy(),
                    c.restrict_public_buckets(),
                ])
            })),
            Err(SdkError::ServiceError(e))
                if matches!(
                    e.err(),
                    GetPublicAccessBlockError::NoSuchPublicAccessBlockConfiguration(_)
                ) =>
            {
                Ok(None)
            }
            Err(e) => Err(classify(&self.id, PUBLIC_ACCESS_BLOCK, &e)),
        }
    }
}

/// `arn:aws:logs:us-east-1:111122223333:log-group:trail-logs:*` → `trail-logs`.
fn log_group_name(arn: &str) -> Option<String> {
    let rest = arn.split_once(":log-group:")?.1;
    let name = rest.strip_suffix(":*").unwrap_or(rest);
    (!name.is_empty()).then(|| name.to_string())
}

#[async_trait]
impl Source for AccountBaselineSource {
    fn id(&self) -> &SourceId {
        &self.id
    }

    async fn poll(&mut self) -> Result<SourceData, SourceError> {
        let (trails, block, buckets) = tokio::join!(
            self.trails(),
            self.public_access_block(),
            buckets::buckets(&self.s3, &self.id)
        );
        let trails = degrade(trails)?;
        let metric_filters = match &trails {
            Ok(trails) => degrade(self.metric_filters(trails).await)?,
            // Without the trails there is no log group to look at; say what is missing.
            Err(why) => Err(why.clone()),
        };
        Ok(SourceData::AccountBaseline(Box::new(AccountBaseline {
            account_id: self.id.account_id.clone().into(),
            trails,
            metric_filters,
            public_access_block: degrade(block)?,
            buckets: degrade(buckets)?,
        })))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_group_names_come_from_their_arn() {
        assert_eq!(
            log_group_name("arn:aws:logs:us-east-1:111122223333:log-group:trail-logs:*"),
            Some("trail-logs".to_string())
        );
        assert_eq!(
            log_group_name("arn:aws:logs:us-east-1:1:log-group:a/b"),
            Some("a/b".to_string())
        );
        assert_eq!(log_group_name("nonsense"), None);
    }
}
