//! Actions taken on the demo account. The demo's data is generated from its seed and the
//! clock; actions are kept here, in order, and laid over what is generated, so a
//! deactivated key stays inactive and an archived finding stays archived — as on AWS.

use crate::domain::{AccountBaseline, Alarm, Finding, IdentityInventory, RegionalBaseline};
use crate::remediation::effects::{
    apply_to_account, apply_to_alarm, apply_to_identity, apply_to_regional, archives,
};
use crate::remediation::{ActionError, Execute, Offer};
use async_trait::async_trait;
use std::sync::{Arc, Mutex};

#[derive(Debug, Default)]
pub struct Changes {
    done: Mutex<Vec<Offer>>,
}

impl Changes {
    pub fn record(&self, offer: &Offer) -> Result<(), ActionError> {
        let mut done = self.done.lock().map_err(|_| ActionError::Demo)?;
        done.push(offer.clone());
        Ok(())
    }

    fn each(&self, mut f: impl FnMut(&Offer)) {
        if let Ok(done) = self.done.lock() {
            done.iter().for_each(&mut f);
        }
    }

    pub fn apply_identity(&self, inventory: &mut IdentityInventory) {
        self.each(|offer| apply_to_identity(inventory, offer));
    }

    pub fn apply_alarms(&self, alarms: &mut [Alarm]) {
        self.each(|offer| alarms.iter_mut().for_each(|a| apply_to_alarm(a, offer)));
    }

    pub fn apply_regional(&self, baseline: &mut RegionalBaseline) {
        self.each(|offer| apply_to_regional(baseline, offer));
    }

    pub fn apply_account(&self, baseline: &mut AccountBaseline) {
        self.each(|offer| apply_to_account(baseline, offer));
    }

    /// The actions taken so far, in order.
    pub fn offers(&self) -> Vec<Offer> {
        let mut offers = Vec::new();
        self.each(|offer| offers.push(offer.clone()));
        offers
    }
}

/// Whether `offers` (in the order they were taken) archived `finding` (`Some(true)`) or
/// unarchived it (`Some(false)`): the last word on it wins; `None` when none touched it.
pub fn last_word(offers: &[Offer], finding: &Finding) -> Option<bool> {
    offers
        .iter()
        .rev()
        .find_map(|offer| archives(finding, offer))
}

/// Carries actions out on the demo account: it validates them as AWS would (the action
/// must apply to the target's state) and records them; nothing leaves the process.
pub struct DemoExecutor {
    changes: Arc<Changes>,
}

impl DemoExecutor {
    pub fn new(changes: Arc<Changes>) -> Self {
        DemoExecutor { changes }
    }
}

#[async_trait]
impl Execute for DemoExecutor {
    async fn perform(&self, offer: &Offer) -> Result<String, ActionError> {
        offer.available.clone()?;
        self.changes.record(offer)?;
        Ok(format!(
            "{} on {} (demo account: simulated, no AWS call)",
            offer.spec().title,
            offer.target.describe()
        ))
    }
}

#[cfg(test)]
mod tests {
    use crate::remediation::{ActionId, Offer, Target};
    use crate::sources::demo::{DemoOptions, DemoWorld};
    use chrono::{TimeZone, Utc};

    #[tokio::test]
    async fn actions_on_the_demo_account_stay_done() {
        let now = Utc
            .with_ymd_and_hms(2026, 11, 28, 12, 0, 0)
            .single()
            .unwrap_or_default();
        let world = DemoWorld::new(DemoOptions::default(), now);
        let executor = super::DemoExecutor::new(world.changes.clone());
        use crate::remediation::Execute;

        let inventory = world.identity_at(now);
        let user = inventory
            .users
            .iter()
            .find(|u| u.active_keys().count() == 1)
            .cloned()
            .unwrap_or_else(|| inventory.users[0].clone());
        let key = user
            .active_keys()
            .next()
            .cloned()
            .unwrap_or_else(|| user.access_keys[0].clone());
        let deactivate = Offer::new(
            ActionId::DeactivateKey,
            Target::AccessKey {
                account_id: inventory.account_id.to_string().into(),
                user: user.name().to_string().into(),
                key: key.id.to_string().into(),
                created: key.created,
                active: true,
            },
            now,
        );
        assert!(executor.perform(&deactivate).await.is_ok());
        let later = now + chrono::Duration::hours(9);
        let after = world.identity_at(later);
        let changed = after
            .users
            .iter()
            .find(|u| u.name() == user.name())
            .unwrap();
        assert!(
            changed
                .access_keys
                .iter()
                .any(|k| k.id == key.id && !k.is_active()),
            "still inactive after the report was regenerated"
        );

        let finding = world.findings_at("us-east-1", now)[0].clone();
        let archive = Offer::new(ActionId::ArchiveFinding, Target::finding(&finding), now);
        assert!(executor.perform(&archive).await.is_ok());
        assert!(
            world
                .findings_at("us-east-1", later)
                .iter()
                .all(|f| f.id != finding.id)
        );

        let alarm = world
            .alarms_at("eu-west-1", now)
            .into_iter()
            .find(|a| a.actions_enabled)
            .unwrap();
        let disable = Offer::new(
            ActionId::DisableAlarmActions,
            Target::Alarm {
                account_id: alarm.account_id.as_str().into(),
                region: alarm.region.as_str().into(),
                name: alarm.name().to_string().into(),
                actions_enabled: true,
            },
            now,
        );
        assert!(executor.perform(&disable).await.is_ok());
        let again = world.alarms_at("eu-west-1", later);
        assert!(
            !again
                .iter()
                .find(|a| a.name() == alarm.name())
                .unwrap()
                .actions_enabled
        );

        // An action that does not apply is refused, as AWS would refuse it.
        let twice = Offer::new(
            ActionId::EnableAlarmActions,
            Target::Alarm {
                account_id: alarm.account_id.as_str().into(),
                region: alarm.region.as_str().into(),
                name: alarm.name().to_string().into(),
                actions_enabled: true,
            },
            now,
        );
        assert!(executor.perform(&twice).await.is_err());
    }
}
