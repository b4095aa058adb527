//! XDG locations on every platform: an on-call engineer's dotfiles look the same on a Linux
//! bastion and a macOS laptop.

use etcetera::BaseStrategy;
use std::path::PathBuf;

/// `$XDG_CONFIG_HOME/watchpost` (default `~/.config/watchpost`).
pub fn config_dir() -> Option<PathBuf> {
    etcetera::base_strategy::Xdg::new()
        .ok()
        .map(|xdg| xdg.config_dir().join("watchpost"))
}

/// `$XDG_STATE_HOME/watchpost` (default `~/.local/state/watchpost`): logs and the journal.
pub fn state_dir() -> Option<PathBuf> {
    etcetera::base_strategy::Xdg::new()
        .ok()
        .and_then(|xdg| xdg.state_dir())
        .map(|dir| dir.join("watchpost"))
}
