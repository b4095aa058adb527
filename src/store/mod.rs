//! The data the console and the report hold, merged from every source, and what is derived
//! from it: posture results, the triage queue, the Overview's counters, and actions done
//! this session laid over data that predates them. Below everything that reads it: the
//! panes, the app and the report depend on the store; the store depends on none of them.

mod activity;
mod archived;
mod data;
mod derive;
mod done_actions;
mod finding_index;
mod finding_json;
mod identities;
mod org;
mod posture;
mod sources;
#[cfg(test)]
mod tests;

pub use activity::{Activity, ActivityResults, Next, RegionState};
pub use archived::ArchivedFindings;
pub use data::{Applied, DONE_ACTIONS_KEPT, Data, OBSERVED_PER_ALARM, RowsChange, Summary};
pub use derive::{Derived, TriageChange};
pub use done_actions::DoneAction;
pub use finding_json::{FindingJson, OpenFindingJson};
pub use identities::{Identities, IdentityRow};
pub use org::AccountCounts;
pub use sources::SourceStatus;
