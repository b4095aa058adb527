use super::Origin;
use std::fmt;
use std::path::Path;

/// A configuration problem, located as precisely as the parser allows.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct ConfigError {
    pub location: Option<String>,
    pub message: String,
}

impl ConfigError {
    pub fn plain(message: impl Into<String>) -> Self {
        ConfigError {
            location: None,
            message: message.into(),
        }
    }

    pub fn io(path: &Path, err: &std::io::Error) -> Self {
        ConfigError {
            location: Some(path.display().to_string()),
            message: format!("cannot read: {err}"),
        }
    }

    /// An error at byte `offset` of `text`, reported as `origin:line:column`.
    pub fn at(origin: &Origin, text: &str, offset: usize, message: impl Into<String>) -> Self {
        ConfigError {
            location: Some(location(origin, text, offset)),
            message: message.into(),
        }
    }

    /// Converts a TOML parse/deserialize error, keeping its position.
    pub fn from_toml(origin: &Origin, text: &str, err: &toml::de::Error) -> Self {
        // The message is the parser's own, minus the source excerpt it appends, so the
        // error stays on one line.
        let message = err
            .message()
            .lines()
            .next()
            .unwrap_or("invalid TOML")
            .trim();
        match err.span() {
            Some(span) => ConfigError::at(origin, text, span.start, message),
            None => ConfigError {
                location: Some(origin.0.clone()),
                message: message.to_string(),
            },
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Some(location) => write!(f, "{location}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// `origin:line:column` of byte `offset` of `text`.
pub fn location(origin: &Origin, text: &str, offset: usize) -> String {
    let (line, column) = line_column(text, offset);
    format!("{}:{line}:{column}", origin.0)
}

/// 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based() {
        let text = "a = 1\nbb = x\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 6), (2, 1));
        assert_eq!(line_column(text, 11), (2, 6));
        assert_eq!(line_column(text, 999), (3, 1));
    }

    #[test]
    fn toml_errors_keep_their_position() {
        let text = "theme = \"dark\"\nrefresh_secs = \"soon\"\n";
        let err = toml::from_str::<toml::Table>("x = [1,\n").err();
        assert!(err.is_some());
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct S {
            theme: String,
            refresh_secs: u64,
        }
        let err = toml::from_str::<S>(text)
            .err()
            .map(|e| ConfigError::from_toml(&Origin("c.toml".into()), text, &e).to_string());
        let err = err.unwrap_or_default();
        assert!(err.starts_with("c.toml:2:16: "), "{err}");
        assert!(!err.contains('\n'), "{err}");
    }
}
