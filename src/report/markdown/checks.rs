//! Failing checks grouped by control, and the tally of every check.
//!
//! A check lists its controls CIS first (`CIS 1.10`, `IAM.5`); it is grouped under its first
//! control, and the heading names the group's other controls, so a result appears once.

use super::{row, table_head, text};
use crate::domain::CheckStatus;
use crate::report::{CheckEntry, Report, remediation};
use std::collections::BTreeMap;
use std::fmt::Write;

/// Orders control IDs as people read them: CIS first, then by standard, numerically
/// (`CIS 1.4` before `CIS 1.10`); checks without a control last.
fn control_key(control: &str) -> (u8, String, Vec<u32>) {
    if control.is_empty() {
        return (2, String::new(), Vec::new());
    }
    let split = control
        .find(|c: char| c.is_ascii_digit())
        .unwrap_or(control.len());
    let (prefix, numbers) = control.split_at(split);
    let prefix = prefix.trim_end_matches(['.', ' ']).to_string();
    let numbers = numbers.split('.').filter_map(|n| n.parse().ok()).collect();
    (u8::from(prefix != "CIS"), prefix, numbers)
}

pub fn failing_by_control(out: &mut String, r: &Report) {
    let _ = writeln!(out, "## Failing checks by control\n");
    // control key → (control, check ID → results)
    type Group<'a> = (&'a str, BTreeMap<&'a str, Vec<&'a CheckEntry>>);
    let mut groups: BTreeMap<(u8, String, Vec<u32>), Group<'_>> = BTreeMap::new();
    for check in r.checks.iter().filter(|c| c.status == CheckStatus::Fail) {
        let control = check.controls.first().copied().unwrap_or("");
        groups
            .entry(control_key(control))
            .or_insert_with(|| (control, BTreeMap::new()))
            .1
            .entry(check.check_id)
            .or_default()
            .push(check);
    }
    if groups.is_empty() {
        let _ = writeln!(out, "None.\n");
        return;
    }
    for (control, checks) in groups.values() {
        let mut also: Vec<&str> = checks
            .values()
            .flat_map(|results| results.iter().flat_map(|c| c.controls.iter().copied()))
            .filter(|c| c != control)
            .collect();
        also.sort_by_key(|c| control_key(c));
        also.dedup();
        let heading = if control.is_empty() {
            "No control"
        } else {
            control
        };
        if also.is_empty() {
            let _ = writeln!(out, "### {heading}\n");
        } else {
            let _ = writeln!(out, "### {heading} (also {})\n", also.join(", "));
        }
        let mut ordered: Vec<&Vec<&CheckEntry>> = checks.values().collect();
        ordered.sort_by_key(|results| {
            results
                .first()
                .map(|c| (std::cmp::Reverse(c.severity), c.check_id))
        });
        for results in ordered {
            check_block(out, results);
        }
    }
}

fn check_block(out: &mut String, results: &[&CheckEntry]) {
    let Some(first) = results.first() else {
        return;
    };
    let _ = writeln!(
        out,
        "#### `{}` {} ({}, {} failing)\n",
        first.check_id,
        text(first.title),
        first.severity,
        results.len()
    );
    if let Some(fix) = remediation(first.check_id) {
        let _ = writeln!(out, "Remediation: {}\n", fix.advice);
        if !fix.cli.is_empty() {
            let _ = writeln!(out, "```sh\n{}\n```\n", fix.cli.join("\n"));
        }
    }
    table_head(out, &["Resource", "Account", "Region", "Evidence"], &[]);
    for c in results {
        row(
            out,
            &[
                text(&c.resource),
                text(&c.account_id),
                text(c.region.as_deref().unwrap_or("global")),
                text(&c.evidence),
            ],
        );
    }
    out.push('\n');
}

/// One row per check: how many results failed and passed.
pub fn tally(out: &mut String, r: &Report) {
    let _ = writeln!(out, "## Checks\n");
    if r.checks.is_empty() {
        let _ = writeln!(out, "None.\n");
        return;
    }
    let mut tallies: BTreeMap<&str, (&CheckEntry, usize, usize)> = BTreeMap::new();
    for c in &r.checks {
        let entry = tallies.entry(c.check_id).or_insert((c, 0, 0));
        match c.status {
            CheckStatus::Fail => entry.1 += 1,
            CheckStatus::Pass => entry.2 += 1,
        }
    }
    let mut rows: Vec<&(&CheckEntry, usize, usize)> = tallies.values().collect();
    rows.sort_by_key(|(c, _, _)| (std::cmp::Reverse(c.severity), c.check_id));
    let columns = [
        "Check", "Title", "Severity", "Controls", "Failing", "Passing",
    ];
    table_head(out, &columns, &[4, 5]);
    for (c, failing, passing) in rows {
        row(
            out,
            &[
                format!("`{}`", c.check_id),
                text(c.title),
                c.severity.to_string(),
                c.controls.join(", "),
                failing.to_string(),
                passing.to_string(),
            ],
        );
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_sort_cis_first_and_numerically() {
        let mut controls = vec![
            "IAM.5",
            "CIS 1.10",
            "",
            "CIS 1.4",
            "CloudWatch.17",
            "IAM.22",
        ];
        controls.sort_by_key(|c| control_key(c));
        assert_eq!(
            controls,
            [
                "CIS 1.4",
                "CIS 1.10",
                "CloudWatch.17",
                "IAM.5",
                "IAM.22",
                ""
            ]
        );
    }
}
