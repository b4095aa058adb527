//! What this binary was built from, stamped by build.rs: the git commit and its date.

/// The abbreviated commit hash, or "unknown" when built outside a git checkout.
pub const COMMIT: &str = env!("WATCHPOST_GIT_COMMIT");
/// The commit's date (UTC, `YYYY-MM-DD`), or "unknown".
pub const DATE: &str = env!("WATCHPOST_BUILD_DATE");

/// `watchpost --version`: `0.1.0 (commit 0123456789ab, built 2026-01-31)`.
pub const VERSION_LINE: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("WATCHPOST_GIT_COMMIT"),
    ", built ",
    env!("WATCHPOST_BUILD_DATE"),
    ")"
);

/// `value`, unless build.rs could not tell it.
pub fn known(value: &'static str) -> Option<&'static str> {
    (value != "unknown").then_some(value)
}
