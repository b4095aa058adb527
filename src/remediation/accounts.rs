//! The executor of a multi-account session: one executor per account that may be written
//! to, and a route for every target to the account whose credentials act on it. A
//! GuardDuty finding of a member account is archived (and given feedback) through the
//! delegated administrator's detector, as AWS requires; everything else acts in the
//! target's own account. A target of a read-only, unreachable or unknown account has no
//! route, and nothing is sent.

use super::{ActionError, Execute, Offer, Target};
use crate::domain::AccountId;
use async_trait::async_trait;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

#[derive(Default)]
pub struct AccountRouter {
    executors: HashMap<AccountId, Arc<dyn Execute>>,
    /// Why an account has no executor (its read-only rule, unreachable).
    refused: HashMap<AccountId, String>,
    /// (member account, region) whose findings live in the administrator's detector, and
    /// that administrator.
    via_admin: HashMap<(AccountId, String), AccountId>,
}

impl AccountRouter {
    pub fn new() -> AccountRouter {
        AccountRouter::default()
    }

    pub fn add(&mut self, account: AccountId, executor: Arc<dyn Execute>) {
        self.executors.insert(account, executor);
    }

    pub fn refuse(&mut self, account: AccountId, why: String) {
        self.refused.insert(account, why);
    }

    /// The findings of `members` in `region` are acted on through `admin`.
    pub fn findings_through(
        &mut self,
        admin: &AccountId,
        region: &str,
        members: &HashSet<AccountId>,
    ) {
        for member in members {
            self.via_admin
                .insert((member.clone(), region.to_string()), admin.clone());
        }
    }

    /// The account whose credentials act on `target`.
    pub fn account_for<'a>(&'a self, target: &'a Target) -> &'a AccountId {
        let own = target.account_id();
        match target {
            Target::Finding { region, .. } => self
                .via_admin
                .get(&(own.clone(), region.to_string()))
                .unwrap_or(own),
            _ => own,
        }
    }

    fn executor_for(&self, target: &Target) -> Result<&Arc<dyn Execute>, ActionError> {
        let account = self.account_for(target);
        self.executors
            .get(account)
            .ok_or_else(|| ActionError::NoAccount {
                account: account.to_string(),
                why: self
                    .refused
                    .get(account)
                    .cloned()
                    .unwrap_or_else(|| "not one of this session's accounts".to_string()),
            })
    }
}

#[async_trait]
impl Execute for AccountRouter {
    async fn resolve(&self, offer: &Offer) -> Result<Offer, ActionError> {
        self.executor_for(&offer.target)?.resolve(offer).await
    }

    async fn perform(&self, offer: &Offer) -> Result<String, ActionError> {
        self.executor_for(&offer.target)?.perform(offer).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::remediation::ActionId;
    use chrono::Utc;
    use std::sync::Mutex;

    /// Records which account's executor ran.
    struct Named(&'static str, Arc<Mutex<Vec<&'static str>>>);

    #[async_trait]
    impl Execute for Named {
        async fn perform(&self, _offer: &Offer) -> Result<String, ActionError> {
            self.1.lock().map(|mut ran| ran.push(self.0)).ok();
            Ok(self.0.to_string())
        }
    }

    fn finding(account: &str) -> Offer {
        Offer::new(
            ActionId::ArchiveFinding,
            Target::Finding {
                account_id: account.into(),
                region: "eu-west-1".into(),
                detector_id: "admin-detector".into(),
                id: "f1".into(),
                finding_type: "Recon:EC2/PortProbeUnprotectedPort".into(),
                resource_kind: "Instance".into(),
                resource_id: "i-1".into(),
                archived: false,
            },
            Utc::now(),
        )
    }

    #[tokio::test]
    async fn member_findings_go_through_the_admin_and_other_targets_stay_home() {
        let ran = Arc::new(Mutex::new(Vec::new()));
        let mut router = AccountRouter::new();
        router.add("111".into(), Arc::new(Named("admin", ran.clone())));
        router.add("222".into(), Arc::new(Named("member", ran.clone())));
        router.findings_through(&"111".into(), "eu-west-1", &HashSet::from(["222".into()]));
        assert_eq!(
            router.perform(&finding("222")).await.ok().as_deref(),
            Some("admin")
        );
        let alarm = Offer::new(
            ActionId::DisableAlarmActions,
            Target::Alarm {
                account_id: "222".into(),
                region: "eu-west-1".into(),
                name: "a".into(),
                actions_enabled: true,
            },
            Utc::now(),
        );
        assert_eq!(router.perform(&alarm).await.ok().as_deref(), Some("member"));
    }

    #[tokio::test]
    async fn a_read_only_or_unknown_account_sends_nothing_and_says_why() {
        let ran = Arc::new(Mutex::new(Vec::new()));
        let mut router = AccountRouter::new();
        router.add("111".into(), Arc::new(Named("admin", ran.clone())));
        router.refuse(
            "333".into(),
            "read-only: [[accounts]] match = \"333\"".into(),
        );
        let refused = router.perform(&finding("333")).await;
        assert!(
            matches!(&refused, Err(ActionError::NoAccount { why, .. }) if why.contains("read-only")),
            "{refused:?}"
        );
        assert!(router.perform(&finding("999")).await.is_err());
        assert!(ran.lock().map(|r| r.is_empty()).unwrap_or(false));
    }
}
