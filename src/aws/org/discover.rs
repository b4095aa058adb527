//! Which accounts: Organizations `ListAccounts` (paginated: a page may be empty and still
//! carry a token), the OU walk top-down for names and paths (`ListRoots`, then
//! `ListOrganizationalUnitsForParent` and `ListAccountsForParent` per parent), and the
//! GuardDuty delegated administrator (`ListDelegatedAdministrators`). Callable from the
//! management account or a delegated administrator of Organizations.

use super::OrgError;
use crate::aws::errors::chain;
use crate::domain::{AccountId, Discovery, OrgAccount, Organization, Reach};
use aws_sdk_organizations::Client;
use aws_sdk_organizations::error::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use std::collections::HashMap;

/// GuardDuty's service principal, whose delegated administrator holds every member's findings.
const GUARDDUTY_PRINCIPAL: &str = "guardduty.amazonaws.com";

/// Where an account sits: OU names and IDs from the root down.
#[derive(Clone, Debug, Default)]
struct Placement {
    path: Vec<String>,
    ids: Vec<String>,
}

/// Every account of the organisation, narrowed to `ous` (and their children) when given.
/// Accounts that are not ACTIVE are kept, as skipped with their state.
pub async fn discover(client: &Client, ous: &[String]) -> Result<Organization, OrgError> {
    let described = client
        .describe_organization()
        .send()
        .await
        .map_err(|e| OrgError::from_sdk("DescribeOrganization", &e))?;
    let organization = described.organization();
    let mut listed = Vec::new();
    let mut pages = client.list_accounts().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| OrgError::from_sdk("ListAccounts", &e))?;
        listed.extend(page.accounts().iter().cloned());
    }
    let placements = match walk(client).await {
        Ok(placements) => placements,
        // Names still come from ListAccounts; only the OU paths are missing.
        Err(err) if ous.is_empty() => {
            tracing::warn!("no OU paths: {err}");
            HashMap::new()
        }
        Err(err) => return Err(err),
    };
    let mut accounts = Vec::new();
    for account in &listed {
        let Some(id) = account.id() else { continue };
        let placement = placements.get(id).cloned().unwrap_or_default();
        if !ous.is_empty() && !placement.ids.iter().any(|ou| ous.contains(ou)) {
            continue;
        }
        accounts.push(OrgAccount {
            id: id.into(),
            name: account.name().unwrap_or(id).to_string(),
            ou_path: placement.path.join("/"),
            ou_ids: placement.ids,
            reach: reach_of_state(&state_of(account)),
            read_only: None,
            banner: None,
        });
    }
    Ok(Organization {
        id: organization.and_then(|o| o.id()).map(str::to_string),
        management_account: organization
            .and_then(|o| o.master_account_id())
            .map(AccountId::from),
        discovery: Discovery::Organizations,
        accounts,
        member_role: None,
        guardduty_admin: guardduty_admin(client).await,
    })
}

/// The account's state: the newer `State` field when present, else the older `Status`.
fn state_of(account: &aws_sdk_organizations::types::Account) -> String {
    account
        .state()
        .map(|s| s.as_str().to_string())
        .or_else(|| account.status().map(|s| s.as_str().to_string()))
        .unwrap_or_else(|| "ACTIVE".to_string())
}

/// ACTIVE accounts are to be reached; any other state is listed as skipped with the state.
pub fn reach_of_state(state: &str) -> Reach {
    if state.eq_ignore_ascii_case("ACTIVE") {
        Reach::Pending
    } else {
        Reach::Skipped(state.to_string())
    }
}

/// The OU walk, top-down from each root.
async fn walk(client: &Client) -> Result<HashMap<String, Placement>, OrgError> {
    let mut placements = HashMap::new();
    let mut roots = Vec::new();
    let mut pages = client.list_roots().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| OrgError::from_sdk("ListRoots", &e))?;
        roots.extend(
            page.roots()
                .iter()
                .filter_map(|r| r.id())
                .map(str::to_string),
        );
    }
    // (parent ID, where the parent sits)
    let mut parents: Vec<(String, Placement)> = roots
        .into_iter()
        .map(|root| (root, Placement::default()))
        .collect();
    while let Some((parent, placement)) = parents.pop() {
        let mut pages = client
            .list_accounts_for_parent()
            .parent_id(&parent)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| OrgError::from_sdk("ListAccountsForParent", &e))?;
            for id in page.accounts().iter().filter_map(|a| a.id()) {
                placements.insert(id.to_string(), placement.clone());
            }
        }
        let mut pages = client
            .list_organizational_units_for_parent()
            .parent_id(&parent)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page =
                page.map_err(|e| OrgError::from_sdk("ListOrganizationalUnitsForParent", &e))?;
            for unit in page.organizational_units() {
                let Some(id) = unit.id() else { continue };
                let mut child = placement.clone();
                child.path.push(unit.name().unwrap_or(id).to_string());
                child.ids.push(id.to_string());
                parents.push((id.to_string(), child));
            }
        }
    }
    Ok(placements)
}

/// The GuardDuty delegated administrator, if the organisation has one and the caller may
/// ask. Without it, every account's findings are read from its own detector.
pub async fn guardduty_admin(client: &Client) -> Option<AccountId> {
    let answer = client
        .list_delegated_administrators()
        .service_principal(GUARDDUTY_PRINCIPAL)
        .send()
        .await;
    match answer {
        Ok(output) => output
            .delegated_administrators()
            .iter()
            .filter_map(|a| a.id())
            .next()
            .map(AccountId::from),
        Err(err) => {
            tracing::warn!(
                "no GuardDuty delegated administrator known (each account's own detector is \
                 read): ListDelegatedAdministrators: {}",
                chain(&err)
            );
            None
        }
    }
}

impl OrgError {
    fn from_sdk<E, R>(operation: &'static str, err: &SdkError<E, R>) -> OrgError
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        let code = err
            .as_service_error()
            .and_then(|e| e.code())
            .unwrap_or_default();
        match code {
            "AccessDeniedException" | "AccessDenied" => OrgError::Denied { operation },
            "AWSOrganizationsNotInUseException" => OrgError::NotInOrganization,
            _ => OrgError::Failed {
                operation,
                message: chain(err),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_active_accounts_are_to_be_reached() {
        assert_eq!(reach_of_state("ACTIVE"), Reach::Pending);
        assert_eq!(
            reach_of_state("SUSPENDED"),
            Reach::Skipped("SUSPENDED".into())
        );
        assert_eq!(
            reach_of_state("PENDING_CLOSURE"),
            Reach::Skipped("PENDING_CLOSURE".into())
        );
    }
}
