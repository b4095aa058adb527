//! watchpost: a terminal security-operations console for AWS.
//!
//! Data flows one way: source adapters (AWS or the embedded demo account) → workers →
//! messages → the pure `update` of the app state → `ui::render`. See DESIGN in the README.

pub mod allocator;
pub mod app;
pub mod aws;
pub mod build_info;
pub mod cli;
pub mod clipboard;
pub mod clock;
pub mod config;
pub mod console;
pub mod domain;
pub mod input;
pub mod journal;
pub mod logging;
pub mod man;
pub mod panes;
pub mod path_complete;
pub mod posture;
pub mod private_fs;
pub mod remediation;
pub mod report;
pub mod sanitize;
pub mod session;
pub mod sources;
pub mod store;
pub mod ui;
pub mod worker;
