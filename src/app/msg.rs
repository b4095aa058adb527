use crate::domain::SourceId;
use crate::input::Key;
use crate::journal::JournalContents;
use crate::remediation::Offer;
use crate::sources::{SourceData, SourceError};
use chrono::{DateTime, Utc};

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
    Key(Key),
    /// Text pasted into the terminal (bracketed paste): never taken as key presses.
    Paste(String),
    /// The clock moved; carries the time so `update` stays pure.
    Tick(DateTime<Utc>),
    /// Nothing else is waiting: a slice of the work that can wait is done
    /// (`App::idle_step`). Nothing shown changes, so no frame is drawn for it.
    Idle,
    /// The terminal's size changed.
    Resize {
        width: u16,
        height: u16,
    },
    Source(SourceEvent),
    /// Several sources' events that arrived together, applied as one: the data is
    /// merged in order and what is derived from it is worked out once (an organisation's
    /// sources land by the thousand).
    Sources(Vec<SourceEvent>),
    Journal(JournalContents),
    /// The live state of an offer's target was read for its preview (`Effect::Resolve`):
    /// the offer on that state, or why it could not be read.
    Resolved {
        asked: Box<Offer>,
        result: Result<Offer, crate::remediation::ActionError>,
    },
    /// A remediation action finished: what it did, or why it did not. `offer` is the
    /// offer as it ran (stamped with the moment it ran).
    ActionDone {
        offer: Box<Offer>,
        result: Result<String, crate::remediation::ActionError>,
    },
    /// `:region` or `:profile` succeeded: the console now watches another session, whose
    /// sources are these. Everything shown of the old one goes; the journal stays.
    Switched {
        header: Box<super::HeaderInfo>,
        sources: Vec<SourceId>,
    },
    /// A page of CloudTrail activity asked for with `Effect::LookupActivity` came back.
    ActivityPage {
        request: Box<crate::domain::PageRequest>,
        result: Result<crate::domain::ActivityPage, crate::sources::activity::ActivityError>,
    },
    /// A detector's archived findings asked for with `Effect::ListArchived` came back.
    ArchivedListed {
        request: crate::sources::archived::ArchivedRequest,
        result: Result<crate::sources::archived::ArchivedListing, SourceError>,
    },
    /// A finding's JSON asked for with `Effect::ReadFindingJson` came back.
    FindingJsonRead {
        request: crate::sources::finding_json::FindingJsonRequest,
        result: Result<Option<String>, SourceError>,
    },
    /// The completions of a file typed on the `:` line (`Effect::CompletePath`): `line` is
    /// the command before it, `typed` the file as typed, `paths` its completions.
    PathsListed {
        line: String,
        typed: String,
        paths: Vec<String>,
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
    /// Read the live state of an offer's target before its preview (reads only; the
    /// answer comes back as `Msg::Resolved`).
    Resolve(Box<Offer>),
    /// Carry out a confirmed action (journaled before and after the call).
    Execute(Box<Offer>),
    /// `:readonly`: drop the executor and turn on the read-only guard of every AWS client
    /// of the session, for good.
    ReadOnly,
    /// Put text on the clipboard (OSC 52, so it works over SSH and in tmux).
    Copy(String),
    /// Write a table export to a file: `path` as typed (`~` is expanded when written); an
    /// existing file is replaced only when `overwrite` (`:export!`) is set.
    Export {
        path: String,
        csv: String,
        overwrite: bool,
    },
    /// Read a page of CloudTrail activity off the UI loop (paced per account and region);
    /// the answer comes back as `Msg::ActivityPage`.
    LookupActivity(crate::domain::PageRequest),
    /// List a detector's archived findings off the UI loop (`:archived`); the answer comes
    /// back as `Msg::ArchivedListed`.
    ListArchived(crate::sources::archived::ArchivedRequest),
    /// Read the JSON of the finding whose detail opened, off the UI loop; the answer comes
    /// back as `Msg::FindingJsonRead`.
    ReadFindingJson(crate::sources::finding_json::FindingJsonRequest),
    /// List the files that complete `typed` (after `line` on the `:` line); the answer comes
    /// back as `Msg::PathsListed`.
    CompletePath {
        line: String,
        typed: String,
    },
    /// Connect to other regions or another profile, off the UI loop; the outcome comes
    /// back as `Msg::Switched` or `Msg::SwitchFailed`.
    Switch(SwitchTarget),
}
