//! Every string that comes from AWS is untrusted: an alarm name or a finding title can carry
//! escape sequences that would retitle the terminal, write the clipboard (OSC 52) or forge
//! what the engineer sees. They pass through here before they reach the terminal.

use std::borrow::Cow;

/// The longest text kept for one displayed value; a 100,000-character value is cut here.
pub const MAX_DISPLAY_CHARS: usize = 2048;

/// Makes `text` inert for a one-line cell: C0 controls become their visible Control Pictures
/// (ESC shows as `␛`, so a forged sequence is visible but harmless), DEL shows as `␡`, C1
/// controls, bidi controls and invisible characters (zero-width, tag characters, variation
/// selectors, soft hyphen, Hangul fillers: see [`is_unsafe`]) become `�`, newlines, tabs
/// and the Unicode line and paragraph separators become spaces, and the result is bounded
/// to [`MAX_DISPLAY_CHARS`].
pub fn clean(text: &str) -> Cow<'_, str> {
    clean_bounded(text, MAX_DISPLAY_CHARS, false)
}

/// Like [`clean`], but never cuts: for exported reports, where every character of a value
/// counts but control characters must not reach a terminal that prints the file.
pub fn clean_unbounded(text: &str) -> Cow<'_, str> {
    clean_bounded(text, usize::MAX, false)
}

/// Like [`clean`], but keeps newlines, for multi-line detail text; the Unicode line and
/// paragraph separators (U+2028, U+2029) become newlines too.
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

/// Whether `c` must not reach a terminal as it is: a control character, a bidi control, or a
/// character that draws nothing (so it can hide or disguise text). [`clean`] replaces every
/// such character; the JSON reports write them as `\uXXXX` escapes.
pub fn is_unsafe(c: char) -> bool {
    replacement(c, false).is_some()
}

/// What to show instead of `c`, or `None` to keep it.
///
/// Beyond controls and bidi controls, the invisible characters replaced are Unicode's
/// Default_Ignorable_Code_Point set (DerivedCoreProperties.txt): characters a terminal or
/// font draws as nothing, so a name can carry text nobody sees (tag characters smuggle
/// whole ASCII strings), look identical to another name, or hide a word break. The set
/// is small and stable, and none of it is needed to read an AWS value.
fn replacement(c: char, keep_newlines: bool) -> Option<char> {
    match c {
        '\n' if keep_newlines => None,
        // Line and paragraph separators break lines in some terminals and editors.
        '\u{2028}' | '\u{2029}' if keep_newlines => Some('\n'),
        '\n' | '\r' | '\t' | '\u{2028}' | '\u{2029}' => Some(' '),
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
        // Soft hyphen: invisible unless a line breaks at it.
        '\u{ad}' => Some('�'),
        // Hangul fillers, which draw as blank space of a letter's width.
        '\u{115f}' | '\u{1160}' | '\u{3164}' | '\u{ffa0}' => Some('�'),
        // Variation selectors (and Mongolian free variation selectors, vowel separator).
        '\u{fe00}'..='\u{fe0f}' | '\u{e0100}'..='\u{e01ef}' | '\u{180b}'..='\u{180f}' => Some('�'),
        // Tag characters: invisible copies of ASCII that can smuggle a whole hidden string.
        '\u{e0000}'..='\u{e007f}' => Some('�'),
        // The rest of the default-ignorable set: the combining grapheme joiner, Khmer's
        // inherent vowels, the unassigned and deprecated format characters after the bidi
        // isolates, reserved specials, shorthand and musical format controls, and the
        // reserved rest of plane 14.
        '\u{034f}'
        | '\u{17b4}'
        | '\u{17b5}'
        | '\u{2065}'
        | '\u{206a}'..='\u{206f}'
        | '\u{fff0}'..='\u{fff8}'
        | '\u{1bca0}'..='\u{1bca3}'
        | '\u{1d173}'..='\u{1d17a}'
        | '\u{e0080}'..='\u{e00ff}'
        | '\u{e01f0}'..='\u{e0fff}' => Some('�'),
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
        // Up to the bound, plain text is not copied either.
        let longest = "x".repeat(MAX_DISPLAY_CHARS);
        assert!(matches!(clean(&longest), Cow::Borrowed(_)));
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

    /// `c` between two letters, cleaned for a cell and for detail text.
    fn cell(c: char) -> String {
        clean(&format!("a{c}b")).into_owned()
    }

    fn detail(c: char) -> String {
        clean_multiline(&format!("a{c}b")).into_owned()
    }

    /// Asserts that every one of `chars` shows as `a�b` in a cell and in detail text, and is
    /// unsafe.
    fn all_replaced(chars: &[char]) {
        for &c in chars {
            assert_eq!(cell(c), "a�b", "U+{:04X} in a cell", c as u32);
            assert_eq!(detail(c), "a�b", "U+{:04X} in detail text", c as u32);
            assert!(is_unsafe(c), "U+{:04X}", c as u32);
        }
    }

    // One test per arm of `replacement`, each alternative of an arm and both ends of each
    // range: deleting or changing an arm fails one of them.

    #[test]
    fn arm_newline_is_kept_in_detail_text() {
        assert_eq!(detail('\n'), "a\nb");
    }

    #[test]
    fn arm_line_and_paragraph_separators_are_newlines_in_detail_text() {
        assert_eq!(detail('\u{2028}'), "a\nb");
        assert_eq!(detail('\u{2029}'), "a\nb");
    }

    #[test]
    fn arm_line_breaks_and_tabs_are_spaces_in_cells() {
        for c in ['\n', '\r', '\t', '\u{2028}', '\u{2029}'] {
            assert_eq!(cell(c), "a b", "U+{:04X}", c as u32);
        }
        assert_eq!(detail('\r'), "a b");
        assert_eq!(detail('\t'), "a b");
    }

    #[test]
    fn arm_c0_controls_show_their_control_pictures() {
        assert_eq!(cell('\u{0}'), "a␀b");
        assert_eq!(cell('\u{7}'), "a␇b");
        assert_eq!(cell('\u{1b}'), "a␛b");
        assert_eq!(cell('\u{1f}'), "a␟b");
        assert_eq!(detail('\u{1b}'), "a␛b");
    }

    #[test]
    fn arm_del_shows_its_control_picture() {
        assert_eq!(cell('\u{7f}'), "a␡b");
        assert_eq!(detail('\u{7f}'), "a␡b");
    }

    #[test]
    fn arm_c1_controls_are_replaced() {
        all_replaced(&['\u{80}', '\u{85}', '\u{9b}', '\u{9d}', '\u{9f}']);
    }

    #[test]
    fn arm_bidi_controls_are_replaced() {
        all_replaced(&[
            '\u{202a}', '\u{202e}', '\u{2066}', '\u{2069}', '\u{200e}', '\u{200f}', '\u{061c}',
        ]);
    }

    #[test]
    fn arm_zero_width_characters_are_replaced() {
        all_replaced(&[
            '\u{200b}', '\u{200c}', '\u{200d}', '\u{2060}', '\u{2064}', '\u{feff}', '\u{fff9}',
            '\u{fffb}',
        ]);
    }

    #[test]
    fn arm_soft_hyphen_is_replaced() {
        all_replaced(&['\u{ad}']);
    }

    #[test]
    fn arm_hangul_fillers_are_replaced() {
        all_replaced(&['\u{115f}', '\u{1160}', '\u{3164}', '\u{ffa0}']);
    }

    #[test]
    fn arm_variation_selectors_are_replaced() {
        all_replaced(&[
            '\u{fe00}',
            '\u{fe0f}',
            '\u{e0100}',
            '\u{e01ef}',
            '\u{180b}',
            '\u{180e}',
            '\u{180f}',
        ]);
    }

    #[test]
    fn arm_tag_characters_are_replaced() {
        all_replaced(&['\u{e0000}', '\u{e0001}', '\u{e0041}', '\u{e007f}']);
        // A whole hidden string in tags shows as one mark per hidden character.
        let smuggled: String = "hi"
            .chars()
            .map(|c| char::from_u32(0xe0000 + c as u32).unwrap())
            .collect();
        assert_eq!(clean(&format!("ok{smuggled}")), "ok��");
    }

    #[test]
    fn arm_other_default_ignorable_characters_are_replaced() {
        all_replaced(&[
            '\u{034f}',
            '\u{17b4}',
            '\u{17b5}',
            '\u{2065}',
            '\u{206a}',
            '\u{206f}',
            '\u{fff0}',
            '\u{fff8}',
            '\u{1bca0}',
            '\u{1bca3}',
            '\u{1d173}',
            '\u{1d17a}',
            '\u{e0080}',
            '\u{e00ff}',
            '\u{e01f0}',
            '\u{e0fff}',
        ]);
    }

    #[test]
    fn arm_everything_else_is_kept() {
        // Neighbours of every replaced range, and ordinary text in several scripts.
        let kept = [
            ' ',
            '~',
            '\u{a0}',
            '\u{ac}',
            '\u{ae}',
            '\u{34e}',
            '\u{350}',
            '\u{115e}',
            '\u{1161}',
            '\u{180a}',
            '\u{1810}',
            '\u{200a}',
            '\u{2010}',
            '\u{2027}',
            '\u{202f}',
            '\u{205f}',
            '\u{2070}',
            '\u{2400}',
            '\u{3163}',
            '\u{3165}',
            '\u{fdff}',
            '\u{fe10}',
            '\u{fefe}',
            '\u{ff9f}',
            '\u{ffa1}',
            '\u{ffef}',
            '\u{fffc}',
            '\u{fffd}',
            '\u{1bc9f}',
            '\u{1bca4}',
            '\u{1d172}',
            '\u{1d17b}',
            '\u{dffff}',
            '\u{e1000}',
            'é',
            '警',
            'ж',
            '😀',
        ];
        for c in kept {
            assert_eq!(cell(c), format!("a{c}b"), "U+{:04X}", c as u32);
            assert!(!is_unsafe(c), "U+{:04X}", c as u32);
        }
        assert!(matches!(clean("ünïcödé 警報 😀"), Cow::Borrowed(_)));
    }

    #[test]
    fn huge_values_are_bounded() {
        let huge = "x".repeat(100_000);
        let cleaned = clean(&huge);
        assert_eq!(cleaned.chars().count(), MAX_DISPLAY_CHARS + 1);
        assert!(cleaned.ends_with('…'));
        // Detail text keeps four times as much, and no more; reports keep everything.
        let detail = clean_multiline(&huge);
        assert_eq!(detail.chars().count(), MAX_DISPLAY_CHARS * 4 + 1);
        assert!(detail.ends_with('…'));
        assert_eq!(clean_unbounded(&huge).chars().count(), 100_000);
    }

    proptest::proptest! {
        #[test]
        fn nothing_unsafe_survives_cleaning(chars in proptest::collection::vec(
            proptest::prop_oneof![
                proptest::char::any(),
                proptest::char::range('\u{0}', '\u{ff}'),
                proptest::char::range('\u{2000}', '\u{206f}'),
                proptest::char::range('\u{e0000}', '\u{e01ff}'),
            ],
            0..64,
        )) {
            let text: String = chars.into_iter().collect();
            proptest::prop_assert!(!clean(&text).chars().any(is_unsafe));
            proptest::prop_assert!(!clean_multiline(&text).chars().any(|c| c != '\n' && is_unsafe(c)));
        }
    }
}
