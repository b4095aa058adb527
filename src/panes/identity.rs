//! One row per IAM user, plus the root account as the first row.

use super::{Cell, Column, DetailLine, Pane, SortKey, Tone, Width, age, timestamp};
use crate::app::Data;
use crate::domain::{AccessKey, IamUser, IdentityInventory, RootAccount};
use chrono::{DateTime, Utc};

pub struct IdentityPane;

const COLUMNS: &[Column] = &[
    Column {
        title: "User",
        width: Width::Fill(16),
    },
    Column {
        title: "Console",
        width: Width::Fixed(9),
    },
    Column {
        title: "Pwd used",
        width: Width::Fixed(8),
    },
    Column {
        title: "Keys",
        width: Width::Fixed(4),
    },
    Column {
        title: "Key age",
        width: Width::Fixed(7),
    },
    Column {
        title: "Key used",
        width: Width::Fixed(8),
    },
    Column {
        title: "Admin",
        width: Width::Fixed(5),
    },
    Column {
        title: "Fails",
        width: Width::Fixed(5),
    },
    Column {
        title: "Groups",
        width: Width::Fill(10),
    },
];

/// Row 0 is root; row `i > 0` is user `i - 1`.
enum Row<'a> {
    Root(&'a RootAccount),
    User(&'a IamUser),
}

fn row<'a>(data: &'a Data, index: usize) -> Option<(Row<'a>, &'a IdentityInventory)> {
    let inv = data.identity.as_ref()?;
    match index {
        0 => Some((Row::Root(&inv.root), inv)),
        i => inv.users.get(i - 1).map(|u| (Row::User(u), inv)),
    }
}

fn since(now: DateTime<Utc>, t: Option<DateTime<Utc>>) -> String {
    t.map_or_else(|| "never".to_string(), |t| age(now, t))
}

fn oldest_active(keys: &[AccessKey]) -> Option<DateTime<Utc>> {
    keys.iter()
        .filter(|k| k.is_active())
        .map(|k| k.created)
        .min()
}

fn key_last_used(keys: &[AccessKey]) -> Option<DateTime<Utc>> {
    keys.iter().filter_map(|k| k.last_used).max()
}

fn key_count(keys: &[AccessKey]) -> String {
    let active = keys.iter().filter(|k| k.is_active()).count();
    if keys.is_empty() {
        "-".to_string()
    } else {
        format!("{active}/{}", keys.len())
    }
}

fn root_console(root: &RootAccount) -> &'static str {
    match (root.mfa_active, root.mfa_hardware) {
        (false, _) => "no MFA",
        (true, Some(true)) => "MFA hw",
        (true, Some(false)) => "MFA virt",
        (true, None) => "MFA",
    }
}

fn name(r: &Row<'_>) -> String {
    match r {
        Row::Root(_) => "<root account>".to_string(),
        Row::User(u) => u.name.clone(),
    }
}

impl Pane for IdentityPane {
    fn title(&self) -> &'static str {
        "Identity"
    }

    fn columns(&self) -> &'static [Column] {
        COLUMNS
    }

    fn default_sort(&self) -> (usize, bool) {
        (7, true)
    }

    fn len(&self, data: &Data) -> usize {
        data.identity.as_ref().map_or(0, |inv| inv.users.len() + 1)
    }

    fn key(&self, data: &Data, index: usize) -> String {
        row(data, index).map(|(r, _)| name(&r)).unwrap_or_default()
    }

    fn haystack(&self, data: &Data, index: usize, out: &mut String) {
        let Some((r, _)) = row(data, index) else {
            return;
        };
        out.push_str(&name(&r));
        if let Row::User(u) = r {
            for group in &u.groups {
                out.push(' ');
                out.push_str(group);
            }
            for key in &u.access_keys {
                out.push(' ');
                out.push_str(&key.id);
            }
            if !u.admin_via.is_empty() {
                out.push_str(" admin");
            }
        } else {
            out.push_str(" root");
        }
    }

    fn sort_key(&self, data: &Data, index: usize, column: usize) -> SortKey {
        let Some((r, _)) = row(data, index) else {
            return SortKey::Num(0);
        };
        let (keys, password_used, console) = match &r {
            Row::Root(root) => (&root.access_keys[..], root.password_last_used, 2),
            Row::User(u) => (
                &u.access_keys[..],
                u.password.as_ref().and_then(|p| p.last_used),
                i64::from(u.has_console_access())
                    + i64::from(u.has_console_access() && !u.mfa_active),
            ),
        };
        match column {
            0 => SortKey::text(&name(&r)),
            1 => SortKey::Num(console),
            2 => SortKey::time(password_used),
            3 => SortKey::Num(keys.iter().filter(|k| k.is_active()).count() as i64),
            // Older keys sort as larger ages.
            4 => SortKey::Num(oldest_active(keys).map_or(i64::MIN, |t| -t.timestamp())),
            5 => SortKey::time(key_last_used(keys)),
            6 => SortKey::Num(match &r {
                Row::User(u) => i64::from(!u.admin_via.is_empty()),
                Row::Root(_) => 2,
            }),
            7 => SortKey::Num(data.failures_of(&name_key(&r)) as i64),
            _ => SortKey::text(&groups(&r)),
        }
    }

    fn cells<'a>(&self, data: &'a Data, index: usize, now: DateTime<Utc>) -> Vec<Cell<'a>> {
        let Some((r, _)) = row(data, index) else {
            return Vec::new();
        };
        let failures = data.failures_of(&name_key(&r));
        let fails = if failures == 0 {
            Cell::toned("0", Tone::Pass)
        } else {
            Cell::toned(failures.to_string(), Tone::Fail)
        };
        match r {
            Row::Root(root) => vec![
                Cell::toned("<root account>", Tone::Changed),
                Cell::toned(
                    root_console(root),
                    if root.mfa_active {
                        Tone::Plain
                    } else {
                        Tone::Fail
                    },
                ),
                Cell::dim(since(now, root.password_last_used)),
                Cell::plain(key_count(&root.access_keys)),
                Cell::plain(
                    oldest_active(&root.access_keys)
                        .map(|t| age(now, t))
                        .unwrap_or_default(),
                ),
                Cell::dim(since(now, key_last_used(&root.access_keys))),
                Cell::plain("root"),
                fails,
                Cell::dim(""),
            ],
            Row::User(u) => {
                let console = match (u.has_console_access(), u.mfa_active) {
                    (false, _) => Cell::dim("-"),
                    (true, true) => Cell::plain("MFA"),
                    (true, false) => Cell::toned("no MFA", Tone::Fail),
                };
                vec![
                    Cell::plain(u.name.as_str()),
                    console,
                    Cell::dim(match &u.password {
                        Some(p) if p.enabled => since(now, p.last_used),
                        _ => "-".to_string(),
                    }),
                    Cell::plain(key_count(&u.access_keys)),
                    Cell::plain(
                        oldest_active(&u.access_keys)
                            .map(|t| age(now, t))
                            .unwrap_or_default(),
                    ),
                    Cell::dim(if u.access_keys.is_empty() {
                        "-".to_string()
                    } else {
                        since(now, key_last_used(&u.access_keys))
                    }),
                    if u.admin_via.is_empty() {
                        Cell::plain("")
                    } else {
                        Cell::toned("admin", Tone::Fail)
                    },
                    fails,
                    Cell::dim(u.groups.join(", ")),
                ]
            }
        }
    }

    fn detail(&self, data: &Data, index: usize, now: DateTime<Utc>) -> Vec<DetailLine> {
        let Some((r, inv)) = row(data, index) else {
            return Vec::new();
        };
        let mut lines = match r {
            Row::Root(root) => root_detail(root, now),
            Row::User(u) => user_detail(u, now),
        };
        lines.push(DetailLine::Blank);
        lines.push(DetailLine::Section("Checks".into()));
        let subject = name_key(&r);
        for check in data
            .checks
            .iter()
            .filter(|c| Data::check_subject(&c.resource) == subject)
        {
            lines.push(DetailLine::Field(
                if check.failed() {
                    "FAIL".into()
                } else {
                    "pass".into()
                },
                format!(
                    "{} [{}]: {}",
                    check.title,
                    check.controls.join(", "),
                    check.evidence
                ),
                if check.failed() {
                    Tone::Fail
                } else {
                    Tone::Pass
                },
            ));
        }
        lines.push(DetailLine::Blank);
        lines.push(DetailLine::field(
            "Report",
            format!(
                "credential report generated {} ({} ago)",
                timestamp(inv.report_generated),
                age(now, inv.report_generated)
            ),
        ));
        lines
    }

    fn empty_message(&self, _data: &Data) -> String {
        "The IAM inventory has not loaded yet (credential report pending).".to_string()
    }
}

fn groups(r: &Row<'_>) -> String {
    match r {
        Row::Root(_) => String::new(),
        Row::User(u) => u.groups.join(", "),
    }
}

/// The subject name checks use: `root` for the root account, else the user name.
fn name_key(r: &Row<'_>) -> String {
    match r {
        Row::Root(_) => crate::posture::ROOT.to_string(),
        Row::User(u) => u.name.clone(),
    }
}

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

fn root_detail(root: &RootAccount, now: DateTime<Utc>) -> Vec<DetailLine> {
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

fn user_detail(u: &IamUser, now: DateTime<Utc>) -> Vec<DetailLine> {
    let mut lines = vec![
        DetailLine::Section(format!("IAM user {}", u.name)),
        DetailLine::field("ARN", u.arn.clone()),
        DetailLine::field(
            "Created",
            format!("{} ({} ago)", timestamp(u.created), age(now, u.created)),
        ),
        DetailLine::field(
            "Groups",
            if u.groups.is_empty() {
                "none".to_string()
            } else {
                u.groups.join(", ")
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
                if u.mfa_active {
                    "active".into()
                } else {
                    "none".into()
                },
                if u.mfa_active { Tone::Pass } else { Tone::Fail },
            ));
        }
        _ => lines.push(DetailLine::field("Console", "no console password")),
    }
    key_lines(&u.access_keys, now, &mut lines);
    for via in &u.admin_via {
        lines.push(DetailLine::Field(
            "Admin".into(),
            format!("*:* through {via}"),
            Tone::Fail,
        ));
    }
    lines
}
