//! The Identity pane's detail view of the root account or one user.

use super::{root_console, since};
use crate::domain::{AccessKey, IamUser, RootAccount, joined};
use crate::panes::{DetailLine, Tone, age, timestamp};
use chrono::{DateTime, Utc};

fn key_lines(keys: &[AccessKey], now: DateTime<Utc>, lines: &mut Vec<DetailLine>) {
    if keys.is_empty() {
        lines.push(DetailLine::field("Access keys", "none"));
    }
    for key in keys {
        let used = match (
            &key.last_used,
            &key.last_used_service,
            &key.last_used_region,
        ) {
            (Some(t), service, region) => format!(
                "last used {} ago{}{}",
                age(now, *t),
                service
                    .as_ref()
                    .map(|s| format!(" by {s}"))
                    .unwrap_or_default(),
                region
                    .as_ref()
                    .map(|r| format!(" in {r}"))
                    .unwrap_or_default(),
            ),
            (None, _, _) => "never used".to_string(),
        };
        lines.push(DetailLine::Field(
            format!("Key {}", key.id),
            format!(
                "{:?}, created {} ({} ago), {used}",
                key.status,
                key.created.date_naive(),
                age(now, key.created)
            ),
            if key.is_active() {
                Tone::Plain
            } else {
                Tone::Dim
            },
        ));
    }
}

pub fn root(root: &RootAccount, now: DateTime<Utc>) -> Vec<DetailLine> {
    let mut lines = vec![
        DetailLine::Section("Root account".into()),
        DetailLine::field("ARN", root.arn.clone()),
        DetailLine::Field(
            "MFA".into(),
            root_console(root).into(),
            if root.mfa_active {
                Tone::Pass
            } else {
                Tone::Fail
            },
        ),
        DetailLine::field("Password used", since(now, root.password_last_used)),
    ];
    key_lines(&root.access_keys, now, &mut lines);
    lines
}

pub fn user(u: &IamUser, now: DateTime<Utc>) -> Vec<DetailLine> {
    let mut lines = vec![
        DetailLine::Section(format!("IAM user {}", u.name())),
        DetailLine::field("ARN", u.arn().to_string()),
        DetailLine::field(
            "Created",
            format!("{} ({} ago)", timestamp(u.created), age(now, u.created)),
        ),
        DetailLine::field(
            "Groups",
            if u.groups.is_empty() {
                "none".to_string()
            } else {
                joined(&u.groups, ", ")
            },
        ),
    ];
    match &u.password {
        Some(p) if p.enabled => {
            lines.push(DetailLine::field(
                "Console",
                format!(
                    "password enabled, last used {}, last changed {}",
                    since(now, p.last_used),
                    p.last_changed
                        .map_or_else(|| "unknown".to_string(), timestamp)
                ),
            ));
            lines.push(DetailLine::Field(
                "MFA".into(),
                match (u.mfa_active, u.mfa_device) {
                    (false, _) => "none".into(),
                    (true, Some(device)) => format!("{} device", device.label()),
                    (true, None) => "active".into(),
                },
                if u.mfa_active { Tone::Pass } else { Tone::Fail },
            ));
        }
        _ => lines.push(DetailLine::field("Console", "no console password")),
    }
    key_lines(&u.access_keys, now, &mut lines);
    lines.push(DetailLine::Blank);
    lines.push(DetailLine::Section("Policies".into()));
    if u.policies.is_empty() {
        lines.push(DetailLine::field("Policies", "none"));
    }
    for policy in &u.policies {
        let admin = u
            .admin_via
            .iter()
            .any(|via| via.split(" (").next() == policy.split(" (").next());
        lines.push(DetailLine::Field(
            if admin {
                "Admin *:*".into()
            } else {
                "Policy".into()
            },
            policy.to_string(),
            if admin { Tone::Fail } else { Tone::Plain },
        ));
    }
    for via in u.admin_via.iter().filter(|via| !u.policies.contains(via)) {
        lines.push(DetailLine::Field(
            "Admin *:*".into(),
            via.to_string(),
            Tone::Fail,
        ));
    }
    lines
}
