//! The integration tests: one test binary (each file of `tests/*.rs` would be a binary of
//! its own, linking the whole crate with the AWS SDK again). Each module below was such a
//! file; `support` holds what they share. Tests of all modules run as threads of this one
//! process: none changes the process's environment or working directory, and the one
//! resource they share, the emulator, is taken in turns through `Emulator::lock` in
//! `support::emulator`, never through a lock of a module's own.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

mod acting_on_rows;
mod activity_view;
mod archived_view;
mod aws_actions;
#[cfg(unix)]
mod aws_activity;
#[cfg(unix)]
mod aws_archived;
mod aws_baseline;
mod aws_baseline_actions;
mod aws_connect;
#[cfg(unix)]
mod aws_console;
#[cfg(unix)]
mod aws_console_baseline;
#[cfg(unix)]
mod aws_console_switch;
mod aws_identity;
mod aws_least_privilege;
mod aws_live;
mod aws_org;
mod aws_org_seed;
mod aws_report;
mod aws_resources;
mod aws_sources;
mod build_info;
mod cli_commands;
mod command;
mod command_line;
mod config_errors;
mod credential_report;
#[cfg(unix)]
mod demo_journal;
mod demo_org;
mod detail_keys;
mod dialog;
mod dialog_undo;
#[cfg(unix)]
mod e2e_pty;
#[cfg(unix)]
mod faults;
#[cfg(unix)]
mod hostile;
mod invalid_configs;
mod journal;
mod journal_tab;
#[cfg(unix)]
mod local_files;
mod org_actions;
mod org_console;
mod org_screens;
mod packaging;
mod render_sizes;
mod report_cli;
mod report_golden;
mod snapshots;
mod table_layout;
mod update;
