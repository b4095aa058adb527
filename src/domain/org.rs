//! The accounts a session watches when it spans an AWS Organization (or a list of accounts
//! named in configuration): each with its name and OU path from Organizations, its state,
//! and whether watchpost could get in. One account, the caller's own, is the whole
//! "organisation" of a single-account session, which has none of this.

use super::AccountId;
use serde::{Deserialize, Serialize};

/// One account and how far watchpost got with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgAccount {
    pub id: AccountId,
    /// The account's name in Organizations; its ID when not known (`--accounts`).
    pub name: String,
    /// The OUs from the root down to the account, as `Workloads/Prod`; empty at the root
    /// or when the OU walk was not possible.
    pub ou_path: String,
    /// The IDs of those OUs, root first, for `--org-ou` and `:account ou-…`.
    pub ou_ids: Vec<String>,
    pub reach: Reach,
    /// Why no action may run on this account's rows (its `[[accounts]]` rule or
    /// `read_only_accounts` pattern), `None` when actions may run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_only: Option<String>,
    /// The banner of the account's `[[accounts]]` rule, e.g. PRODUCTION.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub banner: Option<String>,
}

/// Whether the account's data can be read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reach", content = "why", rename_all = "snake_case")]
pub enum Reach {
    /// Not tried yet (the console tries every account in the background).
    Pending,
    /// Signed in: with the session's own credentials or the member role.
    Reachable,
    /// Not ACTIVE in Organizations (SUSPENDED, PENDING_CLOSURE): listed, never read, and
    /// never counted as unreachable.
    Skipped(String),
    /// Should be readable and is not: the role is missing or refuses the caller, or
    /// credentials failed. The reason is shown and the report exits 4 naming it.
    Unreachable(String),
}

impl Reach {
    pub fn is_unreachable(&self) -> bool {
        matches!(self, Reach::Unreachable(_))
    }

    /// A word for tables: reachable, skipped, unreachable, pending.
    pub fn word(&self) -> &'static str {
        match self {
            Reach::Pending => "pending",
            Reach::Reachable => "reachable",
            Reach::Skipped(_) => "skipped",
            Reach::Unreachable(_) => "unreachable",
        }
    }

    /// Why, when the account is not reachable.
    pub fn reason(&self) -> Option<&str> {
        match self {
            Reach::Skipped(why) | Reach::Unreachable(why) => Some(why),
            Reach::Pending | Reach::Reachable => None,
        }
    }
}

/// Where the list of accounts came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Discovery {
    /// Organizations `ListAccounts` (and the OU walk).
    Organizations,
    /// `--accounts` or `[org] accounts`.
    Listed,
    /// The simulated organisation of the demo.
    Demo,
}

/// The accounts of a multi-account session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organization {
    /// `o-…`, when Organizations was asked.
    pub id: Option<String>,
    pub management_account: Option<AccountId>,
    pub discovery: Discovery,
    /// In the order Organizations listed them (or configuration named them).
    pub accounts: Vec<OrgAccount>,
    /// The member role assumed in each account but the caller's own.
    pub member_role: Option<String>,
    /// The GuardDuty delegated administrator, whose detector lists every member's findings.
    pub guardduty_admin: Option<AccountId>,
}

impl Organization {
    pub fn account(&self, id: &str) -> Option<&OrgAccount> {
        self.accounts.iter().find(|a| a.id == *id)
    }

    pub fn account_mut(&mut self, id: &str) -> Option<&mut OrgAccount> {
        self.accounts.iter_mut().find(|a| a.id == *id)
    }

    /// The account's name, or the ID itself when it is not one of ours.
    pub fn name_of<'a>(&'a self, id: &'a str) -> &'a str {
        self.account(id).map_or(id, |a| a.name.as_str())
    }

    /// `name (111122223333)`, for messages and the report.
    pub fn label(&self, id: &str) -> String {
        match self.account(id) {
            Some(account) if account.name != *id => format!("{} ({id})", account.name),
            _ => id.to_string(),
        }
    }

    pub fn unreachable(&self) -> impl Iterator<Item = &OrgAccount> {
        self.accounts.iter().filter(|a| a.reach.is_unreachable())
    }

    pub fn reachable(&self) -> impl Iterator<Item = &OrgAccount> {
        self.accounts
            .iter()
            .filter(|a| matches!(a.reach, Reach::Reachable))
    }
}

/// A scope named by `:account`: a name, an ID, an OU ID (the OU and its children), or `*`
/// for every account. Names and IDs may use `*` wildcards.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountScope {
    patterns: Vec<String>,
}

impl AccountScope {
    /// `text` is a comma list; `*` alone (or nothing) is every account.
    pub fn parse(text: &str) -> Option<AccountScope> {
        let patterns: Vec<String> = text
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect();
        if patterns.is_empty() || patterns.iter().any(|p| p == "*") {
            return None;
        }
        Some(AccountScope { patterns })
    }

    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }

    /// Whether `account` is in scope.
    pub fn includes(&self, account: &OrgAccount) -> bool {
        self.patterns.iter().any(|pattern| {
            super::glob_match(pattern, &account.id)
                || super::glob_match(&pattern.to_lowercase(), &account.name.to_lowercase())
                || account.ou_ids.iter().any(|ou| ou == pattern)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(id: &str, name: &str, ous: &[&str]) -> OrgAccount {
        OrgAccount {
            id: id.into(),
            name: name.into(),
            ou_path: String::new(),
            ou_ids: ous.iter().map(|s| s.to_string()).collect(),
            reach: Reach::Reachable,
            read_only: None,
            banner: None,
        }
    }

    #[test]
    fn a_scope_matches_names_ids_and_ous_and_star_is_everything() {
        let prod = account("111122223333", "Prod-Web", &["r-ab12", "ou-ab12-prod"]);
        let dev = account("444455556666", "dev", &["r-ab12", "ou-ab12-dev"]);
        let by_name = AccountScope::parse("prod-*").unwrap();
        assert!(by_name.includes(&prod) && !by_name.includes(&dev));
        let by_id = AccountScope::parse("444455556666").unwrap();
        assert!(by_id.includes(&dev) && !by_id.includes(&prod));
        let by_ou = AccountScope::parse("ou-ab12-prod, dev").unwrap();
        assert!(by_ou.includes(&prod) && by_ou.includes(&dev));
        assert_eq!(AccountScope::parse("*"), None);
        assert_eq!(AccountScope::parse(" "), None);
    }

    #[test]
    fn labels_name_the_account_and_fall_back_to_the_id() {
        let org = Organization {
            id: None,
            management_account: None,
            discovery: Discovery::Listed,
            accounts: vec![account("111122223333", "prod", &[])],
            member_role: None,
            guardduty_admin: None,
        };
        assert_eq!(org.label("111122223333"), "prod (111122223333)");
        assert_eq!(org.label("999999999999"), "999999999999");
        assert_eq!(org.name_of("111122223333"), "prod");
    }

    #[test]
    fn skipped_accounts_are_never_unreachable() {
        assert!(!Reach::Skipped("SUSPENDED".into()).is_unreachable());
        assert!(Reach::Unreachable("role missing".into()).is_unreachable());
    }
}
