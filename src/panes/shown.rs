//! A pane's table as it is shown: the pane's own columns and, in an organisation
//! (`Data::org`), an Account column naming the account each row belongs to, for panes whose
//! rows belong to one. A single-account session shows the pane's columns alone, unchanged.
//!
//! Columns keep the pane's indexes for sorting; the Account column's index is one past the
//! pane's own, and it is drawn where the pane says (`Pane::account_column`). Everything
//! that draws, sorts, filters or exports a table reads it through here.

use super::{Cell, Column, Fields, Pane, SortKey, Width};
use crate::store::Data;
use chrono::{DateTime, Utc};

/// The Account column: the account's name in the organisation (its ID when it is not one
/// of the organisation's accounts).
pub const ACCOUNT: Column = Column {
    title: "Account",
    width: Width::Fill(10),
};

/// One column as drawn: `index` is what the table sorts by.
#[derive(Clone, Copy, Debug)]
pub struct Shown {
    pub index: usize,
    pub column: Column,
}

/// Where the Account column is drawn, when the table has one.
fn account_at(pane: &dyn Pane, data: &Data) -> Option<usize> {
    data.org.as_ref()?;
    pane.account_column().map(|at| at.min(pane.columns().len()))
}

/// The pane's own columns: narrower ones, if it has them, in an organisation.
fn own_columns(pane: &dyn Pane, data: &Data) -> &'static [Column] {
    let org = pane.org_columns();
    if data.org.is_some() && org.len() == pane.columns().len() {
        org
    } else {
        pane.columns()
    }
}

/// The account's name in the organisation, or `id` itself.
pub fn account_name<'a>(data: &'a Data, id: &'a str) -> &'a str {
    data.account_name(id)
}

/// The columns in the order they are drawn.
pub fn columns(pane: &dyn Pane, data: &Data) -> Vec<Shown> {
    let own = own_columns(pane, data);
    let mut shown: Vec<Shown> = own
        .iter()
        .enumerate()
        .map(|(index, column)| Shown {
            index,
            column: *column,
        })
        .collect();
    if let Some(at) = account_at(pane, data) {
        let account = Shown {
            index: own.len(),
            column: ACCOUNT,
        };
        shown.insert(at, account);
    }
    shown
}

/// The row's cells in the order the columns are drawn.
pub fn cells<'a>(pane: &dyn Pane, data: &'a Data, row: usize, now: DateTime<Utc>) -> Vec<Cell<'a>> {
    let mut cells = pane.cells(data, row, now);
    if let Some(at) = account_at(pane, data) {
        let name = pane
            .account(data, row)
            .map_or("", |id| account_name(data, id));
        cells.insert(at.min(cells.len()), Cell::plain(name));
    }
    cells
}

/// The row's sort key for the column with `index`.
pub fn sort_key(pane: &dyn Pane, data: &Data, row: usize, index: usize) -> SortKey {
    if index >= pane.columns().len() && account_at(pane, data).is_some() {
        let id = pane.account(data, row).unwrap_or_default();
        return SortKey::text(account_name(data, id));
    }
    pane.sort_key(data, row, index)
}

/// The text `/` matches: the pane's fields, and the account's name where the table shows it.
pub fn haystack(pane: &dyn Pane, data: &Data, row: usize, out: &mut String) {
    let mut fields = Fields::new(out);
    pane.haystack(data, row, &mut fields);
    if account_at(pane, data).is_some() {
        if let Some(id) = pane.account(data, row) {
            fields.push(account_name(data, id));
        }
    }
}

/// The column after the one with `index`, in the order they are drawn (wrapping). A column
/// with no title (a marker) is no sort key: its arrow would have nothing to stand beside.
pub fn next_column(pane: &dyn Pane, data: &Data, index: usize) -> usize {
    let sortable: Vec<Shown> = columns(pane, data)
        .into_iter()
        .filter(|c| !c.column.title.is_empty())
        .collect();
    let next = sortable
        .iter()
        .position(|c| c.index == index)
        .map_or(0, |at| (at + 1) % sortable.len().max(1));
    sortable.get(next).map_or(index, |c| c.index)
}
