//! The account-level security baseline as read from AWS: trails, monitoring filters, S3
//! account-level Block Public Access and the buckets, and per region security groups, EBS
//! default encryption, VPC flow logs, the AWS Config recorder and the resources the
//! resource checks look at (`resources.rs`).
//!
//! Each fact is a [`Probe`]: read, or not readable (a denied call), so a missing
//! permission leaves one control "not evaluated" instead of hiding all of them.

use super::SharedText;
use super::resources::{Bucket, DbInstance, Instance, KmsKey, LoadBalancer, Volume};
use serde::{Deserialize, Serialize};

/// Why a fact could not be read: the permission that was missing and AWS's words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unreadable {
    /// e.g. `ec2:DescribeSecurityGroups`.
    pub permission: String,
    pub message: String,
}

/// A fact, or why it could not be read.
pub type Probe<T> = Result<T, Unreadable>;

/// One inbound rule open to the whole internet (`0.0.0.0/0` or `::/0`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenIngress {
    /// The rule's ID (`sgr-…`) when AWS gives one.
    pub rule_id: Option<String>,
    /// `tcp`, `udp`, `icmp`, or `-1` for every protocol.
    pub protocol: String,
    /// `None` for every port (protocol `-1`).
    pub from_port: Option<i32>,
    pub to_port: Option<i32>,
    /// `0.0.0.0/0` or `::/0`.
    pub cidr: String,
}

impl OpenIngress {
    /// Whether the rule lets `port` in over TCP (or every protocol).
    pub fn opens(&self, port: i32) -> bool {
        if self.all_traffic() {
            return true;
        }
        if self.protocol != "tcp" && self.protocol != "6" {
            return false;
        }
        match (self.from_port, self.to_port) {
            (Some(from), Some(to)) => from <= port && port <= to,
            _ => true,
        }
    }

    /// Every protocol, or every TCP/UDP port.
    pub fn all_traffic(&self) -> bool {
        self.protocol == "-1"
            || (matches!(self.protocol.as_str(), "tcp" | "udp" | "6" | "17")
                && self.from_port.unwrap_or(0) <= 0
                && self.to_port.unwrap_or(65535) >= 65535)
    }

    /// The rule as the preview and the evidence show it: `tcp 22 from 0.0.0.0/0`.
    pub fn describe(&self) -> String {
        let ports = match (self.from_port, self.to_port) {
            _ if self.protocol == "-1" => "all traffic".to_string(),
            (Some(from), Some(to)) if from == to => format!("{} {from}", self.protocol),
            (Some(from), Some(to)) => format!("{} {from}-{to}", self.protocol),
            _ => format!("{} all ports", self.protocol),
        };
        format!("{ports} from {}", self.cidr)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityGroup {
    pub id: String,
    pub name: String,
    pub vpc_id: Option<String>,
    /// Only the rules open to the world; the others do not matter to the controls.
    pub open_ingress: Vec<OpenIngress>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vpc {
    pub id: String,
    pub is_default: bool,
    /// IDs of the flow logs attached to the VPC that are active.
    pub flow_logs: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigRecorder {
    pub name: String,
    pub recording: bool,
    /// Records every supported resource type (CIS asks for it).
    pub all_supported: bool,
}

/// One region's share of the baseline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RegionalBaseline {
    /// Shared with every result of the region's controls.
    pub account_id: SharedText,
    pub region: SharedText,
    pub security_groups: Probe<Vec<SecurityGroup>>,
    pub ebs_encryption_by_default: Probe<bool>,
    pub vpcs: Probe<Vec<Vpc>>,
    pub config_recorders: Probe<Vec<ConfigRecorder>>,
    /// EC2 instances that are not terminated.
    pub instances: Probe<Vec<Instance>>,
    pub volumes: Probe<Vec<Volume>>,
    pub db_instances: Probe<Vec<DbInstance>>,
    pub kms_keys: Probe<Vec<KmsKey>>,
    /// Internet-facing Application Load Balancers.
    pub load_balancers: Probe<Vec<LoadBalancer>>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trail {
    pub name: String,
    pub arn: String,
    pub home_region: String,
    pub multi_region: bool,
    pub log_file_validation: bool,
    /// `GetTrailStatus`'s `IsLogging` (false when AWS leaves it out), or why it could not
    /// be read.
    pub logging: Probe<bool>,
    /// The CloudWatch Logs log group the trail delivers to, if any.
    pub log_group: Option<String>,
}

/// A CloudWatch Logs metric filter on a trail's log group, and the metrics it feeds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetricFilter {
    pub name: String,
    pub log_group: String,
    /// The log group's region (the trail's home region).
    pub region: String,
    pub pattern: String,
    /// `(namespace, metric name)` of each metric transformation.
    pub metrics: Vec<(String, String)>,
}

/// S3 account-level Block Public Access, as `GetPublicAccessBlock` returns it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicAccessBlock {
    pub block_public_acls: bool,
    pub ignore_public_acls: bool,
    pub block_public_policy: bool,
    pub restrict_public_buckets: bool,
}

impl PublicAccessBlock {
    pub const ALL_ON: PublicAccessBlock = PublicAccessBlock {
        block_public_acls: true,
        ignore_public_acls: true,
        block_public_policy: true,
        restrict_public_buckets: true,
    };

    pub fn all_on(&self) -> bool {
        *self == PublicAccessBlock::ALL_ON
    }

    /// The four settings as S3 and S3 Control answer them, in their order (`BlockPublicAcls`,
    /// `IgnorePublicAcls`, `BlockPublicPolicy`, `RestrictPublicBuckets`); left out is off.
    pub fn from_answer(settings: [Option<bool>; 4]) -> PublicAccessBlock {
        let [acls, ignore, policy, restrict] = settings.map(|s| s.unwrap_or(false));
        PublicAccessBlock {
            block_public_acls: acls,
            ignore_public_acls: ignore,
            block_public_policy: policy,
            restrict_public_buckets: restrict,
        }
    }
}

/// The account-wide share of the baseline (read once per account).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccountBaseline {
    /// Shared with every result of the account's controls.
    pub account_id: SharedText,
    pub trails: Probe<Vec<Trail>>,
    /// Metric filters on the log groups of the account's trails.
    pub metric_filters: Probe<Vec<MetricFilter>>,
    /// `None`: no configuration at all (every setting off).
    pub public_access_block: Probe<Option<PublicAccessBlock>>,
    /// Every bucket of the account (S3 lists them all from any region).
    pub buckets: Probe<Vec<Bucket>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(protocol: &str, from: Option<i32>, to: Option<i32>) -> OpenIngress {
        OpenIngress {
            rule_id: None,
            protocol: protocol.into(),
            from_port: from,
            to_port: to,
            cidr: "0.0.0.0/0".into(),
        }
    }

    #[test]
    fn port_ranges_and_all_traffic() {
        assert!(rule("tcp", Some(22), Some(22)).opens(22));
        assert!(!rule("tcp", Some(80), Some(443)).opens(22));
        assert!(rule("tcp", Some(0), Some(65535)).opens(3389));
        assert!(rule("-1", None, None).opens(3389));
        assert!(!rule("udp", Some(22), Some(22)).opens(22));
        assert!(rule("-1", None, None).all_traffic());
        assert!(!rule("tcp", Some(22), Some(22)).all_traffic());
        assert_eq!(
            rule("tcp", Some(22), Some(22)).describe(),
            "tcp 22 from 0.0.0.0/0"
        );
        assert_eq!(
            rule("-1", None, None).describe(),
            "all traffic from 0.0.0.0/0"
        );
    }
}
