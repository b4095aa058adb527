//! Every remediation action, listed once. What each one is and does is declared by its
//! value in `actions/`; here it gets its identity and its place in the menus.

use super::action::{Action, ActionSpec};
use super::actions::{
    access_key, alarm, bucket, ebs, finding, imds, ingress, kms_key, public_access_block, role,
    trail, user,
};

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
    BlockBucketPublicAccess,
    StartTrailLogging,
    RequireImdsV2,
    AllowImdsV1,
    EnableKeyRotation,
    DisableKeyRotation,
}

/// Every action, in the order the menus list them.
pub const CATALOG: &[ActionId] = &[
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
    ActionId::BlockBucketPublicAccess,
    ActionId::StartTrailLogging,
    ActionId::RequireImdsV2,
    ActionId::AllowImdsV1,
    ActionId::EnableKeyRotation,
    ActionId::DisableKeyRotation,
];

impl ActionId {
    /// The action itself: the match is exhaustive, so every ID has exactly one.
    pub fn action(self) -> &'static dyn Action {
        match self {
            ActionId::DeactivateKey => &access_key::SetStatus(false),
            ActionId::ReactivateKey => &access_key::SetStatus(true),
            ActionId::DeleteKey => &access_key::Delete,
            ActionId::DeleteLoginProfile => &user::DeleteLoginProfile,
            ActionId::QuarantineUser => &user::Quarantine,
            ActionId::ReleaseUser => &user::Release,
            ActionId::RevokeRoleSessions => &role::RevokeSessions,
            ActionId::ArchiveFinding => &finding::SetArchived(true),
            ActionId::UnarchiveFinding => &finding::SetArchived(false),
            ActionId::FeedbackUseful => &finding::SendFeedback(true),
            ActionId::FeedbackNotUseful => &finding::SendFeedback(false),
            ActionId::SuppressFinding => &finding::Suppress,
            ActionId::DisableAlarmActions => &alarm::SetActions(false),
            ActionId::EnableAlarmActions => &alarm::SetActions(true),
            ActionId::RevokeIngress => &ingress::Revoke,
            ActionId::RestoreIngress => &ingress::Restore,
            ActionId::EnableEbsDefaultEncryption => &ebs::SetDefaultEncryption(true),
            ActionId::DisableEbsDefaultEncryption => &ebs::SetDefaultEncryption(false),
            ActionId::BlockPublicAccess => &public_access_block::BlockAll,
            ActionId::BlockBucketPublicAccess => &bucket::BlockPublicAccess,
            ActionId::StartTrailLogging => &trail::StartLogging,
            ActionId::RequireImdsV2 => &imds::RequireV2(true),
            ActionId::AllowImdsV1 => &imds::RequireV2(false),
            ActionId::EnableKeyRotation => &kms_key::SetRotation(true),
            ActionId::DisableKeyRotation => &kms_key::SetRotation(false),
        }
    }

    pub fn spec(self) -> &'static ActionSpec {
        self.action().spec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::remediation::action::Risk;

    #[test]
    fn every_action_is_listed_once_and_undo_pairs_point_back() {
        for &id in CATALOG {
            assert_eq!(CATALOG.iter().filter(|&&c| c == id).count(), 1, "{id:?}");
            if let Some(undo) = id.spec().undo {
                assert_eq!(undo.spec().undo, Some(id), "{id:?} and its undo");
                assert_eq!(undo.spec().applies, id.spec().applies);
            }
        }
        let mut names: Vec<&str> = CATALOG.iter().map(|id| id.spec().name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), CATALOG.len(), "names are unique");
    }

    #[test]
    fn every_action_without_an_undo_names_a_read_made_before_its_call() {
        for &id in CATALOG {
            let spec = id.spec();
            assert_eq!(
                spec.recheck.is_some(),
                spec.risk() == Risk::NoUndo,
                "{}",
                spec.name
            );
            if let Some(read) = spec.recheck {
                assert!(
                    ["Get", "List", "Describe"]
                        .iter()
                        .any(|p| read.operation.starts_with(p)),
                    "{read} is a read"
                );
            }
        }
    }
}
