//! Access keys: deactivate, reactivate, delete (after deactivating, once nothing broke).

use super::{other_kind, refused, shell_quote as q};
use crate::domain::{AccessKeyStatus, Call, IdentityInventory, KeyRef};
use crate::remediation::action::{Action, ActionError, ActionSpec, Applies};
use crate::remediation::aws::AwsClients;
use crate::remediation::catalog::ActionId;
use crate::remediation::{Offer, Target};
use async_trait::async_trait;
use aws_sdk_iam::types::StatusType;
use chrono::{DateTime, Utc};

/// Makes the key active (`true`: reactivate) or inactive (deactivate).
pub struct SetStatus(pub bool);
pub struct Delete;

impl SetStatus {
    fn status(&self) -> StatusType {
        if self.0 {
            StatusType::Active
        } else {
            StatusType::Inactive
        }
    }
}

static DEACTIVATE: ActionSpec = ActionSpec {
    name: "deactivate-access-key",
    title: "Deactivate access key",
    applies: Applies::AccessKey,
    call: Call::new("iam", "UpdateAccessKey"),
    recheck: None,
    api: "iam:UpdateAccessKey (Status=Inactive)",
    undo: Some(ActionId::ReactivateKey),
};

static REACTIVATE: ActionSpec = ActionSpec {
    name: "reactivate-access-key",
    title: "Reactivate access key",
    applies: Applies::AccessKey,
    call: Call::new("iam", "UpdateAccessKey"),
    recheck: None,
    api: "iam:UpdateAccessKey (Status=Active)",
    undo: Some(ActionId::DeactivateKey),
};

static DELETE: ActionSpec = ActionSpec {
    name: "delete-access-key",
    title: "Delete access key",
    applies: Applies::AccessKey,
    call: Call::new("iam", "DeleteAccessKey"),
    recheck: Some(Call::new("iam", "ListAccessKeys")),
    api: "iam:DeleteAccessKey",
    undo: None,
};

/// The key's ID for a CLI command: as it is, or found by creation time when the report
/// named it by slot.
fn cli_key_id(target: &Target) -> String {
    match target {
        Target::AccessKey {
            user,
            key: KeyRef::Slot(_),
            created,
            ..
        } => format!(
            "\"$(aws iam list-access-keys --user-name {} --query \"AccessKeyMetadata[?starts_with(CreateDate, '{}')].AccessKeyId\" --output text)\"",
            q(user),
            created.format("%Y-%m-%dT%H:%M:%S")
        ),
        Target::AccessKey { key, .. } => q(&key.to_string()),
        _ => String::new(),
    }
}

fn user_of(target: &Target) -> &str {
    match target {
        Target::AccessKey { user, .. } => user,
        _ => "",
    }
}

fn with_active(target: &Target, active: bool) -> Target {
    let mut after = target.clone();
    if let Target::AccessKey { active: now, .. } = &mut after {
        *now = active;
    }
    after
}

/// Sets the key's status: the one call deactivate and reactivate share.
async fn set_status(
    aws: &AwsClients,
    offer: &Offer,
    call: Call,
    status: StatusType,
) -> Result<String, ActionError> {
    let Target::AccessKey { user, .. } = &offer.target else {
        return Err(other_kind(&offer.target));
    };
    let key_id = aws.key_id(&offer.target).await?;
    aws.iam
        .update_access_key()
        .user_name(user.as_str())
        .access_key_id(key_id.as_str())
        .status(status.clone())
        .send()
        .await
        .map_err(|e| refused(&offer.target, call, &e))?;
    Ok(format!(
        "access key {key_id} of {user} is now {}",
        status.as_str()
    ))
}

/// The key's status in the data, where the data names it.
fn show_status(target: &Target, inventory: &mut IdentityInventory, status: AccessKeyStatus) {
    let Target::AccessKey { user, key, .. } = target else {
        return;
    };
    if let Some(user) = inventory.user_mut(user) {
        for k in user
            .access_keys
            .iter_mut()
            .filter(|k| k.id == key.to_string())
        {
            k.status = status;
        }
    }
}

fn active(target: &Target) -> bool {
    matches!(target, Target::AccessKey { active: true, .. })
}

#[async_trait]
impl Action for SetStatus {
    fn spec(&self) -> &'static ActionSpec {
        if self.0 { &REACTIVATE } else { &DEACTIVATE }
    }

    fn unavailable(&self, target: &Target) -> Option<&'static str> {
        (active(target) == self.0).then_some(if self.0 {
            "the key is already active"
        } else {
            "the key is already inactive"
        })
    }

    /// A reactivated key counts again for rotation and unused-credential checks.
    fn weakens(&self) -> bool {
        self.0
    }

    fn cli(&self, target: &Target, _at: DateTime<Utc>) -> String {
        format!(
            "aws iam update-access-key --user-name {} --access-key-id {} --status {}",
            q(user_of(target)),
            cli_key_id(target),
            self.status().as_str()
        )
    }

    fn after(&self, target: &Target) -> Target {
        with_active(target, self.0)
    }

    async fn call(&self, aws: &AwsClients, offer: &Offer) -> Result<String, ActionError> {
        set_status(aws, offer, self.spec().call, self.status()).await
    }

    fn on_identity(&self, target: &Target, inventory: &mut IdentityInventory) {
        let status = if self.0 {
            AccessKeyStatus::Active
        } else {
            AccessKeyStatus::Inactive
        };
        show_status(target, inventory, status);
    }
}

#[async_trait]
impl Action for Delete {
    fn spec(&self) -> &'static ActionSpec {
        &DELETE
    }

    fn unavailable(&self, target: &Target) -> Option<&'static str> {
        active(target).then_some("deactivate the key first; delete it once nothing broke")
    }

    fn cli(&self, target: &Target, _at: DateTime<Utc>) -> String {
        format!(
            "aws iam delete-access-key --user-name {} --access-key-id {}",
            q(user_of(target)),
            cli_key_id(target)
        )
    }

    /// The key must still exist and be inactive.
    async fn recheck(&self, aws: &AwsClients, offer: &Offer) -> Result<(), ActionError> {
        let live = aws.live_key(&offer.target).await?;
        if live.active {
            return Err(ActionError::Changed(format!(
                "access key {} of {} is Active now; deactivate it first",
                live.id,
                user_of(&offer.target)
            )));
        }
        Ok(())
    }

    async fn call(&self, aws: &AwsClients, offer: &Offer) -> Result<String, ActionError> {
        let Target::AccessKey { user, .. } = &offer.target else {
            return Err(other_kind(&offer.target));
        };
        let key_id = aws.key_id(&offer.target).await?;
        aws.iam
            .delete_access_key()
            .user_name(user.as_str())
            .access_key_id(key_id.as_str())
            .send()
            .await
            .map_err(|e| refused(&offer.target, DELETE.call, &e))?;
        Ok(format!("access key {key_id} of {user} deleted"))
    }

    fn on_identity(&self, target: &Target, inventory: &mut IdentityInventory) {
        let Target::AccessKey { user, key, .. } = target else {
            return;
        };
        if let Some(user) = inventory.user_mut(user) {
            user.access_keys.retain(|k| k.id != key.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::remediation::{ActionId, Offer, Target};
    use chrono::{DateTime, TimeZone, Utc};

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0)
            .single()
            .unwrap_or_default()
    }

    fn key(key: &str, active: bool) -> Target {
        Target::AccessKey {
            account_id: "1".into(),
            user: "alice".into(),
            key: key.into(),
            created: now(),
            active,
        }
    }

    #[test]
    fn cli_equivalents_are_exact() {
        assert_eq!(
            Offer::new(ActionId::DeactivateKey, key("AKIAEXAMPLE", true), now()).cli,
            "aws iam update-access-key --user-name alice --access-key-id AKIAEXAMPLE --status Inactive"
        );
    }

    #[test]
    fn a_key_known_by_slot_is_found_by_its_creation_time() {
        let cli = Offer::new(ActionId::DeactivateKey, key("#1", true), now()).cli;
        assert!(cli.contains("list-access-keys --user-name alice"), "{cli}");
        assert!(cli.contains("2026-11-28T12:00:00"), "{cli}");
    }

    #[test]
    fn availability_follows_the_key_state() {
        let available = |id, active| Offer::new(id, key("K", active), now()).available.is_ok();
        assert!(available(ActionId::DeactivateKey, true));
        assert!(!available(ActionId::DeactivateKey, false));
        assert!(!available(ActionId::DeleteKey, true), "only once inactive");
        assert!(available(ActionId::DeleteKey, false));
        assert!(!available(ActionId::ReactivateKey, true));
    }
}
