use super::Control;
use crate::domain::{AccountBaseline, CheckResult, CheckStatus, Severity};
use crate::domain::{Check, SourceKind};

pub static ACCOUNT_PUBLIC_ACCESS_BLOCK: Check = Check {
    source: SourceKind::Baseline,
    id: "s3.account-public-access-block",
    title: "S3 Block Public Access is on for the account",
    problem: "S3 Block Public Access is not on for the account",
    severity: Severity::High,
    controls: &["CIS 2.1.4", "S3.1"],
};

/// The resource of account-wide results.
pub const ACCOUNT: &str = "account";

pub fn evaluate(baseline: &AccountBaseline, out: &mut Vec<CheckResult>) {
    let account = &baseline.account_id;
    let control = &ACCOUNT_PUBLIC_ACCESS_BLOCK;
    let result = match &baseline.public_access_block {
        Err(why) => control.unreadable(account, None, ACCOUNT, why),
        Ok(None) => control.result(
            CheckStatus::Fail,
            account,
            None,
            ACCOUNT,
            "no account-level Block Public Access configuration: every setting is off",
        ),
        Ok(Some(block)) => {
            let settings = [
                ("BlockPublicAcls", block.block_public_acls),
                ("IgnorePublicAcls", block.ignore_public_acls),
                ("BlockPublicPolicy", block.block_public_policy),
                ("RestrictPublicBuckets", block.restrict_public_buckets),
            ];
            let off: Vec<&str> = settings
                .iter()
                .filter(|(_, on)| !on)
                .map(|(name, _)| *name)
                .collect();
            if off.is_empty() {
                control.result(
                    CheckStatus::Pass,
                    account,
                    None,
                    ACCOUNT,
                    "all four settings are true",
                )
            } else {
                control.result(
                    CheckStatus::Fail,
                    account,
                    None,
                    ACCOUNT,
                    format!("off: {}", off.join(", ")),
                )
            }
        }
    };
    out.push(result);
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{account, denied};
    use super::*;
    use crate::domain::PublicAccessBlock;

    #[test]
    fn all_four_settings_are_needed() {
        let mut b = account();
        let mut out = Vec::new();
        evaluate(&b, &mut out);
        b.public_access_block = Ok(Some(PublicAccessBlock {
            restrict_public_buckets: false,
            ..PublicAccessBlock::ALL_ON
        }));
        evaluate(&b, &mut out);
        b.public_access_block = Ok(Some(PublicAccessBlock::ALL_ON));
        evaluate(&b, &mut out);
        b.public_access_block = Err(denied("s3:GetAccountPublicAccessBlock"));
        evaluate(&b, &mut out);
        let statuses: Vec<CheckStatus> = out.iter().map(|r| r.status).collect();
        assert_eq!(
            statuses,
            [
                CheckStatus::Fail,
                CheckStatus::Fail,
                CheckStatus::Pass,
                CheckStatus::Fail
            ]
        );
        assert_eq!(out[1].evidence(), "off: RestrictPublicBuckets");
        assert!(out[3].evidence().contains("s3:GetAccountPublicAccessBlock"));
    }
}
