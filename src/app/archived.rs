//! `:archived`: the Findings tab shows GuardDuty's archived findings instead of the
//! unarchived ones, from which "Unarchive finding" brings one back. They are listed when
//! the view is opened (and on Ctrl-r while it is), never with the polls; `:archived` again,
//! `:archived off` or Esc (with no filter to clear) goes back.

use super::update::set_status;
use super::{App, Effect};
use crate::panes::Tab;
use crate::sources::SourceError;
use crate::sources::archived::{ArchivedListing, ArchivedRequest};

/// `:archived [on|off]`: without a word, toggles.
pub fn command(app: &mut App, argument: &str) -> Vec<Effect> {
    let shown = app.data.archived.shown;
    match argument {
        "" if shown => close(app),
        "" | "on" => return open(app),
        "off" if shown => close(app),
        "off" => app.tab = Tab::Findings,
        _ => set_status(app, "Usage: :archived [on|off]".to_string()),
    }
    Vec::new()
}

/// Shows the archived findings on the Findings tab, listing them from every enabled
/// detector known.
pub fn open(app: &mut App) -> Vec<Effect> {
    app.tab = Tab::Findings;
    list(app)
}

/// Lists the archived findings again (Ctrl-r while the view is shown), on whatever tab.
pub fn list(app: &mut App) -> Vec<Effect> {
    let requests = app.data.open_archived();
    app.rebuild_view_selecting(Tab::Findings, None);
    if requests.is_empty() {
        set_status(
            app,
            "No GuardDuty detector to list archived findings from (yet)".to_string(),
        );
    }
    requests.into_iter().map(Effect::ListArchived).collect()
}

/// Back to the unarchived findings.
pub fn close(app: &mut App) {
    app.data.close_archived();
    app.rebuild_view_selecting(Tab::Findings, None);
}

/// A detector's answer: its findings join the view.
pub fn listed(
    app: &mut App,
    request: &ArchivedRequest,
    result: Result<ArchivedListing, SourceError>,
) {
    let tab = Tab::Findings;
    let keep = app
        .view(tab)
        .selected_row()
        .filter(|&row| row < tab.pane().len(&app.data))
        .map(|row| tab.pane().key(&app.data, row));
    if app.data.archived_listed(request, result) {
        app.rebuild_view_selecting(tab, keep);
    }
}
