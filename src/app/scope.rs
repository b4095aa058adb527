//! `:account`: which accounts' rows every tab shows. A scope names accounts by name, ID or
//! OU (with `*` wildcards, as `AccountScope` reads them); the tables keep only the rows of
//! the accounts in it, and the header says so. `:account *` shows every account again.

use super::App;
use crate::domain::{AccountScope, OrgAccount, Organization, glob_match};
use std::collections::HashSet;
use std::sync::Arc;

/// The accounts `:account` keeps, worked out once against the organisation's accounts.
#[derive(Clone, Debug, PartialEq)]
pub struct Scope {
    spec: AccountScope,
    /// The organisation's accounts in the scope, and those out of it.
    inside: HashSet<String>,
    outside: HashSet<String>,
}

impl Scope {
    pub fn new(spec: AccountScope, org: &Organization) -> Scope {
        let (inside, outside): (Vec<&OrgAccount>, Vec<&OrgAccount>) =
            org.accounts.iter().partition(|a| spec.includes(a));
        let ids = |accounts: Vec<&OrgAccount>| accounts.iter().map(|a| a.id.to_string()).collect();
        Scope {
            spec,
            inside: ids(inside),
            outside: ids(outside),
        }
    }

    /// Whether the rows of `account` are shown. An account the organisation does not list
    /// (data that names another account) is in the scope when a pattern matches its ID.
    pub fn includes(&self, account: &str) -> bool {
        if self.inside.contains(account) {
            return true;
        }
        if self.outside.contains(account) {
            return false;
        }
        self.spec.patterns().iter().any(|p| glob_match(p, account))
    }

    /// How many of the organisation's accounts are in the scope.
    pub fn len(&self) -> usize {
        self.inside.len()
    }

    pub fn is_empty(&self) -> bool {
        self.inside.is_empty()
    }

    /// The scope as typed, e.g. `prod-*,ou-ab12-dev`.
    pub fn text(&self) -> String {
        self.spec.patterns().join(",")
    }
}

/// `:account` with `argument`: set the scope, show every account (`*`), or say which
/// accounts are shown (nothing). Every name, ID or OU must match an account; one that
/// does not is an error naming the closest names.
pub fn command(app: &mut App, argument: &str) {
    let Some(org) = app.data.org.as_ref() else {
        let text = ":account needs a multi-account session (--org or --accounts)";
        super::update::set_status(app, text.to_string());
        return;
    };
    let total = org.accounts.len();
    if argument.is_empty() {
        let text = match &app.scope {
            Some(scope) => format!(
                "Showing {} of {total} accounts: {} (:account * shows all)",
                scope.len(),
                scope.text()
            ),
            None => format!("Showing every account ({total}); :account NAME|ID|ou-… narrows"),
        };
        super::update::set_status(app, text);
        return;
    }
    let Some(spec) = AccountScope::parse(argument) else {
        app.set_scope(None);
        super::update::set_status(app, format!("Showing every account ({total})"));
        return;
    };
    if let Some(unknown) = spec.patterns().iter().find(|p| !matches_any(org, p)) {
        let text = unknown_account(org, unknown);
        super::update::set_status(app, text);
        return;
    }
    let scope = Scope::new(spec, org);
    let text = format!(
        "Showing {} of {total} accounts: {} (:account * shows all)",
        scope.len(),
        scope.text()
    );
    app.set_scope(Some(Arc::new(scope)));
    super::update::set_status(app, text);
}

fn matches_any(org: &Organization, pattern: &str) -> bool {
    AccountScope::parse(pattern).is_some_and(|one| org.accounts.iter().any(|a| one.includes(a)))
}

/// The error for a name, ID or OU no account has, with the closest names.
fn unknown_account(org: &Organization, pattern: &str) -> String {
    let wanted = pattern.to_lowercase().replace('*', "");
    let mut close: Vec<(usize, &str)> = org
        .accounts
        .iter()
        .filter_map(|a| {
            let name = a.name.to_lowercase();
            let distance = if !wanted.is_empty() && name.contains(&wanted) {
                0
            } else {
                crate::domain::distance(&wanted, &name)
            };
            (distance <= (wanted.chars().count() / 3).max(2)).then_some((distance, a.name.as_str()))
        })
        .collect();
    close.sort();
    let close: Vec<&str> = close.into_iter().map(|(_, name)| name).take(3).collect();
    let what = if pattern.starts_with("ou-") {
        "No account is in OU"
    } else {
        "No account matches"
    };
    if close.is_empty() {
        format!("{what} {pattern} (:accounts lists them)")
    } else {
        format!("{what} {pattern}; did you mean {}?", close.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Discovery, Reach};

    fn org() -> Organization {
        let account = |id: &str, name: &str, ou: &str| OrgAccount {
            id: id.into(),
            name: name.into(),
            ou_path: String::new(),
            ou_ids: vec!["r-ab12".into(), ou.into()],
            reach: Reach::Reachable,
            read_only: None,
            banner: None,
        };
        Organization {
            id: Some("o-abc12345".into()),
            management_account: None,
            discovery: Discovery::Listed,
            accounts: vec![
                account("111111111111", "prod-web", "ou-ab12-prod"),
                account("222222222222", "prod-api", "ou-ab12-prod"),
                account("333333333333", "staging", "ou-ab12-stage"),
            ],
            member_role: None,
            guardduty_admin: None,
        }
    }

    #[test]
    fn a_scope_keeps_its_accounts_and_ids_it_matches() {
        let org = org();
        let scope = Scope::new(AccountScope::parse("prod-*").unwrap(), &org);
        assert_eq!(scope.len(), 2);
        assert!(scope.includes("111111111111") && !scope.includes("333333333333"));
        assert!(
            !scope.includes("999999999999"),
            "another account, not named"
        );
        let by_id = Scope::new(AccountScope::parse("9999*,staging").unwrap(), &org);
        assert!(by_id.includes("999999999999") && by_id.includes("333333333333"));
        assert_eq!(by_id.text(), "9999*,staging");
    }

    #[test]
    fn an_unknown_name_names_the_close_ones() {
        let org = org();
        assert!(!matches_any(&org, "prdo-web"));
        let text = unknown_account(&org, "prdo-web");
        assert!(text.contains("did you mean prod-web"), "{text}");
        let text = unknown_account(&org, "ou-zz99-none");
        assert!(
            text.starts_with("No account is in OU ou-zz99-none"),
            "{text}"
        );
        assert!(matches_any(&org, "ou-ab12-stage"));
        assert_eq!(crate::domain::distance("kitten", "sitting"), 3);
    }
}
