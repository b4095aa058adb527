//! Every remediation action, declared once: what it applies to, how risky it is, the IAM
//! permission it needs, the API call it makes, its `aws` CLI equivalent and its undo.

use super::target::Target;
use chrono::{DateTime, Utc};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ActionId {
    DeactivateKey,
    ReactivateKey,
    DeleteKey,
    DeleteLoginProfile,
    QuarantineUser,
    ReleaseUser,
    RevokeRoleSessions,
    ArchiveFinding,
    UnarchiveFinding,
    FeedbackUseful,
    FeedbackNotUseful,
    SuppressFinding,
    DisableAlarmActions,
    EnableAlarmActions,
    RevokeIngress,
    RestoreIngress,
    EnableEbsDefaultEncryption,
    DisableEbsDefaultEncryption,
    BlockPublicAccess,
    StartTrailLogging,
}

/// Whether an action can be taken back. Actions with an undo are confirmed with `y`; every
/// action without one — deleting, but also a suppression rule, feedback, Block Public Access,
/// starting a trail, revoking sessions — by typing the target's name. It follows from the
/// catalog's `undo`, so the label and the confirmation can never disagree with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Risk {
    Reversible,
    NoUndo,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applies {
    AccessKey,
    User,
    Role,
    Finding,
    Alarm,
    IngressRule,
    EbsDefaults,
    PublicAccessBlock,
    Trail,
}

pub struct ActionSpec {
    pub id: ActionId,
    /// Stable name, used in the journal.
    pub name: &'static str,
    pub title: &'static str,
    pub applies: Applies,
    pub permission: &'static str,
    /// What the executor reads just before the call to check the live state still allows
    /// it (no-undo actions only), e.g. `iam:ListAccessKeys`.
    pub recheck: Option<&'static str>,
    /// The API call, as AWS names it.
    pub api: &'static str,
    pub undo: Option<ActionId>,
}

/// The inline policy watchpost attaches to quarantine a user.
pub const QUARANTINE_POLICY: &str = "watchpost-quarantine";
pub const QUARANTINE_DOCUMENT: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}"#;
/// The inline policy name the IAM console itself uses to revoke a role's sessions.
pub const REVOKE_POLICY: &str = "AWSRevokeOlderSessions";

pub const CATALOG: &[ActionSpec] = &[
    ActionSpec {
        id: ActionId::DeactivateKey,
        name: "deactivate-access-key",
        title: "Deactivate access key",
        applies: Applies::AccessKey,
        permission: "iam:UpdateAccessKey",
        recheck: None,
        api: "iam:UpdateAccessKey (Status=Inactive)",
        undo: Some(ActionId::ReactivateKey),
    },
    ActionSpec {
        id: ActionId::ReactivateKey,
        name: "reactivate-access-key",
        title: "Reactivate access key",
        applies: Applies::AccessKey,
        permission: "iam:UpdateAccessKey",
        recheck: None,
        api: "iam:UpdateAccessKey (Status=Active)",
        undo: Some(ActionId::DeactivateKey),
    },
    ActionSpec {
        id: ActionId::DeleteKey,
        name: "delete-access-key",
        title: "Delete access key",
        applies: Applies::AccessKey,
        permission: "iam:DeleteAccessKey",
        recheck: Some("iam:ListAccessKeys"),
        api: "iam:DeleteAccessKey",
        undo: None,
    },
    ActionSpec {
        id: ActionId::DeleteLoginProfile,
        name: "delete-login-profile",
        title: "Delete console password (login profile)",
        applies: Applies::User,
        permission: "iam:DeleteLoginProfile",
        recheck: Some("iam:GetLoginProfile"),
        api: "iam:DeleteLoginProfile",
        undo: None,
    },
    ActionSpec {
        id: ActionId::QuarantineUser,
        name: "quarantine-user",
        title: "Quarantine user (attach a deny-all inline policy)",
        applies: Applies::User,
        permission: "iam:PutUserPolicy",
        recheck: None,
        api: "iam:PutUserPolicy",
        undo: Some(ActionId::ReleaseUser),
    },
    ActionSpec {
        id: ActionId::ReleaseUser,
        name: "release-user",
        title: "Release user from quarantine",
        applies: Applies::User,
        permission: "iam:DeleteUserPolicy",
        recheck: None,
        api: "iam:DeleteUserPolicy",
        undo: Some(ActionId::QuarantineUser),
    },
    ActionSpec {
        id: ActionId::RevokeRoleSessions,
        name: "revoke-role-sessions",
        title: "Revoke the role's older sessions",
        applies: Applies::Role,
        permission: "iam:PutRolePolicy",
        recheck: Some("iam:GetRole"),
        api: "iam:PutRolePolicy (deny aws:TokenIssueTime before now)",
        undo: None,
    },
    ActionSpec {
        id: ActionId::ArchiveFinding,
        name: "archive-finding",
        title: "Archive finding",
        applies: Applies::Finding,
        permission: "guardduty:ArchiveFindings",
        recheck: None,
        api: "guardduty:ArchiveFindings",
        undo: Some(ActionId::UnarchiveFinding),
    },
    ActionSpec {
        id: ActionId::UnarchiveFinding,
        name: "unarchive-finding",
        title: "Unarchive finding",
        applies: Applies::Finding,
        permission: "guardduty:UnarchiveFindings",
        recheck: None,
        api: "guardduty:UnarchiveFindings",
        undo: Some(ActionId::ArchiveFinding),
    },
    ActionSpec {
        id: ActionId::FeedbackUseful,
        name: "finding-feedback-useful",
        title: "Send feedback: useful",
        applies: Applies::Finding,
        permission: "guardduty:UpdateFindingsFeedback",
        recheck: Some("guardduty:GetFindings"),
        api: "guardduty:UpdateFindingsFeedback (USEFUL)",
        undo: None,
    },
    ActionSpec {
        id: ActionId::FeedbackNotUseful,
        name: "finding-feedback-not-useful",
        title: "Send feedback: not useful",
        applies: Applies::Finding,
        permission: "guardduty:UpdateFindingsFeedback",
        recheck: Some("guardduty:GetFindings"),
        api: "guardduty:UpdateFindingsFeedback (NOT_USEFUL)",
        undo: None,
    },
    ActionSpec {
        id: ActionId::SuppressFinding,
        name: "suppress-finding-type",
        title: "Suppress: archive this type on this resource from now on",
        applies: Applies::Finding,
        permission: "guardduty:CreateFilter",
        recheck: Some("guardduty:GetFindings"),
        api: "guardduty:CreateFilter (Action=ARCHIVE)",
        undo: None,
    },
    ActionSpec {
        id: ActionId::DisableAlarmActions,
        name: "disable-alarm-actions",
        title: "Disable the alarm's actions",
        applies: Applies::Alarm,
        permission: "cloudwatch:DisableAlarmActions",
        recheck: None,
        api: "cloudwatch:DisableAlarmActions",
        undo: Some(ActionId::EnableAlarmActions),
    },
    ActionSpec {
        id: ActionId::EnableAlarmActions,
        name: "enable-alarm-actions",
        title: "Enable the alarm's actions",
        applies: Applies::Alarm,
        permission: "cloudwatch:EnableAlarmActions",
        recheck: None,
        api: "cloudwatch:EnableAlarmActions",
        undo: Some(ActionId::DisableAlarmActions),
    },
    ActionSpec {
        id: ActionId::RevokeIngress,
        name: "revoke-ingress-rule",
        title: "Revoke the inbound rule open to the internet",
        applies: Applies::IngressRule,
        permission: "ec2:RevokeSecurityGroupIngress",
        recheck: None,
        api: "ec2:RevokeSecurityGroupIngress",
        undo: Some(ActionId::RestoreIngress),
    },
    ActionSpec {
        id: ActionId::RestoreIngress,
        name: "restore-ingress-rule",
        title: "Restore the inbound rule",
        applies: Applies::IngressRule,
        permission: "ec2:AuthorizeSecurityGroupIngress",
        recheck: None,
        api: "ec2:AuthorizeSecurityGroupIngress",
        undo: Some(ActionId::RevokeIngress),
    },
    ActionSpec {
        id: ActionId::EnableEbsDefaultEncryption,
        name: "enable-ebs-encryption-by-default",
        title: "Turn on EBS encryption by default in the region",
        applies: Applies::EbsDefaults,
        permission: "ec2:EnableEbsEncryptionByDefault",
        recheck: None,
        api: "ec2:EnableEbsEncryptionByDefault",
        undo: Some(ActionId::DisableEbsDefaultEncryption),
    },
    ActionSpec {
        id: ActionId::DisableEbsDefaultEncryption,
        name: "disable-ebs-encryption-by-default",
        title: "Turn off EBS encryption by default in the region",
        applies: Applies::EbsDefaults,
        permission: "ec2:DisableEbsEncryptionByDefault",
        recheck: None,
        api: "ec2:DisableEbsEncryptionByDefault",
        undo: Some(ActionId::EnableEbsDefaultEncryption),
    },
    ActionSpec {
        id: ActionId::BlockPublicAccess,
        name: "block-public-access-account",
        title: "Turn on all four S3 Block Public Access settings for the account",
        applies: Applies::PublicAccessBlock,
        permission: "s3:PutAccountPublicAccessBlock",
        recheck: Some("s3:GetAccountPublicAccessBlock"),
        api: "s3control:PutPublicAccessBlock (all four true)",
        undo: None,
    },
    ActionSpec {
        id: ActionId::StartTrailLogging,
        name: "start-trail-logging",
        title: "Start logging on the trail",
        applies: Applies::Trail,
        permission: "cloudtrail:StartLogging",
        recheck: Some("cloudtrail:GetTrailStatus"),
        api: "cloudtrail:StartLogging",
        undo: None,
    },
];

impl ActionSpec {
    pub fn risk(&self) -> Risk {
        if self.undo.is_some() {
            Risk::Reversible
        } else {
            Risk::NoUndo
        }
    }
}

pub fn spec(id: ActionId) -> &'static ActionSpec {
    // Every ActionId has exactly one entry (a unit test checks); the first entry is never
    // reached in practice but keeps this total.
    CATALOG.iter().find(|s| s.id == id).unwrap_or(&CATALOG[0])
}

/// Why the action cannot apply to this target now (`Err`), e.g. a key that is already
/// inactive cannot be deactivated.
pub fn applicable(id: ActionId, target: &Target) -> Result<(), String> {
    match (id, target) {
        (ActionId::DeactivateKey, Target::AccessKey { active: false, .. }) => {
            Err("the key is already inactive".into())
        }
        (ActionId::ReactivateKey, Target::AccessKey { active: true, .. }) => {
            Err("the key is already active".into())
        }
        (ActionId::DeleteKey, Target::AccessKey { active: true, .. }) => {
            Err("deactivate the key first; delete it once nothing broke".into())
        }
        (ActionId::DeleteLoginProfile, Target::User { console: false, .. }) => {
            Err("the user has no console password".into())
        }
        (
            ActionId::QuarantineUser,
            Target::User {
                quarantined: true, ..
            },
        ) => Err("the user is already quarantined".into()),
        (
            ActionId::ReleaseUser,
            Target::User {
                quarantined: false, ..
            },
        ) => Err("the user is not quarantined by watchpost".into()),
        (
            ActionId::DisableAlarmActions,
            Target::Alarm {
                actions_enabled: false,
                ..
            },
        ) => Err("the alarm's actions are already disabled".into()),
        (
            ActionId::EnableAlarmActions,
            Target::Alarm {
                actions_enabled: true,
                ..
            },
        ) => Err("the alarm's actions are already enabled".into()),
        (ActionId::RevokeIngress, Target::IngressRule { present: false, .. }) => {
            Err("the rule is no longer in the group".into())
        }
        (ActionId::RestoreIngress, Target::IngressRule { present: true, .. }) => {
            Err("the rule is in the group".into())
        }
        (ActionId::EnableEbsDefaultEncryption, Target::EbsDefaults { enabled: true, .. }) => {
            Err("EBS encryption by default is already on".into())
        }
        (ActionId::DisableEbsDefaultEncryption, Target::EbsDefaults { enabled: false, .. }) => {
            Err("EBS encryption by default is already off".into())
        }
        (ActionId::BlockPublicAccess, Target::PublicAccessBlock { all_on: true, .. }) => {
            Err("all four settings are already on".into())
        }
        (ActionId::StartTrailLogging, Target::Trail { logging: true, .. }) => {
            Err("the trail is already logging".into())
        }
        _ => Ok(()),
    }
}

/// Quotes a value for a POSIX shell when it needs it.
pub fn shell_quote(value: &str) -> String {
    let plain = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.,@+=:/-#".contains(c));
    if plain && !value.starts_with('#') {
        value.to_string()
    } else {
        format!("'{}'", value.replace('\'', r"'\''"))
    }
}

/// The GuardDuty criterion field that names a resource of this kind, for suppression rules.
pub fn resource_criterion(resource_kind: &str) -> Option<&'static str> {
    match resource_kind {
        "Instance" => Some("resource.instanceDetails.instanceId"),
        "AccessKey" => Some("resource.accessKeyDetails.accessKeyId"),
        "S3Bucket" => Some("resource.s3BucketDetails.name"),
        "EKSCluster" => Some("resource.eksClusterDetails.name"),
        _ => None,
    }
}

/// The suppression rule's finding criteria (GuardDuty's JSON shape).
pub fn suppression_criteria(finding_type: &str, resource_kind: &str, resource_id: &str) -> String {
    let mut criterion = serde_json::Map::new();
    criterion.insert("type".into(), serde_json::json!({ "Eq": [finding_type] }));
    if let Some(field) = resource_criterion(resource_kind).filter(|_| !resource_id.is_empty()) {
        criterion.insert(field.into(), serde_json::json!({ "Eq": [resource_id] }));
    }
    serde_json::json!({ "Criterion": criterion }).to_string()
}

/// A filter name GuardDuty accepts (3–64 of letters, digits, `-`, `_`, `.`).
pub fn suppression_name(finding_type: &str, resource_id: &str) -> String {
    crate::domain::aws_name(
        &format!("watchpost-{finding_type}-{resource_id}"),
        "-_.",
        64,
    )
}

/// The role policy that denies every session issued before `before`.
pub fn revoke_document(before: DateTime<Utc>) -> String {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Deny",
            "Action": ["*"],
            "Resource": ["*"],
            "Condition": {"DateLessThan": {"aws:TokenIssueTime": before.format("%Y-%m-%dT%H:%M:%SZ").to_string()}}
        }]
    })
    .to_string()
}

/// The `aws` CLI command that does the same as `id` on `target`. `now` fixes the time in
/// time-dependent policies (revoking sessions).
pub fn cli(id: ActionId, target: &Target, now: DateTime<Utc>) -> String {
    let q = shell_quote;
    match target {
        Target::AccessKey {
            user, key, created, ..
        } => {
            let key_id = if target.key_by_slot() {
                // The report names keys by slot: find the ID by creation time.
                format!(
                    "\"$(aws iam list-access-keys --user-name {} --query \"AccessKeyMetadata[?starts_with(CreateDate, '{}')].AccessKeyId\" --output text)\"",
                    q(user),
                    created.format("%Y-%m-%dT%H:%M:%S")
                )
            } else {
                q(key)
            };
            match id {
                ActionId::ReactivateKey => format!(
                    "aws iam update-access-key --user-name {} --access-key-id {key_id} --status Active",
                    q(user)
                ),
                ActionId::DeleteKey => format!(
                    "aws iam delete-access-key --user-name {} --access-key-id {key_id}",
                    q(user)
                ),
                _ => format!(
                    "aws iam update-access-key --user-name {} --access-key-id {key_id} --status Inactive",
                    q(user)
                ),
            }
        }
        Target::User { name, .. } => match id {
            ActionId::DeleteLoginProfile => {
                format!("aws iam delete-login-profile --user-name {}", q(name))
            }
            ActionId::ReleaseUser => format!(
                "aws iam delete-user-policy --user-name {} --policy-name {QUARANTINE_POLICY}",
                q(name)
            ),
            _ => format!(
                "aws iam put-user-policy --user-name {} --policy-name {QUARANTINE_POLICY} --policy-document {}",
                q(name),
                q(QUARANTINE_DOCUMENT)
            ),
        },
        Target::Role { name, .. } => format!(
            "aws iam put-role-policy --role-name {} --policy-name {REVOKE_POLICY} --policy-document {}",
            q(name),
            q(&revoke_document(now))
        ),
        Target::Finding {
            region,
            detector_id,
            id: finding,
            finding_type,
            resource_kind,
            resource_id,
            ..
        } => {
            let base = format!("--region {region} --detector-id {}", q(detector_id));
            match id {
                ActionId::UnarchiveFinding => format!(
                    "aws guardduty unarchive-findings {base} --finding-ids {}",
                    q(finding)
                ),
                ActionId::FeedbackUseful | ActionId::FeedbackNotUseful => format!(
                    "aws guardduty update-findings-feedback {base} --finding-ids {} --feedback {}",
                    q(finding),
                    if id == ActionId::FeedbackUseful {
                        "USEFUL"
                    } else {
                        "NOT_USEFUL"
                    }
                ),
                ActionId::SuppressFinding => format!(
                    "aws guardduty create-filter {base} --name {} --action ARCHIVE --finding-criteria {}",
                    suppression_name(finding_type, resource_id),
                    q(&suppression_criteria(
                        finding_type,
                        resource_kind,
                        resource_id
                    ))
                ),
                _ => format!(
                    "aws guardduty archive-findings {base} --finding-ids {}",
                    q(finding)
                ),
            }
        }
        Target::Alarm { region, name, .. } => format!(
            "aws cloudwatch {} --region {region} --alarm-names {}",
            if id == ActionId::EnableAlarmActions {
                "enable-alarm-actions"
            } else {
                "disable-alarm-actions"
            },
            q(name)
        ),
        Target::IngressRule { .. }
        | Target::EbsDefaults { .. }
        | Target::PublicAccessBlock { .. }
        | Target::Trail { .. } => super::baseline_cli::cli(id, target),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0)
            .single()
            .unwrap_or_default()
    }

    #[test]
    fn every_action_is_declared_once_and_undo_pairs_point_back() {
        let all = [
            ActionId::DeactivateKey,
            ActionId::ReactivateKey,
            ActionId::DeleteKey,
            ActionId::DeleteLoginProfile,
            ActionId::QuarantineUser,
            ActionId::ReleaseUser,
            ActionId::RevokeRoleSessions,
            ActionId::ArchiveFinding,
            ActionId::UnarchiveFinding,
            ActionId::FeedbackUseful,
            ActionId::FeedbackNotUseful,
            ActionId::SuppressFinding,
            ActionId::DisableAlarmActions,
            ActionId::EnableAlarmActions,
            ActionId::RevokeIngress,
            ActionId::RestoreIngress,
            ActionId::EnableEbsDefaultEncryption,
            ActionId::DisableEbsDefaultEncryption,
            ActionId::BlockPublicAccess,
            ActionId::StartTrailLogging,
        ];
        for id in all {
            assert_eq!(CATALOG.iter().filter(|s| s.id == id).count(), 1, "{id:?}");
            if let Some(undo) = spec(id).undo {
                assert_eq!(spec(undo).undo, Some(id), "{id:?} and its undo");
                assert_eq!(spec(undo).applies, spec(id).applies);
            }
        }
        assert_eq!(CATALOG.len(), all.len());
        let mut names: Vec<&str> = CATALOG.iter().map(|s| s.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), CATALOG.len());
    }

    #[test]
    fn cli_equivalents_are_exact_and_quoted() {
        let key = Target::AccessKey {
            account_id: "1".into(),
            user: "alice".into(),
            key: "AKIAEXAMPLE".into(),
            created: now(),
            active: true,
        };
        assert_eq!(
            cli(ActionId::DeactivateKey, &key, now()),
            "aws iam update-access-key --user-name alice --access-key-id AKIAEXAMPLE --status Inactive"
        );
        let alarm = Target::Alarm {
            account_id: "1".into(),
            region: "eu-west-1".into(),
            name: "it's down".into(),
            actions_enabled: true,
        };
        assert_eq!(
            cli(ActionId::DisableAlarmActions, &alarm, now()),
            r"aws cloudwatch disable-alarm-actions --region eu-west-1 --alarm-names 'it'\''s down'"
        );
    }

    #[test]
    fn a_key_known_by_slot_is_found_by_its_creation_time() {
        let key = Target::AccessKey {
            account_id: "1".into(),
            user: "bob".into(),
            key: "#1".into(),
            created: now(),
            active: true,
        };
        let cli = cli(ActionId::DeactivateKey, &key, now());
        assert!(cli.contains("list-access-keys --user-name bob"), "{cli}");
        assert!(cli.contains("2026-11-28T12:00:00"), "{cli}");
    }

    #[test]
    fn availability_follows_the_target_state() {
        let key = |active| Target::AccessKey {
            account_id: "1".into(),
            user: "u".into(),
            key: "K".into(),
            created: now(),
            active,
        };
        assert!(applicable(ActionId::DeactivateKey, &key(true)).is_ok());
        assert!(applicable(ActionId::DeactivateKey, &key(false)).is_err());
        assert!(
            applicable(ActionId::DeleteKey, &key(true)).is_err(),
            "only once inactive"
        );
        assert!(applicable(ActionId::DeleteKey, &key(false)).is_ok());
    }

    #[test]
    fn suppression_rules_name_the_type_and_resource() {
        let criteria =
            suppression_criteria("Recon:EC2/PortProbeUnprotectedPort", "Instance", "i-1");
        assert!(
            criteria.contains("resource.instanceDetails.instanceId"),
            "{criteria}"
        );
        let name = suppression_name("Recon:EC2/PortProbeUnprotectedPort", "i-1");
        assert_eq!(name, "watchpost-Recon-EC2-PortProbeUnprotectedPort-i-1");
        assert!(revoke_document(now()).contains("2026-11-28T12:00:00Z"));
    }
}
