//! The `/` filter: which rows a typed filter keeps, and how well each one matches.
//!
//! A filter is terms separated by spaces; a row is kept when every term matches it. A term
//! matches within one field of the row (a title, a user name, a resource ID…), never across
//! two, and ignores case:
//!
//! - `rosa` — a field contains it. From its third character on, one swapped pair of
//!   neighbouring characters is forgiven (`rosa.ngyuen` finds `rosa.nguyen`);
//! - `'rosa` — a field contains it exactly;
//! - `^rosa` — a field starts with it; `rosa$` — a field ends with it;
//! - `!rosa` — no field contains it.
//!
//! How well a row matches orders the table while no sort column was chosen: a whole field
//! first, then the start of a field, the start of a word, anywhere, and a forgiven typo last
//! (a one-character term only filters: the first keystroke searches every row).
//!
//! Typing narrows: every row a filter keeps was kept by each shorter filter it was typed
//! from (see `narrows`). For a forgiven swap that needs care: `rosa.ngy` must keep the row
//! `rosa.ngyuen` will find, so a term also matches a field holding it with one extra character
//! before its last one — the swap the next keystroke may complete.

use crate::panes::FIELD_END;
use memchr::memmem::Finder;

/// How well a term matches a row, best first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Quality {
    /// The term is a whole field.
    Whole,
    /// A field starts with it.
    Start,
    /// A word in a field starts with it.
    Word,
    Inside,
    /// Only with a swapped pair forgiven.
    Typo,
}

/// A row's rank: the sum of its terms' qualities (lower is better).
pub type Rank = u16;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Contains,
    Exact,
    Prefix,
    Suffix,
    Absent,
}

/// Swaps are forgiven from this character on: a typo in the first letters is rare, and
/// short prefixes stay exact.
const FIRST_FORGIVEN: usize = 2;

struct Term {
    kind: Kind,
    finder: Finder<'static>,
    /// The term with one neighbouring pair swapped, for each pair a typo may have swapped.
    swapped: Vec<Finder<'static>>,
    /// All but the last character, for a swap the next keystroke may complete.
    head: Option<Finder<'static>>,
}

pub struct Filter {
    terms: Vec<Term>,
}

impl Filter {
    pub fn parse(filter: &str) -> Filter {
        let terms = filter
            .split_whitespace()
            .filter_map(|word| {
                let (kind, text) = if let Some(rest) = word.strip_prefix('!') {
                    (Kind::Absent, rest)
                } else if let Some(rest) = word.strip_prefix('\'') {
                    (Kind::Exact, rest)
                } else if let Some(rest) = word.strip_prefix('^') {
                    (Kind::Prefix, rest)
                } else if let Some(rest) = word.strip_suffix('$') {
                    (Kind::Suffix, rest)
                } else {
                    (Kind::Contains, word)
                };
                // A lone operator, as it is being typed, matches everything.
                (!text.is_empty()).then(|| Term::new(kind, &text.to_lowercase()))
            })
            .collect();
        Filter { terms }
    }

    /// The row's rank, or `None` when the filter does not keep it. `text` is the row's
    /// lower-case fields, each ended by [`FIELD_END`].
    pub fn rank(&self, text: &[u8]) -> Option<Rank> {
        let mut rank: Rank = 0;
        for term in &self.terms {
            if term.kind == Kind::Absent {
                if term.finder.find(text).is_some() {
                    return None;
                }
                continue;
            }
            rank = rank.saturating_add(term.quality(text)? as Rank);
        }
        Some(rank)
    }
}

impl Term {
    fn new(kind: Kind, text: &str) -> Term {
        let bytes = text.as_bytes();
        let forgiving = kind == Kind::Contains && text.is_ascii();
        let swapped = if forgiving {
            (FIRST_FORGIVEN..bytes.len().saturating_sub(1))
                .filter(|&i| bytes.get(i) != bytes.get(i + 1))
                .map(|i| {
                    let mut variant = bytes.to_vec();
                    variant.swap(i, i + 1);
                    Finder::new(&variant).into_owned()
                })
                .collect()
        } else {
            Vec::new()
        };
        let head = (forgiving && bytes.len() > FIRST_FORGIVEN)
            .then(|| bytes.get(..bytes.len() - 1))
            .flatten()
            .map(|head| Finder::new(head).into_owned());
        Term {
            kind,
            finder: Finder::new(bytes).into_owned(),
            swapped,
            head,
        }
    }

    /// How well the term matches `text`; `None` for no match.
    fn quality(&self, text: &[u8]) -> Option<Quality> {
        if self.finder.find(text).is_none() {
            return self.typo(text).then_some(Quality::Typo);
        }
        if self.kind == Kind::Suffix {
            return self.suffix_quality(text);
        }
        // One character says little about how well a row matches, and the first keystroke
        // searches every row: it only filters (ranking starts with the second character).
        if self.kind != Kind::Prefix && self.finder.needle().len() == 1 {
            return Some(Quality::Inside);
        }
        // Where fields start is cheap to find (a row has a handful), and a match there
        // beats any other: most rows are settled without looking at every occurrence.
        if let Some(best) = self.at_field_start(text) {
            return Some(best);
        }
        if self.kind == Kind::Prefix {
            return None;
        }
        let word = self.finder.find_iter(text).any(|at| {
            let before = at.checked_sub(1).and_then(|i| text.get(i));
            before.is_some_and(|c| !c.is_ascii_alphanumeric())
        });
        Some(if word { Quality::Word } else { Quality::Inside })
    }

    /// `Whole` or `Start` if some field starts with the term.
    fn at_field_start(&self, text: &[u8]) -> Option<Quality> {
        let needle = self.finder.needle();
        let starts =
            std::iter::once(0).chain(memchr::memchr_iter(FIELD_END as u8, text).map(|at| at + 1));
        let mut best = None;
        for start in starts {
            let Some(rest) = text.get(start..) else {
                continue;
            };
            if !rest.starts_with(needle) {
                continue;
            }
            match rest.get(needle.len()) {
                None => return Some(Quality::Whole),
                Some(&c) if c == FIELD_END as u8 => return Some(Quality::Whole),
                Some(_) => best = Some(Quality::Start),
            }
        }
        best
    }

    /// The best match of a `term$`: it must end a field.
    fn suffix_quality(&self, text: &[u8]) -> Option<Quality> {
        let len = self.finder.needle().len();
        self.finder
            .find_iter(text)
            .filter(|&at| text.get(at + len).is_none_or(|&c| c == FIELD_END as u8))
            .map(|at| match at.checked_sub(1).and_then(|i| text.get(i)) {
                None => Quality::Whole,
                Some(&c) if c == FIELD_END as u8 => Quality::Whole,
                Some(c) if !c.is_ascii_alphanumeric() => Quality::Word,
                Some(_) => Quality::Inside,
            })
            .min()
    }

    /// Whether the term matches with one swapped pair forgiven, or with one character more
    /// before its last (a swap still being typed).
    fn typo(&self, text: &[u8]) -> bool {
        if self.swapped.iter().any(|f| f.find(text).is_some()) {
            return true;
        }
        let (Some(head), Some(&last)) = (&self.head, self.finder.needle().last()) else {
            return false;
        };
        let len = head.needle().len();
        head.find_iter(text).any(|at| {
            let extra = text.get(at + len).copied();
            // A term holds no space, so neither can the character it swaps with.
            extra.is_some_and(|c| c != FIELD_END as u8 && !c.is_ascii_whitespace())
                && text.get(at + len + 1) == Some(&last)
        })
    }
}

/// Whether every row matching `new` also matched `old`, so `new` can be applied to the rows
/// `old` kept. True when text is appended (to nothing, too: no filter keeps every row),
/// unless `old` holds a negated (`!`) or anchored (`$`) term: extending those widens the
/// match instead.
pub fn narrows(old: &str, new: &str) -> bool {
    new.starts_with(old) && !old.contains(['!', '$'])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A row's filter text from its fields, as `panes::Fields` writes it.
    fn row(fields: &[&str]) -> String {
        let mut text = String::new();
        let mut out = crate::panes::Fields::new(&mut text);
        for field in fields {
            out.push(field);
        }
        text
    }

    fn rank(filter: &str, fields: &[&str]) -> Option<Rank> {
        Filter::parse(filter).rank(row(fields).as_bytes())
    }

    #[test]
    fn a_term_matches_within_one_field_only() {
        let user = ["rosa.nguyen", "developers", "AKIAEXAMPLE"];
        assert!(rank("rosa", &user).is_some());
        // r-o-s-a spread over the row is no match; nor is text across two fields.
        assert_eq!(rank("rosa", &["roles", "admin"]), None);
        assert_eq!(rank("nguyendev", &user), None);
        assert_eq!(rank("zzz", &["jazz zone", "fizz"]), None);
    }

    #[test]
    fn case_is_ignored() {
        assert!(rank("akiaex", &["AKIAEXAMPLE"]).is_some());
        assert!(rank("SSH", &["ssh brute force"]).is_some());
    }

    #[test]
    fn one_swapped_pair_is_forgiven_and_ranks_last() {
        let user = ["rosa.nguyen"];
        let typo = rank("rosa.ngyuen", &user);
        assert_eq!(typo, Some(Quality::Typo as Rank));
        assert!(rank("rosa.nguyen", &user) < typo);
        // Two swaps are not forgiven, nor one in the first two characters.
        assert_eq!(rank("rosa.ngyune", &user), None);
        assert_eq!(rank("orsa", &user), None);
        // Exact terms forgive nothing.
        assert_eq!(rank("'rosa.ngyuen", &user), None);
    }

    #[test]
    fn every_prefix_of_a_forgiven_term_keeps_the_row() {
        // Typing narrows the rows already kept, so no prefix may lose the row the whole
        // term finds.
        let user = ["rosa.nguyen"];
        let term = "rosa.ngyuen";
        for end in 1..=term.len() {
            assert!(rank(&term[..end], &user).is_some(), "{}", &term[..end]);
        }
    }

    #[test]
    fn better_matches_rank_first() {
        let quality = |filter: &str, field: &str| rank(filter, &[field]);
        let whole = quality("admin", "admin");
        let start = quality("admin", "administrators");
        let word = quality("admin", "aws-admin-role");
        let inside = quality("admin", "sysadmins");
        assert!(
            whole < start && start < word && word < inside,
            "{whole:?} {start:?} {word:?} {inside:?}"
        );
        // The best field of the row counts.
        assert_eq!(rank("admin", &["sysadmins", "admin"]), whole);
    }

    #[test]
    fn anchors_and_negation() {
        let finding = ["high", "unauthorizedaccess:iamuser/consolelogin", "i-0abc"];
        assert!(rank("^unauth", &finding).is_some());
        assert_eq!(rank("^authorized", &finding), None);
        assert!(rank("login$", &finding).is_some());
        assert_eq!(rank("unauth$", &finding), None);
        assert_eq!(rank("!high", &finding), None);
        assert!(rank("!low", &finding).is_some());
        assert!(rank("high !low", &finding).is_some());
        // A lone operator, as it is typed, keeps everything.
        assert!(rank("!", &finding).is_some());
        assert!(rank("high ^", &finding).is_some());
    }

    #[test]
    fn appending_narrows_except_after_negation_or_anchor() {
        assert!(narrows("cp", "cpu"));
        assert!(narrows("cpu", "cpu !prod"));
        assert!(narrows("", "cpu"));
        assert!(!narrows("cpu", "cp"));
        assert!(!narrows("!z", "!zz"));
        assert!(!narrows("db$", "db$x"));
    }

    #[test]
    fn no_match_spans_two_fields() {
        assert_eq!(rank("bc", &["ab", "cd"]), None);
        assert_eq!(
            rank("b c", &["ab", "cd"]),
            Some(2 * Quality::Inside as Rank)
        );
    }
}
