//! The headless audit report: every source read once, fed through the console's own
//! [`Data::apply`](crate::store::Data::apply) and [`Data::derive`](crate::store::Data::derive)
//! (so the same checks and severities), filtered, and written as JSON, CSV, Markdown or OCSF.
//!
//! The pipeline: [`collect`] polls the sources, [`assemble`] merges what they returned,
//! [`build`] applies the [`Filters`] and yields a [`Report`] (whose serde form is the JSON
//! schema, `docs/report.md`), and [`render`] writes one format. [`exit_status`] turns the
//! report into the process's exit status.

mod build;
mod collect;
mod csv;
mod filter;
mod identity;
mod json;
mod markdown;
mod model;
mod ocsf;
mod org;
pub mod output;
mod remediation;
mod resource;
mod run;

pub use build::{Context, build};
pub use collect::{Collected, Progress, assemble, collect};
pub use filter::Filters;
pub use model::*;
pub use remediation::{Remediation, remediation};
pub use run::{SOURCE_TIMEOUT, run};

use serde::Serialize;
use std::fmt;

/// The report was written and nothing failed the `--fail-on` threshold.
pub const EXIT_OK: u8 = 0;
/// A failing result at or above `--fail-on` remains after the filters.
pub const EXIT_FAIL_ON: u8 = 1;
/// Usage or configuration error (bad option, bad config.toml, no region, bad `--output`).
pub const EXIT_USAGE: u8 = 2;
/// No usable AWS connection (no credentials, refused, unreachable, role not assumable).
pub const EXIT_CREDENTIALS: u8 = 3;
/// A source the report needs failed: the report was written and names the failure, but it is
/// incomplete. `--fail-on` finding a failing result takes precedence (status 1).
pub const EXIT_INCOMPLETE: u8 = 4;
/// The report could not be written (standard output closed, disk full, …).
pub const EXIT_WRITE: u8 = 5;

/// The output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// watchpost's own JSON (schema in docs/report.md).
    Json,
    /// One row per check result per resource, plus alarms, findings and source errors.
    Csv,
    /// A human report: summary, failing checks by control, alarms, findings, identity.
    Markdown,
    /// OCSF 1.1 Compliance Findings (checks) and Detection Findings (alarms, findings).
    Ocsf,
}

/// The report's sections, as `--source` names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Section {
    /// CloudWatch alarms.
    Alarms,
    /// GuardDuty findings.
    Findings,
    /// IAM users and the root account.
    Identity,
    /// Posture check results: IAM, GuardDuty, CloudWatch and the account baseline
    /// (CloudTrail, CIS monitoring, S3 Block Public Access, security groups, EBS encryption
    /// by default, VPC flow logs, AWS Config).
    Posture,
}

impl Section {
    pub const ALL: [Section; 4] = [
        Section::Alarms,
        Section::Findings,
        Section::Identity,
        Section::Posture,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Section::Alarms => "alarms",
            Section::Findings => "findings",
            Section::Identity => "identity",
            Section::Posture => "posture",
        }
    }
}

impl fmt::Display for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// `--status`: which results to keep.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum StatusFilter {
    /// Failing checks, alarms in ALARM, findings.
    Fail,
    /// Passing checks and alarms not in ALARM.
    Pass,
    /// Both.
    #[default]
    All,
}

/// Renders `report` in `format`.
pub fn render(report: &Report, format: Format) -> Result<Vec<u8>, RenderError> {
    match format {
        Format::Json => json::render(report),
        Format::Csv => csv::render(report),
        Format::Markdown => Ok(markdown::render(report).into_bytes()),
        Format::Ocsf => ocsf::render(report),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("cannot encode the report as JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("cannot encode the report as CSV: {0}")]
    Csv(#[from] ::csv::Error),
    #[error("cannot encode the report as CSV: {0}")]
    CsvFlush(String),
}

/// The exit status the report calls for: 1 when `--fail-on` found a failing result (even in
/// an incomplete report: what was found stands), else 4 when a needed source failed, else 0.
pub fn exit_status(report: &Report) -> u8 {
    if report.fail_on.as_ref().is_some_and(|f| f.exceeded) {
        EXIT_FAIL_ON
    } else if !report.complete {
        EXIT_INCOMPLETE
    } else {
        EXIT_OK
    }
}
