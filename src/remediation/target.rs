//! What an action is aimed at, with everything the preview, the CLI equivalent, the
//! executor and the journal need to know about it.

use super::action::Applies;
use crate::domain::{
    AccountId, AlarmName, DetectorId, FindingId, KeyRef, OpenIngress, Region, RegionalBaseline,
    RoleName, SecurityGroupId, UserName,
};
use chrono::{DateTime, Utc};

#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    AccessKey {
        account_id: AccountId,
        user: UserName,
        /// The key's ID when known; the credential report names keys by slot (`#1`), and
        /// the executor then finds the ID by the key's creation time.
        key: KeyRef,
        created: DateTime<Utc>,
        active: bool,
    },
    User {
        account_id: AccountId,
        name: UserName,
        console: bool,
        quarantined: bool,
    },
    Role {
        account_id: AccountId,
        name: RoleName,
    },
    Finding {
        account_id: AccountId,
        region: Region,
        detector_id: DetectorId,
        id: FindingId,
        finding_type: String,
        /// GuardDuty's resource type and ID, for a suppression rule's criteria.
        resource_kind: String,
        resource_id: String,
        /// Whether the finding is archived (the Findings tab lists unarchived ones).
        archived: bool,
    },
    Alarm {
        account_id: AccountId,
        region: Region,
        name: AlarmName,
        actions_enabled: bool,
    },
    /// One world-open inbound rule of a security group.
    IngressRule {
        account_id: AccountId,
        region: Region,
        group_id: SecurityGroupId,
        group_name: String,
        rule: OpenIngress,
        /// Whether the rule is in the group now (after a revoke, its restore applies).
        present: bool,
    },
    /// A region's EBS encryption-by-default setting.
    EbsDefaults {
        account_id: AccountId,
        region: Region,
        enabled: bool,
    },
    /// The account's S3 Block Public Access configuration.
    PublicAccessBlock { account_id: AccountId, all_on: bool },
    /// A CloudTrail trail (actions run in its home region).
    Trail {
        account_id: AccountId,
        region: Region,
        name: String,
        arn: String,
        logging: bool,
    },
    /// An EC2 instance's metadata options.
    Instance {
        account_id: AccountId,
        region: Region,
        instance_id: String,
        /// The `Name` tag, or empty.
        name: String,
        imds_v2_required: bool,
    },
    /// An S3 bucket's own Block Public Access (actions run in the bucket's region).
    Bucket {
        account_id: AccountId,
        region: Region,
        name: String,
        /// All four of its settings are on.
        blocked: bool,
    },
    /// A customer managed KMS key's automatic rotation.
    KmsKey {
        account_id: AccountId,
        region: Region,
        key_id: String,
        rotating: bool,
    },
}

impl Target {
    /// A GuardDuty finding as an action's target, archived or not as it is listed.
    pub fn finding(f: &crate::domain::Finding) -> Target {
        Target::Finding {
            account_id: f.account_id.to_string().into(),
            region: f.region.to_string().into(),
            detector_id: f.detector_id.to_string().into(),
            id: f.id.to_string().into(),
            finding_type: f.finding_type.to_string(),
            resource_kind: f.resource.kind.to_string(),
            resource_id: f.text.resource_id().to_string(),
            archived: f.archived,
        }
    }

    /// The kind of target, which decides the actions offered on it.
    pub fn applies(&self) -> Applies {
        match self {
            Target::AccessKey { .. } => Applies::AccessKey,
            Target::User { .. } => Applies::User,
            Target::Role { .. } => Applies::Role,
            Target::Finding { .. } => Applies::Finding,
            Target::Alarm { .. } => Applies::Alarm,
            Target::IngressRule { .. } => Applies::IngressRule,
            Target::EbsDefaults { .. } => Applies::EbsDefaults,
            Target::PublicAccessBlock { .. } => Applies::PublicAccessBlock,
            Target::Trail { .. } => Applies::Trail,
            Target::Instance { .. } => Applies::Instance,
            Target::Bucket { .. } => Applies::Bucket,
            Target::KmsKey { .. } => Applies::KmsKey,
        }
    }

    /// Whether the target is in this region's baseline (same account and region).
    pub fn is_in(&self, baseline: &RegionalBaseline) -> bool {
        *self.account_id() == *baseline.account_id
            && self.region().is_some_and(|r| *r == *baseline.region)
    }

    pub fn account_id(&self) -> &AccountId {
        match self {
            Target::AccessKey { account_id, .. }
            | Target::User { account_id, .. }
            | Target::Role { account_id, .. }
            | Target::Finding { account_id, .. }
            | Target::Alarm { account_id, .. }
            | Target::IngressRule { account_id, .. }
            | Target::EbsDefaults { account_id, .. }
            | Target::PublicAccessBlock { account_id, .. }
            | Target::Trail { account_id, .. }
            | Target::Instance { account_id, .. }
            | Target::Bucket { account_id, .. }
            | Target::KmsKey { account_id, .. } => account_id,
        }
    }

    /// `None` for IAM, which is global.
    pub fn region(&self) -> Option<&Region> {
        match self {
            Target::Finding { region, .. }
            | Target::Alarm { region, .. }
            | Target::IngressRule { region, .. }
            | Target::EbsDefaults { region, .. }
            | Target::Trail { region, .. }
            | Target::Instance { region, .. }
            | Target::Bucket { region, .. }
            | Target::KmsKey { region, .. } => Some(region),
            _ => None,
        }
    }

    /// What an action without an undo asks the user to type: the resource's own name or ID
    /// as AWS knows it. `None` for a key still known only by its credential-report slot:
    /// such a key must be resolved to its real ID first, and a slot number never confirms.
    pub fn confirmation(&self) -> Option<&str> {
        match self {
            Target::AccessKey { key, .. } => key.id().map(|id| id.as_str()),
            Target::User { name, .. } => Some(name),
            Target::Role { name, .. } => Some(name),
            Target::Alarm { name, .. } => Some(name),
            Target::Finding { id, .. } => Some(id),
            Target::IngressRule { group_id, .. } => Some(group_id),
            Target::EbsDefaults { region, .. } => Some(region),
            Target::PublicAccessBlock { account_id, .. } => Some(account_id),
            Target::Trail { name, .. } => Some(name),
            Target::Instance { instance_id, .. } => Some(instance_id),
            Target::Bucket { name, .. } => Some(name),
            Target::KmsKey { key_id, .. } => Some(key_id),
        }
    }

    /// Whether `typed` confirms an action on this target: exactly [`Target::confirmation`],
    /// or for an access key also `user/KEY-ID`, as it is often written.
    pub fn is_confirmed_by(&self, typed: &str) -> bool {
        let Some(expected) = self.confirmation() else {
            return false;
        };
        if typed == expected {
            return true;
        }
        match self {
            Target::AccessKey { user, .. } => typed
                .strip_prefix(user.as_str())
                .and_then(|rest| rest.strip_prefix('/'))
                .is_some_and(|rest| rest == expected),
            _ => false,
        }
    }

    /// One line for the preview and the journal.
    pub fn describe(&self) -> String {
        match self {
            Target::AccessKey {
                user, key, created, ..
            } => format!(
                "access key {key} of user {user} (created {})",
                created.format("%Y-%m-%d %H:%M:%S UTC")
            ),
            Target::User { name, .. } => format!("IAM user {name}"),
            Target::Role { name, .. } => format!("IAM role {name}"),
            Target::Finding {
                id, finding_type, ..
            } => format!("GuardDuty finding {id} ({finding_type})"),
            Target::Alarm { name, .. } => format!("CloudWatch alarm {name}"),
            Target::IngressRule {
                group_id,
                group_name,
                rule,
                ..
            } => format!(
                "inbound rule {}{} of security group {group_id} ({group_name})",
                rule.describe(),
                rule.rule_id
                    .as_deref()
                    .map(|id| format!(" [{id}]"))
                    .unwrap_or_default()
            ),
            Target::EbsDefaults { region, .. } => {
                format!("EBS encryption by default in {region}")
            }
            Target::PublicAccessBlock { account_id, .. } => {
                format!("S3 Block Public Access of account {account_id}")
            }
            Target::Trail { name, region, .. } => {
                format!("CloudTrail trail {name} (home {region})")
            }
            Target::Instance {
                instance_id, name, ..
            } if !name.is_empty() => format!("EC2 instance {instance_id} ({name})"),
            Target::Instance { instance_id, .. } => format!("EC2 instance {instance_id}"),
            Target::Bucket { name, region, .. } => format!("S3 bucket {name} ({region})"),
            Target::KmsKey { key_id, region, .. } => format!("KMS key {key_id} ({region})"),
        }
    }
}
