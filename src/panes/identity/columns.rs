//! The Identity tab's columns, alone and beside an organisation's Account column.

use crate::panes::{Column, Width};

/// Fits 80 columns: groups and policies are in the detail view (and the filter).
pub const COLUMNS: &[Column] = &[
    Column {
        title: "User",
        width: Width::Fill(12),
    },
    Column {
        title: "Console",
        width: Width::Fixed(8),
    },
    Column {
        title: "Pwd age",
        width: Width::Fixed(7),
    },
    Column {
        title: "Pwd used",
        width: Width::Fixed(8),
    },
    Column {
        title: "Key 1 age·used",
        width: Width::Fixed(14),
    },
    Column {
        title: "Key 2 age·used",
        width: Width::Fixed(14),
    },
    Column {
        title: "Admin",
        width: Width::Fixed(5),
    },
    Column {
        title: "Fails",
        width: Width::Fixed(5),
    },
];

/// In an organisation, with the Account column: the key columns as wide as their
/// contents (`331d·106d`), so the user's name and account keep some room at 80 columns.
pub const ORG_COLUMNS: &[Column] = &[
    Column {
        title: "User",
        width: Width::Fill(12),
    },
    Column {
        title: "Console",
        width: Width::Fixed(8),
    },
    Column {
        title: "Pwd age",
        width: Width::Fixed(7),
    },
    Column {
        title: "Pwd used",
        width: Width::Fixed(8),
    },
    Column {
        title: "Key 1",
        width: Width::Fixed(9),
    },
    Column {
        title: "Key 2",
        width: Width::Fixed(9),
    },
    Column {
        title: "Admin",
        width: Width::Fixed(5),
    },
    Column {
        title: "Fails",
        width: Width::Fixed(5),
    },
];

/// Column indexes, for sorting.
pub const USER: usize = 0;
pub const CONSOLE: usize = 1;
pub const PASSWORD_AGE: usize = 2;
pub const PASSWORD_USED: usize = 3;
pub const KEY_1: usize = 4;
pub const KEY_2: usize = 5;
pub const ADMIN: usize = 6;
pub const FAILS: usize = 7;
