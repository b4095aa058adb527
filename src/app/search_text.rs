//! Every row's filter text while a table is being filtered, in one string. Gathered as a
//! boxed string per row, 100,000 rows cost some 700,000 allocations (about 37 ms when `/`
//! is pressed); copied into one buffer they cost a few ms.

use crate::panes::{Pane, shown};
use crate::store::Data;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SearchTexts {
    text: String,
    /// Where each row's text ends in `text`.
    ends: Vec<usize>,
}

impl SearchTexts {
    /// The filter text of each of the pane's rows, at once.
    #[cfg(test)]
    pub fn gather(pane: &dyn Pane, data: &Data) -> Self {
        let mut texts = SearchTexts::default();
        texts.gather_more(pane, data, usize::MAX);
        texts
    }

    /// Gathers up to `rows` more rows' text, after those already gathered (a table is
    /// gathered a slice at a time while the console has nothing else to do); says whether
    /// every row's text is there now.
    pub fn gather_more(&mut self, pane: &dyn Pane, data: &Data, rows: usize) -> bool {
        let len = pane.len(data);
        let start = self.ends.len();
        let end = start.saturating_add(rows).min(len);
        if start == 0 {
            self.ends.reserve_exact(len);
        }
        // Room for all of it, estimated from the first rows, so the buffer is not copied
        // as it grows; it lives only while the table is filtered.
        const SAMPLE: usize = 256;
        for row in start..end {
            shown::haystack(pane, data, row, &mut self.text);
            self.ends.push(self.text.len());
            if row + 1 == SAMPLE && len > SAMPLE {
                let estimate = self.text.len() / SAMPLE * len;
                self.text
                    .reserve((estimate + estimate / 8).saturating_sub(self.text.len()));
            }
        }
        self.ends.len() == len
    }

    /// The texts after the pane's rows were renumbered: `map` takes an old row to its new
    /// one (`None`: gone); rows marked in `changed` are gathered again, others copied.
    pub fn remapped(
        &self,
        pane: &dyn Pane,
        data: &Data,
        map: impl Fn(usize) -> Option<usize>,
        changed: &[bool],
    ) -> Self {
        let len = pane.len(data);
        let mut old_of = vec![None; len];
        for old in 0..self.len() {
            if let Some(slot) = map(old).and_then(|new| old_of.get_mut(new)) {
                *slot = Some(old);
            }
        }
        let mut texts = SearchTexts {
            text: String::with_capacity(self.text.len()),
            ends: Vec::with_capacity(len),
        };
        for (row, old) in old_of.into_iter().enumerate() {
            if changed.get(row).copied().unwrap_or(true) {
                shown::haystack(pane, data, row, &mut texts.text);
            } else if let Some(text) = old.and_then(|old| self.get(old)) {
                texts.text.push_str(text);
            }
            texts.ends.push(texts.text.len());
        }
        texts
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn get(&self, row: usize) -> Option<&str> {
        let end = *self.ends.get(row)?;
        let start = match row.checked_sub(1) {
            Some(before) => *self.ends.get(before)?,
            None => 0,
        };
        self.text.get(start..end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::panes::Tab;
    use crate::sources::demo::{DemoOptions, DemoWorld};

    /// The demo account's findings, as the console holds them.
    fn data() -> Data {
        let world = DemoWorld::new(DemoOptions::default(), chrono::Utc::now());
        let now = chrono::Utc::now();
        let mut data = Data::default();
        data.findings = ["us-east-1", "eu-west-1"]
            .into_iter()
            .flat_map(|region| world.findings_at(region, now))
            .collect();
        data
    }

    fn one_by_one(pane: &dyn Pane, data: &Data, row: usize) -> String {
        let mut text = String::new();
        shown::haystack(pane, data, row, &mut text);
        text
    }

    #[test]
    fn each_row_reads_back_its_own_text() {
        let data = data();
        let pane = Tab::Findings.pane();
        let texts = SearchTexts::gather(pane, &data);
        assert_eq!(texts.len(), data.findings.len());
        for row in 0..texts.len() {
            assert_eq!(texts.get(row), Some(one_by_one(pane, &data, row).as_str()));
        }
        assert_eq!(texts.get(texts.len()), None);
    }

    #[test]
    fn renumbered_rows_keep_their_text_and_changed_ones_are_read_again() {
        let mut data = data();
        let pane = Tab::Findings.pane();
        let before = SearchTexts::gather(pane, &data);
        // Row 0 leaves; every other row moves up one; the new row 0 changed.
        data.findings.remove(0);
        data.findings[0].text =
            crate::domain::FindingText::new("changed", "", "r", &Default::default());
        let mut changed = vec![false; data.findings.len()];
        changed[0] = true;
        let after = before.remapped(pane, &data, |old| old.checked_sub(1), &changed);
        for row in 0..data.findings.len() {
            assert_eq!(after.get(row), Some(one_by_one(pane, &data, row).as_str()));
        }
        assert!(after.get(0).is_some_and(|t| t.contains("changed")));
    }
}
