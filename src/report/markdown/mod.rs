//! `--format markdown`: a report for people. The header and summary (counts by severity and
//! source), source errors, failing checks grouped by control with their evidence and the CLI
//! equivalent of the fix, every check's tally, then alarms, findings and identity.
//!
//! Every value that comes from AWS goes through [`text`]: control characters become visible
//! symbols, bare links are defanged (see [`defang`]) and Markdown's own characters (including
//! `|`, which would split a table cell) are escaped, so a name cannot forge a heading, a
//! link, a table column or raw HTML, nor become a clickable link.

mod checks;
mod inventory;

use super::{Report, Section};
use crate::domain::Severity;
use crate::sanitize::clean_unbounded;
use chrono::{DateTime, Utc};
use std::fmt::Write;

/// Escapes `value` for Markdown text and table cells.
pub fn text(value: &str) -> String {
    let clean = defang(&clean_unbounded(value));
    let mut out = String::with_capacity(clean.len());
    for c in clean.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '|' | '~' | '#' | '!'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Where a link a Markdown renderer would make clickable starts (ASCII case ignored): the
/// schemes GitHub-flavoured Markdown and linkify-style renderers link bare, and `www.`.
const LINK_STARTS: [&str; 4] = ["https://", "http://", "ftp://", "www."];

/// Characters that end a link's host.
fn ends_host(c: char) -> bool {
    c.is_whitespace()
        || matches!(c, '/' | '?' | '#' | '\\' | '<' | '>' | '"' | '\'' | '`')
        || matches!(c, '(' | ')' | '[' | ']' | '{' | '}' | '|')
}

/// Defangs bare links in AWS text the way threat reports and security tools do, so that no
/// Markdown renderer turns a finding's or an alarm's text into a clickable link to wherever
/// an attacker points it: `http://evil.example/x` becomes `hxxp[:]//evil[.]example/x`,
/// `https://` becomes `hxxps[:]//`, `ftp://` becomes `fxp[:]//`, and `www.a.b` becomes
/// `www[.]a[.]b`. Auditors recognise the form and can refang it on purpose; unlike a
/// zero-width break it stays visible and survives copying. The dots of the host are
/// bracketed too, since linkify-style renderers link a bare domain. `<http://…>` autolinks
/// need nothing more: `<` is escaped by [`text`]. E-mail addresses (IAM user names often
/// are) are left as they are.
fn defang(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(c) = rest.chars().next() {
        let start = LINK_STARTS.iter().find(|p| {
            rest.get(..p.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(p))
        });
        let Some(start) = start else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
            continue;
        };
        let (head, tail) = rest.split_at(start.len());
        match head.strip_suffix("://") {
            // The scheme, with `t` as `x`, in the case it was written.
            Some(scheme) => {
                out.extend(scheme.chars().map(|c| match c {
                    't' => 'x',
                    'T' => 'X',
                    c => c,
                }));
                out.push_str("[:]//");
            }
            None => {
                out.push_str(&head[..head.len() - 1]);
                out.push_str("[.]");
            }
        }
        let host_len = tail.find(ends_host).unwrap_or(tail.len());
        out.push_str(&tail[..host_len].replace('.', "[.]"));
        rest = &tail[host_len..];
    }
    out
}

fn time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

fn optional_time(t: Option<DateTime<Utc>>) -> String {
    t.map_or_else(|| "never".to_string(), time)
}

/// A table header row and its separator; `right` marks right-aligned (numeric) columns.
fn table_head(out: &mut String, columns: &[&str], right: &[usize]) {
    let _ = writeln!(out, "| {} |", columns.join(" | "));
    let marks: Vec<&str> = (0..columns.len())
        .map(|i| if right.contains(&i) { "---:" } else { "---" })
        .collect();
    let _ = writeln!(out, "| {} |", marks.join(" | "));
}

fn row(out: &mut String, cells: &[String]) {
    let _ = writeln!(out, "| {} |", cells.join(" | "));
}

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    header(&mut out, report);
    summary(&mut out, report);
    accounts(&mut out, report);
    errors(&mut out, report);
    if report.filters.includes(Section::Posture) {
        checks::failing_by_control(&mut out, report);
        checks::tally(&mut out, report);
    }
    if report.filters.includes(Section::Alarms) {
        inventory::alarms(&mut out, report);
    }
    if report.filters.includes(Section::Findings) {
        inventory::findings(&mut out, report);
    }
    if report.filters.includes(Section::Identity) {
        inventory::identity(&mut out, report);
    }
    out
}

fn header(out: &mut String, r: &Report) {
    let _ = writeln!(out, "# watchpost audit report\n");
    let kind = if r.demo {
        " (embedded demo account)"
    } else {
        ""
    };
    let _ = writeln!(out, "- **Account:** {}{kind}", text(&r.caller.account_id));
    let _ = writeln!(out, "- **Caller:** {}", text(&r.caller.arn));
    let _ = writeln!(out, "- **Regions:** {}", text(&r.regions.join(", ")));
    let g = &r.generator;
    let built = match (g.commit, g.build_date) {
        (Some(commit), Some(date)) => format!(" (commit {commit}, built {date})"),
        _ => String::new(),
    };
    let _ = writeln!(
        out,
        "- **Generated:** {} by {} {}{built}",
        time(r.generated_at),
        g.name,
        g.version
    );
    let f = &r.filters;
    let mut filters = vec![format!(
        "sources: {}",
        f.sections
            .iter()
            .map(|s| s.name())
            .collect::<Vec<_>>()
            .join(", ")
    )];
    if !f.severities.is_empty() {
        let names: Vec<&str> = f.severities.iter().map(|s| s.label()).collect();
        filters.push(format!("severity: {}", names.join(", ")));
    }
    filters.push(format!("status: {:?}", f.status).to_lowercase());
    if !f.checks.is_empty() {
        filters.push(format!("checks: {}", text(&f.checks.join(", "))));
    }
    let _ = writeln!(out, "- **Filters:** {}\n", filters.join("; "));
    if !r.complete {
        let unreachable = r.organization.as_ref().map_or(0, |o| {
            o.accounts
                .iter()
                .filter(|a| a.reach == "unreachable")
                .count()
        });
        if unreachable > 0 {
            let _ = writeln!(
                out,
                "> **Incomplete report:** {unreachable} account(s) could not be reached; \
                 their results are missing. See *Accounts* below.\n"
            );
        }
        if !r.errors.is_empty() {
            let _ = writeln!(
                out,
                "> **Incomplete report:** {} source(s) failed; their results are missing. See \
                 *Source errors* below.\n",
                r.errors.len()
            );
        }
    }
    if let Some(fail_on) = &r.fail_on {
        let _ = writeln!(
            out,
            "**Fail on {}:** {} failing result(s) at or above it{}.\n",
            fail_on.severity,
            fail_on.failing,
            if fail_on.exceeded {
                " (exit status 1)"
            } else {
                ""
            }
        );
    }
}

fn summary(out: &mut String, r: &Report) {
    let _ = writeln!(out, "## Summary\n");
    let _ = writeln!(
        out,
        "Failing results (failing checks, alarms in ALARM, GuardDuty findings) by severity.\n"
    );
    let mut columns = vec!["Source"];
    columns.extend(Severity::ALL.iter().map(|s| s.label()));
    columns.extend(["Failing", "Total"]);
    table_head(out, &columns, &[1, 2, 3, 4, 5, 6, 7]);
    let label = |s: Section| match s {
        Section::Alarms => "CloudWatch alarms",
        Section::Findings => "GuardDuty findings",
        Section::Identity => "IAM users",
        Section::Posture => "Posture checks",
    };
    for source in &r.summary.by_source {
        let mut cells = vec![label(source.source).to_string()];
        cells.extend(
            Severity::ALL
                .iter()
                .map(|s| source.failing_by_severity.get(*s).to_string()),
        );
        cells.extend([source.failing.to_string(), source.total.to_string()]);
        row(out, &cells);
    }
    let all = &r.summary.failing_by_severity;
    let mut cells = vec!["**All**".to_string()];
    cells.extend(Severity::ALL.iter().map(|s| all.get(*s).to_string()));
    let total: usize = r.summary.by_source.iter().map(|s| s.total).sum();
    cells.extend([format!("**{}**", all.total()), total.to_string()]);
    row(out, &cells);
    out.push('\n');
}

/// A multi-account report's accounts: where each sits, whether it was read, and its
/// failing results by severity.
fn accounts(out: &mut String, r: &Report) {
    let Some(org) = &r.organization else {
        return;
    };
    let _ = writeln!(out, "## Accounts\n");
    if let Some(id) = &org.id {
        let management = org.management_account.as_deref().unwrap_or("unknown");
        let _ = writeln!(
            out,
            "Organisation {}, management account {}.\n",
            text(id),
            text(management)
        );
    }
    let mut columns = vec!["Account", "ID", "OU", "Read"];
    columns.extend(Severity::ALL.iter().map(|s| s.label()));
    columns.push("Results");
    table_head(out, &columns, &[4, 5, 6, 7, 8, 9]);
    for account in &org.accounts {
        let read = match &account.reason {
            Some(why) => format!("{}: {}", account.reach, why),
            None => account.reach.to_string(),
        };
        let mut cells = vec![
            text(&account.name),
            text(&account.account_id),
            text(&account.ou_path),
            text(&read),
        ];
        cells.extend(
            Severity::ALL
                .iter()
                .map(|s| account.failing_by_severity.get(*s).to_string()),
        );
        cells.push(account.results.to_string());
        row(out, &cells);
    }
    out.push('\n');
}

fn errors(out: &mut String, r: &Report) {
    if r.errors.is_empty() {
        return;
    }
    let _ = writeln!(out, "## Source errors\n");
    table_head(
        out,
        &["Service", "Account", "Region", "Operation", "Error"],
        &[],
    );
    for e in &r.errors {
        row(
            out,
            &[
                e.service.to_string(),
                text(&e.account_id),
                text(e.region.as_deref().unwrap_or("global")),
                text(&e.operation),
                text(&e.message),
            ],
        );
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_and_table_syntax_in_aws_strings_is_inert() {
        assert_eq!(text("a|b"), "a\\|b");
        assert_eq!(
            text("# [x](javascript:y) <img> *b* `c`"),
            "\\# \\[x\\](javascript:y) \\<img\\> \\*b\\* \\`c\\`"
        );
        assert_eq!(text("line\nbreak\x1b[31m"), "line break␛\\[31m");
        assert_eq!(text("svc_deploy"), "svc\\_deploy");
    }

    #[test]
    fn bare_links_are_defanged_and_stay_visible() {
        assert_eq!(
            text("see http://evil.example/x?a=b.c"),
            "see hxxp\\[:\\]//evil\\[.\\]example/x?a=b.c"
        );
        assert_eq!(defang("https://evil.example"), "hxxps[:]//evil[.]example");
        assert_eq!(defang("HTTPS://Evil.Example"), "HXXPS[:]//Evil[.]Example");
        assert_eq!(defang("ftp://files.example/a"), "fxp[:]//files[.]example/a");
        assert_eq!(
            defang("go to www.evil.example now"),
            "go to www[.]evil[.]example now"
        );
        assert_eq!(defang("WWW.Evil.example"), "WWW[.]Evil[.]example");
        assert_eq!(
            defang("http://10.0.0.1:8080/a.b"),
            "hxxp[:]//10[.]0[.]0[.]1:8080/a.b"
        );
        // Two links, one right after the other's host.
        assert_eq!(
            defang("http://a.b|https://c.d"),
            "hxxp[:]//a[.]b|hxxps[:]//c[.]d"
        );
        // An autolink: its brackets are escaped and its scheme defanged.
        assert_eq!(
            text("<https://evil.example>"),
            "\\<hxxps\\[:\\]//evil\\[.\\]example\\>"
        );
        // A link hidden behind an invisible character is made visible, then defanged.
        assert_eq!(defang(&clean_unbounded("ht\u{200b}tp://x")), "ht�tp://x");
        assert_eq!(text("htt\u{ad}p://x.y"), "htt�p://x.y");
    }

    #[test]
    fn text_without_links_is_unchanged_by_defanging() {
        for plain in [
            "alice@example.com",
            "CPUUtilization > 80.5",
            "arn:aws:s3:::bucket.name",
            "s3://bucket/key.txt",
            "http",
            "www",
            "httpx://a.b",
            "警報 www",
        ] {
            assert_eq!(defang(plain), plain);
        }
    }

    #[test]
    fn no_rendered_value_holds_a_clickable_link() {
        let hostile = "x http://a.b https://c.d www.e.f <http://g.h> [l](https://i.j) HTTP://K.L";
        let out = text(hostile);
        for link in ["http://", "https://", "www.", "HTTP://", "<http"] {
            assert!(!out.contains(link), "{link} in {out}");
        }
        assert_eq!(out.matches("\\[:\\]//").count(), 5, "{out}");
    }
}
