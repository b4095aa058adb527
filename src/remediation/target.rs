//! What an action is aimed at, with everything the preview, the CLI equivalent, the
//! executor and the journal need to know about it.

use chrono::{DateTime, Utc};

#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    AccessKey {
        account_id: String,
        user: String,
        /// The key's ID when known; the credential report names keys by slot (`#1`), and
        /// the executor then finds the ID by the key's creation time.
        key: String,
        created: DateTime<Utc>,
        active: bool,
    },
    User {
        account_id: String,
        name: String,
        console: bool,
        quarantined: bool,
    },
    Role {
        account_id: String,
        name: String,
    },
    Finding {
        account_id: String,
        region: String,
        detector_id: String,
        id: String,
        finding_type: String,
        /// GuardDuty's resource type and ID, for a suppression rule's criteria.
        resource_kind: String,
        resource_id: String,
    },
    Alarm {
        account_id: String,
        region: String,
        name: String,
        actions_enabled: bool,
    },
}

impl Target {
    pub fn account_id(&self) -> &str {
        match self {
            Target::AccessKey { account_id, .. }
            | Target::User { account_id, .. }
            | Target::Role { account_id, .. }
            | Target::Finding { account_id, .. }
            | Target::Alarm { account_id, .. } => account_id,
        }
    }

    /// `None` for IAM, which is global.
    pub fn region(&self) -> Option<&str> {
        match self {
            Target::Finding { region, .. } | Target::Alarm { region, .. } => Some(region),
            _ => None,
        }
    }

    /// The name a destructive action asks the user to type, exactly.
    pub fn name(&self) -> &str {
        match self {
            Target::AccessKey { key, .. } => key,
            Target::User { name, .. } | Target::Role { name, .. } | Target::Alarm { name, .. } => {
                name
            }
            Target::Finding { id, .. } => id,
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
        }
    }

    /// Whether the key is named by its credential-report slot rather than its ID.
    pub fn key_by_slot(&self) -> bool {
        matches!(self, Target::AccessKey { key, .. } if key.starts_with('#'))
    }
}
