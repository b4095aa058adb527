//! The inventory sections: CloudWatch alarms, GuardDuty findings, IAM users.

use super::{optional_time, row, table_head, text, time};
use crate::report::Report;
use std::fmt::Write;

pub fn alarms(out: &mut String, r: &Report) {
    let _ = writeln!(out, "## CloudWatch alarms\n");
    if r.alarms.is_empty() {
        let _ = writeln!(out, "None.\n");
        return;
    }
    let columns = [
        "State",
        "Severity",
        "Alarm",
        "Region",
        "Condition",
        "Since",
        "Reason",
    ];
    table_head(out, &columns, &[]);
    for a in &r.alarms {
        let severity = if a.state == "ALARM" {
            a.severity.label()
        } else {
            ""
        };
        let condition = a.condition.as_deref().or(a.rule.as_deref()).unwrap_or("");
        row(
            out,
            &[
                a.state.to_string(),
                severity.to_string(),
                text(&a.name),
                text(&a.region),
                text(condition),
                time(a.state_updated),
                text(&a.state_reason),
            ],
        );
    }
    out.push('\n');
}

pub fn findings(out: &mut String, r: &Report) {
    let _ = writeln!(out, "## GuardDuty findings\n");
    if r.findings.is_empty() {
        let _ = writeln!(out, "None.\n");
        return;
    }
    let columns = [
        "Severity",
        "Type",
        "Title",
        "Resource",
        "Region",
        "Last seen",
        "Count",
    ];
    table_head(out, &columns, &[6]);
    for f in &r.findings {
        row(
            out,
            &[
                format!("{} ({:.1})", f.severity.label(), f.severity_score),
                text(&f.finding_type),
                text(&f.title),
                text(&format!("{} {}", f.resource_type, f.resource_id)),
                text(&f.region),
                time(f.last_seen),
                f.count.to_string(),
            ],
        );
    }
    out.push('\n');
}

pub fn identity(out: &mut String, r: &Report) {
    let _ = writeln!(out, "## IAM users\n");
    let Some(id) = &r.identity else {
        let _ = writeln!(out, "Not available (see *Source errors*).\n");
        return;
    };
    let root_mfa = match (id.root.mfa_active, id.root.mfa_hardware) {
        (false, _) => "no MFA",
        (true, Some(true)) => "hardware MFA",
        (true, Some(false)) => "virtual MFA",
        (true, None) => "MFA of unknown kind",
    };
    let _ = writeln!(
        out,
        "Credential report generated {}. Root account: {root_mfa}, {} active access key(s), \
         password last used {}. Password policy: {}.\n",
        time(id.report_generated),
        id.root.active_access_keys,
        optional_time(id.root.password_last_used),
        if id.password_policy.is_some() {
            "set"
        } else {
            "none"
        }
    );
    let s = &id.summary;
    let columns = [
        "Users",
        "Console users",
        "Console users without MFA",
        "Users with active keys",
        "Active keys",
        "Admin users",
        "Users with failing checks",
    ];
    table_head(out, &columns, &[0, 1, 2, 3, 4, 5, 6]);
    let counts = [
        s.users,
        s.console_users,
        s.console_users_without_mfa,
        s.users_with_active_keys,
        s.active_access_keys,
        s.admin_users,
        s.users_with_failing_checks,
    ];
    row(out, &counts.map(|n| n.to_string()));
    out.push('\n');
    if id.users.is_empty() {
        let _ = writeln!(out, "No users listed.\n");
        return;
    }
    let columns = [
        "User",
        "Console",
        "MFA",
        "Active keys",
        "Oldest active key",
        "Last activity",
        "Admin via",
        "Failing checks",
    ];
    table_head(out, &columns, &[3]);
    for u in &id.users {
        let mfa = match (u.mfa_active, u.mfa_device) {
            (false, _) => "no",
            (true, Some(kind)) => kind,
            (true, None) => "yes",
        };
        row(
            out,
            &[
                text(&u.name),
                if u.console_access { "yes" } else { "no" }.to_string(),
                mfa.to_string(),
                u.active_access_keys.to_string(),
                u.oldest_active_key_created.map(time).unwrap_or_default(),
                optional_time(u.last_activity),
                text(&u.admin_via.join(", ")),
                text(&u.failing_checks.join(", ")),
            ],
        );
    }
    out.push('\n');
}
