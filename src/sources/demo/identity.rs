//! The demo account's IAM: users, access keys, root and password policy.
//!
//! Each scale unit holds the same 40 "plans" (28 people, 12 service users) so the hygiene
//! problems the Identity pane and posture checks look for are always present in known
//! numbers; the seed varies names, ages and groups around them.

use super::catalog::{FIRST_NAMES, KEY_SERVICES, LAST_NAMES, PERSON_GROUPS};
use super::ids::{
    DAY, STREAM_IDENTITY, STREAM_ROOT, access_key_id, at, between, choose, rng_for, unit_suffix,
};
use super::user_plans::{Admin, Keys, PEOPLE, Plan, SERVICES, USERS_PER_UNIT};
use crate::domain::{
    AccessKey, AccessKeyStatus, IamRole, IamUser, Interner, ListInterner, MfaDevice,
    PasswordCredential, PasswordPolicy, RootAccount, SharedText,
};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use std::collections::HashMap;
use std::sync::Arc;

/// The credential report is generated up to this long before the anchor; no credential is
/// used in between, so nothing in the report postdates it.
const REPORT_LAG_MAX: i64 = 12 * 60;

/// The seed whose root account and password policy are pinned (the documented demo tour).
const PINNED_SEED: u64 = super::DEFAULT_SEED;

/// The generated IAM side of the account.
pub struct Identity {
    pub root: RootAccount,
    /// Shared with every inventory handed out, never copied per poll.
    pub users: Arc<Vec<IamUser>>,
    pub password_policy: Option<PasswordPolicy>,
    /// How long before the anchor the first credential report was generated.
    pub report_lag_secs: i64,
}

pub fn build(seed: u64, scale: u32, anchor: i64, account: &str) -> Identity {
    let mut users = Vec::with_capacity(USERS_PER_UNIT * scale as usize);
    let mut taken: HashMap<String, u32> = HashMap::with_capacity(PEOPLE.len() * scale as usize);
    let mut keys = Minter {
        seed,
        counter: 0,
        names: Interner::default(),
        lists: ListInterner::default(),
    };
    for unit in 0..scale {
        let suffix = unit_suffix(unit);
        for (slot, plan) in PEOPLE.iter().enumerate() {
            let index = (unit as u64) * USERS_PER_UNIT as u64 + slot as u64;
            let mut rng = rng_for(seed, STREAM_IDENTITY, index);
            let name = person_name(&mut rng, &mut taken);
            users.push(user(&mut rng, name, plan, true, anchor, &mut keys, account));
        }
        for (slot, (base, plan)) in SERVICES.iter().enumerate() {
            let index = (unit as u64) * USERS_PER_UNIT as u64 + (PEOPLE.len() + slot) as u64;
            let mut rng = rng_for(seed, STREAM_IDENTITY, index);
            let mut name = String::with_capacity(base.len() + suffix.len());
            name.push_str(base);
            name.push_str(&suffix);
            users.push(user(
                &mut rng, name, plan, false, anchor, &mut keys, account,
            ));
        }
    }
    let mut rng = rng_for(seed, STREAM_ROOT, 0);
    Identity {
        root: root(seed, &mut rng, anchor, &mut keys, account),
        users: Arc::new(users),
        password_policy: password_policy(seed, &mut rng),
        report_lag_secs: between(&mut rng, 3 * 60, REPORT_LAG_MAX),
    }
}

/// `first.last`, with `-N` appended when the pair is already taken.
fn person_name(rng: &mut ChaCha8Rng, taken: &mut HashMap<String, u32>) -> String {
    let first = choose(rng, FIRST_NAMES, "user");
    let last = choose(rng, LAST_NAMES, "demo");
    let base = format!("{first}.{last}");
    let seen = taken.entry(base.clone()).or_insert(0);
    *seen += 1;
    if *seen == 1 {
        base
    } else {
        format!("{base}-{seen}")
    }
}

/// Hands out unique access key IDs, and one shared copy of each name users repeat (groups,
/// policies, the services and regions keys were last used in).
struct Minter {
    seed: u64,
    counter: u64,
    names: Interner,
    lists: ListInterner,
}

impl Minter {
    fn name(&mut self, text: &str) -> SharedText {
        self.names.get(text)
    }

    fn next(&mut self) -> String {
        self.counter += 1;
        access_key_id(self.seed, "AKIA", self.counter)
    }
}

fn user(
    rng: &mut ChaCha8Rng,
    name: String,
    plan: &Plan,
    human: bool,
    anchor: i64,
    minter: &mut Minter,
    account: &str,
) -> IamUser {
    let access_keys = keys_for(rng, plan.keys, anchor, minter);
    let oldest_key = access_keys.iter().map(|k| k.created.timestamp()).min();
    let created = if plan.recent {
        oldest_key.unwrap_or(anchor - between(rng, DAY, 3 * DAY)) - between(rng, 60, 3600)
    } else {
        oldest_key
            .unwrap_or(anchor - 30 * DAY)
            .min(anchor - 30 * DAY)
            - between(rng, 0, 400 * DAY)
    };
    let password = plan.console.then(|| {
        let last_changed = between(rng, created, anchor - DAY).max(created);
        let last_used = if plan.recent {
            None
        } else if plan.dormant_password {
            Some(at(anchor - between(rng, 60 * DAY, 240 * DAY)))
        } else {
            Some(at(anchor - between(rng, REPORT_LAG_MAX, 14 * DAY)))
        };
        PasswordCredential {
            enabled: true,
            last_used,
            last_changed: Some(at(last_changed)),
        }
    });
    let mut groups: Vec<SharedText> = Vec::new();
    if plan.admin == Admin::ViaGroup {
        groups.push(minter.name("Admins"));
    }
    if human {
        groups.push(minter.name(choose(rng, PERSON_GROUPS, "Developers")));
        if rng.random_bool(0.3) {
            let second = choose(rng, PERSON_GROUPS, "ReadOnly");
            if groups.iter().all(|g| g.as_str() != second) {
                groups.push(minter.name(second));
            }
        }
    } else {
        groups.push(minter.name("ServiceAccounts"));
    }
    let admin_via = match plan.admin {
        Admin::No => Vec::new(),
        Admin::Attached => vec![minter.name("AdministratorAccess (attached)")],
        Admin::ViaGroup => vec![minter.name("AdministratorAccess (via group Admins)")],
    };
    let mut policies = admin_via.clone();
    for group in groups.iter().filter(|g| g.as_str() != "Admins") {
        let policy = format!("{} (via group {group})", group_policy(group));
        policies.push(minter.name(&policy));
    }
    if password.is_some() {
        policies.push(minter.name("IAMUserChangePassword (attached)"));
    }
    // No random draw here, so adding the device kind left every seed's account as it was:
    // people mostly use phone apps, a few (and every service user) hardware tokens.
    let device = if human && name.len() % 4 != 0 {
        MfaDevice::Virtual
    } else {
        MfaDevice::Hardware
    };
    let mfa_device = plan.mfa.then_some(device);
    let arn = format!("arn:aws:iam::{account}:user/{name}");
    let mut user = IamUser::new(&name, &arn, at(created));
    user.password = password;
    user.mfa_active = plan.mfa;
    user.mfa_device = mfa_device;
    user.access_keys = access_keys;
    user.groups = minter.lists.get(groups);
    user.policies = minter.lists.get(policies);
    user.admin_via = minter.lists.get(admin_via);
    user
}

/// The managed policy each demo group carries.
fn group_policy(group: &str) -> &'static str {
    match group {
        "ReadOnly" => "ReadOnlyAccess",
        "SecurityAudit" => "SecurityAudit",
        "Billing" => "Billing",
        "DataEngineering" => "AmazonS3FullAccess",
        "ServiceAccounts" => "service-deploy",
        _ => "PowerUserAccess",
    }
}

/// The demo account's roles: the usual organisation and service-linked roles, one CI role
/// that is admin through an inline `NotAction` statement, and one ordinary role.
pub fn roles(account: &str) -> Vec<IamRole> {
    let role = |name: &str, path: &str, admin_via: &[&str]| IamRole {
        name: name.to_string(),
        arn: format!("arn:aws:iam::{account}:role{path}{name}"),
        service_linked: path.starts_with("/aws-service-role/"),
        admin_via: admin_via.iter().map(|s| Arc::new(s.to_string())).collect(),
    };
    vec![
        role(
            "OrganizationAccountAccessRole",
            "/",
            &["AdministratorAccess (attached)"],
        ),
        role(
            "AWSServiceRoleForSupport",
            "/aws-service-role/support.amazonaws.com/",
            &[],
        ),
        role(
            "ci-deploy",
            "/",
            &["deploy-anything (inline, Allow NotAction)"],
        ),
        role("lambda-orders-exec", "/service-role/", &[]),
    ]
}

/// A key created `age` ago, last used `idle` ago (or never).
fn key(
    rng: &mut ChaCha8Rng,
    minter: &mut Minter,
    anchor: i64,
    age: i64,
    idle: Option<i64>,
    active: bool,
) -> AccessKey {
    let created = anchor - age;
    let last_used = idle.map(|idle| anchor - idle.min(age));
    AccessKey {
        id: minter.next().into(),
        status: if active {
            AccessKeyStatus::Active
        } else {
            AccessKeyStatus::Inactive
        },
        created: at(created),
        last_used: last_used.map(at),
        last_used_service: last_used.map(|_| minter.name(choose(rng, KEY_SERVICES, "sts"))),
        last_used_region: last_used
            .map(|_| minter.name(choose(rng, &super::DEMO_REGIONS, "us-east-1"))),
    }
}

fn keys_for(rng: &mut ChaCha8Rng, plan: Keys, anchor: i64, minter: &mut Minter) -> Vec<AccessKey> {
    let recent_use = |rng: &mut ChaCha8Rng| Some(between(rng, REPORT_LAG_MAX, 3 * DAY));
    match plan {
        Keys::None => Vec::new(),
        Keys::Fresh => {
            let age = between(rng, 5 * DAY, 80 * DAY);
            let idle = recent_use(rng);
            vec![key(rng, minter, anchor, age, idle, true)]
        }
        Keys::Stale => {
            let age = between(rng, 95 * DAY, 900 * DAY);
            let idle = recent_use(rng);
            vec![key(rng, minter, anchor, age, idle, true)]
        }
        Keys::Dormant => {
            let age = between(rng, 120 * DAY, 800 * DAY);
            let idle = Some(between(rng, 50 * DAY, 110 * DAY));
            vec![key(rng, minter, anchor, age, idle, true)]
        }
        Keys::NeverUsed => {
            let age = between(rng, 50 * DAY, 400 * DAY);
            vec![key(rng, minter, anchor, age, None, true)]
        }
        Keys::Rotated => {
            let new_age = between(rng, 10 * DAY, 60 * DAY);
            let old_age = new_age + between(rng, 90 * DAY, 500 * DAY);
            let old_idle = new_age + between(rng, DAY, 10 * DAY);
            let idle = recent_use(rng);
            vec![
                key(rng, minter, anchor, old_age, Some(old_idle), false),
                key(rng, minter, anchor, new_age, idle, true),
            ]
        }
        Keys::TwoActive => {
            let old_age = between(rng, 120 * DAY, 500 * DAY);
            let new_age = between(rng, 3 * DAY, 40 * DAY);
            let old_idle = recent_use(rng);
            let new_idle = recent_use(rng);
            vec![
                key(rng, minter, anchor, old_age, old_idle, true),
                key(rng, minter, anchor, new_age, new_idle, true),
            ]
        }
        Keys::JustCreated => {
            let age = between(rng, 3600, 2 * DAY);
            vec![key(rng, minter, anchor, age, None, true)]
        }
    }
}

/// Root varies by seed (MFA kind, keys); the default seed is pinned to virtual MFA, no keys,
/// console used about 20 days ago, so the tour in the docs matches.
fn root(
    seed: u64,
    rng: &mut ChaCha8Rng,
    anchor: i64,
    minter: &mut Minter,
    account: &str,
) -> RootAccount {
    let variant = if seed == PINNED_SEED {
        0
    } else {
        between(rng, 0, 5)
    };
    let (mfa_active, mfa_hardware) = match variant {
        0 | 3 => (true, Some(false)),
        1 => (true, Some(true)),
        _ => (false, None),
    };
    let password_last_used = Some(at(anchor - 20 * DAY - between(rng, 0, 6 * 3600)));
    let access_keys = match variant {
        2 => {
            let age = between(rng, 400 * DAY, 1500 * DAY);
            let idle = Some(between(rng, 2 * DAY, 30 * DAY));
            vec![key(rng, minter, anchor, age, idle, true)]
        }
        3 => {
            let age = between(rng, 400 * DAY, 1500 * DAY);
            vec![key(rng, minter, anchor, age, None, false)]
        }
        _ => Vec::new(),
    };
    RootAccount {
        arn: format!("arn:aws:iam::{account}:root"),
        mfa_active,
        mfa_hardware,
        password_last_used,
        access_keys,
    }
}

/// Default seed: a weak policy (length 8, no reuse prevention); other seeds: none, weak or strong.
fn password_policy(seed: u64, rng: &mut ChaCha8Rng) -> Option<PasswordPolicy> {
    let weak = PasswordPolicy {
        minimum_length: 8,
        require_symbols: false,
        require_numbers: true,
        require_uppercase: false,
        require_lowercase: true,
        reuse_prevention: None,
        max_age_days: None,
    };
    if seed == PINNED_SEED {
        return Some(weak);
    }
    match between(rng, 0, 3) {
        0 => None,
        1 => Some(weak),
        _ => Some(PasswordPolicy {
            minimum_length: 14,
            require_symbols: true,
            require_numbers: true,
            require_uppercase: true,
            require_lowercase: true,
            reuse_prevention: Some(24),
            max_age_days: Some(90),
        }),
    }
}
