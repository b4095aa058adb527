//! The view of one table: which rows pass the filter, in which order, and which is selected.
//! Recomputed when data, filter or sort change — never while rendering a frame — and only
//! as far as needed: typing narrows the rows that matched, Backspace returns to an earlier
//! result, and a batch of changed rows is re-placed without sorting the whole table.

use super::filter::{Filter, Rank, narrows};
use super::scope::Scope;
use super::search_text::SearchTexts;
use crate::panes::{Pane, SortKey, shown};
use crate::store::Data;
use std::cmp::Ordering;
use std::sync::Arc;

/// Earlier filter results kept for Backspace, at most this many.
const FILTER_HISTORY: usize = 16;

/// A row the filter keeps, with how well it matches (0 without a filter), in 4 bytes: a view
/// holds one per row, and 500 accounts make some 730,000 rows over the tabs. The low 24 bits
/// are the row (tables of up to 16.7 million rows; a row past that points at nothing), the
/// high 8 the rank, capped at 255 (ranks above 255 rank as 255: a filter of 64 terms).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Kept(u32);

impl Kept {
    const ROW_BITS: u32 = 24;
    const ROW_MASK: u32 = (1 << Self::ROW_BITS) - 1;

    fn new(row: usize, rank: Rank) -> Self {
        let row = u32::try_from(row)
            .ok()
            .filter(|row| *row < Self::ROW_MASK)
            .unwrap_or(Self::ROW_MASK);
        let rank = u32::from(rank.min(Rank::from(u8::MAX)));
        Kept(rank << Self::ROW_BITS | row)
    }

    fn row(self) -> usize {
        self.index() as usize
    }

    fn index(self) -> u32 {
        self.0 & Self::ROW_MASK
    }

    fn rank(self) -> Rank {
        (self.0 >> Self::ROW_BITS) as Rank
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct TableView {
    /// While a filter ranks the rows: indices into the pane's rows in the order shown
    /// (`ordered` by rank). Otherwise `ordered` is that order, and this is empty.
    by_rank: Vec<u32>,
    /// Position in `rows` of the selected row.
    pub selected: usize,
    /// First visible position, kept so the selection stays in view without jumping.
    pub offset: usize,
    pub filter: String,
    pub sort_column: usize,
    pub descending: bool,
    /// Whether the user chose the sort; until then a filter shows its best matches first.
    sort_chosen: bool,
    /// The rows the filter keeps, in sort order, each with its rank: the rows shown are
    /// this list, or, while a filter ranks them, this list by rank (ties keep the sort
    /// order).
    ordered: Vec<Kept>,
    /// The filter `ordered` was computed with, to narrow incrementally as the user types.
    applied_filter: String,
    /// Rows of shorter filters this one was narrowed from (same data and order), newest
    /// last, so deleting a character does not search the whole table again.
    history: Vec<(String, Vec<Kept>)>,
    /// Each row's filter text while the table is being filtered (empty otherwise), so a
    /// keystroke reads one compact list instead of every item's fields scattered in memory.
    search: SearchTexts,
    /// `:account`: only the rows of these accounts are shown (rows of no account always).
    scope: Option<Arc<Scope>>,
}

impl TableView {
    pub fn new(pane: &dyn Pane) -> Self {
        let (sort_column, descending) = pane.default_sort();
        TableView {
            by_rank: Vec::new(),
            selected: 0,
            offset: 0,
            filter: String::new(),
            sort_column,
            descending,
            sort_chosen: false,
            ordered: Vec::new(),
            applied_filter: String::new(),
            history: Vec::new(),
            search: SearchTexts::default(),
            scope: None,
        }
    }

    /// Shows only the rows of the accounts in `scope` (all rows with `None`).
    pub fn set_scope(&mut self, pane: &dyn Pane, data: &Data, scope: Option<Arc<Scope>>) {
        if self.scope != scope {
            self.scope = scope;
            self.rebuild(pane, data);
        }
    }

    /// Whether `row` is in the scope.
    fn in_scope(&self, pane: &dyn Pane, data: &Data, row: usize) -> bool {
        match (&self.scope, pane.account(data, row)) {
            (Some(scope), Some(account)) => scope.includes(account),
            _ => true,
        }
    }

    /// Whether some rows' filter text is still to be gathered (see `gather_search`).
    pub fn search_incomplete(&self, pane: &dyn Pane, data: &Data) -> bool {
        self.search.len() < pane.len(data)
    }

    /// Gathers up to `rows` more rows' filter text. Pressing `/` gathers nothing: the text
    /// is gathered a slice at a time while the console is idle (a person's next keystroke
    /// is tens of milliseconds away), and a filter applied before that reads the rows not
    /// gathered yet from the data.
    pub fn gather_search(&mut self, pane: &dyn Pane, data: &Data, rows: usize) {
        if self.search.len() > pane.len(data) {
            self.search = SearchTexts::default();
        }
        self.search.gather_more(pane, data, rows);
    }

    pub fn selected_row(&self) -> Option<usize> {
        self.row_at(self.selected)
    }

    /// How many rows are shown.
    pub fn len(&self) -> usize {
        self.ordered.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ordered.is_empty()
    }

    /// The pane's row shown at position `pos`.
    pub fn row_at(&self, pos: usize) -> Option<usize> {
        if self.ranked() {
            self.by_rank.get(pos).map(|&index| index as usize)
        } else {
            self.ordered.get(pos).map(|kept| kept.row())
        }
    }

    /// The pane's rows in the order shown, as a list (a copy: for checks, not for drawing).
    pub fn rows(&self) -> Vec<usize> {
        self.shown_rows().collect()
    }

    /// The pane's rows in the order shown.
    pub fn shown_rows(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.len()).filter_map(|pos| self.row_at(pos))
    }

    /// Whether the user chose the sort column (`s`, `S`).
    pub fn sort_chosen(&self) -> bool {
        self.sort_chosen
    }

    /// Whether the rows shown are ordered by how well they match: while a filter is applied
    /// and the user has not chosen a sort.
    pub fn ranked(&self) -> bool {
        !self.sort_chosen && !self.applied_filter.trim().is_empty()
    }

    /// Orders the rows shown by rank, when a filter ranks them.
    fn show(&mut self) {
        self.by_rank = if self.ranked() {
            by_rank(&self.ordered)
        } else {
            Vec::new()
        };
    }

    /// Full recomputation: filter every row, sort, and keep the selection on the same item.
    pub fn rebuild(&mut self, pane: &dyn Pane, data: &Data) {
        let keep = self.selected_row().map(|row| pane.key(data, row));
        self.rebuild_selecting(pane, data, keep);
    }

    /// `rebuild` after the data changed: `keep` is the key of the item that was selected
    /// before the change (the selected row index may name another item now).
    pub fn rebuild_selecting(&mut self, pane: &dyn Pane, data: &Data, keep: Option<String>) {
        let len = pane.len(data);
        self.search = SearchTexts::default();
        let scoped: Vec<usize> = if self.scope.is_some() {
            (0..len)
                .filter(|&row| self.in_scope(pane, data, row))
                .collect()
        } else {
            (0..len).collect()
        };
        let mut ordered: Vec<Kept> = if self.filter.is_empty() {
            scoped.into_iter().map(|row| Kept::new(row, 0)).collect()
        } else {
            filter_rows(pane, data, &self.search, scoped.into_iter(), &self.filter)
        };
        sort_rows(pane, data, &mut ordered, self.sort_column, self.descending);
        self.ordered = ordered;
        self.applied_filter = self.filter.clone();
        self.history.clear();
        self.show();
        self.reselect(pane, data, keep);
    }

    /// Brings the rows up to date after some of the pane's rows changed, without filtering
    /// or sorting the whole table. `remap`, when given, maps each old row index to its new
    /// one (`None`: the row is gone) and must keep the order of the rows it keeps; `changed`
    /// lists the (new) indices of rows that are new or whose content changed. Every other
    /// row kept its content, so its filter result and sort key still hold. The result is
    /// what `rebuild` gives. `keep` is the key of the item selected before the change.
    pub fn update_rows(
        &mut self,
        pane: &dyn Pane,
        data: &Data,
        remap: Option<&[Option<usize>]>,
        changed: &[usize],
        keep: Option<&str>,
    ) {
        if self.applied_filter != self.filter {
            self.rebuild_selecting(pane, data, keep.map(str::to_string));
            return;
        }
        let map = |row: usize| match remap {
            Some(remap) => remap.get(row).copied().flatten(),
            None => Some(row),
        };
        // The selected item: where its row went, or, if it changed (and so moved), the
        // changed row with its key.
        let selected = self.selected_row().and_then(map).or_else(|| {
            let key = keep?;
            changed
                .iter()
                .copied()
                .find(|&row| row < pane.len(data) && pane.key(data, row) == key)
        });
        let len = pane.len(data);
        let mut is_changed = vec![false; len];
        for &row in changed {
            if let Some(flag) = is_changed.get_mut(row) {
                *flag = true;
            }
        }
        if self.filter.is_empty() || self.search.len() < remap.map_or(len, <[_]>::len) {
            // Not needed, or only partly gathered: gathered again when needed.
            self.search = SearchTexts::default();
        } else {
            self.search = self.search.remapped(pane, data, map, &is_changed);
        }
        let kept: Vec<Kept> = self
            .ordered
            .iter()
            .filter_map(|kept| Some(Kept::new(map(kept.row())?, kept.rank())))
            .filter(|kept| !is_changed.get(kept.row()).copied().unwrap_or(true))
            .collect();
        let candidates = is_changed
            .iter()
            .enumerate()
            .filter(|(row, changed)| **changed && self.in_scope(pane, data, *row))
            .map(|(row, _)| row);
        let mut fresh: Vec<Kept> = if self.filter.is_empty() {
            candidates.map(|row| Kept::new(row, 0)).collect()
        } else {
            filter_rows(pane, data, &self.search, candidates, &self.filter)
        };
        sort_rows(pane, data, &mut fresh, self.sort_column, self.descending);

        // Merge: each fresh row goes where a binary search over the kept rows puts it.
        let (column, descending) = (self.sort_column, self.descending);
        let mut ordered = Vec::with_capacity(kept.len() + fresh.len());
        let mut rest = &kept[..];
        for kept in fresh {
            let row = kept.row();
            let key = shown::sort_key(pane, data, row, column);
            let at = rest.partition_point(|other| {
                let other_key = shown::sort_key(pane, data, other.row(), column);
                row_order(&other_key, other.row(), &key, row, descending).is_lt()
            });
            let (before, after) = rest.split_at(at);
            ordered.extend_from_slice(before);
            ordered.push(kept);
            rest = after;
        }
        ordered.extend_from_slice(rest);
        self.ordered = ordered;
        self.history.clear();
        self.show();
        self.reselect_row(selected);
    }

    /// Applies a changed filter. When the new filter extends the old one, only the rows that
    /// already matched are searched again (typing narrows; it never needs the whole table);
    /// when it returns to a filter it was narrowed from, that result is reused.
    pub fn set_filter(&mut self, pane: &dyn Pane, data: &Data, filter: String) {
        self.filter = filter;
        if self.filter == self.applied_filter {
            return;
        }
        let keep = self.selected_row();
        if narrows(&self.applied_filter, &self.filter) {
            let current = std::mem::take(&mut self.ordered);
            self.ordered = filter_rows(
                pane,
                data,
                &self.search,
                current.iter().map(|kept| kept.row()),
                &self.filter,
            );
            let previous = std::mem::replace(&mut self.applied_filter, self.filter.clone());
            if self.history.len() >= FILTER_HISTORY {
                self.history.remove(0);
            }
            self.history.push((previous, current));
        } else if let Some(i) = self.history.iter().rposition(|(f, _)| *f == self.filter) {
            self.history.truncate(i + 1);
            if let Some((applied, ordered)) = self.history.pop() {
                self.ordered = ordered;
                self.applied_filter = applied;
            }
        } else {
            self.rebuild(pane, data);
            return;
        }
        self.show();
        // The data did not change, so a row index still names the same item.
        self.reselect_row(keep);
    }

    pub fn set_sort(&mut self, pane: &dyn Pane, data: &Data, column: usize, descending: bool) {
        self.sort_column = column;
        self.descending = descending;
        self.sort_chosen = true;
        let keep = self.selected_row();
        let mut ordered = std::mem::take(&mut self.ordered);
        sort_rows(pane, data, &mut ordered, column, descending);
        self.ordered = ordered;
        // Earlier results are in the old order.
        self.history.clear();
        self.show();
        self.reselect_row(keep);
    }

    /// `reselect` for a row index that still names the same item.
    fn reselect_row(&mut self, row: Option<usize>) {
        if self.selected == 0 {
            return;
        }
        let found = row.and_then(|row| self.shown_rows().position(|r| r == row));
        if let Some(pos) = found {
            self.selected = pos;
            return;
        }
        self.selected = self.selected.min(self.len().saturating_sub(1));
    }

    /// Keeps the selection on the item it was on when rows move, except at the top: a
    /// selection on the first row stays on the first row, so the worst, newest item of a
    /// queue is what is selected as data arrives.
    fn reselect(&mut self, pane: &dyn Pane, data: &Data, key: Option<String>) {
        if self.selected == 0 {
            return;
        }
        if let Some(key) = key {
            let found = self.shown_rows().position(|row| pane.key(data, row) == key);
            if let Some(pos) = found {
                self.selected = pos;
                return;
            }
        }
        self.selected = self.selected.min(self.len().saturating_sub(1));
    }

    /// Moves the selection by `delta` rows, clamped to the table.
    pub fn move_by(&mut self, delta: isize) {
        let last = self.len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }

    pub fn select_first(&mut self) {
        self.selected = 0;
    }

    pub fn select_last(&mut self) {
        self.selected = self.len().saturating_sub(1);
    }

    /// Moves `offset` just enough that the selection is within `height` visible rows.
    /// Called by `update`, so rendering only reads.
    pub fn keep_in_view(&mut self, height: usize) {
        self.offset = window_start(self.offset, self.selected, self.len(), height);
    }

    /// The positions to draw in `height` rows. Pure: if the stored offset does not show the
    /// selection (the terminal changed size since), the window is shifted for this frame.
    pub fn window(&self, height: usize) -> std::ops::Range<usize> {
        let start = window_start(self.offset, self.selected, self.len(), height);
        start..(start + height.max(1)).min(self.len())
    }
}

fn window_start(offset: usize, selected: usize, len: usize, height: usize) -> usize {
    let height = height.max(1);
    let start = if selected < offset {
        selected
    } else if selected >= offset + height {
        selected + 1 - height
    } else {
        offset
    };
    start.min(len.saturating_sub(height))
}

/// The rows (in the order given) that `filter` keeps, with their ranks, reading each row's
/// text from `search` where it was gathered, and from the data where not yet.
fn filter_rows(
    pane: &dyn Pane,
    data: &Data,
    search: &SearchTexts,
    rows: impl Iterator<Item = usize> + Clone,
    filter: &str,
) -> Vec<Kept> {
    let filter = Filter::parse(filter);
    let len = pane.len(data);
    // Rows are tested in the data's order, not the table's: the filter texts (and the items)
    // lie in memory in about that order, and at 100,000 rows memory reads are the cost.
    let mut tested: Vec<Option<Rank>> = vec![None; len];
    let mut wanted = vec![false; len];
    for row in rows.clone() {
        if let Some(flag) = wanted.get_mut(row) {
            *flag = true;
        }
    }
    let mut haystack = String::new();
    for (row, rank) in tested.iter_mut().enumerate() {
        if !wanted.get(row).copied().unwrap_or(false) {
            continue;
        }
        let text: &str = match search.get(row) {
            Some(text) => text,
            None => {
                haystack.clear();
                shown::haystack(pane, data, row, &mut haystack);
                &haystack
            }
        };
        *rank = filter.rank(text.as_bytes());
    }
    rows.filter_map(|row| Some(Kept::new(row, tested.get(row).copied().flatten()?)))
        .collect()
}

/// The rows of `ordered` by rank, best first; rows of equal rank keep their order. A
/// counting sort: ranks are few and small, and this runs on every keystroke.
fn by_rank(ordered: &[Kept]) -> Vec<u32> {
    let top = ordered.iter().map(|kept| usize::from(kept.rank())).max();
    let mut starts = vec![0usize; top.map_or(0, |top| top + 2)];
    for kept in ordered {
        if let Some(count) = starts.get_mut(usize::from(kept.rank()) + 1) {
            *count += 1;
        }
    }
    for i in 1..starts.len() {
        let before = starts.get(i - 1).copied().unwrap_or(0);
        if let Some(start) = starts.get_mut(i) {
            *start += before;
        }
    }
    let mut rows = vec![0; ordered.len()];
    for kept in ordered {
        if let Some(next) = starts.get_mut(usize::from(kept.rank())) {
            if let Some(slot) = rows.get_mut(*next) {
                *slot = kept.index();
            }
            *next += 1;
        }
    }
    rows
}

fn sort_rows(pane: &dyn Pane, data: &Data, rows: &mut Vec<Kept>, column: usize, descending: bool) {
    // Every table's default order is numeric: such keys sort as 16-byte pairs instead of
    // 32-byte enums, which at 100,000 rows keeps a sort's scratch space under 4 MB.
    let numeric: Option<Vec<((i64, i64), Kept)>> = rows
        .iter()
        .map(
            |&kept| match shown::sort_key(pane, data, kept.row(), column) {
                SortKey::Num(n) => Some(((n, 0), kept)),
                SortKey::Pair(a, b) => Some(((a, b), kept)),
                SortKey::Text(_) => None,
            },
        )
        .collect();
    if let Some(mut keyed) = numeric {
        keyed.sort_unstable_by(|(a, ka), (b, kb)| {
            let order = if descending { b.cmp(a) } else { a.cmp(b) };
            order.then(ka.index().cmp(&kb.index()))
        });
        rows.clear();
        rows.extend(keyed.into_iter().map(|(_, kept)| kept));
        return;
    }
    let mut keyed: Vec<(SortKey, Kept)> = rows
        .iter()
        .map(|&kept| (shown::sort_key(pane, data, kept.row(), column), kept))
        .collect();
    keyed.sort_by(|(a, ka), (b, kb)| row_order(a, ka.row(), b, kb.row(), descending));
    rows.clear();
    rows.extend(keyed.into_iter().map(|(_, kept)| kept));
}

/// The order of a table's rows: by key, with the row index as tie-breaker, so equal keys
/// keep the source's order.
fn row_order(a: &SortKey, ra: usize, b: &SortKey, rb: usize, descending: bool) -> Ordering {
    let order = if descending { b.cmp(a) } else { a.cmp(b) };
    order.then(ra.cmp(&rb))
}

#[cfg(test)]
mod tests {
    use super::{Kept, by_rank};

    #[test]
    fn ranking_is_stable_and_best_first() {
        let ordered =
            [(7, 3), (2, 0), (9, 3), (4, 1), (5, 0)].map(|(row, rank)| Kept::new(row, rank));
        assert_eq!(by_rank(&ordered), vec![2, 5, 4, 7, 9]);
        assert_eq!(by_rank(&[]), Vec::<u32>::new());
    }

    #[test]
    fn a_kept_row_holds_its_row_and_rank_in_four_bytes() {
        assert_eq!(std::mem::size_of::<Kept>(), 4);
        let kept = Kept::new(16_000_000, 7);
        assert_eq!((kept.row(), kept.rank()), (16_000_000, 7));
        assert_eq!(
            Kept::new(3, 1000).rank(),
            255,
            "ranks are capped, not wrapped"
        );
        let past = Kept::new(usize::MAX, 0);
        assert_eq!(
            past.row(),
            (1 << 24) - 1,
            "a row past the limit points at nothing"
        );
    }
}
