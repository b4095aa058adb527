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
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
    ("ansi16", include_str!("../../themes/ansi16.toml")),
    ("mono", include_str!("../../themes/mono.toml")),
];

/// How many colours the terminal shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ColorDepth {
    Ansi16,
    Ansi256,
    TrueColor,
}

impl ColorDepth {
    /// From `COLORTERM` and `TERM`, as terminals advertise it: `truecolor`/`24bit`, then
    /// `*-256color`, else the 16 colours every terminal has.
    pub fn detect(colorterm: Option<&str>, term: Option<&str>) -> ColorDepth {
        let colorterm = colorterm.unwrap_or_default().to_ascii_lowercase();
        if colorterm.contains("truecolor") || colorterm.contains("24bit") {
            ColorDepth::TrueColor
        } else if term.unwrap_or_default().contains("256color") {
            ColorDepth::Ansi256
        } else {
            ColorDepth::Ansi16
        }
    }
}

/// The 16 ANSI colours as xterm draws them, for finding the nearest one.
const ANSI16: [(Color, (u8, u8, u8)); 16] = [
    (Color::Black, (0, 0, 0)),
    (Color::Red, (205, 0, 0)),
    (Color::Green, (0, 205, 0)),
    (Color::Yellow, (205, 205, 0)),
    (Color::Blue, (0, 0, 238)),
    (Color::Magenta, (205, 0, 205)),
    (Color::Cyan, (0, 205, 205)),
    (Color::Gray, (229, 229, 229)),
    (Color::DarkGray, (127, 127, 127)),
    (Color::LightRed, (255, 0, 0)),
    (Color::LightGreen, (0, 255, 0)),
    (Color::LightYellow, (255, 255, 0)),
    (Color::LightBlue, (92, 92, 255)),
    (Color::LightMagenta, (255, 0, 255)),
    (Color::LightCyan, (0, 255, 255)),
    (Color::White, (255, 255, 255)),
];

/// `color` in xterm's default palette; `None` for the terminal's own default colour.
#[cfg(test)]
pub(super) fn rgb_of(color: Color) -> Option<(u8, u8, u8)> {
    match color {
        Color::Reset => None,
        Color::Rgb(r, g, b) => Some((r, g, b)),
        Color::Indexed(i) => Some(rgb_of_index(i)),
        named => ANSI16
            .iter()
            .find(|(c, _)| *c == named)
            .map(|(_, rgb)| *rgb),
    }
}

fn rgb_of_index(index: u8) -> (u8, u8, u8) {
    match index {
        0..=15 => ANSI16
            .get(usize::from(index))
            .map_or((0, 0, 0), |(_, rgb)| *rgb),
        16..=231 => {
            let i = index - 16;
            let level = |v: u8| if v == 0 { 0 } else { 55 + v * 40 };
            (level(i / 36), level((i / 6) % 6), level(i % 6))
        }
        _ => {
            let grey = 8 + (index - 232) * 10;
            (grey, grey, grey)
        }
    }
}

fn distance(a: (u8, u8, u8), b: (u8, u8, u8)) -> u32 {
    let d = |x: u8, y: u8| (i32::from(x) - i32::from(y)).pow(2) as u32;
    d(a.0, b.0) + d(a.1, b.1) + d(a.2, b.2)
}

fn nearest_16(rgb: (u8, u8, u8)) -> Color {
    ANSI16
        .iter()
        .min_by_key(|(_, candidate)| distance(rgb, *candidate))
        .map_or(Color::Reset, |(color, _)| *color)
}

fn nearest_256(rgb: (u8, u8, u8)) -> Color {
    (16..=255u8)
        .min_by_key(|i| distance(rgb, rgb_of_index(*i)))
        .map_or(Color::Reset, Color::Indexed)
}

/// `color` as the terminal can show it.
pub fn degrade(color: Color, depth: ColorDepth) -> Color {
    match (color, depth) {
        (_, ColorDepth::TrueColor) => color,
        (Color::Rgb(r, g, b), ColorDepth::Ansi256) => nearest_256((r, g, b)),
        (Color::Rgb(r, g, b), ColorDepth::Ansi16) => nearest_16((r, g, b)),
        (Color::Indexed(i), ColorDepth::Ansi16) if i > 15 => nearest_16(rgb_of_index(i)),
        _ => color,
    }
}

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

            /// Every style with its name, for checks over a whole theme.
            #[cfg(test)]
            pub(super) fn named_styles(&self) -> Vec<(&'static str, Style)> {
                vec![$((stringify!($name), self.$name),)*]
            }

            fn all_styles_mut(&mut self) -> Vec<&mut Style> {
                vec![$(&mut self.$name,)*]
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

    /// The theme with every colour the terminal cannot show replaced by its nearest.
    pub fn degraded(mut self, depth: ColorDepth) -> Theme {
        for style in self.all_styles_mut() {
            style.fg = style.fg.map(|c| degrade(c, depth));
            style.bg = style.bg.map(|c| degrade(c, depth));
        }
        self
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
    fn colour_depth_is_detected_from_the_environment() {
        assert_eq!(
            ColorDepth::detect(Some("truecolor"), Some("xterm")),
            ColorDepth::TrueColor
        );
        assert_eq!(
            ColorDepth::detect(None, Some("tmux-256color")),
            ColorDepth::Ansi256
        );
        assert_eq!(ColorDepth::detect(None, Some("screen")), ColorDepth::Ansi16);
        assert_eq!(ColorDepth::detect(None, None), ColorDepth::Ansi16);
    }

    #[test]
    fn colours_degrade_to_what_the_terminal_shows() {
        let navy = Color::Rgb(0x1c, 0x2b, 0x4a);
        assert_eq!(degrade(navy, ColorDepth::TrueColor), navy);
        assert!(matches!(degrade(navy, ColorDepth::Ansi256), Color::Indexed(i) if i >= 16));
        assert_eq!(
            degrade(Color::Rgb(250, 10, 10), ColorDepth::Ansi16),
            Color::LightRed
        );
        assert_eq!(
            degrade(Color::Indexed(196), ColorDepth::Ansi16),
            Color::LightRed
        );
        assert_eq!(degrade(Color::Yellow, ColorDepth::Ansi16), Color::Yellow);
        let theme = preset("default").degraded(ColorDepth::Ansi16);
        let named_only = theme.all_styles().iter().all(|s| {
            [s.fg, s.bg]
                .iter()
                .flatten()
                .all(|c| !matches!(c, Color::Rgb(..) | Color::Indexed(_)))
        });
        assert!(named_only, "only the 16 colours are left");
    }

    #[test]
    fn the_ansi16_theme_uses_only_the_terminal_palette() {
        let theme = preset("ansi16");
        assert!(theme.uses_colour());
        assert_eq!(theme.clone().degraded(ColorDepth::Ansi16), theme);
    }

    #[test]
    fn presets_parse() {
        for (name, _) in PRESETS {
            let theme = preset(name);
            assert_eq!(theme.name, *name);
            assert_eq!(theme.uses_colour(), *name != "mono", "{name}");
            assert!(
                theme.selected.add_modifier.contains(Modifier::REVERSED)
                    || theme.selected.bg.is_some(),
                "{name}: the selection must stand out"
            );
        }
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
