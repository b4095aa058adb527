//! A customer managed KMS key's automatic rotation: turn it on, and off again.

use super::{other_kind, refused, shell_quote as q};
use crate::domain::{Call, KeyRotation, RegionalBaseline};
use crate::remediation::action::{Action, ActionError, ActionSpec, Applies};
use crate::remediation::aws::AwsClients;
use crate::remediation::catalog::ActionId;
use crate::remediation::{Offer, Target};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// Turns the key's automatic rotation on (`true`) or off.
pub struct SetRotation(pub bool);

static ENABLE: ActionSpec = ActionSpec {
    name: "enable-key-rotation",
    title: "Turn on automatic rotation of the key",
    applies: Applies::KmsKey,
    call: Call::new("kms", "EnableKeyRotation"),
    recheck: None,
    api: "kms:EnableKeyRotation",
    undo: Some(ActionId::DisableKeyRotation),
};

static DISABLE: ActionSpec = ActionSpec {
    name: "disable-key-rotation",
    title: "Turn off automatic rotation of the key",
    applies: Applies::KmsKey,
    call: Call::new("kms", "DisableKeyRotation"),
    recheck: None,
    api: "kms:DisableKeyRotation",
    undo: Some(ActionId::EnableKeyRotation),
};

#[async_trait]
impl Action for SetRotation {
    fn spec(&self) -> &'static ActionSpec {
        if self.0 { &ENABLE } else { &DISABLE }
    }

    fn unavailable(&self, target: &Target) -> Option<&'static str> {
        match target {
            Target::KmsKey { rotating, .. } if *rotating == self.0 => Some(if self.0 {
                "the key already rotates"
            } else {
                "the key does not rotate"
            }),
            _ => None,
        }
    }

    fn cli(&self, target: &Target, _at: DateTime<Utc>) -> String {
        let Target::KmsKey { region, key_id, .. } = target else {
            return String::new();
        };
        let verb = if self.0 {
            "enable-key-rotation"
        } else {
            "disable-key-rotation"
        };
        format!("aws kms {verb} --region {region} --key-id {}", q(key_id))
    }

    fn after(&self, target: &Target) -> Target {
        let mut after = target.clone();
        if let Target::KmsKey { rotating, .. } = &mut after {
            *rotating = self.0;
        }
        after
    }

    async fn call(&self, aws: &AwsClients, offer: &Offer) -> Result<String, ActionError> {
        let Target::KmsKey { region, key_id, .. } = &offer.target else {
            return Err(other_kind(&offer.target));
        };
        let kms = aws.kms(region)?;
        if self.0 {
            kms.enable_key_rotation()
                .key_id(key_id)
                .send()
                .await
                .map_err(|e| refused(&offer.target, self.spec().call, &e))?;
            Ok(format!("{key_id} rotates automatically"))
        } else {
            kms.disable_key_rotation()
                .key_id(key_id)
                .send()
                .await
                .map_err(|e| refused(&offer.target, self.spec().call, &e))?;
            Ok(format!("{key_id} no longer rotates"))
        }
    }

    fn on_regional(&self, target: &Target, baseline: &mut RegionalBaseline) {
        let Target::KmsKey { key_id, .. } = target else {
            return;
        };
        if !target.is_in(baseline) {
            return;
        }
        if let Ok(keys) = baseline.kms_keys.as_mut() {
            for key in keys.iter_mut().filter(|k| k.id == *key_id) {
                key.rotation = Ok(if self.0 {
                    KeyRotation::On
                } else {
                    KeyRotation::Off
                });
            }
        }
    }
}
