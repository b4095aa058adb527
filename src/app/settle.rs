//! A dialog settles before it takes keys. Where the terminal does not bracket pastes (GNU
//! screen drops bracketed paste), pasted text arrives as key presses: `a⏎y⏎` would open
//! the action menu, choose, and confirm. So every key that arrives before a new step of the
//! dialog has been drawn, or within [`SETTLE`] of it, is dropped. A person reads a preview
//! for longer than that; a burst of typed-ahead or pasted keys does not wait.
//!
//! The runtime keeps one [`Settle`], tells it what each frame showed and asks it about each
//! key; the times are passed in, so it is tested without a clock.

use std::time::{Duration, Instant};

/// How long a new dialog step ignores keys after it is first drawn.
pub const SETTLE: Duration = Duration::from_millis(300);

#[derive(Debug, Default)]
pub struct Settle {
    /// The dialog step last drawn, and when it was first drawn.
    drawn: Option<(u64, Instant)>,
}

impl Settle {
    /// A frame was drawn at `now` showing dialog step `step` (`None`: no dialog).
    pub fn drawn(&mut self, step: Option<u64>, now: Instant) {
        self.drawn = match (step, self.drawn) {
            (None, _) => None,
            (Some(step), Some((seen, at))) if seen == step => Some((seen, at)),
            (Some(step), _) => Some((step, now)),
        };
    }

    /// Whether a key that arrived at `now` may reach the dialog showing step `step` (`None`:
    /// no dialog is open, every key passes). A step not drawn yet takes no key.
    pub fn admits(&self, step: Option<u64>, now: Instant) -> bool {
        let Some(step) = step else {
            return true;
        };
        match self.drawn {
            Some((seen, at)) if seen == step => now.duration_since(at) >= SETTLE,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_pass_when_no_dialog_is_open() {
        let settle = Settle::default();
        assert!(settle.admits(None, Instant::now()));
    }

    #[test]
    fn a_step_takes_no_key_before_it_is_drawn_nor_while_it_settles() {
        let start = Instant::now();
        let mut settle = Settle::default();
        assert!(!settle.admits(Some(1), start), "not drawn yet");
        settle.drawn(Some(1), start);
        assert!(!settle.admits(Some(1), start + Duration::from_millis(299)));
        assert!(settle.admits(Some(1), start + SETTLE));
        // Redrawing the same step does not restart its clock.
        settle.drawn(Some(1), start + Duration::from_secs(1));
        assert!(settle.admits(Some(1), start + Duration::from_secs(1)));
        // A new step settles again.
        settle.drawn(Some(2), start + Duration::from_secs(2));
        assert!(!settle.admits(Some(2), start + Duration::from_millis(2100)));
        assert!(settle.admits(Some(2), start + Duration::from_millis(2300)));
        // A step the screen has not shown yet takes nothing, even long after.
        assert!(!settle.admits(Some(3), start + Duration::from_secs(9)));
    }

    #[test]
    fn closing_the_dialog_forgets_it() {
        let start = Instant::now();
        let mut settle = Settle::default();
        settle.drawn(Some(1), start);
        settle.drawn(None, start + Duration::from_secs(1));
        assert!(!settle.admits(Some(1), start + Duration::from_secs(2)));
    }
}
