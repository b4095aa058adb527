//! What one refresh of a multi-account session costs in requests, for
//! `report --org --dry-run`: per source, the calls made once per poll and the calls that
//! grow with pages of data. The request budget is the design: GuardDuty is one source per
//! region through the delegated administrator, whatever the number of members.

use crate::domain::{Organization, Reach};
use std::collections::{HashMap, HashSet};
use std::fmt::Write;

/// A source's calls per poll: (operation, calls) made once, and (operation, formula) paged.
struct SourceCost {
    name: &'static str,
    fixed: &'static [(&'static str, usize)],
    paged: &'static [(&'static str, &'static str)],
}

const IDENTITY: SourceCost = SourceCost {
    name: "identity (per account)",
    fixed: &[
        ("iam:GetAccountSummary", 1),
        ("iam:GetAccountPasswordPolicy", 1),
    ],
    paged: &[
        (
            "iam:GenerateCredentialReport",
            "0 while the report held is younger than 4 hours (credential_report_max_age_hours); \
             else until AWS says it is COMPLETE (at once when AWS holds one younger than 4 hours)",
        ),
        (
            "iam:GetCredentialReport",
            "0 while the report held is young enough; else 1",
        ),
        (
            "iam:GetAccountAuthorizationDetails",
            "ceil((users + groups + roles + policies) / 1000), at least 1",
        ),
        (
            "iam:ListVirtualMFADevices",
            "ceil(virtual MFA devices / 100), at least 1",
        ),
    ],
};

const ACCOUNT_BASELINE: SourceCost = SourceCost {
    name: "account baseline (per account)",
    fixed: &[
        ("cloudtrail:DescribeTrails", 1),
        ("s3control:GetPublicAccessBlock", 1),
    ],
    paged: &[
        ("cloudtrail:GetTrailStatus", "1 per trail"),
        (
            "logs:DescribeMetricFilters",
            "per log group a trail delivers to: ceil(metric filters / 50), at least 1",
        ),
    ],
};

const ALARMS: SourceCost = SourceCost {
    name: "alarms (per account and region)",
    fixed: &[],
    paged: &[
        (
            "cloudwatch:DescribeAlarms",
            "ceil(alarms / 100), at least 1",
        ),
        (
            "cloudwatch:DescribeAlarmHistory",
            "ceil(state changes since the last poll / 100), 1 to 5",
        ),
    ],
};

const REGIONAL_BASELINE: SourceCost = SourceCost {
    name: "regional baseline (per account and region)",
    fixed: &[
        ("ec2:GetEbsEncryptionByDefault", 1),
        ("config:DescribeConfigurationRecorders", 1),
    ],
    paged: &[
        (
            "config:DescribeConfigurationRecorderStatus",
            "1 when the region has a recorder",
        ),
        (
            "ec2:DescribeSecurityGroups",
            "ceil(security groups / 1000), at least 1",
        ),
        ("ec2:DescribeVpcs", "ceil(VPCs / 1000), at least 1"),
        ("ec2:DescribeFlowLogs", "ceil(flow logs / 1000), at least 1"),
    ],
};

const FINDINGS: SourceCost = SourceCost {
    name: "findings (per GuardDuty detector read)",
    fixed: &[("guardduty:ListDetectors", 1)],
    paged: &[
        ("guardduty:GetDetector", "1 when the region has a detector"),
        (
            "guardduty:ListFindings",
            "with a detector: ceil(findings updated since the last poll / 50), at least 1",
        ),
        (
            "guardduty:GetFindings",
            "ceil(findings updated since the last poll / 50)",
        ),
    ],
};

/// How many sources of each kind one refresh polls.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// Accounts read (reachable or still to be tried), skipped.
    pub accounts: usize,
    pub skipped: Vec<(String, String)>,
    pub regions: Vec<String>,
    /// Findings sources: one per region for the administrator, plus one per region for
    /// every account that is not an enabled member there.
    pub findings_sources: usize,
    pub members: HashMap<String, usize>,
    /// Accounts entered through the member role (one `AssumeRole` per credential lifetime).
    pub assumed: usize,
}

impl Plan {
    /// The plan for `org` over `regions`, with `covered` the enabled members per region.
    pub fn new(
        org: &Organization,
        caller_account: &str,
        regions: &[String],
        covered: &HashMap<String, HashSet<crate::domain::AccountId>>,
    ) -> Plan {
        let read: Vec<_> = org
            .accounts
            .iter()
            .filter(|a| !matches!(a.reach, Reach::Skipped(_)))
            .collect();
        let findings_sources = regions
            .iter()
            .map(|region| {
                read.iter()
                    .filter(|a| !covered.get(region).is_some_and(|m| m.contains(&a.id)))
                    .count()
            })
            .sum();
        Plan {
            accounts: read.len(),
            skipped: org
                .accounts
                .iter()
                .filter_map(|a| match &a.reach {
                    Reach::Skipped(why) => Some((org.label(&a.id), why.clone())),
                    _ => None,
                })
                .collect(),
            regions: regions.to_vec(),
            findings_sources,
            members: covered
                .iter()
                .map(|(region, members)| (region.clone(), members.len()))
                .collect(),
            assumed: read.iter().filter(|a| *a.id != *caller_account).count(),
        }
    }

    /// The sources of each kind and their cost, as a table.
    pub fn render(&self) -> String {
        let regional = self.accounts * self.regions.len();
        let rows = [
            (&IDENTITY, self.accounts),
            (&ACCOUNT_BASELINE, self.accounts),
            (&ALARMS, regional),
            (&REGIONAL_BASELINE, regional),
            (&FINDINGS, self.findings_sources),
        ];
        let mut out = String::new();
        let _ = writeln!(
            out,
            "accounts: {} to read, {} skipped; regions: {} ({})",
            self.accounts,
            self.skipped.len(),
            self.regions.len(),
            self.regions.join(", ")
        );
        for (label, why) in &self.skipped {
            let _ = writeln!(out, "  skipped {label}: {why}");
        }
        let mut regions: Vec<_> = self.members.iter().collect();
        regions.sort();
        for (region, count) in regions {
            let _ = writeln!(
                out,
                "GuardDuty {region}: {count} member accounts read through the delegated administrator"
            );
        }
        let _ = writeln!(
            out,
            "sts:AssumeRole: {} (once per account per credential lifetime, at most 1 hour)",
            self.assumed
        );
        let _ = writeln!(out, "one refresh:");
        let mut fixed_total = 0;
        for (cost, sources) in rows {
            let fixed: usize = cost.fixed.iter().map(|(_, n)| n).sum();
            fixed_total += fixed * sources;
            let _ = writeln!(out, "  {}: {sources} sources", cost.name);
            for (operation, calls) in cost.fixed {
                let _ = writeln!(out, "    {operation}: {} ({calls} each)", calls * sources);
            }
            for (operation, formula) in cost.paged {
                let _ = writeln!(out, "    {operation}: {formula}, each");
            }
        }
        let _ = writeln!(
            out,
            "fixed calls per refresh: {fixed_total}, plus the paged calls"
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Discovery, OrgAccount};

    fn account(id: &str, reach: Reach) -> OrgAccount {
        OrgAccount {
            id: id.into(),
            name: format!("n{id}"),
            ou_path: String::new(),
            ou_ids: Vec::new(),
            reach,
            read_only: None,
            banner: None,
        }
    }

    #[test]
    fn findings_cost_one_source_per_region_for_the_members_and_the_rest_scale_with_accounts() {
        let org = Organization {
            id: None,
            management_account: None,
            discovery: Discovery::Listed,
            accounts: vec![
                account("1", Reach::Pending),
                account("2", Reach::Pending),
                account("3", Reach::Pending),
                account("4", Reach::Skipped("SUSPENDED".into())),
            ],
            member_role: None,
            guardduty_admin: Some("2".into()),
        };
        let regions = vec!["r1".to_string(), "r2".to_string()];
        let members: HashSet<_> = ["1".into(), "3".into()].into_iter().collect();
        let covered = regions
            .iter()
            .map(|r| (r.clone(), members.clone()))
            .collect();
        let plan = Plan::new(&org, "1", &regions, &covered);
        assert_eq!(plan.accounts, 3);
        assert_eq!(plan.findings_sources, 2, "the administrator's, per region");
        assert_eq!(plan.assumed, 2);
        let text = plan.render();
        // identity 2 × 3 + account baseline 2 × 3 + regional 2 × 6 + findings 1 × 2
        assert!(text.contains("fixed calls per refresh: 26"), "{text}");
        assert!(text.contains("skipped n4 (4): SUSPENDED"), "{text}");
    }
}
