//! The remediation dialog: the action menu of a row, the preview and confirmation, the
//! action running, and its outcome. It overlays whatever the user was looking at and returns
//! there when closed.
//!
//! Its keys are fixed, not taken from the keymap, so that no rebinding can make an action
//! easier to run: nothing runs from one key. Reversible actions need `y` in the preview
//! (Enter and Esc cancel: Cancel has the focus); destructive ones need the target's name
//! typed exactly, then Enter.

use super::{App, Effect};
use crate::remediation::{Offer, Risk, Target, offers};
use crossterm::event::{KeyCode, KeyEvent};

#[derive(Clone, Debug, PartialEq)]
pub enum Dialog {
    Menu {
        offers: Vec<Offer>,
        selected: usize,
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
        result: Result<String, String>,
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
    // Acting on expired or revoked credentials would fail half-way or not at all: say so
    // before anything is previewed as runnable.
    if let Some(problem) = app.credentials_problem() {
        for offer in offers.iter_mut().filter(|o| o.available.is_ok()) {
            offer.available = Err(format!(
                "the credentials failed ({problem}); renew them, then act"
            ));
        }
    }
    if offers.is_empty() {
        super::update::set_status(app, "No action applies to this row".to_string());
        return;
    }
    // Start on the first action that can run.
    let selected = offers.iter().position(|o| o.available.is_ok()).unwrap_or(0);
    app.dialog = Some(Dialog::Menu { offers, selected });
}

pub fn on_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    let Some(dialog) = app.dialog.take() else {
        return Vec::new();
    };
    let (next, effects) = match dialog {
        Dialog::Menu { offers, selected } => menu_key(app, offers, selected, key),
        Dialog::Confirm { offer, typed } => confirm_key(offer, typed, key),
        // Nothing interrupts an action in flight (Ctrl-C still quits; the journal then
        // shows the intent without outcome).
        running @ Dialog::Running { .. } => (Some(running), Vec::new()),
        Dialog::Outcome { offer, result } => outcome_key(app, offer, result, key),
    };
    app.dialog = next;
    effects
}

type Step = (Option<Dialog>, Vec<Effect>);

fn menu_key(app: &mut App, offers: Vec<Offer>, selected: usize, key: KeyEvent) -> Step {
    let last = offers.len().saturating_sub(1);
    match key.code {
        KeyCode::Esc | KeyCode::Char('q') => (None, Vec::new()),
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
            let effects = cli.map(Effect::Copy).into_iter().collect();
            (Some(Dialog::Menu { offers, selected }), effects)
        }
        KeyCode::Enter => match offers.get(selected) {
            Some(offer) if offer.available.is_ok() => (
                Some(Dialog::Confirm {
                    offer: offer.clone(),
                    typed: String::new(),
                }),
                Vec::new(),
            ),
            Some(offer) => {
                let why = offer.available.clone().err().unwrap_or_default();
                super::update::set_status(app, format!("Not available: {why}"));
                (Some(Dialog::Menu { offers, selected }), Vec::new())
            }
            None => (None, Vec::new()),
        },
        _ => (Some(Dialog::Menu { offers, selected }), Vec::new()),
    }
}

fn confirm_key(offer: Offer, mut typed: String, key: KeyEvent) -> Step {
    let run = |offer: Offer| {
        (
            Some(Dialog::Running {
                offer: offer.clone(),
            }),
            vec![Effect::Execute(Box::new(offer))],
        )
    };
    match offer.spec().risk {
        Risk::Reversible => match key.code {
            KeyCode::Char('y') => run(offer),
            KeyCode::Char('c') => {
                let copy = Effect::Copy(offer.cli.clone());
                (Some(Dialog::Confirm { offer, typed }), vec![copy])
            }
            // Enter, Esc and anything else: Cancel has the focus.
            _ => (None, Vec::new()),
        },
        Risk::Destructive => match key.code {
            KeyCode::Esc => (None, Vec::new()),
            KeyCode::Enter if typed == offer.target.name() => run(offer),
            KeyCode::Enter => (None, Vec::new()),
            KeyCode::Backspace => {
                typed.pop();
                (Some(Dialog::Confirm { offer, typed }), Vec::new())
            }
            KeyCode::Char(c) if typed.chars().count() < 256 => {
                typed.push(c);
                (Some(Dialog::Confirm { offer, typed }), Vec::new())
            }
            _ => (Some(Dialog::Confirm { offer, typed }), Vec::new()),
        },
    }
}

fn outcome_key(app: &App, offer: Offer, result: Result<String, String>, key: KeyEvent) -> Step {
    match key.code {
        KeyCode::Char('u') if result.is_ok() => match offer.undo(app.now) {
            Some(undo) => (
                Some(Dialog::Confirm {
                    offer: undo,
                    typed: String::new(),
                }),
                Vec::new(),
            ),
            None => (Some(Dialog::Outcome { offer, result }), Vec::new()),
        },
        KeyCode::Char('c') => {
            let copy = Effect::Copy(offer.cli.clone());
            (Some(Dialog::Outcome { offer, result }), vec![copy])
        }
        _ => (None, Vec::new()),
    }
}

/// The executor finished: show the outcome if the dialog still waits for it.
pub fn finished(app: &mut App, offer: Offer, result: Result<String, String>) {
    if matches!(&app.dialog, Some(Dialog::Running { offer: running }) if *running == offer) {
        app.dialog = Some(Dialog::Outcome { offer, result });
    } else {
        let text = match &result {
            Ok(done) => format!("Done: {done}"),
            Err(error) => format!("Failed: {error}"),
        };
        super::update::set_status(app, text);
    }
}
