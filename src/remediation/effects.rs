//! What actions done this session do to data that predates them, each as its action
//! declares it: used to lay actions over a credential report or baseline read before
//! them, and by the demo account to carry actions out.

use super::Offer;
use crate::domain::{AccountBaseline, Alarm, Finding, IdentityInventory, RegionalBaseline};

/// What `offer` does to IAM users, as the data would show it.
pub fn apply_to_identity(inventory: &mut IdentityInventory, offer: &Offer) {
    offer.action.action().on_identity(&offer.target, inventory);
}

/// What `offer` does to an alarm.
pub fn apply_to_alarm(alarm: &mut Alarm, offer: &Offer) {
    offer.action.action().on_alarm(&offer.target, alarm);
}

/// Whether `offer` archives `finding` (`Some(true)`), unarchives it (`Some(false)`), or
/// leaves it alone. Offers applied in order: the last word on a finding wins.
pub fn archives(finding: &Finding, offer: &Offer) -> Option<bool> {
    offer.action.action().archives(&offer.target, finding)
}

/// Whether the console drops `finding` as soon as `offer` is done, before the next poll
/// says so (an archived finding leaves the Findings tab at once).
pub fn drops_at_once(finding: &Finding, offer: &Offer) -> bool {
    offer.action.action().drops_at_once(&offer.target, finding)
}

/// What `offer` does to a region's baseline.
pub fn apply_to_regional(baseline: &mut RegionalBaseline, offer: &Offer) {
    offer.action.action().on_regional(&offer.target, baseline);
}

/// What `offer` does to the account's baseline.
pub fn apply_to_account(baseline: &mut AccountBaseline, offer: &Offer) {
    offer.action.action().on_account(&offer.target, baseline);
}
