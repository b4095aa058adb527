//! Actions the console carried out, laid over data that predates them. The credential
//! report is a snapshot AWS renews at most every 4 hours, so after deactivating a key the
//! next report may still say Active; the action is the more recent truth until a report
//! generated after it arrives. Live data (alarms, findings) needs no overlay: the next
//! poll shows the real state.

use crate::domain::{AccessKeyStatus, IdentityInventory};
use crate::remediation::catalog::QUARANTINE_POLICY;
use crate::remediation::{ActionId, Offer, Target};
use chrono::{DateTime, Utc};

/// A successful action and when it finished.
#[derive(Clone, Debug, PartialEq)]
pub struct DoneAction {
    pub offer: Offer,
    pub at: DateTime<Utc>,
}

/// Applies to `inventory` every action newer than its credential report.
pub fn apply(inventory: &mut IdentityInventory, done: &[DoneAction]) {
    let generated = inventory.report_generated;
    for action in done.iter().filter(|a| a.at > generated) {
        apply_one(inventory, &action.offer);
    }
}

fn apply_one(inventory: &mut IdentityInventory, offer: &Offer) {
    match &offer.target {
        Target::AccessKey { user, key, .. } => {
            let Some(user) = inventory.users.iter_mut().find(|u| &u.name == user) else {
                return;
            };
            match offer.action {
                ActionId::DeleteKey => user.access_keys.retain(|k| &k.id != key),
                ActionId::DeactivateKey | ActionId::ReactivateKey => {
                    for k in user.access_keys.iter_mut().filter(|k| &k.id == key) {
                        k.status = if offer.action == ActionId::DeactivateKey {
                            AccessKeyStatus::Inactive
                        } else {
                            AccessKeyStatus::Active
                        };
                    }
                }
                _ => {}
            }
        }
        Target::User { name, .. } => {
            let Some(user) = inventory.users.iter_mut().find(|u| &u.name == name) else {
                return;
            };
            let label = format!("{QUARANTINE_POLICY} (inline)");
            match offer.action {
                ActionId::DeleteLoginProfile => user.password = None,
                ActionId::QuarantineUser => {
                    if !user.policies.contains(&label) {
                        user.policies.push(label);
                    }
                    // Denied everything: no longer admin, whatever else applies.
                    user.admin_via.clear();
                }
                ActionId::ReleaseUser => user.policies.retain(|p| p != &label),
                _ => {}
            }
        }
        _ => {}
    }
}
