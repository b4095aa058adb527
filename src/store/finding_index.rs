//! Where each finding sits in `Data::findings`, found by its ID without a copy of the ID:
//! the table holds positions and compares against the findings themselves. At 100,000
//! findings a map of copied IDs costs some 9 MB; this costs well under one.

use crate::domain::Finding;
use hashbrown::HashTable;
use std::hash::{BuildHasher, RandomState};

#[derive(Clone, Debug, Default)]
pub struct FindingIndex {
    positions: HashTable<u32>,
    hasher: RandomState,
}

impl FindingIndex {
    /// An index of every finding in `findings`.
    pub fn of(findings: &[Finding]) -> Self {
        let mut index = FindingIndex::default();
        index.reserve(findings, findings.len());
        for position in 0..findings.len() {
            index.insert(findings, position);
        }
        index
    }

    /// The position of the finding with this ID.
    pub fn get(&self, findings: &[Finding], id: &str) -> Option<usize> {
        let hash = self.hasher.hash_one(id);
        self.positions
            .find(hash, |&p| id_at(findings, p) == Some(id))
            .map(|&p| p as usize)
    }

    /// Records `findings[position]`, which must not be indexed yet.
    pub fn insert(&mut self, findings: &[Finding], position: usize) {
        let (Some(id), Ok(stored)) = (
            findings.get(position).map(|f| &*f.id),
            u32::try_from(position),
        ) else {
            return;
        };
        let FindingIndex { positions, hasher } = self;
        positions.insert_unique(hasher.hash_one(id), stored, |&p| {
            hasher.hash_one(id_at(findings, p).unwrap_or_default())
        });
    }

    pub fn reserve(&mut self, findings: &[Finding], additional: usize) {
        let FindingIndex { positions, hasher } = self;
        positions.reserve(additional, |&p| {
            hasher.hash_one(id_at(findings, p).unwrap_or_default())
        });
    }
}

fn id_at(findings: &[Finding], position: u32) -> Option<&str> {
    findings.get(position as usize).map(|f| &*f.id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::sample_finding as sample;

    #[test]
    fn finds_each_finding_by_id_as_they_are_added_and_after_a_rebuild() {
        let mut findings: Vec<Finding> = (0..1000)
            .map(|i| sample(&format!("id-{i}"), "us-east-1"))
            .collect();
        let mut index = FindingIndex::of(&findings);
        findings.push(sample("late", "eu-west-1"));
        index.insert(&findings, findings.len() - 1);
        for (position, finding) in findings.iter().enumerate() {
            assert_eq!(index.get(&findings, &finding.id), Some(position));
        }
        assert_eq!(index.get(&findings, "id-1000"), None);
        findings.remove(0);
        let index = FindingIndex::of(&findings);
        assert_eq!(index.get(&findings, "id-0"), None);
        assert_eq!(index.get(&findings, "late"), Some(999));
    }
}
