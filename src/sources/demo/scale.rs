//! How large the demo is: the multipliers of its populations, and with `--org` how many
//! accounts the simulated organisation has (`--demo-scale`).

/// Multipliers of the demo account's populations. One unit of each is 60 findings, 40 users
/// and 31 alarms; a load test sets them apart to reach a given shape of account (e.g. 100,000
/// findings with 20,000 users and 10,000 alarms). Values below 1 count as 1. With `--org`,
/// every account of the simulated organisation has these populations, and `accounts` says
/// how many accounts there are ([`super::DEFAULT_ACCOUNTS`] when not given).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DemoScale {
    pub findings: u32,
    pub users: u32,
    pub alarms: u32,
    pub accounts: Option<u32>,
}

impl DemoScale {
    /// The largest multiplier the command line accepts (6 million users at most).
    pub const MAX: u32 = 10_000;
    /// The most accounts a simulated organisation may have.
    pub const MAX_ACCOUNTS: u32 = 5_000;

    pub const fn uniform(n: u32) -> Self {
        DemoScale {
            findings: n,
            users: n,
            alarms: n,
            accounts: None,
        }
    }

    pub(super) fn at_least_one(self) -> Self {
        DemoScale {
            findings: self.findings.max(1),
            users: self.users.max(1),
            alarms: self.alarms.max(1),
            accounts: self.accounts,
        }
    }

    /// The largest of the three, which decides whether generation leaves the async workers.
    pub fn largest(self) -> u32 {
        self.findings.max(self.users).max(self.alarms)
    }
}

impl Default for DemoScale {
    fn default() -> Self {
        DemoScale::uniform(1)
    }
}

impl std::str::FromStr for DemoScale {
    type Err = String;

    /// `N` multiplies every population; `findings=N,users=N,alarms=N` sets them apart (an
    /// omitted one stays 1); `accounts=N` (with `--org`) is the size of the organisation.
    fn from_str(text: &str) -> Result<Self, String> {
        let whole = |value: &str, max: u32| -> Result<u32, String> {
            match value.trim().parse::<u32>() {
                Ok(n) if (1..=max).contains(&n) => Ok(n),
                _ => Err(format!("`{value}` is not a whole number from 1 to {max}")),
            }
        };
        if !text.contains('=') {
            return whole(text, Self::MAX).map(DemoScale::uniform);
        }
        let mut scale = DemoScale::default();
        for part in text.split(',') {
            let (name, value) = part.split_once('=').unwrap_or((part, ""));
            let slot = match name.trim() {
                "findings" => &mut scale.findings,
                "users" => &mut scale.users,
                "alarms" => &mut scale.alarms,
                "accounts" => {
                    scale.accounts = Some(whole(value, Self::MAX_ACCOUNTS)?);
                    continue;
                }
                other => {
                    return Err(format!(
                        "unknown population `{other}` (expected findings, users, alarms or \
                         accounts)"
                    ));
                }
            };
            *slot = whole(value, Self::MAX)?;
        }
        Ok(scale)
    }
}
