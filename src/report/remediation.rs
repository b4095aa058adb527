//! What to do about a failing check, with the equivalent `aws` CLI command where one is
//! obvious: one table, by check ID, for the Markdown and OCSF reports. (The remediation
//! catalog proper, with previews and the journal, is the console's; this is guidance.)
//! Upper-case words in commands (`USER`, `KEY_ID`, …) are placeholders: the commands are
//! never filled in with names from AWS, so nothing from the account is pasted into a shell.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Remediation {
    pub check_id: &'static str,
    pub advice: &'static str,
    pub cli: &'static [&'static str],
}

const TABLE: &[Remediation] = &[
    Remediation {
        check_id: "iam.root-mfa",
        advice: "Sign in as the root user and assign an MFA device (Security credentials); \
                 only the root user can do this.",
        cli: &[],
    },
    Remediation {
        check_id: "iam.root-hardware-mfa",
        advice: "Sign in as the root user, assign a hardware MFA device or security key, then \
                 remove the virtual one.",
        cli: &[],
    },
    Remediation {
        check_id: "iam.root-access-keys",
        advice: "Delete the root user's access keys, with the root user's credentials.",
        cli: &["aws iam delete-access-key --access-key-id KEY_ID"],
    },
    Remediation {
        check_id: "iam.root-recent-use",
        advice: "Use IAM roles for daily work; review the root sign-ins in CloudTrail.",
        cli: &[
            "aws cloudtrail lookup-events --lookup-attributes AttributeKey=Username,AttributeValue=root",
        ],
    },
    Remediation {
        check_id: "iam.password-policy",
        advice: "Set a password policy that meets the thresholds.",
        cli: &[
            "aws iam update-account-password-policy --minimum-password-length 14 \
             --password-reuse-prevention 24 --require-symbols --require-numbers \
             --require-uppercase-characters --require-lowercase-characters",
        ],
    },
    Remediation {
        check_id: "iam.authorization-details",
        advice: "Grant iam:GetAccountAuthorizationDetails to the principal that runs watchpost.",
        cli: &[],
    },
    Remediation {
        check_id: "iam.admin-managed-policy",
        advice: "Replace the policy's default version with a least-privilege document.",
        cli: &["aws iam create-policy-version --policy-arn POLICY_ARN \
             --policy-document file://least-privilege.json --set-as-default"],
    },
    Remediation {
        check_id: "iam.admin-role",
        advice: "Detach the full-admin policy from the role; grant what the role needs.",
        cli: &["aws iam detach-role-policy --role-name ROLE --policy-arn POLICY_ARN"],
    },
    Remediation {
        check_id: "iam.console-mfa",
        advice: "Assign an MFA device to the user, or remove the console password.",
        cli: &[
            "aws iam enable-mfa-device --user-name USER --serial-number MFA_ARN \
             --authentication-code1 CODE1 --authentication-code2 CODE2",
            "aws iam delete-login-profile --user-name USER",
        ],
    },
    Remediation {
        check_id: "iam.key-rotation",
        advice: "Create a new key, move its users to it, then deactivate the old one.",
        cli: &[
            "aws iam create-access-key --user-name USER",
            "aws iam update-access-key --user-name USER --access-key-id KEY_ID --status Inactive",
        ],
    },
    Remediation {
        check_id: "iam.unused-credentials",
        advice: "Deactivate the unused key, or remove the unused console password.",
        cli: &[
            "aws iam update-access-key --user-name USER --access-key-id KEY_ID --status Inactive",
            "aws iam delete-login-profile --user-name USER",
        ],
    },
    Remediation {
        check_id: "iam.single-active-key",
        advice: "Deactivate all but one of the user's active keys.",
        cli: &[
            "aws iam update-access-key --user-name USER --access-key-id KEY_ID --status Inactive",
        ],
    },
    Remediation {
        check_id: "iam.key-at-setup",
        advice: "Delete the key created with the user and never used.",
        cli: &["aws iam delete-access-key --user-name USER --access-key-id KEY_ID"],
    },
    Remediation {
        check_id: "iam.admin-policy",
        advice: "Detach the full-admin policy (or remove the user from the group granting it).",
        cli: &[
            "aws iam detach-user-policy --user-name USER --policy-arn POLICY_ARN",
            "aws iam remove-user-from-group --user-name USER --group-name GROUP",
        ],
    },
    Remediation {
        check_id: "guardduty.enabled",
        advice: "Enable GuardDuty in the region (or resume the suspended detector).",
        cli: &[
            "aws guardduty create-detector --enable --region REGION",
            "aws guardduty update-detector --detector-id DETECTOR_ID --enable --region REGION",
        ],
    },
    Remediation {
        check_id: "cloudwatch.alarm-actions",
        advice: "Enable the alarm's actions so that it notifies someone.",
        cli: &["aws cloudwatch enable-alarm-actions --alarm-names ALARM --region REGION"],
    },
    Remediation {
        check_id: "cloudtrail.multi-region-logging",
        advice: "Have one multi-region trail that is logging, with log file validation.",
        cli: &[
            "aws cloudtrail update-trail --name TRAIL --is-multi-region-trail \
             --enable-log-file-validation",
            "aws cloudtrail start-logging --name TRAIL",
        ],
    },
    Remediation {
        check_id: "cloudwatch.cis-monitoring",
        advice: "On the trail's log group, add a metric filter for each missing CIS event and \
                 an alarm on its metric that notifies someone.",
        cli: &[
            "aws logs put-metric-filter --log-group-name LOG_GROUP --filter-name NAME \
             --filter-pattern PATTERN --metric-transformations \
             metricName=NAME,metricNamespace=CISBenchmark,metricValue=1",
            "aws cloudwatch put-metric-alarm --alarm-name NAME --namespace CISBenchmark \
             --metric-name NAME --statistic Sum --period 300 --evaluation-periods 1 \
             --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold \
             --alarm-actions TOPIC_ARN",
        ],
    },
    Remediation {
        check_id: "s3.account-public-access-block",
        advice: "Turn on all four S3 Block Public Access settings for the account.",
        cli: &[
            "aws s3control put-public-access-block --account-id ACCOUNT_ID \
             --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,\
             BlockPublicPolicy=true,RestrictPublicBuckets=true",
        ],
    },
    Remediation {
        check_id: "ec2.sg-open-admin-ports",
        advice: "Revoke the rule open to 0.0.0.0/0 or ::/0; reach hosts through Session \
                 Manager, a VPN or a known address range instead.",
        cli: &["aws ec2 revoke-security-group-ingress --group-id GROUP_ID \
             --security-group-rule-ids RULE_ID --region REGION"],
    },
    Remediation {
        check_id: "ec2.sg-open-high-risk-ports",
        advice: "Revoke the rule open to 0.0.0.0/0 or ::/0; admit only the sources that need \
                 the port.",
        cli: &["aws ec2 revoke-security-group-ingress --group-id GROUP_ID \
             --security-group-rule-ids RULE_ID --region REGION"],
    },
    Remediation {
        check_id: "ec2.ebs-default-encryption",
        advice: "Turn on EBS encryption by default in the region.",
        cli: &["aws ec2 enable-ebs-encryption-by-default --region REGION"],
    },
    Remediation {
        check_id: "ec2.vpc-flow-logs",
        advice: "Create a flow log for the VPC (rejected traffic at least).",
        cli: &[
            "aws ec2 create-flow-logs --resource-type VPC --resource-ids VPC_ID \
             --traffic-type REJECT --log-destination-type s3 \
             --log-destination arn:aws:s3:::BUCKET --region REGION",
        ],
    },
    Remediation {
        check_id: "config.recorder",
        advice: "Create a configuration recorder for all resource types, a delivery \
                 channel, and start the recorder.",
        cli: &[
            "aws configservice put-configuration-recorder --configuration-recorder \
             name=default,roleARN=ROLE_ARN --recording-group allSupported=true \
             --region REGION",
            "aws configservice start-configuration-recorder \
             --configuration-recorder-name default --region REGION",
        ],
    },
    Remediation {
        check_id: "ec2.sg-open-unauthorized-ports",
        advice: "Remove the inbound rule from 0.0.0.0/0 or ::/0, or narrow it to the addresses \
                 that need it; add the port to `authorized_ports` only if it is meant to be \
                 public.",
        cli: &["aws ec2 revoke-security-group-ingress --group-id GROUP_ID \
             --security-group-rule-ids RULE_ID --region REGION"],
    },
    Remediation {
        check_id: "s3.bucket-public-access",
        advice: "Turn on the bucket's Block Public Access (or the account's), after checking \
                 that nothing is meant to be served from it publicly; serve public content \
                 through CloudFront with origin access control instead.",
        cli: &["aws s3api put-public-access-block --bucket BUCKET \
             --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,\
             BlockPublicPolicy=true,RestrictPublicBuckets=true"],
    },
    Remediation {
        check_id: "ec2.instance-iam-role",
        advice: "Attach an instance profile with a role granting what the instance needs, then \
                 remove any access keys stored on it.",
        cli: &[
            "aws ec2 associate-iam-instance-profile --instance-id INSTANCE_ID \
             --iam-instance-profile Name=PROFILE --region REGION",
        ],
    },
    Remediation {
        check_id: "ec2.imdsv2",
        advice: "Require IMDSv2 (session tokens) once the instance's software uses it (current \
                 AWS SDKs and CLIs do).",
        cli: &[
            "aws ec2 modify-instance-metadata-options --instance-id INSTANCE_ID \
             --http-tokens required --region REGION",
        ],
    },
    Remediation {
        check_id: "ec2.ebs-volume-encryption",
        advice: "Snapshot the volume, copy the snapshot with encryption, create a volume from \
                 it and swap it in; turn on EBS encryption by default for new volumes.",
        cli: &[
            "aws ec2 copy-snapshot --source-snapshot-id SNAPSHOT_ID --source-region REGION \
             --encrypted --region REGION",
        ],
    },
    Remediation {
        check_id: "rds.storage-encryption",
        advice: "Encryption is chosen at creation: copy a snapshot with a KMS key, restore it \
                 as a new instance and switch over.",
        cli: &[
            "aws rds copy-db-snapshot --source-db-snapshot-identifier SNAPSHOT \
             --target-db-snapshot-identifier SNAPSHOT-encrypted --kms-key-id KEY_ID \
             --region REGION",
        ],
    },
    Remediation {
        check_id: "rds.public-access",
        advice: "Turn public accessibility off and reach the database from inside its VPC.",
        cli: &["aws rds modify-db-instance --db-instance-identifier DB_ID \
             --no-publicly-accessible --apply-immediately --region REGION"],
    },
    Remediation {
        check_id: "kms.key-rotation",
        advice: "Turn on automatic rotation of the key (yearly by default).",
        cli: &["aws kms enable-key-rotation --key-id KEY_ID --region REGION"],
    },
    Remediation {
        check_id: "elb.alb-waf",
        advice: "Associate a regional AWS WAF web ACL (AWS managed rule groups to start) with \
                 the load balancer.",
        cli: &["aws wafv2 associate-web-acl --web-acl-arn WEB_ACL_ARN \
             --resource-arn LOAD_BALANCER_ARN --region REGION"],
    },
];

/// The guidance for `check_id`, if there is any.
pub fn remediation(check_id: &str) -> Option<&'static Remediation> {
    TABLE.iter().find(|r| r.check_id == check_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_check_id_appears_once_and_commands_are_aws_cli() {
        let mut ids: Vec<&str> = TABLE.iter().map(|r| r.check_id).collect();
        ids.sort_unstable();
        let before = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), before, "duplicate check IDs");
        for r in TABLE {
            assert!(r.cli.iter().all(|c| c.starts_with("aws ")), "{r:?}");
            assert!(!r.advice.is_empty());
        }
        assert!(remediation("iam.console-mfa").is_some());
        for check in crate::posture::baseline::CHECKS {
            assert!(remediation(check.id).is_some(), "{}", check.id);
        }
        assert!(remediation("nope").is_none());
    }
}
