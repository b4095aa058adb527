//! Tab on the `:` line: completes a command's name, cycling through the commands that
//! start with what was typed (Shift-Tab goes back), and the file of `:export` (the runtime
//! lists the directory: `Effect::CompletePath`, answered by `Msg::PathsListed`).

use super::{App, Effect, Mode};

/// The completions being cycled through, and the line the last one left, so a Tab on that
/// line moves on while a Tab after any edit starts again.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Completion {
    lines: Vec<String>,
    at: usize,
}

impl Completion {
    fn shown(&self) -> Option<&str> {
        self.lines.get(self.at).map(String::as_str)
    }
}

/// Tab (or Shift-Tab with `back`) on the `:` line.
pub fn tab(app: &mut App, back: bool) -> Vec<Effect> {
    let Mode::Command { text } = &mut app.mode else {
        return Vec::new();
    };
    // Again on the line the last Tab left: the next completion.
    if let Some(cycle) = app
        .completion
        .as_mut()
        .filter(|c| c.shown() == Some(text.as_str()))
    {
        let n = cycle.lines.len().max(1);
        cycle.at = if back {
            (cycle.at + n - 1) % n
        } else {
            (cycle.at + 1) % n
        };
        *text = cycle.shown().unwrap_or_default().to_string();
        return Vec::new();
    }
    app.completion = None;
    let text = text.clone();
    match text.split_once(' ') {
        None => {
            let names: Vec<String> = super::candidates(app, &text)
                .into_iter()
                .map(str::to_string)
                .collect();
            match names.as_slice() {
                // One command: complete it, ready for its argument.
                [only] => {
                    let line = format!("{only} ");
                    set_text(app, line);
                }
                [] => {}
                _ => start(app, names, back),
            }
            Vec::new()
        }
        Some((name @ ("export" | "export!"), typed)) => vec![Effect::CompletePath {
            line: format!("{name} "),
            typed: typed.trim_start().to_string(),
        }],
        Some(_) => Vec::new(),
    }
}

/// The runtime listed the completions of `typed` (the file of `line`): show the first
/// (one that is a file ends the line), or say there is none. Ignored if the line changed
/// meanwhile.
pub fn paths_listed(app: &mut App, line: &str, typed: &str, paths: Vec<String>) {
    let asked = format!("{line}{typed}");
    if !matches!(&app.mode, Mode::Command { text } if text.trim_end() == asked.trim_end()) {
        return;
    }
    let lines: Vec<String> = paths.into_iter().map(|p| format!("{line}{p}")).collect();
    match lines.len() {
        0 => super::update::set_status(app, format!("No file or directory matches {typed}")),
        1 => {
            let only = lines.into_iter().next().unwrap_or_default();
            set_text(app, only);
        }
        _ => start(app, lines, false),
    }
}

/// Cycles through `lines`, showing the first (the last going back).
fn start(app: &mut App, lines: Vec<String>, back: bool) {
    let at = if back {
        lines.len().saturating_sub(1)
    } else {
        0
    };
    let cycle = Completion { lines, at };
    let first = cycle.shown().unwrap_or_default().to_string();
    app.completion = Some(cycle);
    set_text(app, first);
}

fn set_text(app: &mut App, line: String) {
    if let Mode::Command { text } = &mut app.mode {
        *text = line;
    }
}
