//! How to get into each account: the caller's own account with the session's own
//! credentials (service-managed StackSets never deploy the member role to the management
//! account), every other through the member role, assumed by the same refreshing provider
//! as `--role-arn` (`RoleSessionName`/`SourceIdentity` name the local user; credentials
//! cached and assumed again five minutes before they expire, which is one hour when the
//! caller is itself an assumed role). Reaching an account is one `AssumeRole`, made a few
//! accounts at a time with jitter, whose credentials the account's clients then reuse.

use crate::aws::assume::AttributedRole;
use crate::aws::attribution::LocalOperator;
use crate::aws::clients::sts_client;
use crate::aws::errors::chain;
use crate::domain::{OrgAccount, Reach};
use aws_config::SdkConfig;
use aws_credential_types::provider::SharedCredentialsProvider;
use futures::StreamExt;
use rand::{Rng, SeedableRng};
use std::time::Duration;

/// Accounts reached at once: few enough that 500 accounts never burst STS.
pub const CONCURRENT_ASSUMES: usize = 8;

/// Up to this long is waited before each `AssumeRole`, so the calls spread out.
const JITTER: Duration = Duration::from_millis(150);

/// The member role's ARN in `account`, in the caller's partition (`aws`, `aws-cn`, …).
pub fn member_role_arn(caller_arn: &str, account: &str, role: &str) -> String {
    let partition = caller_arn
        .split(':')
        .nth(1)
        .filter(|p| !p.is_empty())
        .unwrap_or("aws");
    format!("arn:{partition}:iam::{account}:role/{role}")
}

/// The configuration to read `account` with: `own` for the caller's account, else `own`
/// with the member role's credentials in place of the caller's.
pub fn config_for(
    own: &SdkConfig,
    caller_account: &str,
    caller_arn: &str,
    account: &str,
    role: &str,
    external_id: Option<&str>,
) -> SdkConfig {
    if account == caller_account {
        return own.clone();
    }
    let provider = AttributedRole::new(
        sts_client(own),
        &member_role_arn(caller_arn, account, role),
        external_id.map(str::to_string),
        LocalOperator::current(),
    );
    own.to_builder()
        .credentials_provider(SharedCredentialsProvider::new(provider))
        .build()
}

/// Tries every pending account (one `AssumeRole` each, cached for its sources), a few at
/// a time; each becomes reachable, or unreachable with the reason.
pub async fn reach(accounts: &mut [OrgAccount], configs: &[Option<SdkConfig>], role: &str) {
    let pending: Vec<(usize, SdkConfig)> = accounts
        .iter()
        .zip(configs)
        .enumerate()
        .filter(|(_, (account, _))| account.reach == Reach::Pending)
        .filter_map(|(index, (_, config))| config.clone().map(|c| (index, c)))
        .collect();
    let tries = pending.into_iter().map(|(index, config)| async move {
        // Spread, not secrecy: a generator per account is enough.
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(index as u64);
        let wait = rng.random_range(Duration::ZERO..=JITTER);
        tokio::time::sleep(wait).await;
        (index, try_account(&config, role).await)
    });
    let mut finished = futures::stream::iter(tries).buffer_unordered(CONCURRENT_ASSUMES);
    while let Some((index, reach)) = finished.next().await {
        if let Some(account) = accounts.get_mut(index) {
            account.reach = reach;
        }
    }
}

/// One `AssumeRole` into the account (cached by its provider for the clients after it).
pub async fn try_account(config: &SdkConfig, role: &str) -> Reach {
    let Some(provider) = config.credentials_provider() else {
        return Reach::Unreachable("no credentials".to_string());
    };
    match aws_credential_types::provider::ProvideCredentials::provide_credentials(&provider).await {
        Ok(_) => Reach::Reachable,
        Err(err) => Reach::Unreachable(unreachable_reason(&chain(&err), role)),
    }
}

/// STS answers `AccessDenied` alike for a missing role and a trust policy that does not
/// name the caller: the reason says both.
fn unreachable_reason(message: &str, role: &str) -> String {
    if message.contains("AccessDenied") {
        format!(
            "cannot assume role/{role}: AccessDenied (the role is missing in this account, \
             or its trust policy does not allow the caller)"
        )
    } else {
        crate::aws::errors::one_line(message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_member_role_is_in_the_callers_partition() {
        assert_eq!(
            member_role_arn(
                "arn:aws-cn:iam::111122223333:user/me",
                "444455556666",
                "Audit"
            ),
            "arn:aws-cn:iam::444455556666:role/Audit"
        );
        assert_eq!(
            member_role_arn("nonsense", "444455556666", "Audit"),
            "arn:aws:iam::444455556666:role/Audit"
        );
    }

    #[test]
    fn a_denied_assume_names_the_role_and_both_causes() {
        let why = unreachable_reason("cannot assume arn: AccessDenied: User x is not", "Audit");
        assert!(
            why.contains("role/Audit") && why.contains("trust policy"),
            "{why}"
        );
    }
}
