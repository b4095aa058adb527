//! Strings many rows repeat, held once.

use std::sync::Arc;

/// A string many rows repeat (an account ID, a region, a finding type, an IAM group or
/// policy), shared. `Arc<String>` rather than `Arc<str>`: a thin pointer, 8 bytes where
/// `Arc<str>` takes 16, and each finding holds five.
pub type SharedText = Arc<String>;

/// Hands out one shared copy of each repeated string, so every finding of a region points
/// at the same account ID, region, detector and type, and every user of an account at the
/// same group and policy names, instead of each holding its own.
#[derive(Debug, Default)]
pub struct Interner(std::collections::HashMap<String, SharedText>);

impl Interner {
    pub fn get(&mut self, text: &str) -> SharedText {
        if let Some(shared) = self.0.get(text) {
            return shared.clone();
        }
        let shared = Arc::new(text.to_string());
        self.0.insert(text.to_string(), shared.clone());
        shared
    }
}

/// The texts one after another with `separator` between them, as `[String]::join` gives.
pub fn joined(texts: &[SharedText], separator: &str) -> String {
    let mut out = String::new();
    for (i, text) in texts.iter().enumerate() {
        if i > 0 {
            out.push_str(separator);
        }
        out.push_str(text);
    }
    out
}
