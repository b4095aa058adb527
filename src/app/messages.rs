//! The status line's history: every message shown there, newest last, so one cut short or
//! gone after a few seconds can be read again with `:messages`.

use super::App;
use chrono::{DateTime, Utc};
use std::collections::VecDeque;

/// How many messages are kept.
pub const MAX_MESSAGES: usize = 200;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Messages {
    entries: VecDeque<(DateTime<Utc>, String)>,
}

impl Messages {
    /// Records `text` shown at `at`; the same text again in a row is kept once.
    pub fn push(&mut self, at: DateTime<Utc>, text: &str) {
        if self.entries.back().is_some_and(|(_, last)| last == text) {
            return;
        }
        if self.entries.len() == MAX_MESSAGES {
            self.entries.pop_front();
        }
        self.entries.push_back((at, text.to_string()));
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The history, newest first, each message wrapped to `width` columns after its time
    /// (`HH:MM:SS`, UTC like the rest of the console), without control characters.
    pub fn lines(&self, width: usize) -> Vec<String> {
        const TIME: usize = 10;
        let wrap_at = width.saturating_sub(TIME).max(8);
        let mut lines = Vec::new();
        for (at, text) in self.entries.iter().rev() {
            let text = [crate::panes::DetailLine::Text(text.clone())];
            for (i, row) in crate::panes::detail_rows(&text, wrap_at)
                .into_iter()
                .enumerate()
            {
                let time = if i == 0 {
                    at.format("%H:%M:%S").to_string()
                } else {
                    String::new()
                };
                lines.push(format!("{time:<TIME$}{}", row.text));
            }
        }
        lines
    }
}

impl App {
    /// Shows `text` on the status line for a few seconds (or until a key is pressed) and
    /// keeps it in the history `:messages` shows.
    pub fn say(&mut self, text: String) {
        self.messages.push(self.now, &text);
        self.status = Some(text);
        self.status_since = Some(self.now);
    }

    /// The width the `:messages` overlay wraps to on a screen `width` columns wide.
    pub fn messages_width(width: u16) -> usize {
        usize::from(width.saturating_sub(6).min(100))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_history_is_bounded_and_keeps_a_repeated_message_once() {
        let at = DateTime::<Utc>::UNIX_EPOCH;
        let mut messages = Messages::default();
        for i in 0..MAX_MESSAGES + 5 {
            messages.push(at, &format!("message {i}"));
            messages.push(at, &format!("message {i}"));
        }
        assert_eq!(messages.len(), MAX_MESSAGES);
        let lines = messages.lines(80);
        assert_eq!(
            lines.first().map(String::as_str),
            Some("00:00:00  message 204")
        );
        assert_eq!(
            lines.last().map(String::as_str),
            Some("00:00:00  message 5")
        );
    }

    #[test]
    fn a_long_message_is_wrapped_whole_under_its_time() {
        let mut messages = Messages::default();
        let long = "word ".repeat(40);
        messages.push(DateTime::<Utc>::UNIX_EPOCH, long.trim());
        let lines = messages.lines(40);
        assert!(lines.len() > 4, "{lines:?}");
        assert!(lines.iter().all(|l| l.chars().count() <= 40), "{lines:?}");
        assert!(
            lines
                .iter()
                .skip(1)
                .all(|l| l.starts_with("          word"))
        );
        let words: usize = lines.iter().map(|l| l.matches("word").count()).sum();
        assert_eq!(words, 40, "nothing cut");
    }
}
