//! The help overlay, generated from the keymap so it always tells the truth about the keys.

use crate::app::App;
use crate::config::keymap::Binding;
use crate::config::{Action, Theme};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

pub fn render(frame: &mut Frame<'_>, body: Rect, app: &App, theme: &Theme, scroll: usize) {
    let lines = help_lines(app, theme);
    let width = body.width.saturating_sub(4).min(72);
    let title = " Keys (? or Esc closes) ";
    super::scrolled_overlay(frame, body, lines, width, title, theme, scroll);
}

/// One line per action and description, with every key bound to it, layer by layer; in
/// an organisation, its commands too. The Accounts tab's key shows only where the tab does.
fn help_lines<'a>(app: &App, theme: &Theme) -> Vec<Line<'a>> {
    let mut lines = Vec::new();
    let org = app.data.org.is_some();
    for (layer, bindings) in &app.keymap.layers {
        let bindings: Vec<&Binding> = bindings
            .iter()
            .filter(|b| org || b.action != Action::TabAccounts)
            .collect();
        if bindings.is_empty() {
            continue;
        }
        if !lines.is_empty() {
            lines.push(Line::raw(""));
        }
        lines.push(Line::styled(layer.title().to_string(), theme.title));
        for (keys, desc) in grouped(&bindings) {
            lines.push(Line::from(vec![
                Span::styled(format!("  {keys:<16} "), theme.help_key),
                Span::styled(desc, theme.text),
            ]));
        }
    }
    if org {
        lines.push(Line::raw(""));
        lines.push(Line::styled("Organisation".to_string(), theme.title));
        for (command, desc) in crate::app::ORG_HELP {
            lines.push(Line::from(vec![
                Span::styled(format!("  {command:<16} "), theme.help_key),
                Span::styled(*desc, theme.text),
            ]));
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("Ctrl-C always quits.".to_string(), theme.dim));
    lines
}

/// Merges bindings that do the same thing with the same description (`j` and `↓`).
fn grouped(bindings: &[&Binding]) -> Vec<(String, String)> {
    let mut groups: Vec<(Action, String, Vec<String>)> = Vec::new();
    for binding in bindings {
        match groups
            .iter_mut()
            .find(|(action, desc, _)| *action == binding.action && *desc == binding.desc)
        {
            Some((_, _, keys)) => keys.push(binding.keys_label()),
            None => groups.push((
                binding.action,
                binding.desc.clone(),
                vec![binding.keys_label()],
            )),
        }
    }
    groups
        .into_iter()
        .map(|(_, desc, keys)| (keys.join(", "), desc))
        .collect()
}
