//! What one remediation action is: its description (spec), when it applies, its `aws` CLI
//! equivalent, its AWS call(s), its effect on the data the console holds, and its undo.
//! Each action is one value in `actions/`, implementing [`Action`]; the catalog lists them.

use super::aws::AwsClients;
use super::catalog::ActionId;
use super::{Offer, Target};
use crate::domain::{
    AccountBaseline, Alarm, Call, Finding, IdentityInventory, RegionalBaseline, SourceId,
};
use crate::sources::{SourceError, SourceErrorKind};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// Whether an action can be taken back. Actions with an undo are confirmed with `y`; every
/// action without one — deleting, but also a suppression rule, feedback, Block Public Access,
/// starting a trail, revoking sessions — by typing the target's name. It follows from the
/// spec's `undo`, so the label and the confirmation can never disagree with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Risk {
    Reversible,
    NoUndo,
}

/// The kind of target an action is aimed at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applies {
    AccessKey,
    User,
    Role,
    Finding,
    Alarm,
    IngressRule,
    EbsDefaults,
    PublicAccessBlock,
    Trail,
    Instance,
    Bucket,
    KmsKey,
}

/// What the preview, the journal and the least-privilege policy say about an action.
#[derive(Debug)]
pub struct ActionSpec {
    /// Stable name, used in the journal.
    pub name: &'static str,
    pub title: &'static str,
    pub applies: Applies,
    /// The call that changes something, as IAM authorises it.
    pub call: Call,
    /// What the executor reads just before the call to check the live state still allows
    /// it (actions without an undo), e.g. `iam:ListAccessKeys`.
    pub recheck: Option<Call>,
    /// The API call as the preview shows it, with the parameters that matter.
    pub api: &'static str,
    pub undo: Option<ActionId>,
}

impl ActionSpec {
    pub fn risk(&self) -> Risk {
        if self.undo.is_some() {
            Risk::Reversible
        } else {
            Risk::NoUndo
        }
    }

    /// The IAM permission the call needs, e.g. `iam:UpdateAccessKey`.
    pub fn permission(&self) -> String {
        self.call.permission()
    }
}

/// Why an offer cannot run now.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Unavailable {
    /// The target's state rules it out, e.g. a key that is already inactive.
    #[error("{0}")]
    State(&'static str),
    #[error("read-only mode: actions cannot run (shown for the record)")]
    ReadOnly,
    /// In an organisation, the target's account has a read-only rule (which it names):
    /// none of its rows can be acted on, whatever the session's mode.
    #[error("read-only: {0}")]
    AccountReadOnly(String),
    #[error("the credentials failed ({0}); renew them, then act")]
    Credentials(String),
    #[error("its live state could not be read: {0}")]
    Unresolved(Box<ActionError>),
    /// An action offered on a target of another kind; the catalog never offers one.
    #[error("it does not apply to {0}")]
    OtherKind(String),
}

/// Why an action did not do what it was asked.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ActionError {
    /// AWS refused the call or could not be reached.
    #[error("{}", describe(.0))]
    Aws(Box<SourceError>),
    /// The live state no longer allows the action; nothing was sent.
    #[error("nothing was done: {0}")]
    Changed(String),
    /// AWS answered the call but did not do it.
    #[error("{0}")]
    NotDone(String),
    #[error("no {service} client for {region}: it is not a watched region")]
    NoClient {
        service: &'static str,
        region: String,
    },
    /// The session is read-only: no executor exists.
    #[error("read-only mode: no action can run")]
    ReadOnly,
    #[error("no S3 Control client")]
    NoS3Control,
    #[error("{0}")]
    Unavailable(#[from] Unavailable),
    /// The intent could not be journaled, so the call was not made.
    #[error("nothing was done: the journal could not be written ({0})")]
    Journal(String),
    /// The action finished (with this error) but its outcome could not be journaled.
    #[error("{error} (the outcome could not be journaled: {journal}; the intent was)")]
    Unjournaled {
        error: Box<ActionError>,
        journal: String,
    },
    /// No executor for the target's account: it is read-only by its rule, unreachable, or
    /// not one of the session's accounts. Nothing was sent.
    #[error("nothing was done: account {account}: {why}")]
    NoAccount { account: String, why: String },
    /// The demo account could not record the action.
    #[error("the demo account's state is unavailable")]
    Demo,
}

impl From<SourceError> for ActionError {
    fn from(error: SourceError) -> Self {
        ActionError::Aws(Box::new(error))
    }
}

/// An AWS error in the words of the dialog: the operation and kind first, then AWS's message.
pub fn describe(error: &SourceError) -> String {
    let what = match &error.kind {
        SourceErrorKind::AccessDenied {
            permission: Some(permission),
        } => format!("access denied (needs {permission})"),
        SourceErrorKind::AccessDenied { permission: None } => "access denied".to_string(),
        SourceErrorKind::Throttled => "throttled; try again in a moment".to_string(),
        SourceErrorKind::Timeout => "timed out".to_string(),
        SourceErrorKind::Network => "network error".to_string(),
        SourceErrorKind::Credentials => "credentials unusable".to_string(),
        SourceErrorKind::Malformed => "unreadable answer".to_string(),
        SourceErrorKind::Service => "refused".to_string(),
    };
    format!("{} {what}: {}", error.operation, error.message)
}

/// One remediation action. Everything about it is declared by its value: adding one is a
/// value implementing this trait and a line in the catalog.
#[async_trait]
pub trait Action: Send + Sync {
    fn spec(&self) -> &'static ActionSpec;

    /// Why the action cannot run on `target` as it is now, e.g. a key that is already
    /// inactive cannot be deactivated. Only called with targets of the spec's kind.
    fn unavailable(&self, _target: &Target) -> Option<&'static str> {
        None
    }

    /// Whether the action takes a protection away (the undo of a fix: turning encryption
    /// off, reopening a rule, reactivating a key), so that a passing control may fail
    /// after it. The menu never starts on such an action.
    fn weakens(&self) -> bool {
        false
    }

    /// The `aws` CLI command that does the same. `at` fixes the time in time-dependent
    /// policies (revoking sessions).
    fn cli(&self, target: &Target, at: DateTime<Utc>) -> String;

    /// The target as the action leaves it (the state its undo starts from).
    fn after(&self, target: &Target) -> Target {
        target.clone()
    }

    /// Reads the live state just before the call (actions without an undo must): `Err`
    /// says what changed, and nothing is sent.
    async fn recheck(&self, _aws: &AwsClients, _offer: &Offer) -> Result<(), ActionError> {
        Ok(())
    }

    /// Makes the AWS call(s). `Ok` says what changed.
    async fn call(&self, aws: &AwsClients, offer: &Offer) -> Result<String, ActionError>;

    /// What the action does to the IAM users, as the data would show it.
    fn on_identity(&self, _target: &Target, _inventory: &mut IdentityInventory) {}

    /// What the action does to an alarm.
    fn on_alarm(&self, _target: &Target, _alarm: &mut Alarm) {}

    /// Whether the action archives (`Some(true)`) or unarchives `finding`.
    fn archives(&self, _target: &Target, _finding: &Finding) -> Option<bool> {
        None
    }

    /// Whether the console drops `finding` from its data as soon as the action is done;
    /// other effects on findings show at the next poll.
    fn drops_at_once(&self, _target: &Target, _finding: &Finding) -> bool {
        false
    }

    /// What the action does to a region's baseline.
    fn on_regional(&self, _target: &Target, _baseline: &mut RegionalBaseline) {}

    /// What the action does to an account's baseline.
    fn on_account(&self, _target: &Target, _baseline: &mut AccountBaseline) {}
}

/// The source an action's calls are attributed to in errors, from its target.
pub fn source_of(target: &Target) -> SourceId {
    use crate::domain::SourceKind;
    SourceId {
        kind: match target.applies() {
            Applies::Finding => SourceKind::Findings,
            Applies::Alarm => SourceKind::Alarms,
            Applies::IngressRule
            | Applies::EbsDefaults
            | Applies::PublicAccessBlock
            | Applies::Trail
            | Applies::Instance
            | Applies::Bucket
            | Applies::KmsKey => SourceKind::Baseline,
            Applies::AccessKey | Applies::User | Applies::Role => SourceKind::Identity,
        },
        account_id: target.account_id().to_string(),
        region: target.region().map(|r| r.to_string()),
    }
}
