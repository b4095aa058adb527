//! One module per tab. A pane describes its table — columns, cells, sort keys, filter text —
//! and its detail view, as plain data that the UI draws and the app sorts and filters.

mod accounts;
mod activity;
mod alarms;
mod baseline;
mod fields;
mod findings;
mod format;
mod identity;
mod journal;
mod overview;
mod posture;
pub mod shown;
mod wrap;

pub use wrap::{DetailRow, RowKind, detail_rows};

pub use fields::{FIELD_END, Fields};
pub use format::{age, timestamp};
pub use identity::user_of_key;

use crate::domain::{AlarmState, CheckResult, Severity, SourceKind};
use crate::remediation::Target;
use crate::store::Data;
use chrono::{DateTime, Utc};
use std::borrow::Cow;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tab {
    Overview,
    Alarms,
    Findings,
    Identity,
    Posture,
    Journal,
    /// The organisation's accounts: shown only in a multi-account session.
    Accounts,
    /// CloudTrail activity of a row (`t`, `:activity`): shown once a query is open.
    Activity,
}

impl Tab {
    pub const ALL: [Tab; 8] = [
        Tab::Overview,
        Tab::Alarms,
        Tab::Findings,
        Tab::Identity,
        Tab::Posture,
        Tab::Journal,
        Tab::Accounts,
        Tab::Activity,
    ];

    /// The tabs of an organisation before any activity was asked for: all but the last.
    const ORG: &'static [Tab] = Tab::ALL.split_at(Tab::ALL.len() - 1).0;

    /// One account's tabs once activity was asked for.
    const ONE_ACCOUNT_ACTIVITY: &'static [Tab] = &[
        Tab::Overview,
        Tab::Alarms,
        Tab::Findings,
        Tab::Identity,
        Tab::Posture,
        Tab::Journal,
        Tab::Activity,
    ];

    /// The tabs of a single-account session: every one but Accounts, which comes last so
    /// the others keep their numbers in an organisation.
    pub const ONE_ACCOUNT: &'static [Tab] = &[
        Tab::Overview,
        Tab::Alarms,
        Tab::Findings,
        Tab::Identity,
        Tab::Posture,
        Tab::Journal,
    ];

    /// The tabs a session shows, in order: Accounts only in an organisation, Activity
    /// (last) once a query was opened.
    pub fn shown(data: &Data) -> &'static [Tab] {
        match (data.org.is_some(), data.activity.open.is_some()) {
            (true, true) => &Tab::ALL,
            (true, false) => Tab::ORG,
            (false, true) => Tab::ONE_ACCOUNT_ACTIVITY,
            (false, false) => Tab::ONE_ACCOUNT,
        }
    }

    pub fn title(self) -> &'static str {
        self.pane().title()
    }

    pub fn index(self) -> usize {
        Tab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }

    /// The sources whose data fills this tab: one for a source's own tab, every source a
    /// check reads for Posture, none for the tabs that are not a source's rows.
    pub fn sources(self) -> &'static [SourceKind] {
        match self {
            Tab::Alarms => &[SourceKind::Alarms],
            Tab::Findings => &[SourceKind::Findings],
            Tab::Identity => &[SourceKind::Identity],
            // In the order the posture checks are evaluated.
            Tab::Posture => &[
                SourceKind::Identity,
                SourceKind::Findings,
                SourceKind::Alarms,
                SourceKind::Baseline,
            ],
            _ => &[],
        }
    }

    /// The tab after this one among `tabs` (wrapping).
    pub fn next(self, tabs: &[Tab]) -> Tab {
        let at = tabs.iter().position(|t| *t == self).unwrap_or(0);
        tabs.get((at + 1) % tabs.len().max(1))
            .copied()
            .unwrap_or(Tab::Overview)
    }

    /// The tab before this one among `tabs` (wrapping).
    pub fn prev(self, tabs: &[Tab]) -> Tab {
        let n = tabs.len().max(1);
        let at = tabs.iter().position(|t| *t == self).unwrap_or(0);
        tabs.get((at + n - 1) % n).copied().unwrap_or(Tab::Overview)
    }

    pub fn pane(self) -> &'static dyn Pane {
        match self {
            Tab::Overview => &overview::OverviewPane,
            Tab::Alarms => &alarms::AlarmsPane,
            Tab::Findings => &findings::FindingsPane,
            Tab::Identity => &identity::IdentityPane,
            Tab::Posture => &posture::PosturePane,
            Tab::Journal => &journal::JournalPane,
            Tab::Accounts => &accounts::AccountsPane,
            Tab::Activity => &activity::ActivityPane,
        }
    }
}

/// How wide a column may be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Width {
    Fixed(u16),
    /// Takes a share of what is left, at least this many columns.
    Fill(u16),
}

#[derive(Clone, Copy, Debug)]
pub struct Column {
    pub title: &'static str,
    pub width: Width,
}

/// How a cell should look; the theme decides the colours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Plain,
    Dim,
    Severity(Severity),
    Alarm(AlarmState),
    Pass,
    Fail,
    Changed,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Cell<'a> {
    pub text: Cow<'a, str>,
    pub tone: Tone,
    /// The moment an age or time cell stands for: `:export` writes it (RFC 3339) instead
    /// of the age shown, which means nothing once the file is read later.
    pub at: Option<DateTime<Utc>>,
}

impl<'a> Cell<'a> {
    pub fn plain(text: impl Into<Cow<'a, str>>) -> Self {
        Cell {
            text: text.into(),
            tone: Tone::Plain,
            at: None,
        }
    }

    pub fn dim(text: impl Into<Cow<'a, str>>) -> Self {
        Cell {
            text: text.into(),
            tone: Tone::Dim,
            at: None,
        }
    }

    pub fn toned(text: impl Into<Cow<'a, str>>, tone: Tone) -> Self {
        Cell {
            text: text.into(),
            tone,
            at: None,
        }
    }

    pub fn severity(severity: Severity) -> Self {
        Cell {
            text: Cow::Borrowed(severity.tag()),
            tone: Tone::Severity(severity),
            at: None,
        }
    }

    /// The cell, standing for the moment `at` (see `Cell::at`).
    pub fn at(self, at: Option<DateTime<Utc>>) -> Self {
        Cell { at, ..self }
    }
}

/// A sort key; a column's keys are all of one variant.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum SortKey {
    Num(i64),
    /// A primary key with a tie-breaker (severity, then recency).
    Pair(i64, i64),
    Text(String),
}

impl SortKey {
    pub fn time(t: Option<DateTime<Utc>>) -> SortKey {
        SortKey::Num(t.map_or(i64::MIN, |t| t.timestamp_millis()))
    }

    pub fn text(s: &str) -> SortKey {
        SortKey::Text(s.to_lowercase())
    }
}

/// One line of a detail view.
#[derive(Clone, Debug, PartialEq)]
pub enum DetailLine {
    Section(String),
    Field(String, String, Tone),
    Text(String),
    Blank,
}

impl DetailLine {
    pub fn field(label: &str, value: impl Into<String>) -> Self {
        DetailLine::Field(label.to_string(), value.into(), Tone::Plain)
    }
}

/// A tab's table and detail view.
pub trait Pane: Sync {
    fn title(&self) -> &'static str;
    fn columns(&self) -> &'static [Column];
    /// Column and direction (descending?) used until the user sorts.
    fn default_sort(&self) -> (usize, bool);
    fn len(&self, data: &Data) -> usize;
    /// A stable identity for a row, to keep the selection when rows move.
    fn key(&self, data: &Data, row: usize) -> String;
    /// Writes the fields the `/` filter matches against.
    fn haystack(&self, data: &Data, row: usize, out: &mut Fields<'_>);
    fn sort_key(&self, data: &Data, row: usize, column: usize) -> SortKey;
    /// The row's cells; AWS strings are sanitised by the UI before they are drawn.
    fn cells<'a>(&self, data: &'a Data, row: usize, now: DateTime<Utc>) -> Vec<Cell<'a>>;
    fn detail(&self, data: &Data, row: usize, now: DateTime<Utc>) -> Vec<DetailLine>;
    /// What an empty table says, so no pane is ever a blank box.
    fn empty_message(&self, data: &Data) -> String;
    /// The row whose key is `key`, for views pinned to one item.
    fn find(&self, data: &Data, key: &str) -> Option<usize> {
        (0..self.len(data)).find(|&row| self.key(data, row) == key)
    }
    /// What an export calls the column drawn without a title (a marker column).
    fn unnamed_column(&self) -> &'static str {
        "Marker"
    }
    /// A warning for the table's title that must stay visible (e.g. a damaged journal).
    fn title_note(&self, _data: &Data) -> Option<String> {
        None
    }
    /// The table's title where it varies with the data (the Findings tab's archived view);
    /// the tab's title otherwise.
    fn heading(&self, _data: &Data) -> Cow<'static, str> {
        Cow::Borrowed(self.title())
    }
    /// What the table is of, after its title (the Activity tab's query), when that varies.
    fn subtitle(&self, _data: &Data) -> Option<String> {
        None
    }
    /// What the row can be acted on as, for the action menu (none by default).
    fn targets(&self, _data: &Data, _row: usize) -> Vec<Target> {
        Vec::new()
    }
    /// The ID of the account the row belongs to, for tables whose rows belong to one: in an
    /// organisation `/` matches the account's name and `:account` keeps some accounts' rows.
    fn account<'a>(&self, _data: &'a Data, _row: usize) -> Option<&'a str> {
        None
    }
    /// Where the Account column is drawn among the pane's own columns in an organisation
    /// (see `shown`); `None`: the table has none.
    fn account_column(&self) -> Option<usize> {
        None
    }
    /// The pane's columns in an organisation, where the Account column needs room: the
    /// same columns in the same order, perhaps narrower.
    fn org_columns(&self) -> &'static [Column] {
        self.columns()
    }
    /// Columns (indexes) to hide first when the table is too narrow for its name column;
    /// other fixed-width columns follow from the right. Fill columns never go.
    fn hide_first(&self) -> &'static [usize] {
        &[]
    }
}

/// The Account line of a detail view: `name (ID) · OU path` in an organisation, the ID
/// alone otherwise.
/// The finding a row of `tab` is about, if any: its detail shows the finding's JSON, read
/// when the detail opens.
pub fn finding_at(tab: Tab, data: &Data, row: usize) -> Option<&crate::domain::Finding> {
    match tab {
        Tab::Findings => findings::finding(data, row),
        Tab::Overview => overview::finding(data, row),
        _ => None,
    }
}

pub fn account_field(data: &Data, id: &str) -> DetailLine {
    let value = match data
        .org
        .as_ref()
        .and_then(|org| Some((org, org.account(id)?)))
    {
        Some((org, account)) => {
            let mut value = org.label(id);
            if !account.ou_path.is_empty() {
                value.push_str(" · ");
                value.push_str(&account.ou_path);
            }
            value
        }
        None => id.to_string(),
    };
    DetailLine::field("Account", value)
}

/// What a posture result or triage item can be acted on as: a baseline control's targets,
/// a role, or the user (and their keys) the result is about.
pub fn check_targets(data: &Data, check: &CheckResult) -> Vec<Target> {
    match check.source() {
        SourceKind::Baseline => baseline::targets(
            data,
            check.check_id(),
            &check.account_id,
            check.region_name(),
            check.resource(),
        ),
        SourceKind::Identity => {
            if let Some(role) = check.resource().strip_prefix("role/") {
                return vec![Target::Role {
                    account_id: check.account_id.as_str().into(),
                    name: role.into(),
                }];
            }
            let Some(subject) = check.subject() else {
                return Vec::new();
            };
            data.identities
                .get(&check.account_id)
                .and_then(|inv| {
                    let user = inv.users.iter().find(|u| u.name() == subject)?;
                    Some(identity::user_targets(inv, user))
                })
                .unwrap_or_default()
        }
        SourceKind::Alarms | SourceKind::Findings => Vec::new(),
    }
}
