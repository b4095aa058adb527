//! The sanitiser: whatever comes in, nothing that a terminal would act on comes out, and the
//! result is bounded.
#![no_main]

use libfuzzer_sys::fuzz_target;
use watchpost::sanitize::{MAX_DISPLAY_CHARS, clean, clean_multiline};

fuzz_target!(|text: &str| {
    for out in [clean(text), clean_multiline(text)] {
        assert!(
            !out.chars()
                .any(|c| (c < ' ' && c != '\n') || ('\u{7f}'..='\u{9f}').contains(&c)),
            "a control character survived: {out:?}"
        );
        assert!(out.chars().count() <= MAX_DISPLAY_CHARS * 4 + 1);
    }
});
