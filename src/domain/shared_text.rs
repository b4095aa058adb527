//! Strings many rows repeat, held once.

use std::sync::Arc;

/// A string many rows repeat (an account ID, a region, a finding type, an IAM group or
/// policy), shared. `Arc<String>` rather than `Arc<str>`: a thin pointer, 8 bytes where
/// `Arc<str>` takes 16, and each finding holds five.
pub type SharedText = Arc<String>;

/// Hands out one shared copy of each repeated string, so every finding of a region points
/// at the same account ID, region, detector and type, and every user of an account at the
/// same group and policy names, instead of each holding its own.
#[derive(Debug, Default)]
pub struct Interner(std::collections::HashMap<String, SharedText>);

impl Interner {
    pub fn get(&mut self, text: &str) -> SharedText {
        if let Some(shared) = self.0.get(text) {
            return shared.clone();
        }
        let shared = Arc::new(text.to_string());
        self.0.insert(text.to_string(), shared.clone());
        shared
    }
}

/// A list of shared names many rows repeat whole (the groups or the policies of the users
/// of one group), held once: a thin pointer where a list of its own would cost every one of
/// an organisation's 60,000 users an allocation per list.
#[derive(Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct SharedList(Arc<Vec<SharedText>>);

/// As the list it is.
impl std::fmt::Debug for SharedList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.0.iter()).finish()
    }
}

impl SharedList {
    /// The empty list: one for the whole process, so lists left empty cost nothing.
    pub fn empty() -> Self {
        static EMPTY: std::sync::LazyLock<SharedList> =
            std::sync::LazyLock::new(|| SharedList(Arc::new(Vec::new())));
        EMPTY.clone()
    }

    /// The list with `text` added at the end (a copy: the list is shared).
    pub fn with(&self, text: SharedText) -> Self {
        let mut texts = self.0.to_vec();
        texts.push(text);
        SharedList(Arc::new(texts))
    }

    /// The list without the texts `drop` selects (a copy, where any goes).
    pub fn without(&self, drop: impl Fn(&str) -> bool) -> Self {
        if !self.0.iter().any(|t| drop(t)) {
            return self.clone();
        }
        SharedList::from(
            self.0
                .iter()
                .filter(|t| !drop(t))
                .cloned()
                .collect::<Vec<_>>(),
        )
    }
}

impl Default for SharedList {
    fn default() -> Self {
        SharedList::empty()
    }
}

impl From<Vec<SharedText>> for SharedList {
    fn from(texts: Vec<SharedText>) -> Self {
        if texts.is_empty() {
            return SharedList::empty();
        }
        SharedList(Arc::new(texts))
    }
}

impl std::ops::Deref for SharedList {
    type Target = [SharedText];

    fn deref(&self) -> &[SharedText] {
        &self.0
    }
}

impl<'a> IntoIterator for &'a SharedList {
    type Item = &'a SharedText;
    type IntoIter = std::slice::Iter<'a, SharedText>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// Hands out one shared copy of each list, as [`Interner`] does of each text.
#[derive(Debug, Default)]
pub struct ListInterner(std::collections::HashMap<Vec<SharedText>, SharedList>);

impl ListInterner {
    pub fn get(&mut self, texts: Vec<SharedText>) -> SharedList {
        if let Some(shared) = self.0.get(&texts) {
            return shared.clone();
        }
        let shared = SharedList::from(texts.clone());
        self.0.insert(texts, shared.clone());
        shared
    }
}

/// The texts one after another with `separator` between them, as `[String]::join` gives.
pub fn joined(texts: &[SharedText], separator: &str) -> String {
    let mut out = String::new();
    for (i, text) in texts.iter().enumerate() {
        if i > 0 {
            out.push_str(separator);
        }
        out.push_str(text);
    }
    out
}

/// The longest part [`pack`] keeps: AWS's fields are a few KB at most, and a cut keeps
/// every offset within a u32.
pub(super) const MAX_PART: usize = 1 << 20;

/// `text`, at most [`MAX_PART`] bytes long, cut at a character boundary.
pub(super) fn cut(text: &str) -> &str {
    let mut end = text.len().min(MAX_PART);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or_default()
}

/// `parts` one after another in one allocation, each [`cut`], with where each ends: the
/// texts of one row (a finding's title and description, a result's resource and evidence)
/// held as one, where a string each would cost hundreds of thousands of rows an allocation
/// and a pointer per part.
pub(super) fn pack<const N: usize>(parts: [&str; N]) -> (Box<str>, [u32; N]) {
    let parts = parts.map(cut);
    let mut text = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    let mut ends = [0u32; N];
    for (part, end) in parts.iter().zip(&mut ends) {
        text.push_str(part);
        *end = u32::try_from(text.len()).unwrap_or(u32::MAX);
    }
    (text.into_boxed_str(), ends)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(names: &[&str]) -> Vec<SharedText> {
        names.iter().map(|n| Arc::new(n.to_string())).collect()
    }

    #[test]
    fn equal_lists_are_held_once_and_every_empty_list_is_the_same() {
        let mut lists = ListInterner::default();
        let a = lists.get(texts(&["Admins", "Developers"]));
        let b = lists.get(texts(&["Admins", "Developers"]));
        let other = lists.get(texts(&["Developers", "Admins"]));
        assert!(Arc::ptr_eq(&a.0, &b.0), "one list for both");
        assert!(
            !Arc::ptr_eq(&a.0, &other.0),
            "the order is part of the list"
        );
        assert!(Arc::ptr_eq(
            &lists.get(Vec::new()).0,
            &SharedList::from(Vec::new()).0
        ));
        assert_eq!(
            a.iter().map(|t| t.as_str()).collect::<Vec<_>>(),
            ["Admins", "Developers"]
        );
    }

    #[test]
    fn a_changed_list_is_a_copy_and_the_shared_one_stays() {
        let mut lists = ListInterner::default();
        let shared = lists.get(texts(&["ReadOnlyAccess (attached)"]));
        let held_by_another = shared.clone();
        let grown = shared.with(Arc::new("Quarantine (inline)".into()));
        assert_eq!(grown.len(), 2);
        assert_eq!(
            held_by_another.len(),
            1,
            "the other user's list is unchanged"
        );
        let shrunk = grown.without(|t| t == "Quarantine (inline)");
        assert_eq!(shrunk, held_by_another);
        let untouched = shared.without(|t| t == "absent");
        assert!(
            Arc::ptr_eq(&untouched.0, &shared.0),
            "nothing dropped, nothing copied"
        );
    }
}
