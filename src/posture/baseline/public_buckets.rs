use super::Control;
use crate::domain::{
    AccountBaseline, Bucket, BucketExposure, CheckResult, CheckStatus, PublicAccessBlock, Severity,
};
use crate::domain::{Check, SharedText, SourceKind};

pub static PUBLIC_BUCKETS: Check = Check {
    source: SourceKind::Baseline,
    id: "s3.bucket-public-access",
    title: "No S3 bucket is open to the public",
    problem: "An S3 bucket is open to the public",
    severity: Severity::Critical,
    controls: &["S3.2", "S3.3", "S3.8"],
};

/// The bucket a result is about: its resource is the bucket's name.
pub fn bucket_name(resource: &str) -> &str {
    resource
}

/// Which Block Public Access setting, at which level, neutralises one kind of exposure.
fn protected_by(
    account: Option<&PublicAccessBlock>,
    bucket: Option<&PublicAccessBlock>,
    setting: fn(&PublicAccessBlock) -> bool,
    name: &str,
) -> Option<String> {
    if account.is_some_and(setting) {
        Some(format!("the account's {name}"))
    } else if bucket.is_some_and(setting) {
        Some(format!("the bucket's {name}"))
    } else {
        None
    }
}

/// Pass or fail, and why: public by policy unless `RestrictPublicBuckets` is on, public by
/// ACL unless `IgnorePublicAcls` is on (at the account or the bucket level).
fn judge(exposure: &BucketExposure, account: Option<&PublicAccessBlock>) -> (CheckStatus, String) {
    let bucket = exposure.block.as_ref();
    let mut open = Vec::new();
    let mut neutralised = Vec::new();
    if exposure.policy_public {
        match protected_by(
            account,
            bucket,
            |b| b.restrict_public_buckets,
            "RestrictPublicBuckets",
        ) {
            Some(by) => neutralised.push(format!("its public policy is neutralised by {by}")),
            None => open.push("its bucket policy is public".to_string()),
        }
    }
    if !exposure.public_grants.is_empty() {
        let grants = exposure.public_grants.join(", ");
        match protected_by(
            account,
            bucket,
            |b| b.ignore_public_acls,
            "IgnorePublicAcls",
        ) {
            Some(by) => neutralised.push(format!("its ACL grants {grants}, ignored by {by}")),
            None => open.push(format!("its ACL grants {grants}")),
        }
    }
    if !open.is_empty() {
        let mut evidence = open.join("; ");
        if !neutralised.is_empty() {
            evidence = format!("{evidence} ({})", neutralised.join("; "));
        }
        return (CheckStatus::Fail, evidence);
    }
    if !neutralised.is_empty() {
        return (CheckStatus::Pass, neutralised.join("; "));
    }
    (
        CheckStatus::Pass,
        "no public bucket policy and no ACL grant to everyone".to_string(),
    )
}

pub fn evaluate(baseline: &AccountBaseline, out: &mut Vec<CheckResult>) {
    let account = &baseline.account_id;
    let control = &PUBLIC_BUCKETS;
    let buckets = match &baseline.buckets {
        Err(why) => {
            out.push(control.unreadable(account, None, super::s3::ACCOUNT, why));
            return;
        }
        Ok(buckets) => buckets,
    };
    // The account's Block Public Access: unreadable counts as off, and a bucket it would
    // have to protect says so.
    let account_block = baseline
        .public_access_block
        .as_ref()
        .ok()
        .and_then(Option::as_ref);
    for Bucket {
        name,
        region,
        exposure,
    } in buckets
    {
        // A bucket has its own region; its results share one copy of its name.
        let region = region.as_ref().map(|r| SharedText::new(r.clone()));
        let region = region.as_ref();
        let result = match exposure {
            Err(why) => control.unreadable(account, region, name, why),
            Ok(exposure) => {
                let (status, mut evidence) = judge(exposure, account_block);
                if let (CheckStatus::Fail, Err(why)) = (status, &baseline.public_access_block) {
                    evidence = format!(
                        "{evidence} (the account's Block Public Access could not be read: needs {})",
                        why.permission
                    );
                }
                control.result(status, account, region, name, evidence)
            }
        };
        out.push(result);
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{account, denied, verdicts};
    use super::*;

    fn bucket(
        name: &str,
        policy_public: bool,
        grants: &[&str],
        block: Option<PublicAccessBlock>,
    ) -> Bucket {
        Bucket {
            name: name.into(),
            region: Some("eu-west-1".into()),
            exposure: Ok(BucketExposure {
                policy_public,
                public_grants: grants.iter().map(|g| g.to_string()).collect(),
                block,
            }),
        }
    }

    const OFF: PublicAccessBlock = PublicAccessBlock {
        block_public_acls: false,
        ignore_public_acls: false,
        block_public_policy: false,
        restrict_public_buckets: false,
    };

    #[test]
    fn public_by_policy_or_acl_fails_unless_block_public_access_neutralises_it() {
        let mut b = account();
        b.buckets = Ok(vec![
            bucket("private", false, &[], None),
            bucket("by-policy", true, &[], None),
            bucket("by-acl", false, &["READ to AllUsers"], Some(OFF)),
            bucket(
                "acl-ignored",
                false,
                &["READ to AuthenticatedUsers"],
                Some(PublicAccessBlock {
                    ignore_public_acls: true,
                    ..OFF
                }),
            ),
            bucket(
                "half",
                true,
                &["WRITE to AllUsers"],
                Some(PublicAccessBlock {
                    ignore_public_acls: true,
                    ..OFF
                }),
            ),
        ]);
        let mut out = Vec::new();
        evaluate(&b, &mut out);
        let got = verdicts(&out);
        assert_eq!(got[0].0, CheckStatus::Pass);
        assert_eq!(
            got[0].2,
            "no public bucket policy and no ACL grant to everyone"
        );
        assert_eq!(
            got[1],
            (
                CheckStatus::Fail,
                "by-policy".into(),
                "its bucket policy is public".into()
            )
        );
        assert_eq!(got[2].2, "its ACL grants READ to AllUsers");
        assert_eq!(got[2].0, CheckStatus::Fail);
        assert_eq!(
            got[3],
            (
                CheckStatus::Pass,
                "acl-ignored".into(),
                "its ACL grants READ to AuthenticatedUsers, ignored by the bucket's IgnorePublicAcls".into()
            )
        );
        assert_eq!(got[4].0, CheckStatus::Fail);
        assert_eq!(
            got[4].2,
            "its bucket policy is public (its ACL grants WRITE to AllUsers, ignored by the bucket's IgnorePublicAcls)"
        );
        assert_eq!(out[1].region_name(), Some("eu-west-1"));
    }

    #[test]
    fn the_accounts_block_public_access_protects_every_bucket() {
        let mut b = account();
        b.public_access_block = Ok(Some(PublicAccessBlock::ALL_ON));
        b.buckets = Ok(vec![bucket("by-policy", true, &["READ to AllUsers"], None)]);
        let mut out = Vec::new();
        evaluate(&b, &mut out);
        assert_eq!(
            verdicts(&out)[0],
            (
                CheckStatus::Pass,
                "by-policy".into(),
                "its public policy is neutralised by the account's RestrictPublicBuckets; its ACL grants READ to AllUsers, ignored by the account's IgnorePublicAcls".into()
            )
        );
    }

    #[test]
    fn unreadable_buckets_and_account_settings_say_what_they_need() {
        let mut b = account();
        b.public_access_block = Err(denied("s3:GetAccountPublicAccessBlock"));
        b.buckets = Ok(vec![
            bucket("by-policy", true, &[], None),
            Bucket {
                name: "locked".into(),
                region: None,
                exposure: Err(denied("s3:GetBucketLocation")),
            },
        ]);
        let mut out = Vec::new();
        evaluate(&b, &mut out);
        let got = verdicts(&out);
        assert_eq!(
            got[0].2,
            "its bucket policy is public (the account's Block Public Access could not be read: needs s3:GetAccountPublicAccessBlock)"
        );
        assert_eq!(got[1].0, CheckStatus::Fail);
        assert!(
            got[1]
                .2
                .starts_with("could not be evaluated (needs s3:GetBucketLocation)")
        );
        b.buckets = Err(denied("s3:ListAllMyBuckets"));
        let mut out = Vec::new();
        evaluate(&b, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].resource(), "account");
    }
}
