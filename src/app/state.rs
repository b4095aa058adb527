use super::TableView;
use crate::config::{KeySpec, Keymap, Settings};
use crate::domain::{CallerIdentity, SourceId, SourceKind};
use crate::panes::Tab;
use crate::store::{Data, SourceStatus};
use crate::store::{Derived, RowsChange};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::sync::Arc;

/// What the header shows about the session.
#[derive(Clone, Debug, PartialEq)]
pub struct HeaderInfo {
    pub caller: CallerIdentity,
    /// The AWS profile, when one was named (`--profile`, `AWS_PROFILE` or `:profile`).
    pub profile: Option<String>,
    pub regions: Vec<String>,
    pub demo: bool,
    pub read_only: bool,
    /// A label from the account's `[[accounts]]` rule, e.g. PRODUCTION.
    pub banner: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mode {
    Normal,
    /// Typing a `/` filter; keys edit the current table's filter.
    Filter,
    /// Looking at one row; `key` pins the item even if rows move underneath.
    Detail {
        key: String,
        scroll: usize,
    },
    Help {
        scroll: usize,
    },
    /// `:messages`: the status line's history, newest first.
    Messages {
        scroll: usize,
    },
    /// Typing a `:` command.
    Command {
        text: String,
    },
}

pub struct App {
    pub header: HeaderInfo,
    pub tab: Tab,
    pub mode: Mode,
    pub data: Data,
    views: [TableView; Tab::ALL.len()],
    pub now: DateTime<Utc>,
    pub keymap: Arc<Keymap>,
    /// Keys typed so far of a chord such as `g g`.
    pub pending_keys: Vec<KeySpec>,
    pub settings: Settings,
    /// Terminal size, for page movements.
    pub width: u16,
    pub height: u16,
    /// A one-line message for the status bar, until a key is pressed or it has been shown
    /// for a few seconds.
    pub status: Option<String>,
    pub status_since: Option<DateTime<Utc>>,
    /// Frozen: data from the sources is held, not shown, so rows stay still while reading.
    pub frozen: bool,
    /// The data held while frozen, applied in order when the freeze ends.
    pub held: Vec<super::SourceEvent>,
    /// The remediation dialog, over whatever the user was looking at.
    pub dialog: Option<super::Dialog>,
    /// Counts the dialog's steps (menu, preview, outcome…): the runtime lets each new step
    /// settle before it takes keys.
    pub dialog_step: u64,
    /// How far the open dialog's preview is scrolled (↑/↓), below its pinned target.
    pub dialog_scroll: usize,
    /// A `:region` or `:profile` switch is connecting; actions wait until it is done.
    pub switching: Option<super::SwitchTarget>,
    /// The open detail view laid out, kept up to date by `update`.
    pub detail: Option<super::DetailView>,
    /// `:account`: the accounts whose rows every tab shows; `None`: all of them.
    pub scope: Option<Arc<super::Scope>>,
    /// The last action that ran and succeeded (as it ran): its undo is offered until
    /// another action runs.
    pub last_done: Option<crate::remediation::Offer>,
    /// Tab's completions on the `:` line, while they are cycled through.
    pub completion: Option<super::complete::Completion>,
    /// Every status message shown, for `:messages`.
    pub messages: super::Messages,
}

impl App {
    pub fn new(
        header: HeaderInfo,
        keymap: Arc<Keymap>,
        settings: Settings,
        source_ids: impl IntoIterator<Item = SourceId>,
        now: DateTime<Utc>,
    ) -> App {
        let mut data = Data::default();
        data.sources = statuses(source_ids);
        App {
            header,
            tab: Tab::Overview,
            mode: Mode::Normal,
            data,
            views: Tab::ALL.map(|t| TableView::new(t.pane())),
            now,
            keymap,
            pending_keys: Vec::new(),
            settings,
            width: 80,
            height: 24,
            status: None,
            status_since: None,
            frozen: false,
            held: Vec::new(),
            dialog: None,
            dialog_step: 0,
            dialog_scroll: 0,
            switching: None,
            detail: None,
            scope: None,
            last_done: None,
            completion: None,
            messages: super::Messages::default(),
        }
    }

    /// Makes the console an organisation's (or one account's, with `None`): the Accounts
    /// tab and the Account columns follow the data, and a scope of other accounts goes.
    pub fn set_org(&mut self, org: Option<crate::domain::Organization>) {
        self.data.org = org;
        self.set_scope(None);
        self.rebuild_views();
    }

    /// Shows only the rows of the accounts in `scope` on every tab (every row with `None`).
    pub fn set_scope(&mut self, scope: Option<Arc<super::Scope>>) {
        for tab in Tab::ALL {
            let view = &mut self.views[tab.index()];
            view.set_scope(tab.pane(), &self.data, scope.clone());
        }
        self.scope = scope;
    }

    /// Brings the Accounts tab up to date after a source's poll, in an organisation: its
    /// reach, failures and data ages may all have moved. Frozen, its rows stay still.
    pub fn refresh_accounts(&mut self) {
        if self.data.org.is_some() && !self.frozen {
            self.rebuild_view(Tab::Accounts);
        }
    }

    /// Moves the console to another session: everything shown of the old account or
    /// regions goes (data, selections, filters, held updates, an open dialog or detail
    /// view); the journal stays, as it records what was done whatever the account.
    pub fn replace_session(
        &mut self,
        header: HeaderInfo,
        source_ids: impl IntoIterator<Item = SourceId>,
    ) {
        let journal = std::mem::take(&mut self.data.journal);
        let journal_path = self.data.journal_path.take();
        self.data = Data::default();
        self.data.journal = journal;
        self.data.journal_path = journal_path;
        for tab in Tab::ALL.into_iter().filter(|&tab| tab != Tab::Journal) {
            self.views[tab.index()] = TableView::new(tab.pane());
        }
        self.data.sources = statuses(source_ids);
        self.rebuild_views();
        self.header = header;
        self.frozen = false;
        self.held.clear();
        self.dialog = None;
        // The last action was on the session being left.
        self.last_done = None;
        self.switching = None;
        self.detail = None;
        self.scope = None;
        // The old account's activity went with its data, and its tab with it.
        if self.tab == Tab::Activity {
            self.tab = Tab::Overview;
        }
        if matches!(self.mode, Mode::Detail { .. } | Mode::Filter) {
            self.mode = Mode::Normal;
        }
    }

    pub fn view(&self, tab: Tab) -> &TableView {
        // One view per tab, and `Tab::index` is always below `Tab::ALL.len()`.
        &self.views[tab.index()]
    }

    pub fn view_mut(&mut self, tab: Tab) -> &mut TableView {
        &mut self.views[tab.index()]
    }

    /// Recomputes every table's rows (after data changed).
    pub fn rebuild_views(&mut self) {
        for tab in Tab::ALL {
            let view = &mut self.views[tab.index()];
            view.rebuild(tab.pane(), &self.data);
        }
    }

    /// Recomputes every table's rows after the data changed, keeping each selection on
    /// its item (`selected`: `selected_keys` from before the change); where the item left
    /// the table, on the row that took its place, its neighbour.
    pub fn rebuild_views_selecting(&mut self, selected: &[Option<String>; Tab::ALL.len()]) {
        for tab in Tab::ALL {
            let keep = selected.get(tab.index()).cloned().flatten();
            self.views[tab.index()].rebuild_selecting(tab.pane(), &self.data, keep);
        }
    }

    /// Recomputes one table's rows.
    pub fn rebuild_view(&mut self, tab: Tab) {
        self.views[tab.index()].rebuild(tab.pane(), &self.data);
    }

    /// Recomputes one table's rows, keeping the item `keep` selected.
    pub fn rebuild_view_selecting(&mut self, tab: Tab, keep: Option<String>) {
        self.views[tab.index()].rebuild_selecting(tab.pane(), &self.data, keep);
    }

    /// The key of each table's selected item, taken before data changes so the selection
    /// can follow its item.
    pub fn selected_keys(&self) -> [Option<String>; Tab::ALL.len()] {
        Tab::ALL.map(|tab| {
            self.view(tab)
                .selected_row()
                .filter(|&row| row < tab.pane().len(&self.data))
                .map(|row| tab.pane().key(&self.data, row))
        })
    }

    /// Brings the tables up to date with what `Data::derive` changed; tables whose data did
    /// not change are left alone, and the findings and triage tables are patched rather
    /// than rebuilt when only some rows moved. `selected` holds `selected_keys` from before
    /// the change.
    pub fn refresh_views(
        &mut self,
        derived: &Derived,
        selected: &[Option<String>; Tab::ALL.len()],
    ) {
        let keep = |tab: Tab| selected.get(tab.index()).cloned().flatten();
        let rebuild = |app: &mut App, tab: Tab| {
            app.views[tab.index()].rebuild_selecting(tab.pane(), &app.data, keep(tab));
        };
        if derived.alarms {
            rebuild(self, Tab::Alarms);
        }
        if derived.identity {
            rebuild(self, Tab::Identity);
        }
        // The archived view shows no unarchived finding: its rows did not change.
        let findings = match self.data.archived.shown {
            true => &RowsChange::None,
            false => &derived.findings,
        };
        for (tab, change) in [(Tab::Posture, &derived.checks), (Tab::Findings, findings)] {
            match change {
                RowsChange::None => {}
                RowsChange::Rows(rows) => {
                    self.views[tab.index()].update_rows(
                        tab.pane(),
                        &self.data,
                        None,
                        rows,
                        keep(tab).as_deref(),
                    );
                }
                RowsChange::All => rebuild(self, tab),
            }
        }
        if let Some(change) = &derived.triage {
            if change.remap.iter().all(Option::is_none) {
                rebuild(self, Tab::Overview);
            } else {
                self.views[Tab::Overview.index()].update_rows(
                    Tab::Overview.pane(),
                    &self.data,
                    Some(&change.remap),
                    &change.added,
                    keep(Tab::Overview).as_deref(),
                );
            }
        }
    }

    /// Whether there is work the console does when it has nothing else to do: the filter
    /// text of the table being filtered.
    pub fn idle_pending(&self) -> bool {
        let filtering = self.mode == Mode::Filter || !self.view(self.tab).filter.is_empty();
        filtering
            && self
                .view(self.tab)
                .search_incomplete(self.tab.pane(), &self.data)
    }

    /// Does a slice of the idle work (a few milliseconds at most, so a key pressed
    /// meanwhile waits no longer).
    pub fn idle_step(&mut self) {
        /// Rows whose filter text is gathered per step: 2 to 4 ms of findings.
        const ROWS_PER_STEP: usize = 8_192;
        if self.idle_pending() {
            let tab = self.tab;
            self.views[tab.index()].gather_search(tab.pane(), &self.data, ROWS_PER_STEP);
        }
    }

    pub fn set_filter(&mut self, tab: Tab, filter: String) {
        self.views[tab.index()].set_filter(tab.pane(), &self.data, filter);
    }

    pub fn set_sort(&mut self, tab: Tab, column: usize, descending: bool) {
        self.views[tab.index()].set_sort(tab.pane(), &self.data, column, descending);
    }

    /// The row of the current tab whose key is `key` (the item a detail view is pinned to).
    /// That is nearly always the selected row, which is checked first, so a frame does not
    /// search the whole table.
    pub fn row_of(&self, key: &str) -> Option<usize> {
        let pane = self.tab.pane();
        self.view(self.tab)
            .selected_row()
            .filter(|&row| row < pane.len(&self.data) && pane.key(&self.data, row) == key)
            .or_else(|| pane.find(&self.data, key))
    }

    /// Rows of table body visible on screen, for paging and scrolling.
    pub fn page_rows(&self) -> usize {
        page_rows_for(self.tab, self.height)
    }

    pub fn keep_selections_in_view(&mut self) {
        for tab in Tab::ALL {
            let height = page_rows_for(tab, self.height);
            self.views[tab.index()].keep_in_view(height);
        }
    }

    /// The freshest successful poll of any source of `kind`, and whether any of them is
    /// currently failing. In an organisation, only the accounts `:account` shows count,
    /// and an unreachable account's failures are not counted again: the header says how
    /// many accounts are unreachable, the Accounts tab why.
    pub fn freshness(&self, kind: SourceKind) -> (Option<DateTime<Utc>>, Option<&str>) {
        let mut freshest = None;
        let mut error = None;
        let from = SourceId {
            kind,
            account_id: String::new(),
            region: None,
        };
        for (id, status) in self
            .data
            .sources
            .range(from..)
            .take_while(|(id, _)| id.kind == kind)
        {
            if self
                .scope
                .as_ref()
                .is_some_and(|s| !s.includes(&id.account_id))
            {
                continue;
            }
            freshest = freshest.max(status.last_success);
            // The account lookup only for a failing source: there are thousands per frame.
            if error.is_none() {
                if let Some((_, e)) = status.last_error.as_ref() {
                    if !self.unreachable(&id.account_id) {
                        error = Some(e.as_str());
                    }
                }
            }
        }
        (freshest, error)
    }

    /// Whether `account` is one of the organisation's that cannot be reached.
    fn unreachable(&self, account: &str) -> bool {
        self.data
            .org
            .as_ref()
            .and_then(|org| org.account(account))
            .is_some_and(|a| a.reach.is_unreachable())
    }

    /// The message of a credentials failure of the session's own credentials, if a
    /// source's last poll had one: any source of a single account; in an organisation, one
    /// of the caller's own account (a member's failure makes that account unreachable).
    pub fn credentials_problem(&self) -> Option<&str> {
        match &self.data.org {
            Some(_) => self.credentials_problem_of(&self.header.caller.account_id),
            None => self
                .data
                .sources
                .values()
                .find_map(|s| s.credentials_error.as_deref()),
        }
    }

    /// The message of a credentials failure of one account's sources, if any.
    pub fn credentials_problem_of(&self, account: &str) -> Option<&str> {
        self.data
            .sources_of(account)
            .find_map(|(_, s)| s.credentials_error.as_deref())
    }
}

/// Every source of a session, none polled yet.
fn statuses(ids: impl IntoIterator<Item = SourceId>) -> BTreeMap<SourceId, SourceStatus> {
    ids.into_iter()
        .map(|id| (id, SourceStatus::default()))
        .collect()
}

/// Rows the screen layout gives to everything but a table's body: the header, the tab bar
/// and the status line, the table's borders and column titles. The UI lays out with the
/// same numbers.
pub const HEADER_ROWS: u16 = 2;
pub const TAB_BAR_ROWS: u16 = 1;
pub const STATUS_ROWS: u16 = 1;
pub const TABLE_CHROME_ROWS: u16 = 3;
/// The Overview's per-source summary above its queue.
pub const SUMMARY_ROWS: u16 = 4;

pub fn page_rows_for(tab: Tab, height: u16) -> usize {
    let summary = if tab == Tab::Overview {
        SUMMARY_ROWS
    } else {
        0
    };
    let chrome = HEADER_ROWS + TAB_BAR_ROWS + STATUS_ROWS + TABLE_CHROME_ROWS + summary;
    usize::from(height.saturating_sub(chrome)).max(1)
}
