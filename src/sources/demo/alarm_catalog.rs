//! The CloudWatch alarms of one scale unit: what each watches, where, and how it behaves.

/// How an alarm's state evolves over time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Behaviour {
    /// Never changes (since some time before the demo started).
    Steady(Steady),
    /// Re-draws its state every flip period; `alarm_pct` is the chance of ALARM per period.
    Flapping { alarm_pct: u64 },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Steady {
    Ok,
    Alarm,
    /// The watched resource is gone (terminated instance, stopped replica).
    NoData,
}

/// Which SNS topics an alarm notifies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Actions {
    Pager,
    Notify,
    Both,
    None,
}

pub struct MetricTemplate {
    pub namespace: &'static str,
    pub metric_name: &'static str,
    pub statistic: &'static str,
    pub comparison: &'static str,
    pub threshold: f64,
    pub period_secs: u32,
    pub evaluation_periods: u32,
    pub dimensions: &'static [(&'static str, &'static str)],
    /// Adds `InstanceId` of this instance of the region's demo fleet.
    pub instance: Option<u64>,
}

pub struct AlarmTemplate {
    pub region_slot: usize,
    pub name: &'static str,
    pub description: &'static str,
    pub metric: Option<MetricTemplate>,
    /// Composite alarms: indices (into `ALARMS`) of the two children and whether both must fire.
    pub children: Option<(usize, usize, bool)>,
    pub behaviour: Behaviour,
    pub actions: Actions,
    pub actions_enabled: bool,
}

const GTE: &str = "GreaterThanOrEqualToThreshold";
const GT: &str = "GreaterThanThreshold";
const LT: &str = "LessThanThreshold";
const ALB: &[(&str, &str)] = &[("LoadBalancer", "app/prod-api-alb/5f3c1a9e2b7d4c60")];
const ALB_EU: &[(&str, &str)] = &[("LoadBalancer", "app/eu-api-alb/9a0e6d27c41b8f35")];
const ALB_SYD: &[(&str, &str)] = &[("LoadBalancer", "app/syd-edge-alb/3b9d1f02a7c6e548")];
const ORDERS_DB: &[(&str, &str)] = &[("DBInstanceIdentifier", "orders-db-prod")];
const REPORTING_DB: &[(&str, &str)] = &[("DBInstanceIdentifier", "reporting-db-eu")];

// A table row reads best as one call with CloudWatch's own field order.
#[allow(clippy::too_many_arguments)]
const fn metric(
    namespace: &'static str,
    metric_name: &'static str,
    statistic: &'static str,
    comparison: &'static str,
    threshold: f64,
    period_secs: u32,
    evaluation_periods: u32,
    dimensions: &'static [(&'static str, &'static str)],
) -> Option<MetricTemplate> {
    Some(MetricTemplate {
        namespace,
        metric_name,
        statistic,
        comparison,
        threshold,
        period_secs,
        evaluation_periods,
        dimensions,
        instance: None,
    })
}

const fn on_instance(
    namespace: &'static str,
    metric_name: &'static str,
    threshold: f64,
    instance: u64,
) -> Option<MetricTemplate> {
    Some(MetricTemplate {
        namespace,
        metric_name,
        statistic: "Average",
        comparison: GTE,
        threshold,
        period_secs: 300,
        evaluation_periods: 2,
        dimensions: &[],
        instance: Some(instance),
    })
}

const fn alarm(
    region_slot: usize,
    name: &'static str,
    behaviour: Behaviour,
    actions: Actions,
    description: &'static str,
    metric: Option<MetricTemplate>,
) -> AlarmTemplate {
    AlarmTemplate {
        region_slot,
        name,
        description,
        metric,
        children: None,
        behaviour,
        actions,
        actions_enabled: true,
    }
}

/// An alarm left in place with its actions disabled (CloudWatch.17 fails on these).
const fn muted(template: AlarmTemplate) -> AlarmTemplate {
    AlarmTemplate {
        actions_enabled: false,
        ..template
    }
}

/// A composite alarm over two earlier alarms of the same region; it pages.
const fn composite(
    region_slot: usize,
    name: &'static str,
    children: (usize, usize, bool),
    description: &'static str,
) -> AlarmTemplate {
    AlarmTemplate {
        children: Some(children),
        ..alarm(
            region_slot,
            name,
            flap(0),
            Actions::Pager,
            description,
            None,
        )
    }
}

const fn flap(alarm_pct: u64) -> Behaviour {
    Behaviour::Flapping { alarm_pct }
}

/// 31 alarms per unit: 14 in us-east-1, 11 in eu-west-1, 6 in ap-southeast-2. Composite
/// children always come before their parent, so states can be computed in one pass.
#[rustfmt::skip]
pub const ALARMS: &[AlarmTemplate] = &[
    // us-east-1: production.
    alarm(0, "prod-api-5xx-high", flap(35), Actions::Both,
        "Production API targets returning 5xx; customers see errors.",
        metric("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "Sum", GTE, 50.0, 60, 3, ALB)),
    alarm(0, "prod-api-latency-p99", flap(35), Actions::Notify,
        "p99 latency of the production API above 1.5 s.",
        metric("AWS/ApplicationELB", "TargetResponseTime", "p99", GT, 1.5, 60, 5, ALB)),
    alarm(0, "prod-web-cpu-high", flap(30), Actions::Notify,
        "Web tier CPU saturated; check autoscaling.",
        on_instance("AWS/EC2", "CPUUtilization", 80.0, 0)),
    alarm(0, "orders-db-free-storage-low", Behaviour::Steady(Steady::Alarm), Actions::Both,
        "Orders database has under 10 GiB free storage.",
        metric("AWS/RDS", "FreeStorageSpace", "Minimum", LT, 10_737_418_240.0, 300, 1, ORDERS_DB)),
    alarm(0, "orders-db-connections-high", flap(25), Actions::Notify,
        "Orders database connection count near max_connections.",
        metric("AWS/RDS", "DatabaseConnections", "Maximum", GT, 450.0, 60, 3, ORDERS_DB)),
    alarm(0, "thumbnail-resizer-errors", flap(30), Actions::Notify,
        "Image thumbnail Lambda failing invocations.",
        metric("AWS/Lambda", "Errors", "Sum", GT, 5.0, 300, 1, &[("FunctionName", "thumbnail-resizer")])),
    alarm(0, "payments-webhook-throttles", flap(25), Actions::Pager,
        "Payment provider webhooks throttled; payments may be delayed.",
        metric("AWS/Lambda", "Throttles", "Sum", GT, 0.0, 60, 1, &[("FunctionName", "payments-webhook")])),
    alarm(0, "order-events-queue-age", flap(25), Actions::Pager,
        "Order events waiting over 10 minutes; consumers stuck or slow.",
        metric("AWS/SQS", "ApproximateAgeOfOldestMessage", "Maximum", GTE, 600.0, 60, 5, &[("QueueName", "order-events")])),
    alarm(0, "sessions-table-throttled", Behaviour::Steady(Steady::Ok), Actions::Notify,
        "DynamoDB sessions table throttling reads or writes.",
        metric("AWS/DynamoDB", "ThrottledRequests", "Sum", GT, 10.0, 60, 2, &[("TableName", "sessions"), ("Operation", "GetItem")])),
    alarm(0, "cloudtrail-unauthorized-api-calls", flap(35), Actions::Pager,
        "CIS 4.1: unauthorized API calls (metric filter on the org trail).",
        metric(super::baseline::CIS_NAMESPACE, "UnauthorizedAPICalls", "Sum", GTE, 5.0, 300, 1, &[])),
    alarm(0, "cloudtrail-root-account-usage", Behaviour::Steady(Steady::Ok), Actions::Pager,
        "CIS 4.3: the root account was used.",
        metric(super::baseline::CIS_NAMESPACE, "RootAccountUsage", "Sum", GTE, 1.0, 300, 1, &[])),
    alarm(0, "cloudtrail-console-signin-without-mfa", flap(20), Actions::Pager,
        "CIS 4.2: console sign-in without MFA.",
        metric(super::baseline::CIS_NAMESPACE, "ConsoleSignInWithoutMfa", "Sum", GTE, 1.0, 300, 1, &[])),
    muted(alarm(0, "legacy-batch-cpu-high", Behaviour::Steady(Steady::NoData), Actions::Notify,
        "Legacy nightly batch host (decommissioned, alarm left behind).",
        on_instance("AWS/EC2", "CPUUtilization", 90.0, 7))),
    composite(0, "prod-api-degraded", (0, 1, true),
        "Errors and latency together: page the API on-call."),
    // eu-west-1: the EU deployment.
    alarm(1, "eu-api-5xx-high", flap(35), Actions::Both,
        "EU API targets returning 5xx.",
        metric("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "Sum", GTE, 25.0, 60, 3, ALB_EU)),
    alarm(1, "eu-api-latency-p99", flap(30), Actions::Notify,
        "p99 latency of the EU API above 2 s.",
        metric("AWS/ApplicationELB", "TargetResponseTime", "p99", GT, 2.0, 60, 5, ALB_EU)),
    alarm(1, "eu-worker-cpu-high", flap(30), Actions::Notify,
        "EU background workers CPU saturated.",
        on_instance("AWS/EC2", "CPUUtilization", 85.0, 1)),
    alarm(1, "eu-reporting-db-free-storage-low", Behaviour::Steady(Steady::Ok), Actions::Notify,
        "Reporting database has under 5 GiB free storage.",
        metric("AWS/RDS", "FreeStorageSpace", "Minimum", LT, 5_368_709_120.0, 300, 1, REPORTING_DB)),
    alarm(1, "eu-reporting-db-connections", flap(25), Actions::Notify,
        "Reporting database connection count high.",
        metric("AWS/RDS", "DatabaseConnections", "Maximum", GT, 200.0, 60, 3, REPORTING_DB)),
    alarm(1, "invoice-renderer-errors", flap(30), Actions::Notify,
        "Invoice PDF renderer Lambda failing.",
        metric("AWS/Lambda", "Errors", "Sum", GT, 3.0, 300, 1, &[("FunctionName", "invoice-renderer")])),
    alarm(1, "eu-notifications-queue-age", flap(20), Actions::Notify,
        "EU notification emails delayed over 5 minutes.",
        metric("AWS/SQS", "ApproximateAgeOfOldestMessage", "Maximum", GTE, 300.0, 60, 5, &[("QueueName", "eu-notifications")])),
    alarm(1, "eu-carts-table-throttled", flap(20), Actions::Notify,
        "DynamoDB carts table throttling.",
        metric("AWS/DynamoDB", "ThrottledRequests", "Sum", GT, 10.0, 60, 2, &[("TableName", "carts"), ("Operation", "PutItem")])),
    alarm(1, "eu-nat-port-allocation-errors", Behaviour::Steady(Steady::Ok), Actions::Notify,
        "NAT gateway ran out of source ports.",
        metric("AWS/NATGateway", "ErrorPortAllocation", "Sum", GT, 0.0, 300, 1, &[("NatGatewayId", "nat-0c1f7e2a94b35d681")])),
    muted(alarm(1, "eu-legacy-etl-cpu-high", Behaviour::Steady(Steady::NoData), Actions::Notify,
        "Old ETL host; actions muted during migration.",
        on_instance("AWS/EC2", "CPUUtilization", 90.0, 5))),
    composite(1, "eu-api-degraded", (14, 15, false),
        "EU API errors or latency: notify the EU on-call."),
    // ap-southeast-2: a small edge footprint; GuardDuty is not enabled here.
    alarm(2, "syd-edge-cpu-high", flap(30), Actions::Notify,
        "Sydney edge proxies CPU saturated.",
        on_instance("AWS/EC2", "CPUUtilization", 80.0, 0)),
    alarm(2, "syd-edge-5xx", flap(30), Actions::Notify,
        "Sydney edge returning 5xx.",
        metric("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "Sum", GTE, 20.0, 60, 2, ALB_SYD)),
    alarm(2, "syd-ingest-errors", flap(25), Actions::Notify,
        "Telemetry ingest Lambda failing.",
        metric("AWS/Lambda", "Errors", "Sum", GT, 10.0, 300, 1, &[("FunctionName", "telemetry-ingest")])),
    alarm(2, "syd-ingest-throttles", Behaviour::Steady(Steady::Ok), Actions::Notify,
        "Telemetry ingest Lambda throttled.",
        metric("AWS/Lambda", "Throttles", "Sum", GT, 0.0, 60, 1, &[("FunctionName", "telemetry-ingest")])),
    alarm(2, "syd-dr-db-free-storage", Behaviour::Steady(Steady::NoData), Actions::Notify,
        "DR replica storage (replica currently stopped).",
        metric("AWS/RDS", "FreeStorageSpace", "Minimum", LT, 5_368_709_120.0, 300, 1, &[("DBInstanceIdentifier", "orders-db-dr-syd")])),
    muted(alarm(2, "syd-backup-queue-age", Behaviour::Steady(Steady::Ok), Actions::None,
        "Backup jobs queued too long.",
        metric("AWS/SQS", "ApproximateAgeOfOldestMessage", "Maximum", GTE, 3600.0, 300, 2, &[("QueueName", "backup-jobs")]))),
];
