use super::{NamedArn, SharedList, SharedText};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Who the console is running as (`sts:GetCallerIdentity`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallerIdentity {
    pub account_id: String,
    pub arn: String,
    pub user_id: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AccessKeyStatus {
    Active,
    Inactive,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessKey {
    /// The access key ID (not secret; the secret key never enters watchpost). AWS's are 20
    /// characters, held in place rather than in an allocation of their own each.
    pub id: compact_str::CompactString,
    pub status: AccessKeyStatus,
    /// `access_key_N_last_rotated`: when the key was created.
    pub created: DateTime<Utc>,
    pub last_used: Option<DateTime<Utc>>,
    /// Shared: an account's keys name a few services and regions many times over.
    pub last_used_service: Option<SharedText>,
    pub last_used_region: Option<SharedText>,
}

impl AccessKey {
    pub fn is_active(&self) -> bool {
        self.status == AccessKeyStatus::Active
    }
}

/// The console password of a user (the login profile).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordCredential {
    pub enabled: bool,
    pub last_used: Option<DateTime<Utc>>,
    pub last_changed: Option<DateTime<Utc>>,
}

/// The kind of MFA device a user has: a virtual (TOTP app) device appears in
/// `ListVirtualMFADevices`; anything else active (hardware TOTP, security key, passkey) does not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MfaDevice {
    Virtual,
    Hardware,
}

impl MfaDevice {
    pub fn label(self) -> &'static str {
        match self {
            MfaDevice::Virtual => "virtual",
            MfaDevice::Hardware => "hardware",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IamUser {
    /// The ARN, which ends in the name.
    id: NamedArn,
    pub created: DateTime<Utc>,
    pub password: Option<PasswordCredential>,
    pub mfa_active: bool,
    /// Which kind of device, when MFA is active and the kind is known.
    pub mfa_device: Option<MfaDevice>,
    pub access_keys: Vec<AccessKey>,
    /// Group and policy names, and their lists, are shared by every user of the account that
    /// has them (50,000 users name a few dozen, in a few dozen combinations).
    pub groups: SharedList,
    /// Every policy that applies to the user, with how: `Name (attached)`,
    /// `Name (inline)`, `Name (via group G)`, `Name (inline, via group G)`.
    pub policies: SharedList,
    /// The subset of `policies` that grants full administrative access (`*` on `*`, or an
    /// Allow with `NotAction`), unless an unconditional Deny of everything cancels it.
    pub admin_via: SharedList,
}

impl IamUser {
    /// A user created at `created`, with no credentials, groups or policies yet.
    pub fn new(name: &str, arn: &str, created: DateTime<Utc>) -> Self {
        IamUser {
            id: NamedArn::new(arn, name),
            created,
            password: None,
            mfa_active: false,
            mfa_device: None,
            access_keys: Vec::new(),
            groups: SharedList::empty(),
            policies: SharedList::empty(),
            admin_via: SharedList::empty(),
        }
    }

    pub fn name(&self) -> &str {
        self.id.name()
    }

    pub fn arn(&self) -> &str {
        self.id.arn()
    }

    pub fn has_console_access(&self) -> bool {
        self.password.as_ref().is_some_and(|p| p.enabled)
    }

    pub fn active_keys(&self) -> impl Iterator<Item = &AccessKey> {
        self.access_keys.iter().filter(|k| k.is_active())
    }

    /// The most recent use of any credential, for "last activity" columns.
    pub fn last_activity(&self) -> Option<DateTime<Utc>> {
        let password = self.password.as_ref().and_then(|p| p.last_used);
        let keys = self.access_keys.iter().filter_map(|k| k.last_used);
        password.into_iter().chain(keys).max()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RootAccount {
    pub arn: String,
    pub mfa_active: bool,
    /// `Some(true)` hardware, `Some(false)` virtual, `None` no MFA or unknown.
    pub mfa_hardware: Option<bool>,
    pub password_last_used: Option<DateTime<Utc>>,
    pub access_keys: Vec<AccessKey>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordPolicy {
    pub minimum_length: u32,
    pub require_symbols: bool,
    pub require_numbers: bool,
    pub require_uppercase: bool,
    pub require_lowercase: bool,
    /// `None`: reuse prevention is off.
    pub reuse_prevention: Option<u32>,
    /// `None`: passwords never expire.
    pub max_age_days: Option<u32>,
}

/// An IAM role, for the admin-rights checks (roles are not rows of the Identity pane).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IamRole {
    pub name: String,
    pub arn: String,
    /// Service-linked roles (`/aws-service-role/`) are AWS's own and cannot be changed.
    pub service_linked: bool,
    /// As [`IamUser::admin_via`].
    pub admin_via: Vec<SharedText>,
}

/// Everything the Identity pane and the IAM checks need about one account, gathered in a
/// handful of calls (credential report, account summary, MFA devices, password policy,
/// authorization details).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityInventory {
    /// Shared with every posture result about the account.
    pub account_id: SharedText,
    /// When the credential report was generated; AWS regenerates at most every 4 hours.
    pub report_generated: DateTime<Utc>,
    pub root: RootAccount,
    /// Shared, not copied, between the source that keeps them and the console (the demo
    /// account's 20,000 users would otherwise be held twice); a change copies them first
    /// (`Arc::make_mut`).
    pub users: Arc<Vec<IamUser>>,
    /// `None`: the account has no password policy (itself a failing check).
    pub password_policy: Option<PasswordPolicy>,
    pub roles: Vec<IamRole>,
    /// Customer managed policies whose default version grants full administrative access,
    /// attached or not.
    pub admin_managed_policies: Vec<String>,
    /// Why users' policies, groups and roles are unknown (e.g. `GetAccountAuthorizationDetails`
    /// was denied); the admin checks then say they could not be evaluated.
    pub authorization_error: Option<String>,
}

impl IdentityInventory {
    /// The user named `name`, to change: the users are copied first if they are shared.
    pub fn user_mut(&mut self, name: &str) -> Option<&mut IamUser> {
        let position = self.users.iter().position(|u| u.name() == name)?;
        Arc::make_mut(&mut self.users).get_mut(position)
    }
}
