//! The remediation dialog: the action menu of a row, the preview and confirmation, the
//! action running, and its outcome. It overlays whatever the user was looking at and returns
//! there when closed.
//!
//! Its keys are fixed, not taken from the keymap, so that no rebinding can make an action
//! easier to run: nothing runs from one key. Actions with an undo need `y` in the preview
//! (Enter and Esc cancel: Cancel has the focus); actions without one need the target's
//! name or ID typed (or pasted) exactly, then Enter. An access key is resolved against IAM
//! before its preview shows, so the preview and the confirmation name its real ID and
//! status, never the credential report's slot.
//!
//! Pasted text only ever fills the confirmation field; a newline in it submits nothing.
//! Keys that arrive in a burst right after a step of the dialog shows are dropped by the
//! runtime (see [`super::settle`]), so typed-ahead or pasted keys cannot open a menu and
//! confirm it.

use super::{App, Effect};
use crate::input::{Key, KeyCode};
use crate::remediation::{
    ActionError, Offer, Risk, Target, Unavailable, apply_account_rules, offers,
};

#[derive(Clone, Debug, PartialEq)]
pub enum Dialog {
    Menu {
        offers: Vec<Offer>,
        selected: usize,
    },
    /// The target's live state is being read before the preview shows.
    Resolving {
        offer: Offer,
    },
    Confirm {
        offer: Offer,
        typed: String,
    },
    Running {
        offer: Offer,
    },
    Outcome {
        offer: Offer,
        result: Result<String, ActionError>,
    },
}

/// Opens the action menu for `targets` (the selected row's), or says there is none.
pub fn open(app: &mut App, targets: &[Target]) {
    // The row belongs to the session being left; its action would run on the new one.
    if let Some(target) = &app.switching {
        let text = format!("Switching to {target}: actions wait until it is done");
        super::update::set_status(app, text);
        return;
    }
    let mut offers = offers(targets, app.header.read_only, app.now);
    // In an organisation, an account's read-only rule holds for its rows.
    if let Some(org) = &app.data.org {
        apply_account_rules(&mut offers, org);
    }
    // Acting on expired or revoked credentials would fail half-way or not at all: say so
    // before anything is previewed as runnable. In an organisation, a member account's
    // credentials (its role) count for its rows.
    for offer in offers.iter_mut().filter(|o| o.available.is_ok()) {
        let problem = app.credentials_problem().or_else(|| {
            app.data
                .org
                .as_ref()
                .and(app.credentials_problem_of(offer.target.account_id()))
        });
        if let Some(problem) = problem {
            offer.available = Err(Unavailable::Credentials(problem.to_string()));
        }
    }
    if offers.is_empty() {
        super::update::set_status(app, "No action applies to this row".to_string());
        return;
    }
    // Start on the first action that can run, but never on one that takes a protection
    // away (turning encryption off on a passing row): Enter must not be one step from it.
    let weakens = |o: &Offer| o.action.action().weakens();
    let selected = offers
        .iter()
        .position(|o| o.available.is_ok() && !weakens(o))
        .or_else(|| offers.iter().position(|o| !weakens(o)))
        .unwrap_or(0);
    let shown = kind(&app.dialog);
    show(app, shown, Some(Dialog::Menu { offers, selected }));
}

type Kind = Option<std::mem::Discriminant<Dialog>>;

fn kind(dialog: &Option<Dialog>) -> Kind {
    dialog.as_ref().map(std::mem::discriminant)
}

/// Puts `next` up in place of a dialog of kind `shown`, counting a new step when it is
/// another kind, so the runtime lets it settle before it takes keys.
fn show(app: &mut App, shown: Kind, next: Option<Dialog>) {
    if next.is_some() && kind(&next) != shown {
        app.dialog_step = app.dialog_step.wrapping_add(1);
        app.dialog_scroll = 0;
    }
    app.dialog = next;
}

/// ↑/↓ (and page keys) scroll a preview taller than the terminal: they never answer it.
fn scroll_key(app: &mut App, key: Key) -> bool {
    let offer = match &app.dialog {
        Some(
            Dialog::Resolving { offer }
            | Dialog::Confirm { offer, .. }
            | Dialog::Running { offer }
            | Dialog::Outcome { offer, .. },
        ) => offer,
        _ => return false,
    };
    let limit = super::preview::scroll_limit(app, offer);
    let scroll = app.dialog_scroll.min(limit);
    app.dialog_scroll = match key.code {
        KeyCode::Up => scroll.saturating_sub(1),
        KeyCode::Down => (scroll + 1).min(limit),
        KeyCode::PageUp => scroll.saturating_sub(PAGE),
        KeyCode::PageDown => (scroll + PAGE).min(limit),
        _ => return false,
    };
    true
}

/// Lines a page key scrolls the preview by.
const PAGE: usize = 5;

pub fn on_key(app: &mut App, key: Key) -> Vec<Effect> {
    if scroll_key(app, key) {
        return Vec::new();
    }
    let shown = kind(&app.dialog);
    let Some(dialog) = app.dialog.take() else {
        return Vec::new();
    };
    let (next, effects) = match dialog {
        Dialog::Menu { offers, selected } => menu_key(app, offers, selected, key),
        Dialog::Resolving { .. } if closes(&key) => (None, Vec::new()),
        resolving @ Dialog::Resolving { .. } => (Some(resolving), Vec::new()),
        Dialog::Confirm { offer, typed } => confirm_key(app, offer, typed, key),
        // Nothing interrupts an action in flight (Ctrl-C still quits; the journal then
        // shows the intent without outcome).
        running @ Dialog::Running { .. } => (Some(running), Vec::new()),
        Dialog::Outcome { offer, result } => outcome_key(app, offer, result, key),
    };
    show(app, shown, next);
    effects
}

/// Pasted text: only a typed confirmation takes it, without its control characters, so a
/// pasted newline cannot submit it. Everywhere else in the dialog a paste does nothing.
pub fn on_paste(app: &mut App, text: &str) {
    match &mut app.dialog {
        Some(Dialog::Confirm { offer, typed }) if takes_typing(offer) => {
            let room = MAX_TYPED.saturating_sub(typed.chars().count());
            typed.extend(text.chars().filter(|c| !c.is_control()).take(room));
        }
        _ => super::update::set_status(
            app,
            "Paste ignored: the dialog takes keys, not pasted text".to_string(),
        ),
    }
}

/// The longest confirmation kept; IDs and names are far shorter.
const MAX_TYPED: usize = 256;

/// Whether the confirmation of `offer` is typed (no undo, and it can run).
fn takes_typing(offer: &Offer) -> bool {
    offer.spec().risk() == Risk::NoUndo && offer.available.is_ok()
}

type Step = (Option<Dialog>, Vec<Effect>);

fn menu_key(app: &mut App, offers: Vec<Offer>, selected: usize, key: Key) -> Step {
    let last = offers.len().saturating_sub(1);
    if closes(&key) {
        return (None, Vec::new());
    }
    match key.code {
        KeyCode::Down | KeyCode::Char('j') => (
            Some(Dialog::Menu {
                offers,
                selected: (selected + 1).min(last),
            }),
            Vec::new(),
        ),
        KeyCode::Up | KeyCode::Char('k') => (
            Some(Dialog::Menu {
                offers,
                selected: selected.saturating_sub(1),
            }),
            Vec::new(),
        ),
        KeyCode::Char('c') => {
            let cli = offers.get(selected).map(|o| o.cli.clone());
            let effects = cli
                .map(|c| super::update::copy(app, c))
                .into_iter()
                .collect();
            (Some(Dialog::Menu { offers, selected }), effects)
        }
        KeyCode::Enter => match offers.get(selected) {
            Some(offer) if offer.available.is_ok() && offer.needs_resolving() => (
                Some(Dialog::Resolving {
                    offer: offer.clone(),
                }),
                vec![Effect::Resolve(Box::new(offer.clone()))],
            ),
            Some(offer) if offer.available.is_ok() => (
                Some(Dialog::Confirm {
                    offer: offer.clone(),
                    typed: String::new(),
                }),
                Vec::new(),
            ),
            // An account's rule: the preview names it (and the account's banner).
            Some(offer) if matches!(offer.available, Err(Unavailable::AccountReadOnly(_))) => (
                Some(Dialog::Confirm {
                    offer: offer.clone(),
                    typed: String::new(),
                }),
                Vec::new(),
            ),
            Some(offer) => {
                let why = offer.available.as_ref().err().map(ToString::to_string);
                let why = why.unwrap_or_default();
                super::update::set_status(app, format!("Not available: {why}"));
                (Some(Dialog::Menu { offers, selected }), Vec::new())
            }
            None => (None, Vec::new()),
        },
        _ => (Some(Dialog::Menu { offers, selected }), Vec::new()),
    }
}

/// Esc, `q` or C-g (emacs' cancel) close a menu or a wait.
fn closes(key: &Key) -> bool {
    super::update::cancels(key) || (key.code == KeyCode::Char('q') && !key.modifiers.ctrl)
}

fn confirm_key(app: &mut App, offer: Offer, mut typed: String, key: Key) -> Step {
    let run = |offer: Offer| {
        (
            Some(Dialog::Running {
                offer: offer.clone(),
            }),
            vec![Effect::Execute(Box::new(offer))],
        )
    };
    let stay = |offer: Offer, typed: String, effects: Vec<Effect>| {
        (Some(Dialog::Confirm { offer, typed }), effects)
    };
    if offer.available.is_err() {
        // The live state said no (or could not be read): nothing to confirm.
        return match key.code {
            KeyCode::Char('c') => {
                let copy = super::update::copy(app, offer.cli.clone());
                stay(offer, typed, vec![copy])
            }
            _ => (None, Vec::new()),
        };
    }
    match offer.spec().risk() {
        Risk::Reversible => match key.code {
            KeyCode::Char('y') => run(offer),
            KeyCode::Char('c') => {
                let copy = super::update::copy(app, offer.cli.clone());
                stay(offer, typed, vec![copy])
            }
            // Enter, Esc and anything else: Cancel has the focus.
            _ => (None, Vec::new()),
        },
        Risk::NoUndo if super::update::cancels(&key) => (None, Vec::new()),
        Risk::NoUndo => match key.code {
            KeyCode::Enter if offer.target.is_confirmed_by(&typed) => run(offer),
            // A typo must not look like a cancel, nor close what was typed.
            KeyCode::Enter => {
                let expected = offer.target.confirmation().unwrap_or_default();
                let text =
                    format!("Name does not match: type {expected} exactly, or Esc to cancel");
                super::update::set_status(app, text);
                stay(offer, typed, Vec::new())
            }
            KeyCode::Backspace => {
                typed.pop();
                stay(offer, typed, Vec::new())
            }
            KeyCode::Char(c) if !key.modifiers.ctrl && typed.chars().count() < MAX_TYPED => {
                typed.push(c);
                stay(offer, typed, Vec::new())
            }
            _ => stay(offer, typed, Vec::new()),
        },
    }
}

fn outcome_key(app: &mut App, offer: Offer, result: Result<String, ActionError>, key: Key) -> Step {
    match key.code {
        KeyCode::Char('u') if result.is_ok() => match undo_of(app, &offer) {
            Some(undo) => (Some(undo), Vec::new()),
            None => (Some(Dialog::Outcome { offer, result }), Vec::new()),
        },
        KeyCode::Char('c') => {
            let copy = super::update::copy(app, offer.cli.clone());
            (Some(Dialog::Outcome { offer, result }), vec![copy])
        }
        _ => (None, Vec::new()),
    }
}

/// The preview of `done`'s undo, on the state it left, as a read-only session shows it.
fn undo_of(app: &App, done: &Offer) -> Option<Dialog> {
    let mut undo = done.undo(app.now)?;
    if app.header.read_only && undo.available.is_ok() {
        undo.available = Err(Unavailable::ReadOnly);
    }
    Some(Dialog::Confirm {
        offer: undo,
        typed: String::new(),
    })
}

/// `u` outside the dialog: the preview of the last action's undo, which still needs its
/// confirmation; or why there is none.
pub fn undo_last(app: &mut App) {
    if let Some(target) = &app.switching {
        let text = format!("Switching to {target}: actions wait until it is done");
        super::update::set_status(app, text);
        return;
    }
    let Some(done) = app.last_done.clone() else {
        super::update::set_status(app, "Nothing to undo: no action has run".to_string());
        return;
    };
    match undo_of(app, &done) {
        Some(undo) => {
            let shown = kind(&app.dialog);
            show(app, shown, Some(undo));
        }
        None => {
            let text = format!("{} has no undo", done.spec().title);
            super::update::set_status(app, text);
        }
    }
}

/// The target's live state was read: show the preview on it, if the dialog still waits
/// for it. A target that could not be read shows why, and cannot be confirmed.
pub fn resolved(app: &mut App, asked: &Offer, result: Result<Offer, ActionError>) {
    if !matches!(&app.dialog, Some(Dialog::Resolving { offer }) if offer == asked) {
        return;
    }
    let offer = result.unwrap_or_else(|why| Offer {
        available: Err(Unavailable::Unresolved(Box::new(why))),
        ..asked.clone()
    });
    let shown = kind(&app.dialog);
    show(
        app,
        shown,
        Some(Dialog::Confirm {
            offer,
            typed: String::new(),
        }),
    );
}

/// The executor finished: show the outcome if the dialog still waits for it. `offer` is
/// the offer as it ran (stamped with the moment it ran).
pub fn finished(app: &mut App, offer: Offer, result: Result<String, ActionError>) {
    if matches!(&app.dialog, Some(Dialog::Running { offer: running }) if running.same_action(&offer))
    {
        let shown = kind(&app.dialog);
        show(app, shown, Some(Dialog::Outcome { offer, result }));
    } else {
        let text = match &result {
            Ok(done) => format!("Done: {done}"),
            Err(error) => format!("Failed: {error}"),
        };
        super::update::set_status(app, text);
    }
}
