//! Many accounts in one session, reached the way AWS intends (see DESIGN.md, "Organisations"):
//! the accounts from Organizations or configuration (`discover.rs`), each entered through
//! the member role (`members.rs`), GuardDuty findings from the delegated administrator's
//! detector, one source per region (`guardduty.rs`), and per-account sources for alarms,
//! IAM and the baseline. Actions go to the account that may act on the target
//! ([`AccountRouter`]).

pub mod cost;
mod discover;
mod guardduty;
mod members;

pub use discover::reach_of_state;
pub use members::{CONCURRENT_ASSUMES, member_role_arn};

use super::caller::caller_identity;
use super::clients::{Clients, FindingsPlan};
use super::connect::{AwsOptions, ConnectError, SignedIn, regions_of};
use super::read_only::ReadOnlySwitch;
use crate::domain::{AccountId, Discovery, OrgAccount, Organization, Reach, glob_match};
use crate::remediation::Execute;
use crate::remediation::accounts::AccountRouter;
use crate::sources::{Session, Source};
use aws_config::{Region, SdkConfig};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// Which accounts a multi-account session covers and how to get into them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OrgRequest {
    /// Discover the accounts with Organizations (`--org`); otherwise `accounts`.
    pub discover: bool,
    /// With discovery: only these OUs and their children.
    pub ous: Vec<String>,
    /// The accounts named by `--accounts` or `[org] accounts`.
    pub accounts: Vec<String>,
    /// Account IDs or names (`*` allowed) left out (`[org] skip`).
    pub skip: Vec<String>,
    pub member_role: String,
    pub external_id: Option<String>,
}

/// Why the organisation could not be read at all (exit 3: no usable connection).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum OrgError {
    #[error(
        "cannot read the organisation: organizations:{operation} was denied. Run from the \
         management account or a delegated administrator of Organizations with that \
         permission, or name the accounts with --accounts"
    )]
    Denied { operation: &'static str },
    #[error(
        "the caller's account is not in an AWS Organization: name the accounts with --accounts"
    )]
    NotInOrganization,
    #[error("cannot read the organisation: {operation}: {message}")]
    Failed {
        operation: &'static str,
        message: String,
    },
    #[error(transparent)]
    Connect(#[from] ConnectError),
}

/// The Organizations client: a global service, signed for us-east-1 when the
/// configuration names no region; it reads only, under the session's guard.
fn organizations(config: &SdkConfig, read_only: &ReadOnlySwitch) -> aws_sdk_organizations::Client {
    let mut builder =
        aws_sdk_organizations::config::Builder::from(config).interceptor(read_only.guard());
    if config.region().is_none() {
        builder = builder.region(Region::from_static("us-east-1"));
    }
    aws_sdk_organizations::Client::from_conf(builder.build())
}

/// The accounts to cover, before any is entered: discovered, or listed in configuration,
/// with `skip` applied (left-out accounts stay listed as skipped).
pub async fn accounts(
    signed_in: &SignedIn,
    read_only: &ReadOnlySwitch,
    request: &OrgRequest,
) -> Result<Organization, OrgError> {
    let client = organizations(signed_in.config(), read_only);
    let mut org = if request.discover {
        discover::discover(&client, &request.ous).await?
    } else {
        Organization {
            id: None,
            management_account: None,
            discovery: Discovery::Listed,
            accounts: request
                .accounts
                .iter()
                .map(|id| OrgAccount {
                    id: id.as_str().into(),
                    name: id.clone(),
                    ou_path: String::new(),
                    ou_ids: Vec::new(),
                    reach: Reach::Pending,
                    read_only: None,
                    banner: None,
                })
                .collect(),
            member_role: None,
            guardduty_admin: discover::guardduty_admin(&client).await,
        }
    };
    org.member_role = Some(request.member_role.clone());
    for account in &mut org.accounts {
        if let Some(pattern) = request
            .skip
            .iter()
            .find(|p| glob_match(p, &account.id) || glob_match(p, &account.name))
        {
            account.reach = Reach::Skipped(format!("left out by [org] skip {pattern:?}"));
        }
    }
    Ok(org)
}

/// Opens a multi-account session: signs in to every account, finds the GuardDuty
/// administrator's members, and builds each account's sources and executor.
/// `read_only_rule` says which configuration rule makes an account read-only, if any.
pub async fn open(
    options: &AwsOptions,
    signed_in: &SignedIn,
    request: &OrgRequest,
    read_only_rule: &(dyn Fn(&str) -> Option<String> + Sync),
) -> Result<Session, OrgError> {
    let own = signed_in.config();
    // Every account's clients carry the session's switch (`:readonly` turns it on for all),
    // except read-only accounts, whose own switch is on from the start.
    let read_only = ReadOnlySwitch::new(options.read_only);
    let caller = caller_identity(own, &read_only).await?;
    let regions = regions_of(options, own)?;
    let mut org = accounts(signed_in, &read_only, request).await?;
    let configs: Vec<Option<SdkConfig>> = org
        .accounts
        .iter()
        .map(|account| {
            (account.reach == Reach::Pending).then(|| {
                members::config_for(
                    own,
                    &caller.account_id,
                    &caller.arn,
                    &account.id,
                    &request.member_role,
                    request.external_id.as_deref(),
                )
            })
        })
        .collect();
    members::reach(&mut org.accounts, &configs, &request.member_role).await;

    let mut clients: HashMap<AccountId, Clients> = HashMap::new();
    for (account, config) in org.accounts.iter_mut().zip(&configs) {
        let (Reach::Reachable, Some(config)) = (&account.reach, config) else {
            continue;
        };
        account.read_only = read_only_rule(&account.id);
        let switch = if account.read_only.is_some() {
            ReadOnlySwitch::new(true)
        } else {
            read_only.clone()
        };
        clients.insert(account.id.clone(), Clients::new(config, &switch, &regions));
    }

    let covered = administered_findings(&org, &clients, &regions).await;
    let mut sources: Vec<Box<dyn Source>> = Vec::new();
    let mut router = AccountRouter::new();
    let mut activity = crate::aws::activity::AwsActivity::default();
    let mut archived = crate::aws::archived::AwsArchived::default();
    for account in &org.accounts {
        let Some(account_clients) = clients.get(&account.id) else {
            if let Some(why) = account.reach.reason() {
                router.refuse(account.id.clone(), why.to_string());
            }
            continue;
        };
        let plan = findings_plan(&org, &account.id, &covered);
        sources.extend(account_clients.sources(options, &account.id, &regions, &plan));
        activity = activity.with_account(&account.id, account_clients.activity());
        archived = archived.with_account(&account.id, account_clients.archived());
        match &account.read_only {
            Some(rule) => router.refuse(account.id.clone(), format!("read-only by {rule}")),
            None => router.add(account.id.clone(), Arc::new(account_clients.executor())),
        }
    }
    if let Some(admin) = &org.guardduty_admin {
        for (region, members) in &covered {
            router.findings_through(admin, region, members);
        }
    }
    let executor: Option<Arc<dyn Execute>> = if options.read_only {
        None
    } else {
        Some(Arc::new(router))
    };
    Ok(Session::on_aws(
        caller,
        regions,
        sources,
        executor,
        read_only,
        Some(org),
        crate::sources::Lookups::new(activity, archived),
    ))
}

/// Where `account`'s findings are read: through the administrator where it is an enabled
/// member, and, for the administrator, which members its detector covers per region.
fn findings_plan(
    org: &Organization,
    account: &AccountId,
    covered: &HashMap<String, HashSet<AccountId>>,
) -> FindingsPlan {
    let mut plan = FindingsPlan::default();
    for (region, members) in covered {
        if members.contains(account) {
            plan.elsewhere.push(region.clone());
        }
        if org.guardduty_admin.as_ref() == Some(account) {
            let mut list: Vec<String> = members.iter().map(|m| m.to_string()).collect();
            list.sort();
            plan.administers.insert(region.clone(), list);
        }
    }
    plan
}

/// `report --org --dry-run`: the discovery calls only (Organizations, then the GuardDuty
/// administrator's members, entering that one account), and what one refresh would cost.
pub async fn dry_run(
    options: &AwsOptions,
    signed_in: &SignedIn,
    request: &OrgRequest,
) -> Result<String, OrgError> {
    let own = signed_in.config();
    let read_only = ReadOnlySwitch::new(true);
    let caller = caller_identity(own, &read_only).await?;
    let regions = regions_of(options, own)?;
    let mut org = accounts(signed_in, &read_only, request).await?;
    let mut clients = HashMap::new();
    // Only the administrator is entered: its members are the one thing discovery needs
    // from inside an account.
    let admin = org.guardduty_admin.clone().filter(|admin| {
        org.account(admin)
            .is_some_and(|a| a.reach == Reach::Pending)
    });
    if let Some(admin) = admin {
        let config = members::config_for(
            own,
            &caller.account_id,
            &caller.arn,
            &admin,
            &request.member_role,
            request.external_id.as_deref(),
        );
        let reach = members::try_account(&config, &request.member_role).await;
        if reach == Reach::Reachable {
            clients.insert(admin.clone(), Clients::new(&config, &read_only, &regions));
        }
        if let Some(account) = org.account_mut(&admin) {
            account.reach = reach;
        }
    }
    let covered = administered_findings(&org, &clients, &regions).await;
    let mut out = match (&org.id, &org.management_account) {
        (Some(id), Some(management)) => {
            format!("organisation {id}, management account {management}\n")
        }
        _ => "accounts named in configuration\n".to_string(),
    };
    match &org.guardduty_admin {
        Some(admin) => out.push_str(&format!(
            "GuardDuty delegated administrator: {}\n",
            org.label(admin)
        )),
        None => {
            out.push_str("GuardDuty: no delegated administrator; each account's own detector\n")
        }
    }
    out.push_str(&cost::Plan::new(&org, &caller.account_id, &regions, &covered).render());
    Ok(out)
}

/// Per region, the member accounts whose findings the delegated administrator's detector
/// lists (the administrator itself excluded: its findings are its own source's anyway).
/// Empty when there is no administrator or it cannot be reached.
async fn administered_findings(
    org: &Organization,
    clients: &HashMap<AccountId, Clients>,
    regions: &[String],
) -> HashMap<String, HashSet<AccountId>> {
    let mut covered = HashMap::new();
    let Some(admin) = org.guardduty_admin.as_ref() else {
        return covered;
    };
    let Some(admin_clients) = clients.get(admin) else {
        tracing::warn!(
            "the GuardDuty administrator {} is not reachable: each account's own detector is read",
            org.label(admin)
        );
        return covered;
    };
    for region in regions {
        let Some(client) = admin_clients.guardduty(region) else {
            continue;
        };
        match guardduty::enabled_members(client).await {
            Ok(mut members) => {
                members.remove(admin);
                covered.insert(region.clone(), members);
            }
            Err(err) => tracing::warn!(
                "GuardDuty members in {region} unknown (each account's own detector is read): {err}"
            ),
        }
    }
    covered
}
