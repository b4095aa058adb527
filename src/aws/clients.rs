//! The SDK clients of a session, all built from the one shared `SdkConfig`: IAM and S3
//! Control once, every regional service once per watched region, each with the read-only
//! guard; from them, the sources a session polls and the remediation executor. STS signs in
//! and names the caller (`assume/`, `caller.rs`).

use super::alarms::AlarmSource;
use super::baseline::s3control_endpoint::LiteralHostResolver;
use super::baseline::{AccountBaselineSource, RegionalBaselineSource, RegionalClients};
use super::connect::AwsOptions;
use super::findings::FindingSource;
use super::identity::IamSource;
use super::read_only::ReadOnlySwitch;
use crate::remediation::aws::{AwsExecutor, BaselineClients};
use crate::sources::Source;
use aws_config::{Region, SdkConfig};
use std::collections::HashMap;

/// One client per service (and region), each with the read-only guard when asked.
pub struct Clients {
    iam: aws_sdk_iam::Client,
    cloudwatch: HashMap<String, aws_sdk_cloudwatch::Client>,
    guardduty: HashMap<String, aws_sdk_guardduty::Client>,
    ec2: HashMap<String, aws_sdk_ec2::Client>,
    config: HashMap<String, aws_sdk_config::Client>,
    cloudtrail: HashMap<String, aws_sdk_cloudtrail::Client>,
    /// CloudTrail for `LookupEvents`: every watched region and us-east-1, without the SDK's
    /// retries (the activity view paces and retries these calls itself).
    lookup: HashMap<String, aws_sdk_cloudtrail::Client>,
    logs: HashMap<String, aws_sdk_cloudwatchlogs::Client>,
    rds: HashMap<String, aws_sdk_rds::Client>,
    kms: HashMap<String, aws_sdk_kms::Client>,
    elb: HashMap<String, aws_sdk_elasticloadbalancingv2::Client>,
    waf: HashMap<String, aws_sdk_wafv2::Client>,
    s3control: aws_sdk_s3control::Client,
    /// S3 signs for the first watched region; each bucket is asked in its own.
    s3: aws_sdk_s3::Client,
}

/// One client of `$sdk` per region, from `$config`, each with the read-only guard.
macro_rules! regional_clients {
    ($sdk:ident, $config:expr, $read_only:expr, $regions:expr) => {{
        let mut clients = HashMap::new();
        for region in $regions {
            let builder = $sdk::config::Builder::from($config)
                .region(Region::new(region.clone()))
                .interceptor($read_only.guard());
            clients.insert(region.clone(), $sdk::Client::from_conf(builder.build()));
        }
        clients
    }};
}

impl Clients {
    /// Every client carries `read_only`'s guard, which refuses all but reads while it is on.
    pub fn new(config: &SdkConfig, read_only: &ReadOnlySwitch, regions: &[String]) -> Clients {
        let iam = aws_sdk_iam::config::Builder::from(config).interceptor(read_only.guard());
        // S3 Control is global; it signs for the first watched region.
        let mut s3control = aws_sdk_s3control::config::Builder::from(config)
            .endpoint_resolver(LiteralHostResolver::new())
            .interceptor(read_only.guard());
        // An emulator's address takes no bucket label in front of its host: path-style.
        let mut s3 = aws_sdk_s3::config::Builder::from(config)
            .force_path_style(config.endpoint_url().is_some())
            .interceptor(read_only.guard());
        if let Some(region) = regions.first() {
            s3control = s3control.region(Region::new(region.clone()));
            s3 = s3.region(Region::new(region.clone()));
        }
        Clients {
            iam: aws_sdk_iam::Client::from_conf(iam.build()),
            cloudwatch: regional_clients!(aws_sdk_cloudwatch, config, read_only, regions),
            guardduty: regional_clients!(aws_sdk_guardduty, config, read_only, regions),
            ec2: regional_clients!(aws_sdk_ec2, config, read_only, regions),
            config: regional_clients!(aws_sdk_config, config, read_only, regions),
            cloudtrail: regional_clients!(aws_sdk_cloudtrail, config, read_only, regions),
            lookup: lookup_clients(config, read_only, regions),
            logs: regional_clients!(aws_sdk_cloudwatchlogs, config, read_only, regions),
            rds: regional_clients!(aws_sdk_rds, config, read_only, regions),
            kms: regional_clients!(aws_sdk_kms, config, read_only, regions),
            elb: regional_clients!(aws_sdk_elasticloadbalancingv2, config, read_only, regions),
            waf: regional_clients!(aws_sdk_wafv2, config, read_only, regions),
            s3control: aws_sdk_s3control::Client::from_conf(s3control.build()),
            s3: aws_sdk_s3::Client::from_conf(s3.build()),
        }
    }

    /// An executor on these clients. A read-only session never builds one; if code did,
    /// the guard on the clients would still refuse every call it makes.
    pub fn executor(&self) -> AwsExecutor {
        AwsExecutor::new(
            self.iam.clone(),
            self.guardduty.clone(),
            self.cloudwatch.clone(),
        )
        .with_baseline(BaselineClients {
            ec2: self.ec2.clone(),
            cloudtrail: self.cloudtrail.clone(),
            s3control: Some(self.s3control.clone()),
            s3: Some(self.s3.clone()),
            kms: self.kms.clone(),
        })
    }

    /// IAM and the account baseline once per account; CloudWatch, GuardDuty and the
    /// regional baseline once per region. GuardDuty is left out where `findings` says a
    /// delegated administrator's detector lists this account's findings, and names the
    /// members where this account is that administrator.
    pub(super) fn sources(
        &self,
        options: &AwsOptions,
        account_id: &str,
        regions: &[String],
        findings: &FindingsPlan,
    ) -> Vec<Box<dyn Source>> {
        let mut sources: Vec<Box<dyn Source>> = vec![Box::new(IamSource::new(
            self.iam.clone(),
            account_id,
            options.report_max_age,
        ))];
        if let Some(home) = regions.first() {
            sources.push(Box::new(AccountBaselineSource::new(
                self.cloudtrail.clone(),
                self.logs.clone(),
                self.s3control.clone(),
                self.s3.clone(),
                account_id,
                home,
            )));
        }
        for region in regions {
            if let Some(client) = self.cloudwatch.get(region) {
                sources.push(Box::new(AlarmSource::new(
                    client.clone(),
                    account_id,
                    region,
                )));
            }
            if let Some(client) = self
                .guardduty
                .get(region)
                .filter(|_| !findings.elsewhere.contains(region))
            {
                let members = findings
                    .administers
                    .get(region)
                    .cloned()
                    .unwrap_or_default();
                sources.push(Box::new(
                    FindingSource::new(client.clone(), account_id, region).administering(members),
                ));
            }
            if let Some(clients) = self.regional(region) {
                sources.push(Box::new(RegionalBaselineSource::new(
                    clients, account_id, region,
                )));
            }
        }
        sources
    }
}

/// One CloudTrail client per region the activity view asks: the watched ones and us-east-1.
fn lookup_clients(
    config: &SdkConfig,
    read_only: &ReadOnlySwitch,
    regions: &[String],
) -> HashMap<String, aws_sdk_cloudtrail::Client> {
    let regions = crate::domain::ActivityQuery::regions_with_global(regions);
    let no_retries = aws_config::retry::RetryConfig::disabled();
    regions
        .into_iter()
        .map(|region| {
            let builder = aws_sdk_cloudtrail::config::Builder::from(config)
                .region(Region::new(region.clone()))
                .retry_config(no_retries.clone())
                .interceptor(read_only.guard());
            (
                region,
                aws_sdk_cloudtrail::Client::from_conf(builder.build()),
            )
        })
        .collect()
}

impl Clients {
    /// The CloudTrail clients the activity view reads this account's events with.
    pub fn activity(&self) -> HashMap<String, aws_sdk_cloudtrail::Client> {
        self.lookup.clone()
    }

    /// The GuardDuty clients the archived view lists this account's archived findings with.
    pub fn archived(&self) -> HashMap<String, aws_sdk_guardduty::Client> {
        self.guardduty.clone()
    }

    /// The clients of `region`'s baseline, if it is watched.
    fn regional(&self, region: &str) -> Option<RegionalClients> {
        Some(RegionalClients {
            ec2: self.ec2.get(region)?.clone(),
            config: self.config.get(region)?.clone(),
            rds: self.rds.get(region)?.clone(),
            kms: self.kms.get(region)?.clone(),
            elb: self.elb.get(region)?.clone(),
            waf: self.waf.get(region)?.clone(),
        })
    }

    /// The GuardDuty client of `region`, if it is watched.
    pub(super) fn guardduty(&self, region: &str) -> Option<&aws_sdk_guardduty::Client> {
        self.guardduty.get(region)
    }
}

/// Where an account's GuardDuty findings are read, region by region.
#[derive(Clone, Debug, Default)]
pub struct FindingsPlan {
    /// Regions where a delegated administrator's detector lists them: no source of its own.
    pub elsewhere: Vec<String>,
    /// Regions where this account is that administrator, with the members it covers.
    pub administers: HashMap<String, Vec<String>>,
}

/// STS needs some region to sign with; the global endpoint's is us-east-1.
pub(super) fn sts_client(config: &SdkConfig) -> aws_sdk_sts::Client {
    let mut builder = aws_sdk_sts::config::Builder::from(config);
    if config.region().is_none() {
        builder = builder.region(Region::from_static("us-east-1"));
    }
    aws_sdk_sts::Client::from_conf(builder.build())
}
