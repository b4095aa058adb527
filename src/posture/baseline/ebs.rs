use super::Control;
use crate::domain::{Check, SourceKind};
use crate::domain::{CheckResult, CheckStatus, RegionalBaseline, Severity};

pub static EBS_DEFAULT_ENCRYPTION: Check = Check {
    source: SourceKind::Baseline,
    id: "ec2.ebs-default-encryption",
    title: "EBS encryption by default is on in the region",
    problem: "EBS encryption by default is off in the region",
    severity: Severity::Medium,
    controls: &["CIS 2.2.1", "EC2.7"],
};

pub fn evaluate(baseline: &RegionalBaseline, out: &mut Vec<CheckResult>) {
    let region = Some(&baseline.region);
    let account = &baseline.account_id;
    let result = match &baseline.ebs_encryption_by_default {
        Err(why) => {
            EBS_DEFAULT_ENCRYPTION.unreadable(account, region, baseline.region.as_str(), why)
        }
        Ok(true) => EBS_DEFAULT_ENCRYPTION.result(
            CheckStatus::Pass,
            account,
            region,
            baseline.region.as_str(),
            "EbsEncryptionByDefault = true: new volumes and snapshot copies are encrypted",
        ),
        Ok(false) => EBS_DEFAULT_ENCRYPTION.result(
            CheckStatus::Fail,
            account,
            region,
            baseline.region.as_str(),
            "EbsEncryptionByDefault = false: new volumes are created unencrypted unless asked",
        ),
    };
    out.push(result);
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{denied, regional};
    use super::*;

    #[test]
    fn off_fails_on_passes_unreadable_says_what_it_needs() {
        let mut out = Vec::new();
        let mut b = regional();
        evaluate(&b, &mut out);
        b.ebs_encryption_by_default = Ok(false);
        evaluate(&b, &mut out);
        b.ebs_encryption_by_default = Err(denied("ec2:GetEbsEncryptionByDefault"));
        evaluate(&b, &mut out);
        let statuses: Vec<CheckStatus> = out.iter().map(|r| r.status).collect();
        assert_eq!(
            statuses,
            [CheckStatus::Pass, CheckStatus::Fail, CheckStatus::Fail]
        );
        assert_eq!(out[0].resource(), "eu-west-1");
        assert!(
            out[2]
                .evidence()
                .starts_with("could not be evaluated (needs ec2:GetEbsEncryptionByDefault)")
        );
    }
}
