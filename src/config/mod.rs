//! Configuration as data: settings, keymaps and themes. Presets are embedded in the binary.
//! A theme file under `$XDG_CONFIG_HOME/watchpost/themes/` replaces the preset of its name; a
//! keymap file under `keymaps/` is laid over a preset (its own name's, or `extends = "…"`,
//! else `default`), so it only lists what it changes. Every file is validated before the
//! terminal is touched, and a bad one is reported as `path:line:column: what was expected`.

mod error;
pub mod keymap;
mod paths;
mod settings;
pub mod theme;
#[cfg(test)]
mod theme_contrast;

pub use error::ConfigError;
pub use keymap::{Action, KeySpec, Keymap, Layer};
pub use paths::{config_dir, state_dir};
pub use settings::{AccountRule, OrgRefresh, OrgSettings, REFRESH_SECS, Settings};
pub use theme::Theme;

use std::path::{Path, PathBuf};

/// Where a configuration text came from, for error messages.
#[derive(Clone, Debug)]
pub struct Origin(pub String);

impl Origin {
    pub fn embedded(kind: &str, name: &str) -> Self {
        Origin(format!("<embedded {kind}/{name}.toml>"))
    }

    pub fn file(path: &Path) -> Self {
        Origin(path.display().to_string())
    }
}

/// The user's `keymaps/<name>.toml` over its preset, or the preset alone.
fn load_keymap(name: &str, dir: Option<&Path>) -> Result<Keymap, ConfigError> {
    let preset = |name: &str| -> Result<Keymap, ConfigError> {
        let (text, origin) = load_named("keymaps", name, keymap::PRESETS, None)?;
        Keymap::parse(&text, &origin)
    };
    let user_path = dir.map(|d| d.join("keymaps").join(format!("{name}.toml")));
    let user_text = match &user_path {
        Some(path) => match std::fs::read_to_string(path) {
            Ok(text) => Some((text, Origin::file(path))),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => None,
            Err(err) => return Err(ConfigError::io(path, &err)),
        },
        None => None,
    };
    let Some((text, origin)) = user_text else {
        return preset(name);
    };
    let user = Keymap::parse(&text, &origin)?;
    let base = match &user.extends {
        Some(base) => base.clone(),
        None if keymap::PRESETS.iter().any(|(preset, _)| *preset == name) => name.to_string(),
        None => "default".to_string(),
    };
    Ok(preset(&base)?.overlay(user))
}

/// Reads `<config dir>/<kind>/<name>.toml` if the user has one, else the embedded preset.
fn load_named(
    kind: &str,
    name: &str,
    embedded: &[(&str, &str)],
    dir: Option<&Path>,
) -> Result<(String, Origin), ConfigError> {
    if let Some(dir) = dir {
        let path: PathBuf = dir.join(kind).join(format!("{name}.toml"));
        match std::fs::read_to_string(&path) {
            Ok(text) => return Ok((text, Origin::file(&path))),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(err) => return Err(ConfigError::io(&path, &err)),
        }
    }
    embedded
        .iter()
        .find(|(preset, _)| *preset == name)
        .map(|(_, text)| (text.to_string(), Origin::embedded(kind, name)))
        .ok_or_else(|| {
            let known: Vec<&str> = embedded.iter().map(|(preset, _)| *preset).collect();
            ConfigError::plain(format!(
                "no {kind} named `{name}` (built in: {}; or add {kind}/{name}.toml to the config directory)",
                known.join(", ")
            ))
        })
}

/// Everything loaded from configuration, ready for the console.
pub struct LoadedConfig {
    pub settings: Settings,
    pub keymap: Keymap,
    pub theme: Theme,
}

/// What the command line asks for, which takes precedence over `config.toml`.
#[derive(Clone, Debug, Default)]
pub struct ConfigRequest {
    pub theme: Option<String>,
    pub keymap: Option<String>,
    /// `NO_COLOR` is set and not empty: use the monochrome theme unless a theme was named.
    pub no_color: bool,
    /// The terminal's colours, to degrade the theme to; `None` keeps it as written.
    pub color_depth: Option<theme::ColorDepth>,
}

/// Loads settings, keymap and theme from `dir` (the user's config directory, if any).
pub fn load(dir: Option<&Path>, request: &ConfigRequest) -> Result<LoadedConfig, ConfigError> {
    let settings = Settings::load(dir)?;
    let keymap_name = request
        .keymap
        .clone()
        .unwrap_or_else(|| settings.keymap.clone());
    let keymap = load_keymap(&keymap_name, dir)?;
    let theme_name = match (&request.theme, request.no_color) {
        (Some(name), _) => name.clone(),
        (None, true) => "mono".to_string(),
        (None, false) => settings.theme.clone(),
    };
    let (text, origin) = load_named("themes", &theme_name, theme::PRESETS, dir)?;
    let mut theme = Theme::parse(&text, &origin)?;
    if let Some(depth) = request.color_depth {
        theme = theme.degraded(depth);
    }
    Ok(LoadedConfig {
        settings,
        keymap,
        theme,
    })
}
