//! The Identity tab's columns, alone and beside an organisation's Account column.

use crate::panes::{Column, Width};

/// Fits 80 columns with room for the user's name: groups and policies are in the detail
/// view (and the filter); a key cell is `331d·106d`, its age then its last use. The same
/// columns serve an organisation, beside its Account column.
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
        title: "Key 1",
        width: Width::Fixed(10),
    },
    Column {
        title: "Key 2",
        width: Width::Fixed(10),
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

/// On a narrow terminal, the columns that give way to the user's name, first to last.
pub const HIDE_FIRST: &[usize] = &[PASSWORD_USED, KEY_2, PASSWORD_AGE, ADMIN, KEY_1, CONSOLE];
