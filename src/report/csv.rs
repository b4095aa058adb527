//! `--format csv`: one row per check result per resource, plus one row per alarm, finding and
//! failed source, under one header (columns in `docs/report.md`). Every cell is made safe for
//! spreadsheets and terminals: a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage
//! return gets a leading `'` (no formula runs), and control characters become visible symbols.

use super::{RenderError, Report};
use crate::domain::{CheckStatus, Severity};
use crate::sanitize::clean_unbounded;
use chrono::{DateTime, SecondsFormat, Utc};

pub const HEADER: [&str; 14] = [
    "record_type",
    "service",
    "id",
    "title",
    "severity",
    "status",
    "account_id",
    "region",
    "resource",
    "resource_uid",
    "controls",
    "evidence",
    "time",
    // Last, so the columns before it keep their places (since report 1.1).
    "account_name",
];

/// Neutralises spreadsheet formulas and control characters in one cell.
pub fn cell(value: &str) -> String {
    let risky = value.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let clean = clean_unbounded(value);
    if risky {
        format!("'{clean}")
    } else {
        clean.into_owned()
    }
}

fn status(status: CheckStatus) -> &'static str {
    match status {
        CheckStatus::Fail => "fail",
        CheckStatus::Pass => "pass",
    }
}

fn severity(severity: Severity) -> String {
    severity.label().to_ascii_lowercase()
}

fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub fn render(report: &Report) -> Result<Vec<u8>, RenderError> {
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    writer.write_record(HEADER)?;
    let mut row = |fields: [&str; 14]| writer.write_record(fields.map(cell));
    for e in &report.errors {
        row([
            "error",
            e.service,
            &e.operation,
            "source failed",
            "",
            "error",
            &e.account_id,
            e.region.as_deref().unwrap_or_default(),
            e.source,
            "",
            "",
            &e.message,
            "",
            "",
        ])?;
    }
    for c in &report.checks {
        row([
            "check",
            c.service,
            c.check_id,
            c.title,
            &severity(c.severity),
            status(c.status),
            &c.account_id,
            c.region.as_deref().unwrap_or_default(),
            &c.resource,
            &c.resource_uid,
            &c.controls.join("; "),
            &c.evidence,
            "",
            c.account_name.as_deref().unwrap_or_default(),
        ])?;
    }
    for a in &report.alarms {
        let what = a.condition.as_deref().or(a.rule.as_deref()).unwrap_or("");
        row([
            "alarm",
            "CloudWatch",
            &a.name,
            &format!("{} in {}", a.name, a.state),
            &severity(a.severity),
            status(a.status),
            &a.account_id,
            &a.region,
            what,
            &a.arn,
            "",
            &format!("{}: {}", a.state, a.state_reason),
            &time(a.state_updated),
            a.account_name.as_deref().unwrap_or_default(),
        ])?;
    }
    for f in &report.findings {
        row([
            "finding",
            "GuardDuty",
            &f.finding_type,
            &f.title,
            &severity(f.severity),
            "fail",
            &f.account_id,
            &f.region,
            &format!("{} {}", f.resource_type, f.resource_id),
            &f.arn,
            "",
            &format!(
                "severity {}, seen {} time(s): {}",
                f.severity_score, f.count, f.description
            ),
            &time(f.last_seen),
            f.account_name.as_deref().unwrap_or_default(),
        ])?;
    }
    writer
        .into_inner()
        .map_err(|e| RenderError::CsvFlush(e.error().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_and_controls_are_neutralised() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("+1"), "'+1");
        assert_eq!(cell("-2"), "'-2");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("\tx"), "' x");
        assert_eq!(cell("\rx"), "' x");
        assert_eq!(cell("a=b"), "a=b");
        assert_eq!(cell("ok\x1b[2J"), "ok␛[2J");
    }
}
