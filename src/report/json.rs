//! `--format json`: the [`Report`] as it is, pretty-printed (schema: `docs/report.md`).
//!
//! The JSON reports (this one and OCSF) are written through [`to_vec_pretty`], which escapes
//! every character that [`sanitize::is_unsafe`] names — C1 controls, DEL, bidi controls,
//! zero-width and other invisible characters — as `\uXXXX` (a surrogate pair above the Basic
//! Multilingual Plane). The file stays valid JSON and parses back to exactly the values AWS
//! returned, but `cat report.json` in a terminal shows only inert ASCII escapes. (serde_json
//! already escapes C0 controls, `"` and `\`.)

use super::{RenderError, Report};
use crate::sanitize;
use serde::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter};
use std::io::{self, Write};

pub fn render(report: &Report) -> Result<Vec<u8>, RenderError> {
    let mut out = to_vec_pretty(report)?;
    out.push(b'\n');
    Ok(out)
}

/// `value` as pretty-printed JSON, with the characters a terminal must not receive raw
/// written as `\uXXXX` escapes (see the module documentation).
pub fn to_vec_pretty<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, serde_json::Error> {
    let mut out = Vec::with_capacity(128);
    let mut serializer =
        serde_json::Serializer::with_formatter(&mut out, TerminalSafe(PrettyFormatter::new()));
    value.serialize(&mut serializer)?;
    Ok(out)
}

/// serde_json's pretty formatter, but string contents go through [`write_safe`]. Every
/// method that shapes the output is passed on to the pretty formatter.
struct TerminalSafe<'a>(PrettyFormatter<'a>);

impl Formatter for TerminalSafe<'_> {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        write_safe(writer, fragment)
    }

    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_array(writer)
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array(writer)
    }

    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_array_value(writer, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array_value(writer)
    }

    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object(writer)
    }

    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object(writer)
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_object_key(writer, first)
    }

    fn end_object_key<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object_key(writer)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object_value(writer)
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object_value(writer)
    }
}

/// Writes `fragment` (string contents that serde_json has already found need no escape of
/// its own), with every unsafe character as `\uXXXX`, or two of them (a UTF-16 surrogate
/// pair) above U+FFFF, as JSON spells such characters.
fn write_safe<W: ?Sized + Write>(writer: &mut W, fragment: &str) -> io::Result<()> {
    let mut start = 0;
    for (at, c) in fragment.char_indices() {
        if !sanitize::is_unsafe(c) {
            continue;
        }
        writer.write_all(&fragment.as_bytes()[start..at])?;
        let mut units = [0u16; 2];
        for unit in c.encode_utf16(&mut units) {
            write!(writer, "\\u{unit:04x}")?;
        }
        start = at + c.len_utf8();
    }
    writer.write_all(&fragment.as_bytes()[start..])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kind of character the terminal must not receive raw, with plain text around.
    const HOSTILE: &str = "a\u{1b}]52;c;eA==\u{7}b\u{9b}31m\u{7f}\u{85}\u{202e}txt\u{2066}\
        \u{200b}\u{200d}\u{feff}\u{ad}\u{3164}\u{fe0f}\u{2028}\u{2029}\u{e0041}\u{e0100}\
        \u{e007f}\"\\ 警報 😀 end";

    #[test]
    fn hostile_strings_round_trip_exactly_and_no_unsafe_character_is_written_raw() {
        let value = serde_json::json!({ HOSTILE: [HOSTILE, { "k": HOSTILE }] });
        let bytes = to_vec_pretty(&value).unwrap();
        let text = std::str::from_utf8(&bytes).unwrap();
        let unsafe_chars: Vec<char> = text.chars().filter(|&c| sanitize::is_unsafe(c)).collect();
        // Pretty printing's own newlines are the only control characters.
        assert!(unsafe_chars.iter().all(|&c| c == '\n'), "{unsafe_chars:?}");
        assert!(!bytes.contains(&0x7f));
        let back: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(back, value);
        assert_eq!(back[HOSTILE][0], HOSTILE);
        assert_eq!(back[HOSTILE][1]["k"], HOSTILE);
    }

    #[test]
    fn escapes_are_utf16_code_units_and_surrogate_pairs() {
        let bytes = to_vec_pretty("\u{7f}\u{9b}\u{202e}\u{200b}\u{2028}\u{e0041}").unwrap();
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            r#""\u007f\u009b\u202e\u200b\u2028\udb40\udc41""#
        );
    }

    #[test]
    fn safe_text_and_layout_are_serde_jsons_own() {
        let value =
            serde_json::json!({"name": "prod-api 警報 😀 é", "list": [1, "x\ty"], "empty": {}});
        assert_eq!(
            to_vec_pretty(&value).unwrap(),
            serde_json::to_vec_pretty(&value).unwrap()
        );
    }
}
