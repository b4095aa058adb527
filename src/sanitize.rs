//! Every string that comes from AWS is untrusted: an alarm name or a finding title can carry
//! escape sequences that would retitle the terminal, write the clipboard (OSC 52) or forge
//! what the engineer sees. They pass through here before they reach the terminal.

use std::borrow::Cow;

/// The longest text kept for one displayed value; a 100,000-character value is cut here.
pub const MAX_DISPLAY_CHARS: usize = 2048;

/// Makes `text` inert for a one-line cell: C0 controls become their visible Control Pictures
/// (ESC shows as `␛`, so a forged sequence is visible but harmless), C1 controls, bidi
/// overrides and other invisible format characters become `�`, newlines and tabs become
/// spaces, and the result is bounded to [`MAX_DISPLAY_CHARS`].
pub fn clean(text: &str) -> Cow<'_, str> {
    clean_bounded(text, MAX_DISPLAY_CHARS, false)
}

/// Like [`clean`], but never cuts: for exported reports, where every character of a value
/// counts but control characters must not reach a terminal that prints the file.
pub fn clean_unbounded(text: &str) -> Cow<'_, str> {
    clean_bounded(text, usize::MAX, false)
}

/// Like [`clean`], but keeps newlines, for multi-line detail text.
pub fn clean_multiline(text: &str) -> Cow<'_, str> {
    clean_bounded(text, MAX_DISPLAY_CHARS * 4, true)
}

fn clean_bounded(text: &str, max_chars: usize, keep_newlines: bool) -> Cow<'_, str> {
    let needs_work = text.len() > max_chars
        || text
            .chars()
            .any(|c| replacement(c, keep_newlines).is_some());
    if !needs_work {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len().min(max_chars.saturating_mul(4)));
    for (count, c) in text.chars().enumerate() {
        if count >= max_chars {
            out.push('…');
            break;
        }
        match replacement(c, keep_newlines) {
            Some(r) => out.push(r),
            None => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// What to show instead of `c`, or `None` to keep it.
fn replacement(c: char, keep_newlines: bool) -> Option<char> {
    match c {
        '\n' if keep_newlines => None,
        '\n' | '\r' | '\t' => Some(' '),
        // C0 controls: show the Control Picture (U+2400 + code).
        '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32),
        '\u{7f}' => Some('␡'),
        // C1 controls (8-bit CSI, OSC, DCS, ST…).
        '\u{80}'..='\u{9f}' => Some('�'),
        // Bidirectional overrides and isolates, which can reorder what is displayed.
        '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}'
        | '\u{200e}'
        | '\u{200f}'
        | '\u{061c}' => Some('�'),
        // Zero-width and other invisible format characters that hide text.
        '\u{200b}'..='\u{200d}'
        | '\u{2060}'..='\u{2064}'
        | '\u{feff}'
        | '\u{fff9}'..='\u{fffb}' => Some('�'),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed_unchanged() {
        assert!(matches!(
            clean("prod-api 5xx"),
            Cow::Borrowed("prod-api 5xx")
        ));
    }

    #[test]
    fn escape_sequences_are_made_visible_and_inert() {
        let hostile = "ok\x1b]52;c;ZXZpbA==\x07\x1b[2J\u{9b}31m";
        let cleaned = clean(hostile);
        assert!(!cleaned.chars().any(|c| c.is_control()), "{cleaned:?}");
        assert_eq!(cleaned, "ok␛]52;c;ZXZpbA==␇␛[2J�31m");
    }

    #[test]
    fn bidi_overrides_and_nul_are_replaced() {
        assert_eq!(clean("a\u{202e}b\u{0}c"), "a�b␀c");
    }

    #[test]
    fn newlines_are_flattened_for_cells_but_kept_for_details() {
        assert_eq!(clean("a\nb\tc"), "a b c");
        assert_eq!(clean_multiline("a\nb\tc"), "a\nb c");
    }

    #[test]
    fn huge_values_are_bounded() {
        let huge = "x".repeat(100_000);
        let cleaned = clean(&huge);
        assert_eq!(cleaned.chars().count(), MAX_DISPLAY_CHARS + 1);
        assert!(cleaned.ends_with('…'));
    }
}
