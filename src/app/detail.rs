//! The open detail view, laid out once: its content (a finding's pretty-printed JSON, an
//! alarm's transitions, a user's checks) and its rows wrapped at the screen's width are
//! computed when something they show changes, and the renderer and the scroll limit read
//! them — a frame or a scroll key computes nothing.

use super::{App, Mode};
use crate::panes::{DetailLine, DetailRow, Tab, detail_rows};
use chrono::{DateTime, Utc};

/// The rows of the open detail view, with what they were computed for. `update` brings
/// them up to date after every message ([`App::refresh_detail`]): they are computed again
/// when the data changes (a poll, an action, the journal), when another item or tab is
/// shown, when the width changes, and at each clock tick, as most details show ages
/// (`5m ago`) that must stay true while the view is open. A tick whose content comes out
/// unchanged keeps the rows as they are.
#[derive(Clone, Debug, PartialEq)]
pub struct DetailView {
    pub tab: Tab,
    /// The item's key (`Mode::Detail`'s).
    pub key: String,
    /// Columns inside the view's borders.
    pub width: usize,
    /// `Data::generation` of the data shown.
    pub generation: u64,
    /// The clock the content was computed at.
    pub now: DateTime<Utc>,
    content: Vec<DetailLine>,
    /// The content laid out at `width`.
    pub rows: Vec<DetailRow>,
    /// How many times the content was computed, since the view was opened.
    pub computed: u64,
}

/// Columns inside a detail view's borders on a terminal `width` columns wide.
pub fn detail_width(width: u16) -> usize {
    usize::from(width.saturating_sub(2))
}

impl DetailView {
    fn shows(&self, tab: Tab, key: &str, width: usize) -> bool {
        self.tab == tab && self.key == key && self.width == width
    }
}

impl App {
    /// What the detail view of `key` on the current tab shows: the item's detail, or a note
    /// that it is gone.
    pub fn detail_content(&self, key: &str) -> Vec<DetailLine> {
        match self.row_of(key) {
            Some(row) => self.tab.pane().detail(&self.data, row, self.now),
            None => vec![DetailLine::Text(
                "This item is gone: it was archived, deleted or resolved since it was opened."
                    .to_string(),
            )],
        }
    }

    /// Brings [`App::detail`] up to date with the mode, tab, width, data and clock; costs a
    /// few comparisons when none of them changed (a scroll key). Pure: no I/O.
    pub(super) fn refresh_detail(&mut self) {
        let Mode::Detail { key, .. } = &self.mode else {
            self.detail = None;
            return;
        };
        let width = detail_width(self.width);
        let generation = self.data.generation();
        let now = self.now;
        let same_item = |view: &DetailView| view.shows(self.tab, key, width);
        if self
            .detail
            .as_ref()
            .is_some_and(|v| same_item(v) && v.generation == generation && v.now == now)
        {
            return;
        }
        let content = self.detail_content(key);
        let computed = match &self.detail {
            Some(view) if view.tab == self.tab && view.key == *key => view.computed + 1,
            _ => 1,
        };
        match self.detail.as_mut() {
            // The clock moved or other data changed, and this item reads the same.
            Some(view) if same_item(view) && view.content == content => {
                view.generation = generation;
                view.now = now;
                view.computed = computed;
            }
            _ => {
                self.detail = Some(DetailView {
                    tab: self.tab,
                    key: key.clone(),
                    width,
                    generation,
                    now,
                    rows: detail_rows(&content, width),
                    content,
                    computed,
                });
            }
        }
    }
}
