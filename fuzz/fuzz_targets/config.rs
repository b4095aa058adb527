//! config.toml, theme and keymap files: any text gives a value or a located error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use watchpost::config::{Keymap, Origin, Settings, Theme};

fuzz_target!(|text: &str| {
    let origin = Origin("fuzz.toml".into());
    if let Err(err) = Settings::parse(text, &origin) {
        let _ = err.to_string();
    }
    if let Err(err) = Theme::parse(text, &origin) {
        let _ = err.to_string();
    }
    if let Err(err) = Keymap::parse(text, &origin) {
        let _ = err.to_string();
    }
});
