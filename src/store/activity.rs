//! The activity view's data: each query's events as far as they were read, cached for the
//! session. Every region of a query is read page by page, newest first; the regions'
//! pages are merged so the view lists events newest first across regions: an event is
//! shown once no region that still has pages to read could hold a newer one (it is at or
//! after the oldest event read so far of every such region).

use super::Data;
use crate::domain::{ActivityEvent, ActivityPage, ActivityQuery, PageRequest};
use crate::sources::activity::ActivityError;
use chrono::{DateTime, Utc};
use std::collections::{HashMap, HashSet};

/// Where one region of a query is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Next {
    /// No page read yet.
    First,
    /// More pages, from this token.
    Token(String),
    /// Every page read (or the region failed).
    Done,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegionState {
    pub region: String,
    pub next: Next,
    /// A page of this region is being read.
    pub loading: bool,
    /// The oldest event read so far.
    pub oldest: Option<DateTime<Utc>>,
}

/// One query's events as far as they were read.
#[derive(Clone, Debug, PartialEq)]
pub struct ActivityResults {
    pub query: ActivityQuery,
    /// The window, fixed when the query was first opened.
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub regions: Vec<RegionState>,
    /// Every event read that the query keeps, newest first.
    pub events: Vec<ActivityEvent>,
    /// `events[..shown]` are in their final order: the view shows those.
    pub shown: usize,
    /// `cloudtrail:LookupEvents` was denied: what the service said.
    pub denied: Option<String>,
    /// Other failures, one per region that failed.
    pub errors: Vec<String>,
}

impl ActivityResults {
    fn new(query: ActivityQuery, now: DateTime<Utc>) -> ActivityResults {
        let (start, end) = query.window.span(now);
        let regions = query
            .regions
            .iter()
            .map(|region| RegionState {
                region: region.clone(),
                next: Next::First,
                loading: false,
                oldest: None,
            })
            .collect();
        ActivityResults {
            query,
            start,
            end,
            regions,
            events: Vec::new(),
            shown: 0,
            denied: None,
            errors: Vec::new(),
        }
    }

    /// Some page is being read.
    pub fn loading(&self) -> bool {
        self.regions.iter().any(|r| r.loading)
    }

    /// Every region read to its end.
    pub fn complete(&self) -> bool {
        self.regions.iter().all(|r| r.next == Next::Done)
    }

    fn request(&mut self, index: usize) -> Option<PageRequest> {
        let state = self.regions.get_mut(index)?;
        let token = match &state.next {
            Next::First => None,
            Next::Token(token) => Some(token.clone()),
            Next::Done => return None,
        };
        if state.loading {
            return None;
        }
        state.loading = true;
        Some(PageRequest {
            query: self.query.clone(),
            start: self.start,
            end: self.end,
            region: state.region.clone(),
            token,
        })
    }

    /// The first page of every region not read yet.
    fn first_pages(&mut self) -> Vec<PageRequest> {
        let first: Vec<usize> = (0..self.regions.len())
            .filter(|&i| self.regions.get(i).is_some_and(|r| r.next == Next::First))
            .collect();
        first.into_iter().filter_map(|i| self.request(i)).collect()
    }

    /// The next page to read so that more events can be shown: of the region whose
    /// oldest event read is the newest (it holds the others back). None while a page is
    /// being read or a region has no first page yet.
    fn next_page(&mut self) -> Option<PageRequest> {
        if self.loading() || self.regions.iter().any(|r| r.next == Next::First) {
            return None;
        }
        let index = self
            .regions
            .iter()
            .enumerate()
            .filter(|(_, r)| matches!(r.next, Next::Token(_)))
            .max_by_key(|(_, r)| r.oldest.unwrap_or(DateTime::<Utc>::MAX_UTC))
            .map(|(i, _)| i)?;
        self.request(index)
    }

    fn apply(&mut self, request: &PageRequest, result: Result<ActivityPage, ActivityError>) {
        let Some(state) = self.regions.iter_mut().find(|r| r.region == request.region) else {
            return;
        };
        state.loading = false;
        match result {
            Ok(page) => {
                let oldest = page.events.iter().map(|e| e.time).min();
                state.oldest = match (state.oldest, oldest) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
                state.next = match page.next_token {
                    // An empty page with a token would hold the view back for nothing: the
                    // next one is read at once.
                    Some(token) => Next::Token(token),
                    None => Next::Done,
                };
                let query = &self.query;
                let known: HashSet<&str> = self.events.iter().map(|e| e.id.as_str()).collect();
                let fresh: Vec<ActivityEvent> = page
                    .events
                    .into_iter()
                    .filter(|e| query.keeps(e) && !known.contains(e.id.as_str()))
                    .collect();
                self.events.extend(fresh);
                self.events
                    .sort_by(|a, b| b.time.cmp(&a.time).then_with(|| a.id.cmp(&b.id)));
            }
            Err(error) => {
                state.next = Next::Done;
                if error.is_denied() {
                    self.denied = Some(error.to_string());
                } else {
                    self.errors.push(error.to_string());
                }
            }
        }
        self.shown = self.settled();
    }

    /// How many events are in their final place: those at or after the horizon, the
    /// newest "oldest event read" of the regions that still have pages.
    fn settled(&self) -> usize {
        let mut horizon: Option<DateTime<Utc>> = None;
        for region in &self.regions {
            match (&region.next, region.oldest) {
                (Next::Done, _) => {}
                // Nothing read yet: any event may still come before what is there.
                (_, None) => return 0,
                (_, Some(oldest)) => horizon = horizon.max(Some(oldest)),
            }
        }
        match horizon {
            None => self.events.len(),
            Some(horizon) => self.events.partition_point(|e| e.time >= horizon),
        }
    }
}

/// Every query opened this session, and the one the Activity tab shows.
#[derive(Clone, Debug, Default)]
pub struct Activity {
    results: HashMap<ActivityQuery, ActivityResults>,
    pub open: Option<ActivityQuery>,
    /// Remote addresses named by GuardDuty findings, worked out when a query opens:
    /// events from them are marked.
    pub flagged: HashSet<String>,
}

impl Activity {
    /// The results the Activity tab shows.
    pub fn current(&self) -> Option<&ActivityResults> {
        self.results.get(self.open.as_ref()?)
    }
}

impl Data {
    /// Shows `query` in the Activity tab: from the cache when it was opened before this
    /// session, else its first pages are asked for (returned).
    pub fn open_activity(&mut self, query: ActivityQuery, now: DateTime<Utc>) -> Vec<PageRequest> {
        self.activity.flagged = remote_addresses(&self.findings);
        self.activity.open = Some(query.clone());
        self.changed();
        self.activity
            .results
            .entry(query.clone())
            .or_insert_with(|| ActivityResults::new(query, now))
            .first_pages()
    }

    /// A page came back (or failed).
    pub fn activity_page(
        &mut self,
        request: &PageRequest,
        result: Result<ActivityPage, ActivityError>,
    ) {
        if let Some(results) = self.activity.results.get_mut(&request.query) {
            results.apply(request, result);
            self.changed();
        }
    }

    /// The next page of the open query when fewer than `rows` events are shown and more
    /// can be read; marks it loading.
    pub fn more_activity(&mut self, rows: usize) -> Option<PageRequest> {
        let query = self.activity.open.clone()?;
        let results = self.activity.results.get_mut(&query)?;
        if results.shown >= rows {
            return None;
        }
        let request = results.next_page()?;
        self.changed();
        Some(request)
    }
}

/// The remote IP addresses GuardDuty findings name.
fn remote_addresses(findings: &[crate::domain::Finding]) -> HashSet<String> {
    findings
        .iter()
        .filter_map(|f| f.details().get("Remote IP"))
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
#[path = "activity_tests.rs"]
mod tests;
