//! The accounts of the simulated organisation and where they sit: the management account
//! at the root, a security account (GuardDuty's delegated administrator) and the log
//! archive, workloads in prod, staging and dev, shared infrastructure, sandboxes; one
//! invited sandbox without the member role, one suspended account. More accounts
//! (`--demo-scale accounts=N`) are workloads and sandboxes spread over the same OUs.

use super::DEMO_ACCOUNT_ID;
use super::catalog::LAST_NAMES;
use super::ids::{STREAM_ACCOUNT_IDS, STREAM_ACCOUNT_SEEDS, STREAM_ORG, lower_alnum, mix};
use crate::domain::{Discovery, OrgAccount, Organization, Reach};
use std::collections::HashSet;

/// The member role the demo organisation is entered through.
pub const MEMBER_ROLE: &str = "WatchpostAudit";
/// Accounts of `--demo --org` unless `--demo-scale accounts=N` says otherwise.
pub const DEFAULT_ACCOUNTS: u32 = 12;

/// What an account is in the organisation, which decides its sources.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// The caller's own account, read with the session's credentials.
    Management,
    /// GuardDuty's delegated administrator: its detector lists the members' findings.
    Security,
    /// An ordinary account, a GuardDuty member.
    Member,
    /// Reachable, but not a GuardDuty member: its own detector is read.
    NotMember,
    /// Invited without the member role: it cannot be entered (its findings still come
    /// through the administrator).
    RoleMissing,
    /// SUSPENDED in Organizations: listed, never read.
    Suspended,
}

impl Part {
    /// Whether the account has a world of its own (everything but a suspended account).
    pub fn has_world(self) -> bool {
        self != Part::Suspended
    }

    /// Whether watchpost can enter the account and read its own sources.
    pub fn reachable(self) -> bool {
        matches!(
            self,
            Part::Management | Part::Security | Part::Member | Part::NotMember
        )
    }

    /// Whether the administrator's detector manages the account's (an Enabled member).
    pub fn guardduty_member(self) -> bool {
        matches!(self, Part::Management | Part::Member | Part::RoleMissing)
    }
}

/// One account as planned: its place, its part and the seed of its world.
#[derive(Clone, Debug)]
pub struct Planned {
    pub account: OrgAccount,
    pub part: Part,
    pub seed: u64,
}

/// The OUs below the root, by path.
const OUS: &[&str] = &[
    "Security",
    "Infrastructure",
    "Workloads",
    "Workloads/Prod",
    "Workloads/Staging",
    "Workloads/Dev",
    "Sandbox",
    "Suspended",
];

/// The first accounts, in the order Organizations lists them (the order they were made).
const FIRST: &[(&str, &str, Part)] = &[
    ("acme-management", "", Part::Management),
    ("acme-security", "Security", Part::Security),
    ("acme-log-archive", "Security", Part::Member),
    ("acme-prod-web", "Workloads/Prod", Part::Member),
    ("acme-staging", "Workloads/Staging", Part::Member),
    ("acme-dev", "Workloads/Dev", Part::Member),
    ("acme-sandbox-jmoreno", "Sandbox", Part::RoleMissing),
    ("acme-legacy-billing", "Suspended", Part::Suspended),
    ("acme-prod-data", "Workloads/Prod", Part::Member),
    ("acme-prod-payments", "Workloads/Prod", Part::Member),
    ("acme-shared-network", "Infrastructure", Part::Member),
    ("acme-sandbox-ml", "Sandbox", Part::NotMember),
];

/// Where the accounts past [`FIRST`] go, in turn, and what they are called there.
const LATER: &[(&str, &str)] = &[
    ("Workloads/Prod", "prod"),
    ("Workloads/Staging", "staging"),
    ("Workloads/Dev", "dev"),
    ("Workloads/Prod", "prod"),
    ("Workloads/Dev", "dev"),
    ("Sandbox", "sandbox"),
];

const SERVICES: &[&str] = &[
    "checkout",
    "search",
    "catalog",
    "identity",
    "ledger",
    "analytics",
    "media",
    "notifications",
    "orders",
    "pricing",
    "recommendations",
    "inventory",
    "shipping",
    "support",
    "reporting",
    "streaming",
];

/// The organisation of `accounts` accounts drawn from `seed`, and each account's plan.
pub fn plan(seed: u64, accounts: u32) -> (Organization, Vec<Planned>) {
    let root = format!("r-{}", lower_alnum(mix(seed, STREAM_ORG, 0), 4));
    let ou_id = |path: &str| {
        let index = OUS.iter().position(|p| *p == path).unwrap_or(0) as u64;
        let suffix = root.trim_start_matches("r-");
        format!(
            "ou-{suffix}-{}",
            lower_alnum(mix(seed, STREAM_ORG, 1 + index), 8)
        )
    };
    // An OU path's IDs, root first, then each OU from the top down.
    let ou_ids = |path: &str| {
        let mut ids = vec![root.clone()];
        let mut prefix = String::new();
        for part in path.split('/').filter(|p| !p.is_empty()) {
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(part);
            ids.push(ou_id(&prefix));
        }
        ids
    };
    let mut taken = HashSet::new();
    let mut planned = Vec::with_capacity(accounts as usize);
    for index in 0..u64::from(accounts) {
        let (name, ou_path, part) = place(index);
        let id = if part == Part::Management {
            DEMO_ACCOUNT_ID.to_string()
        } else {
            account_id(seed, index, &taken)
        };
        taken.insert(id.clone());
        let reach = match part {
            Part::RoleMissing => Reach::Unreachable(format!(
                "cannot assume role/{MEMBER_ROLE}: AccessDenied (the role is missing in this \
                 account, or its trust policy does not allow the caller)"
            )),
            Part::Suspended => Reach::Skipped("SUSPENDED".to_string()),
            _ => Reach::Reachable,
        };
        planned.push(Planned {
            account: OrgAccount {
                id: id.as_str().into(),
                name,
                ou_ids: ou_ids(&ou_path),
                ou_path,
                reach,
                read_only: None,
                banner: None,
            },
            part,
            // The management account is the demo account itself.
            seed: if part == Part::Management {
                seed
            } else {
                mix(seed, STREAM_ACCOUNT_SEEDS, index)
            },
        });
    }
    let find = |wanted: Part| {
        planned
            .iter()
            .find(|p| p.part == wanted)
            .map(|p| p.account.id.clone())
    };
    let org = Organization {
        id: Some(format!(
            "o-{}",
            lower_alnum(mix(seed, STREAM_ORG, u64::MAX), 10)
        )),
        management_account: find(Part::Management),
        discovery: Discovery::Demo,
        accounts: planned.iter().map(|p| p.account.clone()).collect(),
        member_role: Some(MEMBER_ROLE.to_string()),
        guardduty_admin: find(Part::Security),
    };
    (org, planned)
}

/// The name, OU path and part of the `index`-th account.
fn place(index: u64) -> (String, String, Part) {
    if let Some((name, ou, part)) = FIRST.get(index as usize) {
        return (name.to_string(), ou.to_string(), *part);
    }
    let later = index - FIRST.len() as u64;
    let cycle = LATER.len() as u64;
    let position = (later % cycle) as usize;
    let (ou, env) = LATER
        .get(position)
        .copied()
        .unwrap_or(("Sandbox", "sandbox"));
    // The how-manieth account of its environment this is, counting from 0.
    let same = |places: &[(&str, &str)]| places.iter().filter(|(_, e)| *e == env).count() as u64;
    let nth = (later / cycle) * same(LATER) + same(LATER.get(..position).unwrap_or_default());
    let name = if env == "sandbox" {
        // A sandbox is someone's: an initial and a last name.
        const INITIALS: &[u8; 26] = b"abcdefghijklmnopqrstuvwxyz";
        let (initials, last) = (INITIALS.len() as u64, LAST_NAMES.len() as u64);
        let initial = INITIALS
            .get((nth * 7 % initials) as usize)
            .map_or('x', |c| char::from(*c));
        let surname = LAST_NAMES
            .get((nth / initials % last) as usize)
            .copied()
            .unwrap_or("doe");
        numbered(
            format!("acme-sandbox-{initial}{surname}"),
            nth / (initials * last),
        )
    } else {
        let services = SERVICES.len() as u64;
        let service = SERVICES
            .get((nth % services) as usize)
            .copied()
            .unwrap_or("app");
        numbered(format!("acme-{env}-{service}"), nth / services)
    };
    (name, ou.to_string(), Part::Member)
}

/// `name`, or `name-N` from the second round of names on.
fn numbered(name: String, round: u64) -> String {
    match round {
        0 => name,
        n => format!("{name}-{}", n + 1),
    }
}

/// A 12-digit account ID for the `index`-th account, not one already taken.
fn account_id(seed: u64, index: u64, taken: &HashSet<String>) -> String {
    (0..)
        .map(|attempt: u64| {
            let draw = mix(seed, STREAM_ACCOUNT_IDS, index.wrapping_add(attempt << 32));
            // From 100000000000 up, as AWS's own IDs look.
            format!("{:012}", 100_000_000_000 + draw % 900_000_000_000)
        })
        .find(|id| !taken.contains(id) && id != DEMO_ACCOUNT_ID)
        .unwrap_or_default()
}
