//! Key presses as the console understands them. The terminal runtime (`console.rs`)
//! translates the terminal's events into these at the edge, so the app and the keymap never
//! see the terminal library and are tested without a terminal.

/// A key the console binds or edits with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyCode {
    Char(char),
    Enter,
    Esc,
    Tab,
    /// Shift-Tab.
    BackTab,
    Backspace,
    Delete,
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    PageUp,
    PageDown,
    F(u8),
    /// A key the console has no name for (Insert, media keys, …). Nothing binds it, but it
    /// is still a key press: it dismisses a message, ends a pending chord and cancels a
    /// confirmation, as any unbound key does.
    Other,
}

/// The modifiers bindings tell apart. Shift is not one of them: it is implied by the
/// character itself (`G`), and terminals disagree on reporting it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Modifiers {
    pub ctrl: bool,
    pub alt: bool,
}

impl Modifiers {
    pub const NONE: Modifiers = Modifiers {
        ctrl: false,
        alt: false,
    };
    pub const CTRL: Modifiers = Modifiers {
        ctrl: true,
        alt: false,
    };
    pub const ALT: Modifiers = Modifiers {
        ctrl: false,
        alt: true,
    };
}

/// One key press (or its auto-repeat). Key releases never reach the app.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub modifiers: Modifiers,
}

impl Key {
    pub const fn new(code: KeyCode, modifiers: Modifiers) -> Key {
        Key { code, modifiers }
    }

    /// `c` with Ctrl held.
    pub const fn ctrl(c: char) -> Key {
        Key::new(KeyCode::Char(c), Modifiers::CTRL)
    }
}

/// A key with no modifier held.
impl From<KeyCode> for Key {
    fn from(code: KeyCode) -> Key {
        Key::new(code, Modifiers::NONE)
    }
}
