//! Who is at the keyboard, for AWS and for the journal. Roles watchpost assumes itself carry
//! `RoleSessionName` `watchpost-<local user>` and `SourceIdentity` `<local user>`, so
//! CloudTrail names the person behind a shared role (the source identity also persists
//! through role chaining); the journal records the local user and host beside the caller
//! ARN.

use std::sync::OnceLock;

/// The local OS user and host, read once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalOperator {
    /// The user name as the OS has it, or `unknown`.
    pub user: String,
    /// The host name, or `unknown`.
    pub host: String,
}

impl LocalOperator {
    pub fn current() -> &'static LocalOperator {
        static CURRENT: OnceLock<LocalOperator> = OnceLock::new();
        CURRENT.get_or_init(|| LocalOperator {
            user: whoami::username().unwrap_or_else(|_| "unknown".to_string()),
            host: whoami::hostname().unwrap_or_else(|_| "unknown".to_string()),
        })
    }

    /// `SourceIdentity`: the user in AWS's allowed characters.
    pub fn source_identity(&self) -> String {
        aws_identifier(&self.user, 64)
    }

    /// `RoleSessionName`: `watchpost-<user>`.
    pub fn session_name(&self) -> String {
        aws_identifier(&format!("watchpost-{}", self.user), 64)
    }
}

/// `text` reduced to what STS accepts in a role session name or source identity:
/// `[\w+=,.@-]`, 2 to `max` characters. Other characters become `-`; a result shorter than
/// 2 characters is padded with `-`.
pub fn aws_identifier(text: &str, max: usize) -> String {
    let mut out = crate::domain::aws_name(text, "_+=,.@-", max);
    while out.len() < 2 {
        out.push('-');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_keep_only_what_sts_accepts() {
        assert_eq!(aws_identifier("alice", 64), "alice");
        assert_eq!(aws_identifier("a.b+c=d,e@f_g-h", 64), "a.b+c=d,e@f_g-h");
        assert_eq!(aws_identifier("Jürgen Müller", 64), "J-rgen-M-ller");
        assert_eq!(aws_identifier("x", 64), "x-");
        assert_eq!(aws_identifier("", 64), "--");
        assert_eq!(aws_identifier(&"u".repeat(100), 64).len(), 64);
    }

    #[test]
    fn the_session_name_starts_with_watchpost() {
        let operator = LocalOperator {
            user: "ops bob".into(),
            host: "bastion".into(),
        };
        assert_eq!(operator.session_name(), "watchpost-ops-bob");
        assert_eq!(operator.source_identity(), "ops-bob");
    }
}
