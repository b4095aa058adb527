//! Lays a detail view out in rows of a given width: long values wrap under their value
//! column (a hanging indent), not back to the left edge. The renderer draws these rows and
//! the scroll limit counts them, so both agree on how long the view is.

use super::{DetailLine, Tone};
use crate::sanitize;
use unicode_width::UnicodeWidthChar;

/// Width of a field's label column.
pub const LABEL_WIDTH: usize = 14;
/// `"  " + label + " "`: where a field's value starts.
const VALUE_COLUMN: usize = LABEL_WIDTH + 3;
const TEXT_INDENT: usize = 2;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowKind {
    Section,
    /// The first row of a field carries its label.
    Field {
        first: bool,
    },
    Text,
    Blank,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DetailRow {
    pub kind: RowKind,
    /// The label (first field row), or spaces.
    pub prefix: String,
    pub text: String,
    pub tone: Tone,
}

/// The rows of `content` at `width` columns. Every string is sanitised here, once.
pub fn detail_rows(content: &[DetailLine], width: usize) -> Vec<DetailRow> {
    let mut rows = Vec::with_capacity(content.len());
    for line in content {
        match line {
            DetailLine::Section(title) => {
                for part in wrap(&sanitize::clean(title), width.max(8)) {
                    rows.push(DetailRow {
                        kind: RowKind::Section,
                        prefix: String::new(),
                        text: part,
                        tone: Tone::Plain,
                    });
                }
            }
            DetailLine::Field(label, value, tone) => {
                let label = format!("  {:<LABEL_WIDTH$} ", sanitize::clean(label));
                let room = width.saturating_sub(VALUE_COLUMN).max(8);
                for (i, part) in wrap(&sanitize::clean(value), room).into_iter().enumerate() {
                    rows.push(DetailRow {
                        kind: RowKind::Field { first: i == 0 },
                        prefix: if i == 0 {
                            label.clone()
                        } else {
                            " ".repeat(VALUE_COLUMN)
                        },
                        text: part,
                        tone: *tone,
                    });
                }
            }
            DetailLine::Text(text) => {
                let room = width.saturating_sub(TEXT_INDENT).max(8);
                // Each line is bounded on its own: one huge value (a 100,000-character
                // description in raw JSON) is cut, and the lines after it still show.
                for line in text.lines() {
                    let paragraph = sanitize::clean(line);
                    for part in wrap(&paragraph, room) {
                        rows.push(DetailRow {
                            kind: RowKind::Text,
                            prefix: " ".repeat(TEXT_INDENT),
                            text: part,
                            tone: Tone::Plain,
                        });
                    }
                }
            }
            DetailLine::Blank => rows.push(DetailRow {
                kind: RowKind::Blank,
                prefix: String::new(),
                text: String::new(),
                tone: Tone::Plain,
            }),
        }
    }
    rows
}

/// Greedy word wrap by display width; a word longer than the row is cut. Leading spaces
/// (JSON indentation) are kept on every row the line wraps into.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let body = text.trim_start_matches(' ');
    let indent = text.len() - body.len();
    if indent == 0 {
        return wrap_words(text, width);
    }
    let pad = " ".repeat(indent.min(width / 2));
    wrap_words(body, width.saturating_sub(pad.len()).max(1))
        .into_iter()
        .map(|row| format!("{pad}{row}"))
        .collect()
}

fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let mut rows = Vec::new();
    let mut current = String::new();
    let mut used = 0;
    for word in text.split(' ') {
        let word_width: usize = word.chars().map(|c| c.width().unwrap_or(0)).sum();
        let gap = usize::from(used > 0);
        if used + gap + word_width <= width {
            if gap == 1 {
                current.push(' ');
            }
            current.push_str(word);
            used += gap + word_width;
            continue;
        }
        if used > 0 {
            rows.push(std::mem::take(&mut current));
            used = 0;
        }
        for c in word.chars() {
            let w = c.width().unwrap_or(0);
            if used + w > width && used > 0 {
                rows.push(std::mem::take(&mut current));
                used = 0;
            }
            current.push(c);
            used += w;
        }
    }
    rows.push(current);
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_wrap_under_the_value_column() {
        let content = [DetailLine::field(
            "Evidence",
            "one two three four five six seven eight",
        )];
        let rows = detail_rows(&content, VALUE_COLUMN + 14);
        let texts: Vec<&str> = rows.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(texts, ["one two three", "four five six", "seven eight"]);
        assert!(rows[0].prefix.contains("Evidence"));
        assert_eq!(rows[1].prefix, " ".repeat(VALUE_COLUMN));
        assert_eq!(rows[1].kind, RowKind::Field { first: false });
    }

    #[test]
    fn a_word_longer_than_the_row_is_cut_and_wide_characters_count_double() {
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("日本語です", 4), ["日本", "語で", "す"]);
    }

    #[test]
    fn indentation_is_kept_on_wrapped_rows() {
        assert_eq!(wrap("    \"id\": 1", 40), ["    \"id\": 1"]);
        assert_eq!(wrap("  aaa bbb", 7), ["  aaa", "  bbb"]);
    }

    #[test]
    fn short_values_stay_on_one_row() {
        let rows = detail_rows(&[DetailLine::field("ARN", "arn:aws:iam::1:root")], 80);
        assert_eq!(rows.len(), 1);
        let rows = detail_rows(&[DetailLine::field("Empty", "")], 80);
        assert_eq!(rows.len(), 1);
    }
}
