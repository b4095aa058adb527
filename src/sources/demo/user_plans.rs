//! The 40 IAM users of one scale unit as plans: which hygiene problem each one carries.
//!
//! Fixed per unit so checks always have known numbers of failures; the seed only varies
//! names, ages and groups around them.

/// How a user's access keys look.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keys {
    None,
    /// One active key, a few weeks old, used recently.
    Fresh,
    /// One active key older than 90 days, still in use.
    Stale,
    /// One active key not used for more than 45 days.
    Dormant,
    /// One active key, created long ago, never used.
    NeverUsed,
    /// An inactive old key next to a fresh active one (rotation done, old key kept).
    Rotated,
    /// Two active keys (rotation half-finished).
    TwoActive,
    /// A key created in the last few days and not used yet.
    JustCreated,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Admin {
    No,
    Attached,
    ViaGroup,
}

#[derive(Clone, Copy)]
pub struct Plan {
    pub console: bool,
    pub mfa: bool,
    /// Console password not used for months.
    pub dormant_password: bool,
    pub keys: Keys,
    pub admin: Admin,
    /// Created in the last few days.
    pub recent: bool,
}

const fn person(console: bool, mfa: bool, keys: Keys) -> Plan {
    Plan {
        console,
        mfa,
        dormant_password: false,
        keys,
        admin: Admin::No,
        recent: false,
    }
}

const fn service(keys: Keys) -> Plan {
    Plan {
        console: false,
        mfa: false,
        dormant_password: false,
        keys,
        admin: Admin::No,
        recent: false,
    }
}

/// The 28 people of one scale unit.
pub const PEOPLE: [Plan; 28] = [
    Plan {
        admin: Admin::Attached,
        ..person(true, true, Keys::Stale)
    },
    person(true, true, Keys::Fresh),
    person(true, true, Keys::TwoActive),
    Plan {
        recent: true,
        ..person(true, false, Keys::JustCreated)
    },
    person(true, false, Keys::None),
    person(true, false, Keys::Fresh),
    Plan {
        dormant_password: true,
        ..person(true, false, Keys::Dormant)
    },
    person(true, true, Keys::Dormant),
    person(true, true, Keys::NeverUsed),
    person(true, true, Keys::Rotated),
    person(false, false, Keys::Stale),
    person(true, true, Keys::None),
    person(true, true, Keys::Fresh),
    person(true, true, Keys::Stale),
    person(true, true, Keys::None),
    person(true, false, Keys::Stale),
    person(true, true, Keys::Rotated),
    person(true, true, Keys::None),
    person(true, true, Keys::Fresh),
    person(false, false, Keys::NeverUsed),
    Plan {
        dormant_password: true,
        ..person(true, true, Keys::None)
    },
    person(true, true, Keys::Fresh),
    person(true, true, Keys::None),
    person(true, true, Keys::Stale),
    person(true, true, Keys::Fresh),
    person(true, true, Keys::None),
    person(true, false, Keys::None),
    person(true, true, Keys::Fresh),
];

/// The 12 service users of one scale unit, by name.
pub const SERVICES: [(&str, Plan); 12] = [
    ("ci-deploy", service(Keys::TwoActive)),
    (
        "terraform",
        Plan {
            admin: Admin::ViaGroup,
            ..service(Keys::Stale)
        },
    ),
    ("backup-agent", service(Keys::Rotated)),
    ("grafana-reader", service(Keys::Fresh)),
    ("log-shipper", service(Keys::Stale)),
    ("legacy-etl", service(Keys::Dormant)),
    ("github-actions", service(Keys::Fresh)),
    ("s3-replication", service(Keys::Fresh)),
    ("vault-rotator", service(Keys::Fresh)),
    ("datadog-integration", service(Keys::Stale)),
    ("sentry-uploader", service(Keys::NeverUsed)),
    ("billing-export", service(Keys::Dormant)),
];

pub const USERS_PER_UNIT: usize = PEOPLE.len() + SERVICES.len();
