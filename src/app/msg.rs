use crate::domain::SourceId;
use crate::journal::JournalContents;
use crate::remediation::Offer;
use crate::sources::{SourceData, SourceError};
use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;

/// What a worker reports about its source.
#[derive(Clone, Debug, PartialEq)]
pub enum SourceEvent {
    /// A poll started (shown as "refreshing" in the header).
    Polling { id: SourceId },
    Data {
        id: SourceId,
        data: SourceData,
        at: DateTime<Utc>,
    },
    Failed {
        id: SourceId,
        error: SourceError,
        at: DateTime<Utc>,
    },
}

/// Everything that can happen to the app.
#[derive(Clone, Debug, PartialEq)]
pub enum Msg {
    Key(KeyEvent),
    /// The clock moved; carries the time so `update` stays pure.
    Tick(DateTime<Utc>),
    /// The terminal's size changed.
    Resize {
        width: u16,
        height: u16,
    },
    Source(SourceEvent),
    Journal(JournalContents),
    /// A remediation action finished: what it did, or why it did not.
    ActionDone {
        offer: Box<Offer>,
        result: Result<String, String>,
    },
    /// `:region` or `:profile` succeeded: the console now watches another session, whose
    /// sources are these. Everything shown of the old one goes; the journal stays.
    Switched {
        header: Box<super::HeaderInfo>,
        sources: Vec<SourceId>,
    },
    /// `:region` or `:profile` failed; the current session goes on as it was.
    SwitchFailed {
        target: SwitchTarget,
        error: String,
    },
}

/// Where `:region` or `:profile` asks the console to go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SwitchTarget {
    /// Other regions of the same account, with the same credentials.
    Regions(Vec<String>),
    /// Another named AWS profile: new credentials, perhaps another account.
    Profile(String),
}

impl std::fmt::Display for SwitchTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SwitchTarget::Regions(regions) if regions.len() == 1 => {
                write!(f, "region {}", regions.join(","))
            }
            SwitchTarget::Regions(regions) => write!(f, "regions {}", regions.join(",")),
            SwitchTarget::Profile(name) => write!(f, "profile {name}"),
        }
    }
}

/// What `update` asks the runtime to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    Quit,
    /// Poll every source now (coalesced with any poll in flight).
    RefreshAll,
    /// Ring the terminal bell (a new alarm entered ALARM).
    Bell,
    /// Carry out a confirmed action (journaled before and after the call).
    Execute(Box<Offer>),
    /// Put text on the clipboard (OSC 52, so it works over SSH and in tmux).
    Copy(String),
    /// Write a table export to a file.
    Export {
        path: String,
        csv: String,
    },
    /// Connect to other regions or another profile, off the UI loop; the outcome comes
    /// back as `Msg::Switched` or `Msg::SwitchFailed`.
    Switch(SwitchTarget),
}
