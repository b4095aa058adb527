//! Fitting untrusted text into cells: sanitise, then cut to a display width with `…`.

use crate::sanitize;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Sanitises `text` and cuts it to at most `width` terminal columns. Wide characters count
/// as two columns, so tables stay aligned with CJK names or emoji.
pub fn fit(text: &str, width: usize) -> String {
    let clean = sanitize::clean(text);
    if clean.width() <= width {
        return clean.into_owned();
    }
    if width == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in clean.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_unchanged() {
        assert_eq!(fit("web-01", 10), "web-01");
    }

    #[test]
    fn long_text_gets_an_ellipsis_within_the_width() {
        assert_eq!(fit("production-api", 8), "product…");
        assert_eq!(fit("production-api", 8).width(), 8);
    }

    #[test]
    fn wide_characters_count_double() {
        let cut = fit("監視監視監視", 5);
        assert!(cut.width() <= 5, "{cut}");
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn control_sequences_never_survive() {
        let cut = fit("\x1b]0;pwned\x07title", 40);
        assert!(!cut.contains('\x1b'));
        assert!(!cut.contains('\x07'));
    }
}
