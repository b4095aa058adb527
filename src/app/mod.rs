//! Application state and its pure `update`: every message, in every state, yields a state
//! and a list of effects for the runtime to carry out. No I/O, no terminal.

pub mod activity;
mod archived;
mod command;
mod complete;
mod detail;
mod dialog;
mod filter;
mod messages;
mod msg;
pub mod preview;
mod scope;
mod search_text;
pub mod settle;
mod state;
mod table;
mod update;

/// Kept in the store, beside the data; named here too, where it was first.
pub use crate::store::SourceStatus;
pub use command::{COMMANDS, ORG_HELP, candidates};
pub use detail::{DetailView, detail_width};
pub use dialog::Dialog;
pub use messages::Messages;
pub use msg::{Effect, Msg, SourceEvent, SwitchTarget};
pub use scope::Scope;
pub use state::{
    App, HEADER_ROWS, HeaderInfo, Mode, STATUS_ROWS, SUMMARY_ROWS, TAB_BAR_ROWS, page_rows_for,
};
pub use table::TableView;
pub use update::{is_quit, update};
