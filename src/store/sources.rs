//! How each source's polls went: when it last succeeded, its latest failure, whether it is
//! polling now. Kept in the store beside the data they brought, so the panes can show it
//! (the Accounts tab lists each account's sources) as well as the header.

use chrono::{DateTime, Utc};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SourceStatus {
    pub last_success: Option<DateTime<Utc>>,
    /// The latest failure, cleared by the next success.
    pub last_error: Option<(DateTime<Utc>, String)>,
    /// The latest failure was about the credentials themselves (expired, revoked, refresh
    /// failed, or a member role that cannot be assumed): every source of the account is
    /// affected. Holds the service's or provider's own message.
    pub credentials_error: Option<String>,
    pub polling: bool,
}
