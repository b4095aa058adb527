//! Guided remediation: the actions (one value each in `actions/`, listed by the catalog),
//! what each row can be acted on as (its targets, from the pane), the offers the action
//! menu lists, and the executors that carry an action out and journal it. In read-only
//! mode no executor exists.

pub mod accounts;
pub mod action;
pub mod actions;
pub mod aws;
pub mod catalog;
pub mod effects;
mod runner;
pub mod target;

pub use action::{Action, ActionError, ActionSpec, Applies, Risk, Unavailable};
pub use catalog::{ActionId, CATALOG};
pub use runner::Runner;
pub use target::Target;

use crate::domain::Call;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// What [`Execute::resolve`] reads: the user's access keys.
pub const RESOLVE_CALL: Call = Call::new("iam", "ListAccessKeys");

/// Something that can carry an offer out: the AWS executor, or the demo account's.
#[async_trait]
pub trait Execute: Send + Sync {
    /// The offer on the live state of its target, read before the preview is shown (see
    /// [`Offer::needs_resolving`]): an access key the credential report named by slot gets
    /// its real ID, and its status comes from AWS now, not from a report up to 4 hours old.
    /// Only reads. `Err` says why the target cannot be found.
    async fn resolve(&self, offer: &Offer) -> Result<Offer, ActionError> {
        Ok(offer.clone())
    }

    /// `Ok` says what changed; `Err` why nothing did.
    async fn perform(&self, offer: &Offer) -> Result<String, ActionError>;
}

/// One action the menu offers for one target, with the CLI equivalent fixed at the moment
/// the menu opened (so what is previewed is what runs).
#[derive(Clone, Debug, PartialEq)]
pub struct Offer {
    pub action: ActionId,
    pub target: Target,
    /// Why the action cannot run now (wrong state, read-only mode), if it cannot.
    pub available: Result<(), Unavailable>,
    pub cli: String,
    pub prepared_at: DateTime<Utc>,
}

impl Offer {
    pub fn new(action: ActionId, target: Target, now: DateTime<Utc>) -> Offer {
        let it = action.action();
        let available = if it.spec().applies != target.applies() {
            Err(Unavailable::OtherKind(target.describe()))
        } else {
            match it.unavailable(&target) {
                Some(why) => Err(Unavailable::State(why)),
                None => Ok(()),
            }
        };
        Offer {
            available,
            cli: it.cli(&target, now),
            action,
            target,
            prepared_at: now,
        }
    }

    pub fn spec(&self) -> &'static ActionSpec {
        self.action.spec()
    }

    /// Whether the preview must wait for [`Execute::resolve`]: access keys, whose ID and
    /// status the credential report gives only by slot and up to 4 hours late.
    pub fn needs_resolving(&self) -> bool {
        self.target.applies() == Applies::AccessKey
    }

    /// The reads made before the action's call: resolving the target for its preview,
    /// and the action's re-check just before the call.
    pub fn reads(&self) -> Vec<Call> {
        let mut reads: Vec<Call> = Vec::new();
        if self.needs_resolving() {
            reads.push(RESOLVE_CALL);
        }
        if let Some(recheck) = self.spec().recheck.filter(|r| !reads.contains(r)) {
            reads.push(recheck);
        }
        reads
    }

    /// The same action on `target` as it is now (availability and CLI worked out again).
    pub fn on(&self, target: Target, now: DateTime<Utc>) -> Offer {
        Offer::new(self.action, target, now)
    }

    /// The offer as run at `now`: time-dependent actions (revoking sessions) take the
    /// moment they run, and the CLI equivalent, which the journal keeps, shows it.
    pub fn stamped(&self, now: DateTime<Utc>) -> Offer {
        Offer {
            cli: self.action.action().cli(&self.target, now),
            prepared_at: now,
            ..self.clone()
        }
    }

    /// Whether `other` is this offer, perhaps stamped at another time.
    pub fn same_action(&self, other: &Offer) -> bool {
        self.action == other.action && self.target == other.target
    }

    /// The undo of a finished action, on the state the action left behind.
    pub fn undo(&self, now: DateTime<Utc>) -> Option<Offer> {
        let undo = self.spec().undo?;
        Some(Offer::new(
            undo,
            self.action.action().after(&self.target),
            now,
        ))
    }
}

/// Every catalog action for each target, in catalog order. In read-only mode each says so
/// (the auditor still sees the action and its CLI equivalent, for a recommendation).
pub fn offers(targets: &[Target], read_only: bool, now: DateTime<Utc>) -> Vec<Offer> {
    let mut offers = Vec::new();
    for target in targets {
        for &id in CATALOG
            .iter()
            .filter(|id| id.spec().applies == target.applies())
        {
            let mut offer = Offer::new(id, target.clone(), now);
            if read_only && offer.available.is_ok() {
                offer.available = Err(Unavailable::ReadOnly);
            }
            offers.push(offer);
        }
    }
    offers
}

/// In an organisation, offers on the rows of an account with a read-only rule cannot run
/// and say which rule; another account's offers are left as they are.
pub fn apply_account_rules(offers: &mut [Offer], org: &crate::domain::Organization) {
    for offer in offers.iter_mut().filter(|o| o.available.is_ok()) {
        let account = org.account(offer.target.account_id());
        if let Some(rule) = account.and_then(|a| a.read_only.as_ref()) {
            offer.available = Err(Unavailable::AccountReadOnly(rule.clone()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alarm() -> Target {
        Target::Alarm {
            account_id: "1".into(),
            region: "r".into(),
            name: "a".into(),
            actions_enabled: true,
        }
    }

    #[test]
    fn offers_list_every_action_for_the_target_kind() {
        let offers = offers(&[alarm()], false, Utc::now());
        let actions: Vec<ActionId> = offers.iter().map(|o| o.action).collect();
        assert_eq!(
            actions,
            [ActionId::DisableAlarmActions, ActionId::EnableAlarmActions]
        );
        assert!(offers[0].available.is_ok());
        assert!(offers[1].available.is_err(), "already enabled");
    }

    #[test]
    fn read_only_mode_shows_actions_but_none_can_run() {
        let offers = offers(&[alarm()], true, Utc::now());
        assert!(offers.iter().all(|o| o.available.is_err()));
        assert!(
            offers[0]
                .available
                .as_ref()
                .err()
                .is_some_and(|e| e.to_string().contains("read-only"))
        );
        assert!(
            offers[0]
                .cli
                .starts_with("aws cloudwatch disable-alarm-actions")
        );
    }

    #[test]
    fn an_accounts_read_only_rule_stops_its_offers_and_no_others() {
        use crate::domain::{Discovery, OrgAccount, Organization, Reach};
        let account = |id: &str, rule: Option<&str>| OrgAccount {
            id: id.into(),
            name: format!("account-{id}"),
            ou_path: String::new(),
            ou_ids: Vec::new(),
            reach: Reach::Reachable,
            read_only: rule.map(str::to_string),
            banner: None,
        };
        let org = Organization {
            id: None,
            management_account: None,
            discovery: Discovery::Listed,
            accounts: vec![
                account("1", Some("[[accounts]] prod-*")),
                account("2", None),
            ],
            member_role: None,
            guardduty_admin: None,
        };
        let in_account = |id: &str| Target::Alarm {
            account_id: id.into(),
            region: "r".into(),
            name: "a".into(),
            actions_enabled: true,
        };
        let mut offers = offers(&[in_account("1"), in_account("2")], false, Utc::now());
        apply_account_rules(&mut offers, &org);
        let disable = |id: &str| {
            offers
                .iter()
                .find(|o| {
                    o.action == ActionId::DisableAlarmActions && **o.target.account_id() == *id
                })
                .map(|o| o.available.clone())
        };
        assert_eq!(
            disable("1"),
            Some(Err(Unavailable::AccountReadOnly(
                "[[accounts]] prod-*".into()
            )))
        );
        assert_eq!(
            Unavailable::AccountReadOnly("[[accounts]] prod-*".into()).to_string(),
            "read-only: [[accounts]] prod-*"
        );
        assert_eq!(
            disable("2"),
            Some(Ok(())),
            "another account's rows stay runnable"
        );
        // A reason the offer had already is kept.
        let enable = offers
            .iter()
            .find(|o| o.action == ActionId::EnableAlarmActions && **o.target.account_id() == *"1");
        assert!(matches!(
            enable.map(|o| &o.available),
            Some(Err(Unavailable::State(_)))
        ));
    }

    #[test]
    fn the_preview_names_every_read_made_before_the_call() {
        let key = |action| {
            Offer::new(
                action,
                Target::AccessKey {
                    account_id: "1".into(),
                    user: "u".into(),
                    key: "#1".into(),
                    created: Utc::now(),
                    active: false,
                },
                Utc::now(),
            )
        };
        assert_eq!(key(ActionId::DeleteKey).reads(), [RESOLVE_CALL]);
        assert_eq!(key(ActionId::ReactivateKey).reads(), [RESOLVE_CALL]);
        let user = Offer::new(
            ActionId::DeleteLoginProfile,
            Target::User {
                account_id: "1".into(),
                name: "u".into(),
                console: true,
                quarantined: false,
            },
            Utc::now(),
        );
        assert_eq!(user.reads(), [Call::new("iam", "GetLoginProfile")]);
        let alarm = Offer::new(ActionId::DisableAlarmActions, alarm(), Utc::now());
        assert!(alarm.reads().is_empty());
    }

    #[test]
    fn an_undo_offer_is_available_on_the_state_the_action_left() {
        let offer = Offer::new(ActionId::DisableAlarmActions, alarm(), Utc::now());
        let undo = offer.undo(Utc::now()).unwrap();
        assert_eq!(undo.action, ActionId::EnableAlarmActions);
        assert!(undo.available.is_ok());
    }
}
