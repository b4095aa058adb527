use super::{ConfigError, Origin};
use crate::domain::Severity;
use serde::Deserialize;
use std::path::Path;

/// `config.toml`: every field is optional; unknown fields are errors (a typo should not be
/// silently ignored in a security tool).
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Theme preset or file name under `themes/`.
    pub theme: String,
    /// Keymap preset or file name under `keymaps/`.
    pub keymap: String,
    /// Seconds between polls of each source.
    pub refresh_secs: u64,
    /// The severity an alarm in ALARM gets in the Overview.
    pub alarm_severity: Severity,
    /// Ring the terminal bell when an alarm enters ALARM.
    pub bell: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            theme: "default".into(),
            keymap: "default".into(),
            refresh_secs: 60,
            alarm_severity: Severity::High,
            bell: false,
        }
    }
}

impl Settings {
    /// Reads `config.toml` from `dir`; a missing file means defaults.
    pub fn load(dir: Option<&Path>) -> Result<Settings, ConfigError> {
        let Some(dir) = dir else {
            return Ok(Settings::default());
        };
        let path = dir.join("config.toml");
        match std::fs::read_to_string(&path) {
            Ok(text) => Settings::parse(&text, &Origin::file(&path)),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(Settings::default()),
            Err(err) => Err(ConfigError::io(&path, &err)),
        }
    }

    pub fn parse(text: &str, origin: &Origin) -> Result<Settings, ConfigError> {
        let settings: Settings =
            toml::from_str(text).map_err(|err| ConfigError::from_toml(origin, text, &err))?;
        if settings.refresh_secs == 0 {
            return Err(ConfigError {
                location: Some(origin.0.clone()),
                message: "refresh_secs must be at least 1".into(),
            });
        }
        Ok(settings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_file_means_defaults() {
        let settings = Settings::parse("", &Origin("c".into()));
        assert_eq!(settings, Ok(Settings::default()));
    }

    #[test]
    fn unknown_field_is_reported_with_position() {
        let err = Settings::parse("theme = \"mono\"\nrefesh_secs = 5\n", &Origin("c".into()));
        let text = err.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(text.starts_with("c:2:1: "), "{text}");
        assert!(text.contains("refesh_secs"), "{text}");
    }

    #[test]
    fn severity_is_parsed() {
        let settings = Settings::parse("alarm_severity = \"critical\"", &Origin("c".into()));
        assert_eq!(settings.map(|s| s.alarm_severity), Ok(Severity::Critical));
    }
}
