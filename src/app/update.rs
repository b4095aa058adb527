//! `update(app, msg) -> effects`: the only place state changes. Pure and total.

use super::{App, Effect, Mode, Msg, SourceEvent};
use crate::config::keymap::Resolution;
use crate::config::{Action, KeySpec, Layer};
use crate::domain::Finding;
use crate::input::{Key, KeyCode};
use crate::panes::Tab;
use crate::sources::{SourceData, SourceErrorKind};
use std::collections::{HashMap, HashSet};

pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    let mut effects = dispatch(app, msg);
    app.keep_selections_in_view();
    // The selection may have moved near the end of the activity read so far.
    effects.extend(super::activity::more(app));
    app.refresh_detail();
    effects
}

fn dispatch(app: &mut App, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(key) => on_key(app, key),
        Msg::Paste(text) => {
            on_paste(app, &text);
            Vec::new()
        }
        Msg::ActivityPage { request, result } => super::activity::page(app, &request, result),
        Msg::ArchivedListed { request, result } => {
            super::archived::listed(app, &request, result);
            Vec::new()
        }
        Msg::FindingJsonRead { request, result } => {
            app.data.finding_json_read(&request, result);
            Vec::new()
        }
        Msg::Resolved { asked, result } => {
            super::dialog::resolved(app, &asked, result);
            Vec::new()
        }
        Msg::Idle => {
            app.idle_step();
            Vec::new()
        }
        Msg::Tick(now) => {
            app.now = now;
            // An organisation's posture, put off while its data streams in
            // (`Data::posture_interval`), is brought up to date by the tick at the latest.
            if app.data.posture_interval > chrono::TimeDelta::zero() && !app.frozen {
                let selected = app.selected_keys();
                let derived =
                    app.data
                        .derive(&app.settings.thresholds, app.settings.alarm_severity, now);
                if derived != crate::store::Derived::default() {
                    app.refresh_views(&derived, &selected);
                    app.refresh_accounts();
                }
            }
            if app
                .status_since
                .is_some_and(|since| (now - since).num_seconds() >= STATUS_SECONDS)
            {
                app.status = None;
                app.status_since = None;
            }
            Vec::new()
        }
        Msg::Resize { width, height } => {
            app.width = width;
            app.height = height;
            Vec::new()
        }
        Msg::Source(event) => on_sources(app, vec![event]),
        Msg::Sources(events) => on_sources(app, events),
        Msg::ActionDone { offer, result } => {
            // The undo stays on offer until another action runs.
            app.last_done = result.is_ok().then(|| (*offer).clone());
            if result.is_ok() {
                let now = app.now;
                // Taken before the data changes: a row index names another item after.
                let selected = app.selected_keys();
                app.data.action_done(&offer, now);
                app.data
                    .derive(&app.settings.thresholds, app.settings.alarm_severity, now);
                app.rebuild_views_selecting(&selected);
            }
            super::dialog::finished(app, *offer, result);
            // The rows the action touched change at their next poll: ask for it now.
            vec![Effect::RefreshAll]
        }
        Msg::Journal(contents) => {
            app.data.set_journal(contents);
            app.rebuild_view(Tab::Journal);
            Vec::new()
        }
        Msg::Switched {
            mut header,
            sources,
        } => {
            // `:readonly` may have been typed while connecting: never turn it off.
            header.read_only |= app.header.read_only;
            let text = format!(
                "Switched to account {}, {}",
                header.caller.account_id,
                header.regions.join(",")
            );
            app.replace_session(*header, sources);
            set_status(app, text);
            Vec::new()
        }
        Msg::PathsListed { line, typed, paths } => {
            super::complete::paths_listed(app, &line, &typed, paths);
            Vec::new()
        }
        Msg::SwitchFailed { target, error } => {
            app.switching = None;
            set_status(app, format!("Cannot switch to {target}: {error}"));
            Vec::new()
        }
    }
}

/// Applies sources' events in order, then derives once and brings the tables up to date.
fn on_sources(app: &mut App, events: Vec<SourceEvent>) -> Vec<Effect> {
    let selected = app.selected_keys();
    let mut latest: Option<chrono::DateTime<chrono::Utc>> = None;
    let mut failed = false;
    let mut entered_alarm = Vec::new();
    let mut first_polls = false;
    for event in events {
        if app.frozen && matches!(event, SourceEvent::Data { .. }) {
            hold(&mut app.held, event);
            continue;
        }
        match event {
            SourceEvent::Polling { id } => {
                app.data.sources.entry(id).or_default().polling = true;
                first_polls = true;
            }
            SourceEvent::Failed { id, error, at } => {
                let account = id.account_id.clone();
                let status = app.data.sources.entry(id).or_default();
                status.polling = false;
                status.credentials_error =
                    (error.kind == SourceErrorKind::Credentials).then(|| error.message.clone());
                status.last_error = Some((at, error.to_string()));
                app.data.update_reach(&account);
                failed = true;
            }
            SourceEvent::Data { id, data, at } => {
                let applied = app.data.apply(&id, data);
                let account = id.account_id.clone();
                let status = app.data.sources.entry(id).or_default();
                status.polling = false;
                status.last_success = Some(at);
                status.last_error = None;
                status.credentials_error = None;
                app.data.update_reach(&account);
                latest = latest.max(Some(at));
                entered_alarm.extend(applied.entered_alarm);
            }
        }
    }
    if let Some(at) = latest {
        let derived = app.data.derive(
            &app.settings.thresholds,
            app.settings.alarm_severity,
            app.now.max(at),
        );
        app.refresh_views(&derived, &selected);
    }
    // The organisation may have come with the session after the tables were built: the
    // first polls list its accounts.
    let unlisted = first_polls && app.view(Tab::Accounts).is_empty() && app.scope.is_none();
    if latest.is_some() || failed || unlisted {
        app.refresh_accounts();
    }
    if !entered_alarm.is_empty() {
        set_status(app, format!("New ALARM: {}", entered_alarm.join(", ")));
        if app.settings.bell {
            return vec![Effect::Bell];
        }
    }
    Vec::new()
}

/// Keeps `event` (a source's data) for when the freeze ends, at most one event per source,
/// so a long freeze holds no more than one poll's worth of each: a source that sends its
/// full set (alarms, IAM, baselines) keeps only its latest set; findings, which arrive as
/// changes, are merged by ID into one pending batch that gives the same findings as
/// applying every batch in order.
fn hold(held: &mut Vec<SourceEvent>, event: SourceEvent) {
    let SourceEvent::Data { id, data, at } = event else {
        held.push(event);
        return;
    };
    let pending = held.iter_mut().find_map(|e| match e {
        SourceEvent::Data {
            id: held_id,
            data,
            at,
        } if *held_id == id => Some((data, at)),
        _ => None,
    });
    match pending {
        Some((pending, pending_at)) => {
            *pending_at = at;
            merge_held(pending, data);
        }
        None => held.push(SourceEvent::Data { id, data, at }),
    }
}

/// `next` laid over `pending`, data of the same source.
fn merge_held(pending: &mut SourceData, next: SourceData) {
    match (pending, next) {
        (
            SourceData::Findings {
                detector,
                upserts,
                complete,
                members,
            },
            SourceData::Findings {
                detector: next_detector,
                upserts: next_upserts,
                complete: next_complete,
                members: next_members,
            },
        ) => {
            *detector = next_detector;
            if next_complete || !next_members.is_empty() {
                *members = next_members;
            }
            if next_complete {
                // A full listing replaces whatever changes came before it.
                *upserts = next_upserts;
                *complete = true;
            } else {
                // Changes after a full listing extend it: applied at once, the two give
                // what the listing then the changes give. An archived finding is kept, as
                // applying it takes the finding away.
                merge_findings(upserts, next_upserts);
            }
        }
        (pending, next) => *pending = next,
    }
}

/// `batch` merged into `pending` by finding ID: a finding already pending is replaced in its
/// place, a new one goes at the end, in order.
fn merge_findings(pending: &mut Vec<Finding>, batch: Vec<Finding>) {
    let incoming: HashSet<&str> = batch.iter().map(|f| &*f.id).collect();
    let mut position: HashMap<Box<str>, usize> = pending
        .iter()
        .enumerate()
        .filter(|(_, f)| incoming.contains(&*f.id))
        .map(|(i, f)| (f.id.clone(), i))
        .collect();
    drop(incoming);
    for finding in batch {
        match position.get(&finding.id).copied() {
            Some(i) => {
                if let Some(slot) = pending.get_mut(i) {
                    *slot = finding;
                }
            }
            None => {
                position.insert(finding.id.clone(), pending.len());
                pending.push(finding);
            }
        }
    }
}

/// How long a status message stays before the key hints return.
const STATUS_SECONDS: i64 = 8;

pub(super) fn set_status(app: &mut App, text: String) {
    app.say(text);
}

fn on_key(app: &mut App, key: Key) -> Vec<Effect> {
    // A key press means the message was seen.
    app.status = None;
    app.status_since = None;
    if is_quit(&key) {
        return vec![Effect::Quit];
    }
    if app.dialog.is_some() {
        return super::dialog::on_key(app, key);
    }
    if app.mode == Mode::Filter {
        edit_filter(app, key);
        return Vec::new();
    }
    if matches!(app.mode, Mode::Command { .. }) {
        return super::command::edit(app, key);
    }
    let layers: &[Layer] = match app.mode {
        // The messages read like the help: the same keys scroll and close them.
        Mode::Help { .. } | Mode::Messages { .. } => &[Layer::Help, Layer::Global],
        Mode::Detail { .. } => &[Layer::Detail, Layer::Global],
        _ => &[Layer::Table, Layer::Global],
    };
    let mut pending = false;
    for layer in layers {
        match app.keymap.resolve(*layer, &app.pending_keys, &key) {
            Resolution::Action(action) => {
                app.pending_keys.clear();
                return run(app, action);
            }
            Resolution::Pending => pending = true,
            Resolution::NoMatch => {}
        }
    }
    if pending {
        app.pending_keys.push(KeySpec {
            code: key.code,
            ctrl: key.modifiers.ctrl,
            alt: key.modifiers.alt,
        });
    } else if !app.pending_keys.is_empty() {
        // An unfinished chord followed by a key that does not continue it: start over with
        // this key alone, so `g j` still moves down.
        app.pending_keys.clear();
        return on_key(app, key);
    }
    Vec::new()
}

/// A paste is text, never keys: it goes into the `/` filter, the `:` line or a typed
/// confirmation (without control characters, so a pasted newline submits nothing), and is
/// ignored everywhere else.
fn on_paste(app: &mut App, text: &str) {
    let printable = || text.chars().filter(|c| !c.is_control());
    if app.dialog.is_some() {
        super::dialog::on_paste(app, text);
        return;
    }
    match &mut app.mode {
        Mode::Filter => {
            let tab = app.tab;
            let mut filter = app.view(tab).filter.clone();
            filter.extend(printable());
            app.set_filter(tab, bounded_filter(filter));
        }
        Mode::Command { text: line } => {
            let room = super::command::MAX_LINE_CHARS.saturating_sub(line.chars().count());
            line.extend(printable().take(room));
        }
        _ => set_status(
            app,
            "Paste ignored: paste into the / filter, the : line or a confirmation".to_string(),
        ),
    }
}

/// Puts `text` on the clipboard through the terminal, saying only what is known: the
/// terminal was sent OSC 52; whether it (or tmux, or the SSH client's terminal) passes it
/// on to a clipboard cannot be seen from here.
pub(super) fn copy(app: &mut App, text: String) -> Effect {
    set_status(
        app,
        "Sent to the terminal (OSC 52): it reaches the clipboard if the terminal allows OSC 52"
            .to_string(),
    );
    Effect::Copy(text)
}

/// Esc, or C-g as in emacs: leaves a prompt or a dialog without doing anything.
pub(super) fn cancels(key: &Key) -> bool {
    key.code == KeyCode::Esc || (key.code == KeyCode::Char('g') && key.modifiers.ctrl)
}

/// Ctrl-C always quits, whatever the keymap says or the screen shows, so no binding and no
/// dialog can trap the user.
pub fn is_quit(key: &Key) -> bool {
    key.code == KeyCode::Char('c') && key.modifiers.ctrl
}

fn edit_filter(app: &mut App, key: Key) {
    let tab = app.tab;
    let mut filter = app.view(tab).filter.clone();
    match key.code {
        KeyCode::Enter => {
            app.mode = Mode::Normal;
            return;
        }
        _ if cancels(&key) => {
            app.mode = Mode::Normal;
            filter.clear();
        }
        KeyCode::Backspace => {
            filter.pop();
        }
        KeyCode::Char('u') if key.modifiers.ctrl => filter.clear(),
        KeyCode::Char(c) if !key.modifiers.ctrl => filter.push(c),
        _ => return,
    }
    app.set_filter(tab, bounded_filter(filter));
}

/// Filters are bounded so a pasted novel cannot stall the matcher.
fn bounded_filter(mut filter: String) -> String {
    const MAX_FILTER_CHARS: usize = 256;
    if let Some((i, _)) = filter.char_indices().nth(MAX_FILTER_CHARS) {
        filter.truncate(i);
    }
    filter
}

fn run(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::Quit => return vec![Effect::Quit],
        Action::Refresh => {
            set_status(app, "Refreshing every source…".to_string());
            // The archived view, read on demand, is read again too.
            let mut effects = vec![Effect::RefreshAll];
            if app.data.archived.shown {
                effects.extend(super::archived::list(app));
            }
            return effects;
        }
        Action::Activity => return super::activity::open_from_row(app, None),
        Action::Actions => {
            let pane = app.tab.pane();
            let row = match &app.mode {
                Mode::Detail { key, .. } => pane.find(&app.data, key),
                _ => app.view(app.tab).selected_row(),
            };
            let targets = row.map(|r| pane.targets(&app.data, r)).unwrap_or_default();
            super::dialog::open(app, &targets);
        }
        // Overlays remove `unbind` entries; one that is somehow left does nothing.
        Action::Unbind => {}
        Action::Freeze => {
            if app.frozen {
                app.frozen = false;
                let held = std::mem::take(&mut app.held);
                let count = held.len();
                let effects = on_sources(app, held);
                if app.status.is_none() {
                    let text = format!("Unfrozen: the held updates of {count} source(s) applied");
                    set_status(app, text);
                }
                return effects;
            }
            app.frozen = true;
            set_status(
                app,
                "Frozen: updates are held until F is pressed again".to_string(),
            );
        }
        Action::Help => {
            app.mode = match app.mode {
                Mode::Help { .. } => Mode::Normal,
                _ => Mode::Help { scroll: 0 },
            };
        }
        Action::TabOverview => switch_tab(app, Tab::Overview),
        Action::TabAlarms => switch_tab(app, Tab::Alarms),
        Action::TabFindings => switch_tab(app, Tab::Findings),
        Action::TabIdentity => switch_tab(app, Tab::Identity),
        Action::TabPosture => switch_tab(app, Tab::Posture),
        Action::TabJournal => switch_tab(app, Tab::Journal),
        Action::TabAccounts if app.data.org.is_some() => switch_tab(app, Tab::Accounts),
        Action::TabAccounts => set_status(
            app,
            "No Accounts tab: this session watches one account".to_string(),
        ),
        Action::NextTab => switch_tab(app, app.tab.next(Tab::shown(&app.data))),
        Action::PrevTab => switch_tab(app, app.tab.prev(Tab::shown(&app.data))),
        Action::Down => move_by(app, 1),
        Action::Up => move_by(app, -1),
        Action::PageDown => move_by(app, page(app)),
        Action::PageUp => move_by(app, -page(app)),
        Action::Top => match &mut app.mode {
            Mode::Detail { scroll, .. } | Mode::Help { scroll } | Mode::Messages { scroll } => {
                *scroll = 0;
            }
            _ => app.view_mut(app.tab).select_first(),
        },
        Action::Bottom => {
            let last = max_scroll(app);
            match &mut app.mode {
                Mode::Detail { scroll, .. } | Mode::Help { scroll } | Mode::Messages { scroll } => {
                    *scroll = last;
                }
                _ => app.view_mut(app.tab).select_last(),
            }
        }
        Action::Open => {
            let tab = app.tab;
            if let Some(row) = app.view(tab).selected_row() {
                let key = tab.pane().key(&app.data, row);
                app.mode = Mode::Detail { key, scroll: 0 };
                // A finding's detail shows its JSON as GuardDuty sent it, read now: no
                // finding keeps it (a few KB each, for 100,000 findings).
                let finding = crate::panes::finding_at(tab, &app.data, row);
                if let Some(request) = finding.map(|f| app.data.finding_json_request(f)) {
                    app.data.read_finding_json(&request);
                    return vec![Effect::ReadFindingJson(request)];
                }
            }
        }
        Action::Back => app.mode = Mode::Normal,
        // The rows' filter text is gathered while the console is idle (`Msg::Idle`).
        Action::Filter => app.mode = Mode::Filter,
        Action::Command => {
            app.mode = Mode::Command {
                text: String::new(),
            }
        }
        Action::ClearFilter => {
            let tab = app.tab;
            if !app.view(tab).filter.is_empty() {
                app.set_filter(tab, String::new());
            } else if tab == Tab::Findings && app.data.archived.shown {
                // Nothing to clear: back from the archived findings.
                super::archived::close(app);
            }
        }
        Action::SortNext => {
            let tab = app.tab;
            // A new column starts ascending; `sort-reverse` flips it.
            let current = app.view(tab).sort_column;
            let column = crate::panes::shown::next_column(tab.pane(), &app.data, current);
            app.set_sort(tab, column, false);
        }
        Action::Undo => super::dialog::undo_last(app),
        Action::SortReverse => {
            let tab = app.tab;
            let view = app.view(tab);
            let (column, descending) = (view.sort_column, !view.descending);
            app.set_sort(tab, column, descending);
        }
    }
    Vec::new()
}

fn page(app: &App) -> isize {
    isize::try_from(app.page_rows()).unwrap_or(1)
}

fn switch_tab(app: &mut App, tab: Tab) {
    app.tab = tab;
    app.mode = Mode::Normal;
    app.pending_keys.clear();
}

fn move_by(app: &mut App, delta: isize) {
    let last = max_scroll(app);
    match &mut app.mode {
        Mode::Detail { scroll, .. } | Mode::Help { scroll } | Mode::Messages { scroll } => {
            *scroll = scroll.saturating_add_signed(delta).min(last);
        }
        _ => app.view_mut(app.tab).move_by(delta),
    }
}

/// The furthest a detail view or the help can scroll: its last line at the bottom of the
/// screen. Kept in the state, so scrolling back up after `G` starts moving at once.
fn max_scroll(app: &App) -> usize {
    let content = match &app.mode {
        // Laid out by the previous message's `update`.
        Mode::Detail { .. } => app.detail.as_ref().map_or(0, |view| view.rows.len()),
        Mode::Messages { .. } => app.messages.lines(App::messages_width(app.width)).len(),
        // A title and a blank line per layer, a line per binding, the organisation's
        // commands, and the closing note.
        Mode::Help { .. } => {
            let org = if app.data.org.is_some() {
                super::command::ORG_HELP.len() + 2
            } else {
                0
            };
            app.keymap
                .layers
                .values()
                .map(|b| b.len() + 2)
                .sum::<usize>()
                + org
                + 2
        }
        _ => 0,
    };
    content.saturating_sub(app.page_rows())
}
