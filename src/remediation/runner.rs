//! Runs a confirmed action: journal the intent (flushed to disk) before the call, make the
//! call, journal the outcome. If the intent cannot be written, the action does not run: an
//! action that leaves no trace is worse than one that does not happen.

use super::{Execute, Offer};
use crate::journal::{JournalContents, JournalRecord};
use std::path::PathBuf;
use std::sync::Arc;

pub struct Runner {
    executor: Arc<dyn Execute>,
    journal: Option<PathBuf>,
    caller_arn: String,
    /// Records that belong to the account but not to the file (the demo's history).
    history: Vec<JournalRecord>,
}

impl Runner {
    pub fn new(
        executor: Arc<dyn Execute>,
        journal: Option<PathBuf>,
        caller_arn: &str,
        history: Vec<JournalRecord>,
    ) -> Runner {
        Runner {
            executor,
            journal,
            caller_arn: caller_arn.to_string(),
            history,
        }
    }

    pub async fn run(&self, offer: &Offer) -> Result<String, String> {
        self.executor.perform(offer).await
    }

    /// The journal as it is now, for the Journal tab.
    pub fn journal_contents(&self) -> Option<JournalContents> {
        let path = self.journal.as_ref()?;
        let contents = crate::journal::read(path).ok()?;
        Some(contents.with_records(self.history.clone()))
    }

    pub fn caller_arn(&self) -> &str {
        &self.caller_arn
    }
}
