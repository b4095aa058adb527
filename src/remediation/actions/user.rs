//! IAM users: delete the console password, quarantine (a deny-all inline policy), release.

use super::{other_kind, refused, shell_quote as q, still_there};
use crate::domain::{Call, IdentityInventory, SharedList};
use crate::remediation::action::{Action, ActionError, ActionSpec, Applies};
use crate::remediation::aws::AwsClients;
use crate::remediation::catalog::ActionId;
use crate::remediation::{Offer, Target};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// The inline policy watchpost attaches to quarantine a user.
pub const QUARANTINE_POLICY: &str = "watchpost-quarantine";
pub const QUARANTINE_DOCUMENT: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}"#;

pub struct DeleteLoginProfile;
pub struct Quarantine;
pub struct Release;

/// The read before the call: the resource must still exist.
const GET_LOGIN_PROFILE: Call = Call::new("iam", "GetLoginProfile");

static DELETE_LOGIN_PROFILE: ActionSpec = ActionSpec {
    name: "delete-login-profile",
    title: "Delete console password (login profile)",
    applies: Applies::User,
    call: Call::new("iam", "DeleteLoginProfile"),
    recheck: Some(GET_LOGIN_PROFILE),
    api: "iam:DeleteLoginProfile",
    undo: None,
};

static QUARANTINE: ActionSpec = ActionSpec {
    name: "quarantine-user",
    title: "Quarantine user (attach a deny-all inline policy)",
    applies: Applies::User,
    call: Call::new("iam", "PutUserPolicy"),
    recheck: None,
    api: "iam:PutUserPolicy",
    undo: Some(ActionId::ReleaseUser),
};

static RELEASE: ActionSpec = ActionSpec {
    name: "release-user",
    title: "Release user from quarantine",
    applies: Applies::User,
    call: Call::new("iam", "DeleteUserPolicy"),
    recheck: None,
    api: "iam:DeleteUserPolicy",
    undo: Some(ActionId::QuarantineUser),
};

fn name_of(target: &Target) -> &str {
    match target {
        Target::User { name, .. } => name,
        _ => "",
    }
}

fn quarantined(target: &Target) -> bool {
    matches!(
        target,
        Target::User {
            quarantined: true,
            ..
        }
    )
}

fn with_quarantined(target: &Target, quarantined: bool) -> Target {
    let mut after = target.clone();
    if let Target::User {
        quarantined: now, ..
    } = &mut after
    {
        *now = quarantined;
    }
    after
}

/// How the quarantine policy is listed among the user's policies.
fn quarantine_label() -> String {
    format!("{QUARANTINE_POLICY} (inline)")
}

#[async_trait]
impl Action for DeleteLoginProfile {
    fn spec(&self) -> &'static ActionSpec {
        &DELETE_LOGIN_PROFILE
    }

    fn unavailable(&self, target: &Target) -> Option<&'static str> {
        matches!(target, Target::User { console: false, .. })
            .then_some("the user has no console password")
    }

    fn cli(&self, target: &Target, _at: DateTime<Utc>) -> String {
        format!(
            "aws iam delete-login-profile --user-name {}",
            q(name_of(target))
        )
    }

    async fn recheck(&self, aws: &AwsClients, offer: &Offer) -> Result<(), ActionError> {
        let name = name_of(&offer.target);
        let read = aws.iam.get_login_profile().user_name(name).send().await;
        still_there(
            read,
            &offer.target,
            GET_LOGIN_PROFILE,
            |e| e.is_no_such_entity_exception(),
            || format!("{name} has no console password any more"),
        )
    }

    async fn call(&self, aws: &AwsClients, offer: &Offer) -> Result<String, ActionError> {
        let Target::User { name, .. } = &offer.target else {
            return Err(other_kind(&offer.target));
        };
        aws.iam
            .delete_login_profile()
            .user_name(name.as_str())
            .send()
            .await
            .map_err(|e| refused(&offer.target, DELETE_LOGIN_PROFILE.call, &e))?;
        Ok(format!("the console password of {name} is deleted"))
    }

    fn on_identity(&self, target: &Target, inventory: &mut IdentityInventory) {
        if let Some(user) = inventory.user_mut(name_of(target)) {
            user.password = None;
        }
    }
}

#[async_trait]
impl Action for Quarantine {
    fn spec(&self) -> &'static ActionSpec {
        &QUARANTINE
    }

    fn unavailable(&self, target: &Target) -> Option<&'static str> {
        quarantined(target).then_some("the user is already quarantined")
    }

    fn cli(&self, target: &Target, _at: DateTime<Utc>) -> String {
        format!(
            "aws iam put-user-policy --user-name {} --policy-name {QUARANTINE_POLICY} --policy-document {}",
            q(name_of(target)),
            q(QUARANTINE_DOCUMENT)
        )
    }

    fn after(&self, target: &Target) -> Target {
        with_quarantined(target, true)
    }

    async fn call(&self, aws: &AwsClients, offer: &Offer) -> Result<String, ActionError> {
        let Target::User { name, .. } = &offer.target else {
            return Err(other_kind(&offer.target));
        };
        aws.iam
            .put_user_policy()
            .user_name(name.as_str())
            .policy_name(QUARANTINE_POLICY)
            .policy_document(QUARANTINE_DOCUMENT)
            .send()
            .await
            .map_err(|e| refused(&offer.target, QUARANTINE.call, &e))?;
        Ok(format!(
            "{name} is quarantined: {QUARANTINE_POLICY} denies everything"
        ))
    }

    fn on_identity(&self, target: &Target, inventory: &mut IdentityInventory) {
        if let Some(user) = inventory.user_mut(name_of(target)) {
            let label = quarantine_label();
            if !user.policies.iter().any(|p| **p == label) {
                user.policies = user.policies.with(std::sync::Arc::new(label));
            }
            // Denied everything: no longer admin, whatever else applies.
            user.admin_via = SharedList::empty();
        }
    }
}

#[async_trait]
impl Action for Release {
    fn spec(&self) -> &'static ActionSpec {
        &RELEASE
    }

    fn unavailable(&self, target: &Target) -> Option<&'static str> {
        (!quarantined(target)).then_some("the user is not quarantined by watchpost")
    }

    fn weakens(&self) -> bool {
        true
    }

    fn cli(&self, target: &Target, _at: DateTime<Utc>) -> String {
        format!(
            "aws iam delete-user-policy --user-name {} --policy-name {QUARANTINE_POLICY}",
            q(name_of(target))
        )
    }

    fn after(&self, target: &Target) -> Target {
        with_quarantined(target, false)
    }

    async fn call(&self, aws: &AwsClients, offer: &Offer) -> Result<String, ActionError> {
        let Target::User { name, .. } = &offer.target else {
            return Err(other_kind(&offer.target));
        };
        aws.iam
            .delete_user_policy()
            .user_name(name.as_str())
            .policy_name(QUARANTINE_POLICY)
            .send()
            .await
            .map_err(|e| refused(&offer.target, RELEASE.call, &e))?;
        Ok(format!("{name} is released: {QUARANTINE_POLICY} removed"))
    }

    fn on_identity(&self, target: &Target, inventory: &mut IdentityInventory) {
        if let Some(user) = inventory.user_mut(name_of(target)) {
            let label = quarantine_label();
            user.policies = user.policies.without(|p| p == label);
        }
    }
}
