//! The account's resources as the resource checks read them: S3 buckets and their public
//! exposure, EC2 instances and EBS volumes, RDS instances, KMS keys, and internet-facing
//! Application Load Balancers with their WAF web ACL. A fact read once per resource is a
//! [`Probe`] of its own, so one denied bucket or key leaves only its own result unevaluated.

use super::baseline::{Probe, PublicAccessBlock};
use serde::{Deserialize, Serialize};

/// One S3 bucket, from `ListBuckets`, asked about in its own region.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bucket {
    pub name: String,
    /// `GetBucketLocation`'s answer (`us-east-1` for the empty constraint); `None` when it
    /// could not be read, and then `exposure` says why.
    pub region: Option<String>,
    pub exposure: Probe<BucketExposure>,
}

/// What makes a bucket public, and the bucket's own Block Public Access.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BucketExposure {
    /// `GetBucketPolicyStatus`'s `IsPublic`; `false` without a policy (`NoSuchBucketPolicy`).
    pub policy_public: bool,
    /// The ACL's grants to everyone or to every AWS account: `READ to AllUsers`.
    pub public_grants: Vec<String>,
    /// `GetBucketPublicAccessBlock` (`None`: the bucket has no configuration).
    pub block: Option<PublicAccessBlock>,
}

/// An EC2 instance that is not terminated.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instance {
    pub id: String,
    /// The `Name` tag.
    pub name: Option<String>,
    /// `pending`, `running`, `stopped`, …
    pub state: String,
    /// The instance profile's ARN; `None`: launched without an IAM role.
    pub instance_profile: Option<String>,
    /// `HttpTokens = required`: only IMDSv2 answers.
    pub imds_v2_required: bool,
    /// `HttpEndpoint = enabled`: with the endpoint off, no metadata version answers.
    pub metadata_endpoint: bool,
}

impl Instance {
    /// `i-0abc (web-1)`: the resource of the instance's results; the ID comes first.
    pub fn resource(&self) -> String {
        match &self.name {
            Some(name) => format!("{} ({name})", self.id),
            None => self.id.clone(),
        }
    }
}

/// An EBS volume.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Volume {
    pub id: String,
    pub encrypted: bool,
    /// `in-use`, `available`, …
    pub state: String,
    /// The instances it is attached to.
    pub attached_to: Vec<String>,
}

/// An RDS DB instance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DbInstance {
    pub id: String,
    pub engine: String,
    pub storage_encrypted: bool,
    pub publicly_accessible: bool,
}

/// A KMS key, and whether rotation applies to it and is on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KmsKey {
    pub id: String,
    pub arn: String,
    /// `DescribeKey`, then `GetKeyRotationStatus` for the keys it applies to.
    pub rotation: Probe<KeyRotation>,
}

/// Automatic rotation of a KMS key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum KeyRotation {
    /// Only enabled symmetric customer managed keys with key material from KMS rotate;
    /// `GetKeyRotationStatus` fails on the others. Says which kind of key this is.
    NotApplicable(String),
    On,
    Off,
}

/// An internet-facing Application Load Balancer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoadBalancer {
    pub name: String,
    pub arn: String,
    /// The ARN of the WAFv2 web ACL in front of it (`GetWebACLForResource`), if any.
    pub web_acl: Probe<Option<String>>,
}
