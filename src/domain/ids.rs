//! Typed names of the things actions are aimed at. Each is the string AWS uses, wrapped so
//! that an account ID cannot be passed where a region is expected; each reads as a `str`.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! aws_id {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                $name(value.to_string())
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                $name(value)
            }
        }

        /// SDK builders take `impl Into<String>`: an ID goes in as it is.
        impl From<&$name> for String {
            fn from(value: &$name) -> String {
                value.0.clone()
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }
    )*};
}

aws_id! {
    /// A 12-digit AWS account ID.
    AccountId;
    /// A region name, e.g. `eu-west-1`.
    Region;
    /// An access key ID (`AKIA…`); not secret.
    AccessKeyId;
    /// A GuardDuty finding ID.
    FindingId;
    /// A GuardDuty detector ID.
    DetectorId;
    /// An IAM user name.
    UserName;
    /// An IAM role name.
    RoleName;
    /// A CloudWatch alarm name.
    AlarmName;
    /// A security group ID (`sg-…`).
    SecurityGroupId;
}

/// An access key as an action knows it: by its ID, or by its slot in the credential
/// report (`#1`, `#2`), which names keys only by position; a slot must be resolved to
/// the real ID against IAM before anything is confirmed.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum KeyRef {
    Id(AccessKeyId),
    Slot(u8),
}

impl KeyRef {
    /// The key as the data names it: the credential report gives slot names `#N` (see
    /// `aws::credential_report`), everything else gives IDs. The one place a slot is read.
    pub fn of_listed(id: &str) -> KeyRef {
        match id.strip_prefix('#').and_then(|n| n.parse().ok()) {
            Some(slot) => KeyRef::Slot(slot),
            None => KeyRef::Id(AccessKeyId::from(id)),
        }
    }

    pub fn id(&self) -> Option<&AccessKeyId> {
        match self {
            KeyRef::Id(id) => Some(id),
            KeyRef::Slot(_) => None,
        }
    }
}

impl fmt::Display for KeyRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyRef::Id(id) => f.write_str(id),
            KeyRef::Slot(slot) => write!(f, "#{slot}"),
        }
    }
}

impl From<String> for KeyRef {
    fn from(value: String) -> Self {
        KeyRef::of_listed(&value)
    }
}

impl From<&str> for KeyRef {
    fn from(value: &str) -> Self {
        KeyRef::of_listed(value)
    }
}

/// The IAM action an API call needs (`service:Operation`), so a denial can say exactly
/// what to grant, and an action can declare the calls it makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Call {
    /// IAM service prefix, e.g. `iam`, `cloudwatch`, `guardduty`.
    pub service: &'static str,
    /// API operation, e.g. `GetCredentialReport`.
    pub operation: &'static str,
}

impl Call {
    pub const fn new(service: &'static str, operation: &'static str) -> Call {
        Call { service, operation }
    }

    pub fn permission(&self) -> String {
        format!("{}:{}", self.service, self.operation)
    }
}

impl fmt::Display for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.service, self.operation)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_slot_and_an_id_are_told_apart_once() {
        assert_eq!(KeyRef::of_listed("#2"), KeyRef::Slot(2));
        assert_eq!(KeyRef::of_listed("#2").to_string(), "#2");
        assert_eq!(
            KeyRef::of_listed("AKIAEXAMPLE"),
            KeyRef::Id(AccessKeyId::from("AKIAEXAMPLE"))
        );
        assert_eq!(Call::new("iam", "GetRole").to_string(), "iam:GetRole");
    }
}
