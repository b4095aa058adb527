//! Key bindings as data. Each layer is a list of `{ on, run, desc }` entries; `on` is a key
//! or a chord of keys separated by spaces (`"g g"`), `run` an [`Action`], `desc` the text of
//! the help overlay, which is generated from this table.

use super::{ConfigError, Origin};
use crate::input::{Key, KeyCode};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;

/// The keymap presets compiled into the binary.
pub const PRESETS: &[(&str, &str)] = &[
    ("default", include_str!("../../keymaps/default.toml")),
    ("vim", include_str!("../../keymaps/vim.toml")),
    ("emacs", include_str!("../../keymaps/emacs.toml")),
];

/// Everything a key can do. Names are the `run` values of keymap files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    Quit,
    Help,
    Refresh,
    /// Hold incoming data so the screen stays still while reading; again to catch up.
    Freeze,
    /// Open the action menu of the selected row.
    Actions,
    /// Show the selected row's CloudTrail activity (the Activity tab).
    Activity,
    /// In a user's keymap: remove the preset's binding of this key.
    Unbind,
    /// Open the `:` command line.
    Command,
    TabOverview,
    TabAlarms,
    TabFindings,
    TabIdentity,
    TabPosture,
    TabJournal,
    /// The Accounts tab, in an organisation.
    TabAccounts,
    NextTab,
    PrevTab,
    Down,
    Up,
    Top,
    Bottom,
    PageDown,
    PageUp,
    Open,
    Back,
    Filter,
    ClearFilter,
    SortNext,
    SortReverse,
    /// Offer the undo of the last action that ran, until another one runs.
    Undo,
}

/// Where a binding applies. Overlay layers are consulted before the table, the table
/// before the global layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Layer {
    Global,
    Table,
    Detail,
    Help,
}

impl Layer {
    pub fn title(self) -> &'static str {
        match self {
            Layer::Global => "Everywhere",
            Layer::Table => "Tables",
            Layer::Detail => "Detail view",
            Layer::Help => "Help",
        }
    }
}

/// One key with its modifiers, as written in a keymap (`q`, `G`, `ctrl-r`, `pgdown`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct KeySpec {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

impl KeySpec {
    pub fn parse(text: &str) -> Result<KeySpec, String> {
        let mut ctrl = false;
        let mut alt = false;
        let mut shift = false;
        let mut rest = text;
        loop {
            if let Some(r) = rest.strip_prefix("ctrl-") {
                ctrl = true;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("alt-") {
                alt = true;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("shift-") {
                shift = true;
                rest = r;
            } else {
                break;
            }
        }
        let code = match rest {
            "enter" => KeyCode::Enter,
            "esc" => KeyCode::Esc,
            "tab" if shift => KeyCode::BackTab,
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "space" => KeyCode::Char(' '),
            "backspace" => KeyCode::Backspace,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "pgup" => KeyCode::PageUp,
            "pgdown" => KeyCode::PageDown,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "delete" => KeyCode::Delete,
            other => {
                let mut chars = other.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) if shift => KeyCode::Char(c.to_ascii_uppercase()),
                    (Some(c), None) => KeyCode::Char(c),
                    _ => match other.strip_prefix('f').and_then(|n| n.parse::<u8>().ok()) {
                        Some(n) if (1..=12).contains(&n) => KeyCode::F(n),
                        _ => {
                            return Err(format!(
                                "unknown key `{text}` (expected a character, enter, esc, tab, \
                                 backtab, space, backspace, up, down, left, right, pgup, pgdown, \
                                 home, end, delete or f1-f12, optionally prefixed by ctrl-, alt- \
                                 or shift-)"
                            ));
                        }
                    },
                }
            }
        };
        Ok(KeySpec { code, ctrl, alt })
    }

    /// Whether a key press is this key. Shift is implied by the character itself (`G`),
    /// because terminals disagree on reporting it.
    pub fn matches(&self, key: &Key) -> bool {
        key.modifiers.ctrl == self.ctrl && key.modifiers.alt == self.alt && self.code == key.code
    }
}

impl fmt::Display for KeySpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("Ctrl-")?;
        }
        if self.alt {
            f.write_str("Alt-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("Space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("Enter"),
            KeyCode::Esc => f.write_str("Esc"),
            KeyCode::Tab => f.write_str("Tab"),
            KeyCode::BackTab => f.write_str("Shift-Tab"),
            KeyCode::Backspace => f.write_str("Backspace"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::PageUp => f.write_str("PgUp"),
            KeyCode::PageDown => f.write_str("PgDn"),
            KeyCode::Home => f.write_str("Home"),
            KeyCode::End => f.write_str("End"),
            KeyCode::Delete => f.write_str("Del"),
            KeyCode::F(n) => write!(f, "F{n}"),
            KeyCode::Other => f.write_str("Other"),
        }
    }
}

/// One entry of a layer: a key or chord, what it runs, and its help text.
#[derive(Clone, Debug, PartialEq)]
pub struct Binding {
    pub keys: Vec<KeySpec>,
    pub action: Action,
    pub desc: String,
}

impl Binding {
    pub fn keys_label(&self) -> String {
        let keys: Vec<String> = self.keys.iter().map(ToString::to_string).collect();
        keys.join(" ")
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Keymap {
    pub layers: BTreeMap<Layer, Vec<Binding>>,
    /// The preset a user's keymap file builds on (`extends = "vim"`).
    pub extends: Option<String>,
}

/// The outcome of feeding a key (with any pending chord prefix) to a layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resolution {
    Action(Action),
    /// The keys so far begin a chord: wait for the next key.
    Pending,
    NoMatch,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBinding {
    on: toml::Spanned<String>,
    run: Action,
    desc: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKeymap {
    #[serde(default)]
    extends: Option<String>,
    #[serde(default)]
    global: Vec<RawBinding>,
    #[serde(default)]
    table: Vec<RawBinding>,
    #[serde(default)]
    detail: Vec<RawBinding>,
    #[serde(default)]
    help: Vec<RawBinding>,
}

impl Keymap {
    pub fn parse(text: &str, origin: &Origin) -> Result<Keymap, ConfigError> {
        let raw: RawKeymap =
            toml::from_str(text).map_err(|err| ConfigError::from_toml(origin, text, &err))?;
        let mut layers = BTreeMap::new();
        for (layer, entries) in [
            (Layer::Global, raw.global),
            (Layer::Table, raw.table),
            (Layer::Detail, raw.detail),
            (Layer::Help, raw.help),
        ] {
            let mut bindings: Vec<Binding> = Vec::with_capacity(entries.len());
            let mut spans: Vec<usize> = Vec::with_capacity(entries.len());
            for entry in entries {
                let start = entry.on.span().start;
                let keys = entry
                    .on
                    .get_ref()
                    .split_whitespace()
                    .map(KeySpec::parse)
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|msg| ConfigError::at(origin, text, start, msg))?;
                if keys.is_empty() {
                    return Err(ConfigError::at(origin, text, start, "`on` names no key"));
                }
                if let Some(i) = bindings.iter().position(|b| conflicts(&b.keys, &keys)) {
                    let other =
                        super::error::location(origin, text, spans.get(i).copied().unwrap_or(0));
                    return Err(ConfigError::at(
                        origin,
                        text,
                        start,
                        format!(
                            "`{}` in [{}] conflicts with `{}` bound at {}",
                            entry.on.get_ref(),
                            format!("{layer:?}").to_lowercase(),
                            bindings.get(i).map(Binding::keys_label).unwrap_or_default(),
                            other
                        ),
                    ));
                }
                spans.push(start);
                bindings.push(Binding {
                    keys,
                    action: entry.run,
                    desc: entry.desc,
                });
            }
            layers.insert(layer, bindings);
        }
        Ok(Keymap {
            layers,
            extends: raw.extends,
        })
    }

    /// `user` laid over this keymap: each of its bindings replaces whatever this one binds
    /// to the same (or a conflicting) key in that layer; `unbind` only removes.
    pub fn overlay(mut self, user: Keymap) -> Keymap {
        for (layer, bindings) in user.layers {
            let base = self.layers.entry(layer).or_default();
            for binding in bindings {
                base.retain(|b| !conflicts(&b.keys, &binding.keys));
                if binding.action != Action::Unbind {
                    base.push(binding);
                }
            }
        }
        self
    }

    /// Resolves `pending` (a chord prefix already typed) plus `key` in one layer.
    pub fn resolve(&self, layer: Layer, pending: &[KeySpec], key: &Key) -> Resolution {
        let Some(bindings) = self.layers.get(&layer) else {
            return Resolution::NoMatch;
        };
        let mut pending_match = false;
        for binding in bindings {
            let Some((last, prefix)) = binding
                .keys
                .get(pending.len())
                .zip(binding.keys.get(..pending.len()))
            else {
                continue;
            };
            if prefix != pending || !last.matches(key) {
                continue;
            }
            if binding.keys.len() == pending.len() + 1 {
                return Resolution::Action(binding.action);
            }
            pending_match = true;
        }
        if pending_match {
            Resolution::Pending
        } else {
            Resolution::NoMatch
        }
    }

    /// The keys of the global layer bound to `action` that `over` (the layer in use) does
    /// not take for something else, for hints: a detail view's `q` goes back, not quits.
    pub fn global_keys_under(&self, over: Layer, action: Action) -> Option<String> {
        let shadows = |keys: &[KeySpec]| {
            self.layers
                .get(&over)
                .is_some_and(|layer| layer.iter().any(|b| conflicts(&b.keys, keys)))
        };
        self.layers
            .get(&Layer::Global)?
            .iter()
            .find(|b| b.action == action && !shadows(&b.keys))
            .map(Binding::keys_label)
    }

    /// The keys bound to `action` in `layer`, for hints in the status line.
    pub fn keys_for(&self, layer: Layer, action: Action) -> Option<String> {
        self.layers
            .get(&layer)?
            .iter()
            .find(|b| b.action == action)
            .map(Binding::keys_label)
    }
}

/// Two bindings conflict when one is the other or a prefix of it: the shorter would make
/// the longer unreachable.
fn conflicts(a: &[KeySpec], b: &[KeySpec]) -> bool {
    let n = a.len().min(b.len());
    a.get(..n) == b.get(..n)
}

#[cfg(test)]
mod tests {
    use crate::input::Modifiers;

    fn preset(name: &str) -> Keymap {
        let text = PRESETS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| *t)
            .unwrap_or_default();
        match Keymap::parse(text, &Origin(name.into())) {
            Ok(keymap) => keymap,
            Err(err) => panic!("preset {name} is invalid: {err}"),
        }
    }

    fn press(keymap: &Keymap, layer: Layer, keys: &str) -> Option<Action> {
        let mut pending = Vec::new();
        for key in keys.split_whitespace() {
            let spec = KeySpec::parse(key).unwrap_or_else(|e| panic!("{e}"));
            let modifiers = Modifiers {
                ctrl: spec.ctrl,
                alt: spec.alt,
            };
            match keymap.resolve(layer, &pending, &Key::new(spec.code, modifiers)) {
                Resolution::Action(action) => return Some(action),
                Resolution::Pending => pending.push(spec),
                Resolution::NoMatch => return None,
            }
        }
        None
    }

    #[test]
    fn every_preset_parses_and_keeps_destructive_flows_off_multiplexer_keys() {
        for (name, _) in PRESETS {
            let keymap = preset(name);
            for bindings in keymap.layers.values() {
                for binding in bindings.iter().filter(|b| b.action == Action::Actions) {
                    let first = binding.keys[0];
                    let taken = first.ctrl
                        && matches!(first.code, KeyCode::Char('a' | 'b' | 'h' | 'j' | 'k' | 'l'));
                    assert!(!taken, "{name}: actions on {}", binding.keys_label());
                }
            }
        }
    }

    #[test]
    fn presets_speak_their_dialect() {
        let vim = preset("vim");
        assert_eq!(press(&vim, Layer::Table, "l"), Some(Action::NextTab));
        assert_eq!(press(&vim, Layer::Global, "Z Z"), Some(Action::Quit));
        let emacs = preset("emacs");
        assert_eq!(press(&emacs, Layer::Table, "ctrl-n"), Some(Action::Down));
        assert_eq!(
            press(&emacs, Layer::Global, "ctrl-x ctrl-c"),
            Some(Action::Quit)
        );
        assert_eq!(press(&emacs, Layer::Table, "alt-a"), Some(Action::Actions));
    }

    #[test]
    fn a_user_keymap_overlays_rebinds_and_unbinds() {
        let user = Keymap::parse(
            "global = [\n  { on = \"x\", run = \"quit\", desc = \"Quit\" },\n  { on = \"q\", run = \"unbind\", desc = \"\" },\n]\ntable = [\n  { on = \"g g\", run = \"bottom\", desc = \"Swap\" },\n]\n",
            &Origin("user.toml".into()),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let merged = preset("default").overlay(user);
        assert_eq!(press(&merged, Layer::Global, "x"), Some(Action::Quit));
        assert_eq!(press(&merged, Layer::Global, "q"), None, "unbound");
        assert_eq!(press(&merged, Layer::Table, "g g"), Some(Action::Bottom));
        // Untouched bindings stay.
        assert_eq!(press(&merged, Layer::Table, "j"), Some(Action::Down));
        assert_eq!(press(&merged, Layer::Global, "?"), Some(Action::Help));
        assert!(
            merged
                .layers
                .values()
                .flatten()
                .all(|b| b.action != Action::Unbind),
            "no unbind entry is left"
        );
    }

    use super::*;

    fn key(code: KeyCode) -> Key {
        Key::from(code)
    }

    fn default_keymap() -> Keymap {
        let text = PRESETS.first().map(|(_, t)| *t).unwrap_or_default();
        match Keymap::parse(text, &Origin("default".into())) {
            Ok(keymap) => keymap,
            Err(err) => panic!("embedded keymap is invalid: {err}"),
        }
    }

    #[test]
    fn embedded_default_keymap_parses_and_every_binding_has_a_description() {
        let keymap = default_keymap();
        let all: Vec<&Binding> = keymap.layers.values().flatten().collect();
        assert!(all.len() > 20);
        assert!(all.iter().all(|b| !b.desc.trim().is_empty()));
    }

    #[test]
    fn parses_named_keys_modifiers_and_shift() {
        let spec = KeySpec::parse("ctrl-r");
        assert_eq!(
            spec,
            Ok(KeySpec {
                code: KeyCode::Char('r'),
                ctrl: true,
                alt: false
            })
        );
        assert_eq!(
            KeySpec::parse("shift-g").map(|k| k.code),
            Ok(KeyCode::Char('G'))
        );
        assert_eq!(
            KeySpec::parse("shift-tab").map(|k| k.code),
            Ok(KeyCode::BackTab)
        );
        assert_eq!(
            KeySpec::parse("pgdown").map(|k| k.code),
            Ok(KeyCode::PageDown)
        );
        assert_eq!(KeySpec::parse("f5").map(|k| k.code), Ok(KeyCode::F(5)));
        assert!(KeySpec::parse("hyper-x").is_err());
        assert!(KeySpec::parse("f13").is_err());
    }

    #[test]
    fn chords_resolve_in_two_steps() {
        let keymap = default_keymap();
        let g = KeySpec::parse("g").unwrap_or(KeySpec {
            code: KeyCode::Other,
            ctrl: false,
            alt: false,
        });
        assert_eq!(
            keymap.resolve(Layer::Table, &[], &key(KeyCode::Char('g'))),
            Resolution::Pending
        );
        assert_eq!(
            keymap.resolve(Layer::Table, &[g], &key(KeyCode::Char('g'))),
            Resolution::Action(Action::Top)
        );
        assert_eq!(
            keymap.resolve(Layer::Table, &[], &key(KeyCode::Char('G'))),
            Resolution::Action(Action::Bottom)
        );
    }

    #[test]
    fn unknown_action_is_reported_at_its_position() {
        let text = "global = [\n  { on = \"q\", run = \"explode\", desc = \"x\" },\n]\n";
        let err = Keymap::parse(text, &Origin("k.toml".into()));
        let msg = err.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(msg.starts_with("k.toml:2:"), "{msg}");
        assert!(msg.contains("explode"), "{msg}");
    }

    #[test]
    fn unknown_key_is_reported_at_the_key() {
        let text = "table = [{ on = \"ctrl-\", run = \"down\", desc = \"d\" }]\n";
        let msg = Keymap::parse(text, &Origin("k.toml".into()))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(msg.starts_with("k.toml:1:17: unknown key"), "{msg}");
    }

    #[test]
    fn conflicting_bindings_name_both() {
        let text = "table = [\n{ on = \"g\", run = \"top\", desc = \"a\" },\n{ on = \"g g\", run = \"top\", desc = \"b\" },\n]\n";
        let msg = Keymap::parse(text, &Origin("k.toml".into()))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(msg.starts_with("k.toml:3:"), "{msg}");
        assert!(msg.contains("k.toml:2:"), "{msg}");
    }

    #[test]
    fn ctrl_modifier_must_match() {
        let spec = KeySpec::parse("ctrl-r").unwrap_or(KeySpec {
            code: KeyCode::Other,
            ctrl: false,
            alt: false,
        });
        assert!(spec.matches(&Key::ctrl('r')));
        assert!(!spec.matches(&key(KeyCode::Char('r'))));
    }
}
