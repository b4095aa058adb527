//! The Accounts tab's detail view of one account: who it is, whether watchpost got in,
//! the rule its rows are acted on under, what fails in it, and each of its sources.

use super::reach_cell;
use crate::domain::{OrgAccount, Severity};
use crate::panes::{DetailLine, Tone, age, timestamp};
use crate::store::{Data, SourceStatus};
use chrono::{DateTime, Utc};

pub fn lines(a: &OrgAccount, data: &Data, now: DateTime<Utc>) -> Vec<DetailLine> {
    let org = data.org.as_ref();
    let reach = reach_cell(&a.reach);
    let mut lines = vec![
        DetailLine::Section(format!("Account {}", a.name)),
        DetailLine::field("ID", a.id.to_string()),
        DetailLine::field(
            "OU",
            if a.ou_path.is_empty() {
                "(the root, or not known)".to_string()
            } else {
                a.ou_path.clone()
            },
        ),
    ];
    if !a.ou_ids.is_empty() {
        lines.push(DetailLine::field("OU IDs", a.ou_ids.join(" / ")));
    }
    lines.push(DetailLine::Field(
        "Reach".into(),
        reach.text.into_owned(),
        reach.tone,
    ));
    let mut roles = Vec::new();
    if org.and_then(|o| o.management_account.as_ref()) == Some(&a.id) {
        roles.push("the management account".to_string());
    }
    if org.and_then(|o| o.guardduty_admin.as_ref()) == Some(&a.id) {
        roles.push("GuardDuty delegated administrator (lists every member's findings)".into());
    }
    if !roles.is_empty() {
        lines.push(DetailLine::field("Role", roles.join("; ")));
    }
    lines.push(DetailLine::Blank);
    lines.push(DetailLine::Section("Rule".into()));
    lines.push(match &a.read_only {
        Some(rule) => DetailLine::Field(
            "Actions".into(),
            format!("cannot run on its rows: read-only: {rule}"),
            Tone::Fail,
        ),
        None => DetailLine::field("Actions", "may run (previewed and confirmed first)"),
    });
    if let Some(banner) = &a.banner {
        lines.push(DetailLine::field("Banner", banner.clone()));
    }
    lines.push(DetailLine::Blank);
    lines.push(DetailLine::Section("Failing".into()));
    let failing = data.failing_of(&a.id);
    let counts: Vec<String> = Severity::ALL
        .iter()
        .map(|&s| {
            let n = failing.get(s as usize).copied().unwrap_or(0);
            format!("{n} {}", s.label())
        })
        .collect();
    lines.push(DetailLine::field("By severity", counts.join(" · ")));
    lines.push(DetailLine::field(
        "Counted",
        "failing checks, unarchived findings and alarms in ALARM",
    ));
    lines.push(DetailLine::Blank);
    lines.push(DetailLine::Section("Sources".into()));
    let mut any = false;
    for (id, status) in data.sources_of(&a.id) {
        any = true;
        let (text, tone) = source_state(status, now);
        let region = id.region.as_deref().unwrap_or("global");
        lines.push(DetailLine::Field(
            id.kind.label().to_string(),
            format!("{region}: {text}"),
            tone,
        ));
    }
    if !any {
        let why = match a.reach.reason() {
            Some(why) => format!("none: {}", why),
            None => "none yet".to_string(),
        };
        lines.push(DetailLine::field("Sources", why));
    }
    lines
}

/// How a source's polls went, in words: its failure first, then its data's age.
fn source_state(status: &SourceStatus, now: DateTime<Utc>) -> (String, Tone) {
    let updated = status
        .last_success
        .map(|t| format!("data from {} ({} ago)", timestamp(t), age(now, t)));
    match (&status.last_error, updated) {
        (Some((at, error)), updated) => {
            let mut text = format!("failing since {} ago: {error}", age(now, *at));
            if let Some(updated) = updated {
                text.push_str("; ");
                text.push_str(&updated);
            }
            (text, Tone::Fail)
        }
        (None, Some(updated)) => (updated, Tone::Plain),
        (None, None) if status.polling => ("reading…".to_string(), Tone::Dim),
        (None, None) => ("not read yet".to_string(), Tone::Dim),
    }
}
