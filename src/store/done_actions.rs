//! Actions the console carried out, laid over data that predates them. The credential
//! report is a snapshot AWS renews at most every 4 hours, so after deactivating a key the
//! next report may still say Active; the action is the more recent truth until a report
//! generated after it arrives. Live data (alarms, findings) needs no overlay: the next
//! poll shows the real state.

use crate::domain::IdentityInventory;
use crate::remediation::Offer;
use crate::remediation::effects::apply_to_identity;
use chrono::{DateTime, Utc};

/// A successful action and when it finished.
#[derive(Clone, Debug, PartialEq)]
pub struct DoneAction {
    pub offer: Offer,
    pub at: DateTime<Utc>,
}

/// Applies to `inventory` every action on its account newer than its credential report.
pub fn lay_over(inventory: &mut IdentityInventory, done: &[DoneAction]) {
    let generated = inventory.report_generated;
    let account = inventory.account_id.clone();
    for action in done
        .iter()
        .filter(|a| a.at > generated && *a.offer.target.account_id() == *account)
    {
        apply_to_identity(inventory, &action.offer);
    }
}
