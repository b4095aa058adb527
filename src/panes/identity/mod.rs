//! One row per IAM user, plus the root account as the first row: console access and MFA,
//! password age and use, both access-key slots, admin rights, and failing checks coloured by
//! the worst. The detail view (`detail.rs`) adds groups, policies and every check.

mod columns;
mod detail;

use super::{Cell, Column, DetailLine, Fields, Pane, SortKey, Tone, age, timestamp};
use crate::domain::{AccessKey, IamUser, IdentityInventory, KeyRef, RootAccount};
use crate::remediation::Target;
use crate::store::{Data, IdentityRow};
use chrono::{DateTime, Utc};
use columns::{
    ADMIN, COLUMNS, CONSOLE, FAILS, HIDE_FIRST, KEY_1, KEY_2, PASSWORD_AGE, PASSWORD_USED, USER,
};

pub struct IdentityPane;

/// Each account's root, then its users (the store's rows).
enum Row<'a> {
    Root(&'a RootAccount),
    User(&'a IamUser),
}

fn row<'a>(data: &'a Data, index: usize) -> Option<(Row<'a>, &'a IdentityInventory)> {
    match data.identities.row(index)? {
        IdentityRow::Root(inv) => Some((Row::Root(&inv.root), inv)),
        IdentityRow::User(inv, user) => Some((Row::User(user), inv)),
    }
}

fn since(now: DateTime<Utc>, t: Option<DateTime<Utc>>) -> String {
    t.map_or_else(|| "never".to_string(), |t| age(now, t))
}

/// Key slot `n` (1 or 2). Keys from the credential report are named by slot (`#1`, `#2`,
/// and slot 1 may be empty while 2 is not); keys known by ID are listed in slot order.
fn slot(keys: &[AccessKey], n: usize) -> Option<&AccessKey> {
    if keys.iter().any(|k| k.id.starts_with('#')) {
        let name = format!("#{n}");
        keys.iter().find(|k| k.id == name)
    } else {
        keys.get(n.saturating_sub(1))
    }
}

/// `120d·2d`: age, then last use; `off 300d` for an inactive key; `-` for an empty slot.
fn key_cell(key: Option<&AccessKey>, now: DateTime<Utc>) -> Cell<'static> {
    match key {
        None => Cell::dim("-"),
        Some(k) if !k.is_active() => Cell::dim(format!("off {}", age(now, k.created))),
        Some(k) => Cell::plain(format!(
            "{}·{}",
            age(now, k.created),
            since(now, k.last_used)
        )),
    }
}

fn key_sort(key: Option<&AccessKey>) -> SortKey {
    // Active keys first by age (older = larger), then inactive, then empty slots.
    SortKey::Num(match key {
        None => i64::MIN,
        Some(k) if !k.is_active() => i64::MIN / 2,
        Some(k) => -k.created.timestamp(),
    })
}

/// The console/MFA cell: `-` without a password, else the MFA device kind or `no MFA`.
fn user_console(u: &IamUser) -> Cell<'static> {
    match (u.has_console_access(), u.mfa_active, u.mfa_device) {
        (false, _, _) => Cell::dim("-"),
        (true, false, _) => Cell::toned("no MFA", Tone::Fail),
        (true, true, Some(device)) => Cell::plain(device.label()),
        (true, true, None) => Cell::plain("MFA"),
    }
}

fn root_console(root: &RootAccount) -> &'static str {
    match (root.mfa_active, root.mfa_hardware) {
        (false, _) => "no MFA",
        (true, Some(true)) => "hardware",
        (true, Some(false)) => "virtual",
        (true, None) => "MFA",
    }
}

/// The row's name: the user's, or the root account's as the credential report spells it.
fn name(r: &Row<'_>) -> String {
    match r {
        Row::Root(_) => crate::posture::ROOT.to_string(),
        Row::User(u) => u.name().to_string(),
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
        (FAILS, true)
    }

    fn len(&self, data: &Data) -> usize {
        data.identities.rows()
    }

    /// `ACCOUNT/NAME`: two accounts may have a user of the same name (IAM names hold no `/`).
    fn key(&self, data: &Data, index: usize) -> String {
        row(data, index)
            .map(|(r, inv)| row_key(&inv.account_id, &name(&r)))
            .unwrap_or_default()
    }

    fn haystack(&self, data: &Data, index: usize, out: &mut Fields<'_>) {
        let Some((r, _)) = row(data, index) else {
            return;
        };
        out.push(&name(&r));
        if let Row::User(u) = r {
            for group in &u.groups {
                out.push(group);
            }
            for key in &u.access_keys {
                out.push(&key.id);
            }
            for policy in &u.policies {
                out.push(policy);
            }
            if !u.admin_via.is_empty() {
                out.push("admin");
            }
        } else {
            out.push("root");
        }
    }

    fn sort_key(&self, data: &Data, index: usize, column: usize) -> SortKey {
        let Some((r, inv)) = row(data, index) else {
            return SortKey::Num(0);
        };
        let keys = match &r {
            Row::Root(root) => &root.access_keys[..],
            Row::User(u) => &u.access_keys[..],
        };
        match (column, &r) {
            (USER, _) => SortKey::text(&name(&r)),
            (CONSOLE, Row::Root(_)) => SortKey::Num(3),
            // Console users without MFA sort as the worst.
            (CONSOLE, Row::User(u)) => SortKey::Num(
                i64::from(u.has_console_access())
                    + i64::from(u.has_console_access() && !u.mfa_active),
            ),
            (PASSWORD_AGE, Row::User(u)) => {
                SortKey::Num(password_changed(u).map_or(i64::MIN, |t| -t.timestamp()))
            }
            (PASSWORD_AGE, Row::Root(_)) => SortKey::Num(i64::MIN),
            (PASSWORD_USED, Row::Root(root)) => SortKey::time(root.password_last_used),
            (PASSWORD_USED, Row::User(u)) => {
                SortKey::time(u.password.as_ref().and_then(|p| p.last_used))
            }
            (KEY_1, _) => key_sort(slot(keys, 1)),
            (KEY_2, _) => key_sort(slot(keys, 2)),
            (ADMIN, Row::User(u)) => SortKey::Num(i64::from(!u.admin_via.is_empty())),
            (ADMIN, Row::Root(_)) => SortKey::Num(2),
            (FAILS, _) => {
                let subject = name(&r);
                let account = &inv.account_id;
                SortKey::Pair(
                    data.worst_failure_of(account, &subject)
                        .map_or(-1, |s| s as i64),
                    data.failures_of(account, &subject) as i64,
                )
            }
            _ => SortKey::Num(0),
        }
    }

    fn cells<'a>(&self, data: &'a Data, index: usize, now: DateTime<Utc>) -> Vec<Cell<'a>> {
        let Some((r, inv)) = row(data, index) else {
            return Vec::new();
        };
        let subject = name(&r);
        let failures = data.failures_of(&inv.account_id, &subject);
        // The count carries the colour of the worst failing check.
        let fails = match data.worst_failure_of(&inv.account_id, &subject) {
            Some(worst) if failures > 0 => Cell::toned(failures.to_string(), Tone::Severity(worst)),
            _ => Cell::toned("0", Tone::Pass),
        };
        match r {
            Row::Root(root) => vec![
                Cell::toned(crate::posture::ROOT, Tone::Changed),
                Cell::toned(
                    root_console(root),
                    if root.mfa_active {
                        Tone::Plain
                    } else {
                        Tone::Fail
                    },
                ),
                Cell::dim("-"),
                Cell::dim(since(now, root.password_last_used)).at(root.password_last_used),
                key_cell(slot(&root.access_keys, 1), now),
                key_cell(slot(&root.access_keys, 2), now),
                Cell::plain("root"),
                fails,
            ],
            Row::User(u) => vec![
                Cell::plain(u.name()),
                user_console(u),
                {
                    let changed = password_changed(u).filter(|_| u.has_console_access());
                    Cell::dim(changed.map_or_else(|| "-".to_string(), |t| age(now, t))).at(changed)
                },
                match &u.password {
                    Some(p) if p.enabled => Cell::dim(since(now, p.last_used)).at(p.last_used),
                    _ => Cell::dim("-"),
                },
                key_cell(slot(&u.access_keys, 1), now),
                key_cell(slot(&u.access_keys, 2), now),
                if u.admin_via.is_empty() {
                    Cell::plain("")
                } else {
                    Cell::toned("admin", Tone::Fail)
                },
                fails,
            ],
        }
    }

    fn detail(&self, data: &Data, index: usize, now: DateTime<Utc>) -> Vec<DetailLine> {
        let Some((r, inv)) = row(data, index) else {
            return Vec::new();
        };
        let mut lines = match r {
            Row::Root(root) => detail::root(root, now),
            Row::User(u) => detail::user(u, now),
        };
        // Which account, where there are several (the first line names the user).
        if data.org.is_some() {
            lines.insert(
                1.min(lines.len()),
                super::account_field(data, &inv.account_id),
            );
        }
        lines.push(DetailLine::Blank);
        if let Some(error) = &inv.authorization_error {
            lines.push(DetailLine::Field(
                "Policies".into(),
                format!("unknown: {error}"),
                Tone::Fail,
            ));
        }
        lines.push(DetailLine::Blank);
        lines.push(DetailLine::Section("Checks".into()));
        let subject = name(&r);
        for check in data
            .checks
            .iter()
            .filter(|c| c.subject() == Some(subject.as_str()) && c.account_id == inv.account_id)
        {
            lines.push(DetailLine::Field(
                if check.failed() {
                    "FAIL".into()
                } else {
                    "pass".into()
                },
                format!(
                    "{} [{}]: {}",
                    check.title(),
                    check.controls().join(", "),
                    check.evidence()
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

    fn account<'a>(&self, data: &'a Data, index: usize) -> Option<&'a str> {
        row(data, index).map(|(_, inv)| inv.account_id.as_str())
    }

    fn account_column(&self) -> Option<usize> {
        Some(USER)
    }

    fn hide_first(&self) -> &'static [usize] {
        HIDE_FIRST
    }

    fn targets(&self, data: &Data, index: usize) -> Vec<Target> {
        match row(data, index) {
            Some((Row::User(user), inv)) => user_targets(inv, user),
            // The root account cannot be changed through the API.
            _ => Vec::new(),
        }
    }
}

/// A user and each of their access keys, as action targets.
pub fn user_targets(inv: &IdentityInventory, user: &IamUser) -> Vec<Target> {
    let quarantined = user.policies.iter().any(|p| {
        p.split(" (").next() == Some(crate::remediation::actions::user::QUARANTINE_POLICY)
    });
    let mut targets = vec![Target::User {
        account_id: inv.account_id.as_str().into(),
        name: user.name().into(),
        console: user.has_console_access(),
        quarantined,
    }];
    targets.extend(user.access_keys.iter().map(|key| Target::AccessKey {
        account_id: inv.account_id.as_str().into(),
        user: user.name().into(),
        key: KeyRef::of_listed(&key.id),
        created: key.created,
        active: key.is_active(),
    }));
    targets
}

/// When the password was last set: its change date, or the user's creation when the report
/// has none.
fn password_changed(u: &IamUser) -> Option<DateTime<Utc>> {
    u.password
        .as_ref()
        .filter(|p| p.enabled)
        .map(|p| p.last_changed.unwrap_or(u.created))
}

/// A row's key: its account and the user (or `<root_account>`).
pub fn row_key(account: &str, name: &str) -> String {
    format!("{account}/{name}")
}

/// The user a row's key names, with its account.
pub fn user_of_key<'a>(data: &'a Data, key: &str) -> Option<&'a IamUser> {
    let (account, name) = key.split_once('/')?;
    data.identities
        .get(account)?
        .users
        .iter()
        .find(|u| u.name() == name)
}
