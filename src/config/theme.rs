//! Themes as data: a table of named styles. Colours are names (`red`, `light-blue`),
//! `#rrggbb`, or a 0–255 palette index; modifiers are booleans. Severity is always also
//! written as text, so no theme conveys it by colour alone.

use super::{ConfigError, Origin};
use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;
use std::str::FromStr;

/// The theme presets compiled into the binary.
pub const PRESETS: &[(&str, &str)] = &[
    ("default", include_str!("../../themes/default.toml")),
    ("mono", include_str!("../../themes/mono.toml")),
];

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct StyleSpec {
    fg: Option<toml::Spanned<String>>,
    bg: Option<toml::Spanned<String>>,
    #[serde(default)]
    bold: bool,
    #[serde(default)]
    dim: bool,
    #[serde(default)]
    italic: bool,
    #[serde(default)]
    underline: bool,
    #[serde(default)]
    reversed: bool,
}

macro_rules! theme_styles {
    ($($name:ident: $doc:literal),* $(,)?) => {
        /// Every style the UI draws with.
        #[derive(Clone, Debug, Default, PartialEq)]
        pub struct Theme {
            pub name: String,
            $(#[doc = $doc] pub $name: Style,)*
        }

        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct RawTheme {
            name: String,
            $(#[serde(default)] $name: StyleSpec,)*
        }

        impl Theme {
            fn all_styles(&self) -> Vec<Style> {
                vec![$(self.$name,)*]
            }
        }

        impl RawTheme {
            fn into_theme(self, origin: &Origin, text: &str) -> Result<Theme, ConfigError> {
                Ok(Theme {
                    name: self.name,
                    $($name: self.$name.to_style(origin, text)?,)*
                })
            }
        }
    };
}

theme_styles! {
    text: "Ordinary text.",
    dim: "Secondary text: ages, hints.",
    header: "The header bar.",
    badge_read_only: "The READ-ONLY badge.",
    badge_write: "The warning badge shown when the credentials can write.",
    badge_demo: "The DEMO badge.",
    tab: "An inactive tab title.",
    tab_active: "The active tab title.",
    border: "Pane borders.",
    title: "Pane titles.",
    table_header: "Column headings.",
    selected: "The selected row.",
    filter: "The filter prompt.",
    status: "The status line.",
    error: "Error messages.",
    stale: "Data that is old or whose source failed.",
    help_key: "Keys in the help overlay.",
    severity_critical: "Critical severity.",
    severity_high: "High severity.",
    severity_medium: "Medium severity.",
    severity_low: "Low severity.",
    severity_info: "Informational severity.",
    state_alarm: "Alarm state ALARM.",
    state_ok: "Alarm state OK.",
    state_insufficient: "Alarm state INSUFFICIENT_DATA.",
    pass: "A passing check.",
    fail: "A failing check.",
    changed: "A row that changed since the previous poll.",
}

impl StyleSpec {
    fn to_style(&self, origin: &Origin, text: &str) -> Result<Style, ConfigError> {
        let mut style = Style::default();
        if let Some(fg) = &self.fg {
            style = style.fg(parse_color(fg, origin, text)?);
        }
        if let Some(bg) = &self.bg {
            style = style.bg(parse_color(bg, origin, text)?);
        }
        let flags = [
            (self.bold, Modifier::BOLD),
            (self.dim, Modifier::DIM),
            (self.italic, Modifier::ITALIC),
            (self.underline, Modifier::UNDERLINED),
            (self.reversed, Modifier::REVERSED),
        ];
        for (on, modifier) in flags {
            if on {
                style = style.add_modifier(modifier);
            }
        }
        Ok(style)
    }
}

fn parse_color(
    spec: &toml::Spanned<String>,
    origin: &Origin,
    text: &str,
) -> Result<Color, ConfigError> {
    Color::from_str(spec.get_ref()).map_err(|_| {
        ConfigError::at(
            origin,
            text,
            spec.span().start,
            format!(
                "unknown colour `{}` (expected a name such as red or light-blue, #rrggbb, or 0-255)",
                spec.get_ref()
            ),
        )
    })
}

impl Theme {
    pub fn parse(text: &str, origin: &Origin) -> Result<Theme, ConfigError> {
        let raw: RawTheme =
            toml::from_str(text).map_err(|err| ConfigError::from_toml(origin, text, &err))?;
        raw.into_theme(origin, text)
    }

    pub fn severity(&self, severity: crate::domain::Severity) -> Style {
        use crate::domain::Severity;
        match severity {
            Severity::Critical => self.severity_critical,
            Severity::High => self.severity_high,
            Severity::Medium => self.severity_medium,
            Severity::Low => self.severity_low,
            Severity::Info => self.severity_info,
        }
    }

    pub fn alarm_state(&self, state: crate::domain::AlarmState) -> Style {
        use crate::domain::AlarmState;
        match state {
            AlarmState::Alarm => self.state_alarm,
            AlarmState::Ok => self.state_ok,
            AlarmState::InsufficientData => self.state_insufficient,
        }
    }

    /// Whether any style sets a colour (the mono theme must set none).
    pub fn uses_colour(&self) -> bool {
        self.all_styles()
            .iter()
            .any(|s| s.fg.is_some() || s.bg.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn preset(name: &str) -> Theme {
        let text = PRESETS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| *t)
            .unwrap_or_default();
        match Theme::parse(text, &Origin(name.into())) {
            Ok(theme) => theme,
            Err(err) => panic!("embedded theme {name} is invalid: {err}"),
        }
    }

    #[test]
    fn presets_parse() {
        assert_eq!(preset("default").name, "default");
        assert!(preset("default").uses_colour());
    }

    #[test]
    fn mono_has_no_colour_but_keeps_the_selection_visible() {
        let mono = preset("mono");
        assert!(!mono.uses_colour());
        assert!(mono.selected.add_modifier.contains(Modifier::REVERSED));
    }

    #[test]
    fn bad_colour_is_reported_at_its_position() {
        let text = "name = \"x\"\n[header]\nfg = \"chartreuse-ish\"\n";
        let msg = Theme::parse(text, &Origin("t.toml".into()))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(msg.starts_with("t.toml:3:6: unknown colour"), "{msg}");
    }

    #[test]
    fn unknown_style_name_is_an_error() {
        let text = "name = \"x\"\n[headr]\nbold = true\n";
        let msg = Theme::parse(text, &Origin("t.toml".into()))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(msg.starts_with("t.toml:2:"), "{msg}");
    }
}
