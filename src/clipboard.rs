//! Copying over SSH: OSC 52 asks the user's terminal (not the remote host) to set its
//! clipboard, so a CLI command copied on a bastion lands on the engineer's laptop. Inside
//! tmux the sequence is wrapped for passthrough.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// Terminals cap OSC 52 payloads (xterm ~100 kB); longer text is cut at a character.
pub const MAX_BYTES: usize = 74_000;

/// The escape sequence that puts `text` on the clipboard. `in_tmux` wraps it in tmux's
/// DCS passthrough (tmux needs `set -g allow-passthrough on`, or its own `set-clipboard`).
pub fn osc52_sequence(text: &str, in_tmux: bool) -> String {
    let mut end = text.len().min(MAX_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let payload = STANDARD.encode(&text.as_bytes()[..end]);
    let sequence = format!("\x1b]52;c;{payload}\x07");
    if in_tmux {
        format!("\x1bPtmux;{}\x1b\\", sequence.replace('\x1b', "\x1b\x1b"))
    } else {
        sequence
    }
}

/// The sequence for this process's terminal (tmux detected from `TMUX`).
pub fn osc52(text: &str) -> String {
    osc52_sequence(text, std::env::var_os("TMUX").is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_and_tmux_sequences() {
        assert_eq!(osc52_sequence("hi", false), "\x1b]52;c;aGk=\x07");
        assert_eq!(
            osc52_sequence("hi", true),
            "\x1bPtmux;\x1b\x1b]52;c;aGk=\x07\x1b\\"
        );
    }

    #[test]
    fn non_ascii_text_is_encoded_as_utf8() {
        // "é" is C3 A9, "→" E2 86 92, "✓" E2 9C 93 in UTF-8.
        assert_eq!(
            osc52_sequence("café → ✓", false),
            "\x1b]52;c;Y2Fmw6kg4oaSIOKckw==\x07"
        );
    }

    #[test]
    fn long_text_is_bounded_at_a_character_boundary() {
        let text = "é".repeat(MAX_BYTES);
        let sequence = osc52_sequence(&text, false);
        let payload = sequence
            .trim_start_matches("\x1b]52;c;")
            .trim_end_matches('\x07');
        let decoded = STANDARD.decode(payload).unwrap_or_default();
        assert!(decoded.len() <= MAX_BYTES);
        assert!(String::from_utf8(decoded).is_ok());
    }
}
