//! The bottom line: the filter prompt while typing one, else the latest message, else key
//! hints taken from the keymap (so rebinding a key changes the hint too).

use super::text::fit;
use crate::app::{App, Mode};
use crate::config::{Action, Layer, Theme};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

pub fn render(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) {
    let width = usize::from(area.width);
    let line = if app.mode == Mode::Filter {
        let filter = &app.view(app.tab).filter;
        Line::from(vec![
            Span::styled("/", theme.filter),
            Span::styled(fit(filter, width.saturating_sub(30)), theme.filter),
            Span::styled("█", theme.filter),
            Span::styled("  Enter keeps · Esc clears", theme.dim),
        ])
    } else if let Mode::Command { text } = &app.mode {
        // A message from the line itself (no file matches) in place of the hint.
        let hint = match &app.status {
            Some(message) => message.clone(),
            None => format!(
                "Tab completes · {}",
                crate::app::candidates(app, text).join(" · ")
            ),
        };
        Line::from(vec![
            Span::styled(":", theme.filter),
            Span::styled(fit(text, width.saturating_sub(40)), theme.filter),
            Span::styled("█", theme.filter),
            Span::styled(
                fit(&format!("  {hint}"), width.saturating_sub(text.len() + 3)),
                theme.dim,
            ),
        ])
    } else if !app.pending_keys.is_empty() {
        let keys: Vec<String> = app.pending_keys.iter().map(ToString::to_string).collect();
        Line::styled(format!(" {} …", keys.join(" ")), theme.status)
    } else if let Some(message) = &app.status {
        Line::styled(message_line(message, width), theme.status)
    } else if let Some(target) = &app.switching {
        Line::styled(
            fit(&format!(" Switching to {target}…"), width),
            theme.status,
        )
    } else {
        Line::styled(fit(&hints(app), width), theme.dim)
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// The message, or as much of it as fits followed by where to read the rest.
fn message_line(message: &str, width: usize) -> String {
    let line = format!(" {message}");
    if line.width() <= width {
        return line;
    }
    const MORE: &str = " (:messages)";
    format!("{}{MORE}", fit(&line, width.saturating_sub(MORE.len())))
}

fn hints(app: &App) -> String {
    let (layer, wanted): (Layer, &[(Action, &str)]) = match app.mode {
        Mode::Detail { .. } => (
            Layer::Detail,
            &[(Action::Back, "back"), (Action::Down, "scroll")],
        ),
        Mode::Help { .. } | Mode::Messages { .. } => (
            Layer::Help,
            &[(Action::Back, "close"), (Action::Down, "scroll")],
        ),
        _ => (
            Layer::Table,
            &[
                (Action::Open, "detail"),
                (Action::Filter, "filter"),
                (Action::SortNext, "sort"),
                (Action::SortReverse, "reverse"),
            ],
        ),
    };
    let mut parts: Vec<String> = wanted
        .iter()
        .filter_map(|(action, label)| {
            app.keymap
                .keys_for(layer, *action)
                .map(|k| format!("{k} {label}"))
        })
        .collect();
    for (action, label) in [
        (Action::Help, "help"),
        (Action::Refresh, "refresh"),
        (Action::Quit, "quit"),
    ] {
        // A global key the layer in use binds to something else does not do this here.
        match app.keymap.global_keys_under(layer, action) {
            Some(k) => parts.push(format!("{k} {label}")),
            None if action == Action::Quit => parts.push(":q quit".to_string()),
            None => {}
        }
    }
    format!(" {}", parts.join(" · "))
}
