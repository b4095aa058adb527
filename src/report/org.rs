//! A multi-account report: each result names its account, a summary per account, and
//! an unreachable account makes the report incomplete (exit 4, naming it) while every
//! other account is still reported.

use super::model::{AccountEntry, OrganizationEntry, Report, SeverityCounts};
use crate::domain::{CheckStatus, Organization, Reach, Severity};
use std::collections::HashMap;

/// Names every result's account and adds the per-account summary.
pub fn annotate(report: &mut Report, org: &Organization) {
    let name = |id: &str| Some(org.name_of(id).to_string());
    let mut tally: HashMap<String, (usize, SeverityCounts)> = HashMap::new();
    let mut count = |account: &str, status: CheckStatus, severity: Severity| {
        let (results, failing) = tally.entry(account.to_string()).or_default();
        *results += 1;
        if status == CheckStatus::Fail {
            failing.add(severity);
        }
    };
    for check in &mut report.checks {
        check.account_name = name(&check.account_id);
        count(&check.account_id, check.status, check.severity);
    }
    for alarm in &mut report.alarms {
        alarm.account_name = name(&alarm.account_id);
        count(&alarm.account_id, alarm.status, alarm.severity);
    }
    for finding in &mut report.findings {
        finding.account_name = name(&finding.account_id);
        count(&finding.account_id, CheckStatus::Fail, finding.severity);
    }
    let accounts = org
        .accounts
        .iter()
        .map(|account| {
            let (results, failing_by_severity) =
                tally.get(account.id.as_str()).copied().unwrap_or_default();
            AccountEntry {
                account_id: account.id.to_string(),
                name: account.name.clone(),
                ou_path: account.ou_path.clone(),
                reach: match account.reach {
                    Reach::Skipped(_) => "skipped",
                    Reach::Unreachable(_) => "unreachable",
                    Reach::Pending | Reach::Reachable => "reachable",
                },
                reason: account.reach.reason().map(str::to_string),
                results,
                failing_by_severity,
            }
        })
        .collect();
    if org.unreachable().next().is_some() {
        report.complete = false;
    }
    report.organization = Some(OrganizationEntry {
        id: org.id.clone(),
        management_account: org.management_account.as_ref().map(|a| a.to_string()),
        guardduty_admin: org.guardduty_admin.as_ref().map(|a| a.to_string()),
        accounts,
    });
}

/// One line per unreachable account, for stderr.
pub fn unreachable_lines(org: &Organization) -> Vec<String> {
    org.unreachable()
        .map(|account| {
            format!(
                "account {} unreachable: {}",
                org.label(&account.id),
                account.reach.reason().unwrap_or("unknown")
            )
        })
        .collect()
}
