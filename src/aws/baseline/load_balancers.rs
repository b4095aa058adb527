//! Internet-facing Application Load Balancers (`DescribeLoadBalancers`, 400 per page) and
//! the WAFv2 web ACL of each (`GetWebACLForResource`).

use super::degrade;
use crate::aws::errors::{Call, classify};
use crate::domain::{LoadBalancer, SourceId};
use crate::sources::SourceError;
use aws_sdk_elasticloadbalancingv2::types::{LoadBalancerSchemeEnum, LoadBalancerTypeEnum};
use futures::StreamExt;

const LOAD_BALANCERS: Call = Call::new("elasticloadbalancing", "DescribeLoadBalancers");
const WEB_ACL: Call = Call::new("wafv2", "GetWebACLForResource");

const PAGE: i32 = 400;

/// Load balancers asked about at once.
const CONCURRENCY: usize = 8;

pub async fn internet_facing_albs(
    elb: &aws_sdk_elasticloadbalancingv2::Client,
    waf: &aws_sdk_wafv2::Client,
    id: &SourceId,
) -> Result<Vec<LoadBalancer>, SourceError> {
    let mut pages = elb
        .describe_load_balancers()
        .page_size(PAGE)
        .into_paginator()
        .send();
    let mut albs = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify(id, LOAD_BALANCERS, &e))?;
        albs.extend(
            page.load_balancers()
                .iter()
                .filter(|lb| lb.r#type() == Some(&LoadBalancerTypeEnum::Application))
                .filter(|lb| lb.scheme() == Some(&LoadBalancerSchemeEnum::InternetFacing))
                .map(|lb| {
                    (
                        lb.load_balancer_name().unwrap_or_default().to_string(),
                        lb.load_balancer_arn().unwrap_or_default().to_string(),
                    )
                }),
        );
    }
    futures::stream::iter(albs)
        .map(|(name, arn)| async move {
            let acl = waf
                .get_web_acl_for_resource()
                .resource_arn(&arn)
                .send()
                .await
                .map(|out| out.web_acl().map(|acl| acl.arn().to_string()))
                .map_err(|e| classify(id, WEB_ACL, &e));
            Ok(LoadBalancer {
                web_acl: degrade(acl)?,
                name,
                arn,
            })
        })
        .buffered(CONCURRENCY)
        .collect::<Vec<Result<LoadBalancer, SourceError>>>()
        .await
        .into_iter()
        .collect()
}
