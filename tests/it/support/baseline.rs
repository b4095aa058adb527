//! Seeding the account-level baseline into the emulator through the real SDK clients:
//! a clean baseline (every control passes), and the pieces the tests then break.

use super::emulator::{ACCOUNT, Emulator};
use watchpost::aws::baseline::s3control_endpoint::LiteralHostResolver;

/// The bucket trails, flow logs and the Config delivery channel write to.
pub const BUCKET: &str = "audit-logs";
/// The log group the trail delivers to.
pub const LOG_GROUP: &str = "trail-logs";
pub const TRAIL: &str = "org-trail";

pub async fn ec2(emulator: &Emulator, region: &str) -> aws_sdk_ec2::Client {
    aws_sdk_ec2::Client::new(&emulator.sdk(region).await)
}

/// S3 Control with the resolver watchpost uses: the emulator's host takes no account label.
pub async fn s3control(emulator: &Emulator) -> aws_sdk_s3control::Client {
    let config = aws_sdk_s3control::config::Builder::from(&emulator.sdk("us-east-1").await)
        .endpoint_resolver(LiteralHostResolver::new())
        .build();
    aws_sdk_s3control::Client::from_conf(config)
}

/// An S3 bucket (moto's S3 answers unsigned path-style requests; watchpost has no S3 client).
pub fn bucket(emulator: &Emulator) {
    ureq::put(&format!("{}/{BUCKET}", emulator.url))
        .send_empty()
        .unwrap_or_else(|e| panic!("create bucket: {e}"));
}

/// The default VPC of `region`.
pub async fn default_vpc(ec2: &aws_sdk_ec2::Client) -> String {
    ec2.describe_vpcs()
        .send()
        .await
        .unwrap()
        .vpcs()
        .iter()
        .find(|v| v.is_default() == Some(true))
        .and_then(|v| v.vpc_id())
        .unwrap()
        .to_string()
}

/// A flow log to S3 on `vpc`.
pub async fn flow_log(ec2: &aws_sdk_ec2::Client, vpc: &str) {
    use aws_sdk_ec2::types::{FlowLogsResourceType, LogDestinationType, TrafficType};
    let out = ec2
        .create_flow_logs()
        .resource_ids(vpc)
        .resource_type(FlowLogsResourceType::Vpc)
        .traffic_type(TrafficType::All)
        .log_destination_type(LogDestinationType::S3)
        .log_destination(format!("arn:aws:s3:::{BUCKET}"))
        .send()
        .await
        .unwrap();
    assert!(out.unsuccessful().is_empty(), "{:?}", out.unsuccessful());
}

/// A Config recorder recording everything in `region` (it needs a delivery channel).
pub async fn config_recorder(emulator: &Emulator, region: &str) {
    use aws_sdk_config::types::{ConfigurationRecorder, DeliveryChannel, RecordingGroup};
    let config = aws_sdk_config::Client::new(&emulator.sdk(region).await);
    config
        .put_configuration_recorder()
        .configuration_recorder(
            ConfigurationRecorder::builder()
                .name("default")
                .role_arn(format!("arn:aws:iam::{ACCOUNT}:role/config"))
                .recording_group(RecordingGroup::builder().all_supported(true).build())
                .build(),
        )
        .send()
        .await
        .unwrap();
    config
        .put_delivery_channel()
        .delivery_channel(
            DeliveryChannel::builder()
                .name("default")
                .s3_bucket_name(BUCKET)
                .build(),
        )
        .send()
        .await
        .unwrap();
    config
        .start_configuration_recorder()
        .configuration_recorder_name("default")
        .send()
        .await
        .unwrap();
}

/// Every regional control passing in `region`: EBS encryption by default, flow logs on
/// the default VPC, a Config recorder. (moto's default security group admits nothing
/// from the internet.) Needs [`bucket`] first.
pub async fn clean_region(emulator: &Emulator, region: &str) {
    let ec2 = ec2(emulator, region).await;
    ec2.enable_ebs_encryption_by_default().send().await.unwrap();
    let vpc = default_vpc(&ec2).await;
    flow_log(&ec2, &vpc).await;
    config_recorder(emulator, region).await;
}

/// A security group in the default VPC of `region` with one TCP port open to `cidr`.
pub async fn open_group(ec2: &aws_sdk_ec2::Client, name: &str, port: i32, cidr: &str) -> String {
    use aws_sdk_ec2::types::{IpPermission, IpRange, Ipv6Range};
    let vpc = default_vpc(ec2).await;
    let group = ec2
        .create_security_group()
        .group_name(name)
        .description(format!("{name} for tests"))
        .vpc_id(vpc)
        .send()
        .await
        .unwrap()
        .group_id()
        .unwrap()
        .to_string();
    let mut permission = IpPermission::builder()
        .ip_protocol("tcp")
        .from_port(port)
        .to_port(port);
    permission = if cidr.contains(':') {
        permission.ipv6_ranges(Ipv6Range::builder().cidr_ipv6(cidr).build())
    } else {
        permission.ip_ranges(IpRange::builder().cidr_ip(cidr).build())
    };
    ec2.authorize_security_group_ingress()
        .group_id(&group)
        .ip_permissions(permission.build())
        .send()
        .await
        .unwrap();
    group
}

/// A multi-region trail with log file validation delivering to [`LOG_GROUP`], logging
/// when `logging`. Needs [`bucket`] first.
pub async fn trail(emulator: &Emulator, logging: bool) -> String {
    let sdk = emulator.sdk("us-east-1").await;
    let logs = aws_sdk_cloudwatchlogs::Client::new(&sdk);
    logs.create_log_group()
        .log_group_name(LOG_GROUP)
        .send()
        .await
        .unwrap();
    let cloudtrail = aws_sdk_cloudtrail::Client::new(&sdk);
    let arn = cloudtrail
        .create_trail()
        .name(TRAIL)
        .s3_bucket_name(BUCKET)
        .is_multi_region_trail(true)
        .enable_log_file_validation(true)
        .cloud_watch_logs_log_group_arn(format!(
            "arn:aws:logs:us-east-1:{ACCOUNT}:log-group:{LOG_GROUP}:*"
        ))
        .cloud_watch_logs_role_arn(format!("arn:aws:iam::{ACCOUNT}:role/trail-to-logs"))
        .send()
        .await
        .unwrap()
        .trail_arn()
        .unwrap()
        .to_string();
    if logging {
        cloudtrail.start_logging().name(TRAIL).send().await.unwrap();
    }
    arn
}

/// A metric filter on [`LOG_GROUP`] for `pattern`, feeding `CISBenchmark/<name>`, and,
/// when `alarm`, an alarm `cis-<name>` on that metric.
pub async fn monitor(emulator: &Emulator, name: &str, pattern: &str, alarm: bool) {
    use aws_sdk_cloudwatch::types::{ComparisonOperator, Statistic};
    use aws_sdk_cloudwatchlogs::types::MetricTransformation;
    let sdk = emulator.sdk("us-east-1").await;
    aws_sdk_cloudwatchlogs::Client::new(&sdk)
        .put_metric_filter()
        .log_group_name(LOG_GROUP)
        .filter_name(name)
        .filter_pattern(pattern)
        .metric_transformations(
            MetricTransformation::builder()
                .metric_namespace("CISBenchmark")
                .metric_name(name)
                .metric_value("1")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    if alarm {
        aws_sdk_cloudwatch::Client::new(&sdk)
            .put_metric_alarm()
            .alarm_name(format!("cis-{name}"))
            .namespace("CISBenchmark")
            .metric_name(name)
            .statistic(Statistic::Sum)
            .period(300)
            .evaluation_periods(1)
            .threshold(1.0)
            .comparison_operator(ComparisonOperator::GreaterThanOrEqualToThreshold)
            .alarm_actions(format!("arn:aws:sns:us-east-1:{ACCOUNT}:security"))
            .send()
            .await
            .unwrap();
    }
}

/// A filter pattern that mentions what watchpost looks for in each CIS event.
pub const CIS_PATTERNS: &[(&str, &str)] = &[
    (
        "UnauthorizedAPICalls",
        r#"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }"#,
    ),
    (
        "NoMFAConsoleSignin",
        r#"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }"#,
    ),
    (
        "RootAccountUsage",
        r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS }"#,
    ),
    (
        "IAMPolicyChanges",
        r#"{ ($.eventName = PutUserPolicy) || ($.eventName = AttachRolePolicy) }"#,
    ),
    (
        "CloudTrailChanges",
        r#"{ ($.eventName = StopLogging) || ($.eventName = DeleteTrail) }"#,
    ),
    (
        "ConsoleSigninFailures",
        r#"{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }"#,
    ),
    (
        "DisableOrDeleteCMK",
        r#"{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }"#,
    ),
    (
        "S3BucketPolicyChanges",
        r#"{ ($.eventName = PutBucketPolicy) || ($.eventName = DeleteBucketPolicy) }"#,
    ),
    (
        "AWSConfigChanges",
        r#"{ ($.eventName = StopConfigurationRecorder) || ($.eventName = DeleteDeliveryChannel) }"#,
    ),
    (
        "SecurityGroupChanges",
        r#"{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = CreateSecurityGroup) }"#,
    ),
    (
        "NACLChanges",
        r#"{ ($.eventName = CreateNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) }"#,
    ),
    (
        "NetworkGatewayChanges",
        r#"{ ($.eventName = CreateCustomerGateway) || ($.eventName = AttachInternetGateway) }"#,
    ),
    (
        "RouteTableChanges",
        r#"{ ($.eventName = CreateRoute) || ($.eventName = ReplaceRoute) }"#,
    ),
    (
        "VPCChanges",
        r#"{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) }"#,
    ),
    (
        "OrganizationsChanges",
        r#"{ ($.eventSource = organizations.amazonaws.com) }"#,
    ),
];

/// Account-level Block Public Access with all four settings on (or all but one).
pub async fn block_public_access(emulator: &Emulator, all: bool) {
    use aws_sdk_s3control::types::PublicAccessBlockConfiguration;
    s3control(emulator)
        .await
        .put_public_access_block()
        .account_id(ACCOUNT)
        .public_access_block_configuration(
            PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .ignore_public_acls(true)
                .block_public_policy(true)
                .restrict_public_buckets(all)
                .build(),
        )
        .send()
        .await
        .unwrap();
}

/// Every account-level control passing: a logging trail, a filter and an alarm for each
/// CIS event, Block Public Access on. Needs [`bucket`] first.
pub async fn clean_account(emulator: &Emulator) {
    trail(emulator, true).await;
    for (name, pattern) in CIS_PATTERNS {
        monitor(emulator, name, pattern, true).await;
    }
    block_public_access(emulator, true).await;
}

/// A clean baseline everywhere in `regions`.
pub async fn clean(emulator: &Emulator, regions: &[&str]) {
    bucket(emulator);
    clean_account(emulator).await;
    for region in regions {
        clean_region(emulator, region).await;
    }
}

/// The targets of the failing row of `check_id`, as the Posture pane offers them.
pub fn posture_targets(
    data: &watchpost::store::Data,
    check_id: &str,
) -> Vec<watchpost::remediation::Target> {
    let row = data
        .checks
        .iter()
        .find(|c| c.check_id() == check_id && c.failed())
        .unwrap_or_else(|| panic!("no failing {check_id}"));
    watchpost::panes::check_targets(data, row)
}

/// The baseline sources polled once, posture derived: what the Posture pane offers.
pub async fn load(session: &mut watchpost::sources::Session) -> watchpost::store::Data {
    let mut data = watchpost::store::Data::default();
    for source in session
        .sources
        .iter_mut()
        .filter(|s| s.id().kind == watchpost::domain::SourceKind::Baseline)
    {
        let id = source.id().clone();
        let polled = source.poll().await.unwrap();
        data.apply(&id, polled);
    }
    data.derive(
        &watchpost::posture::Thresholds::default(),
        watchpost::domain::Severity::High,
        chrono::Utc::now(),
    );
    data
}
