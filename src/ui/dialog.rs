//! The remediation dialog over the current view: the action menu, the preview with its
//! confirmation, the action running, and the outcome.

use super::detail::to_lines;
use super::text::fit;
use crate::app::{App, Dialog, preview};
use crate::config::Theme;
use crate::domain::Organization;
use crate::panes::{DetailLine, detail_rows};
use crate::remediation::{Offer, Risk};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

pub fn render(frame: &mut Frame<'_>, body: Rect, app: &App, theme: &Theme) {
    let Some(dialog) = &app.dialog else {
        return;
    };
    let width = body.width.saturating_sub(4).min(preview::MAX_WIDTH);
    let inner = usize::from(width.saturating_sub(2));
    let room = usize::from(body.height.saturating_sub(2));
    // In a short terminal the CLI equivalent shrinks to one line (`c` copies it whole).
    let org = app.data.org.as_ref();
    let mut parts = content(dialog, org, inner, theme, false);
    if parts.rows() > room {
        parts = content(dialog, org, inner, theme, true);
    }
    let Parts {
        title,
        head,
        body: mut scrolled,
        footer,
    } = parts;
    scrolled.push(Line::raw(""));
    // The target and account stay at the top and the keys at the bottom; what lies
    // between scrolls (↑/↓) when it does not fit, and the border says so.
    let window = room.saturating_sub(head.len() + preview::TAIL_ROWS).max(1);
    let (start, more) = match dialog {
        // The menu keeps its selection in view.
        Dialog::Menu { offers, selected } => {
            let at = menu_line(offers, *selected);
            (at.saturating_sub(window.saturating_sub(2)), false)
        }
        _ => (app.dialog_scroll, true),
    };
    let start = start.min(scrolled.len().saturating_sub(window));
    let hidden = scrolled.len() > window;
    let mut lines = head;
    lines.extend(scrolled.into_iter().skip(start).take(window));
    lines.push(footer);
    let height = body.height.min(lines.len() as u16 + 2);
    let area = super::overlay(frame, body, width, height);
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(title, theme.title));
    if hidden && more {
        block = block.title_bottom(Line::styled(" ↑/↓ scroll ", theme.dim));
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// The line of the menu's selected offer (each unavailable selection adds its reason).
fn menu_line(offers: &[Offer], selected: usize) -> usize {
    selected + usize::from(offers.get(selected).is_some_and(|o| o.available.is_err()))
}

/// A dialog's title, the lines that stay at its top (the target and account), the lines
/// that scroll beneath them, and the footer of keys.
struct Parts<'a> {
    title: String,
    head: Vec<Line<'a>>,
    body: Vec<Line<'a>>,
    footer: Line<'a>,
}

impl Parts<'_> {
    /// Rows inside the borders when nothing scrolls: a blank line before the footer.
    fn rows(&self) -> usize {
        self.head.len() + self.body.len() + 2
    }
}

/// The dialog's title, lines and footer; `compact` puts the CLI equivalent on one line.
fn content<'a>(
    dialog: &Dialog,
    org: Option<&Organization>,
    inner: usize,
    theme: &Theme,
    compact: bool,
) -> Parts<'a> {
    match dialog {
        Dialog::Menu { offers, selected } => menu(offers, *selected, inner, theme),
        Dialog::Resolving { offer } => {
            let (head, body) = preview(offer, org, inner, theme, compact);
            Parts {
                title: format!(" {} ", offer.spec().title),
                head,
                body,
                footer: Line::styled(
                    format!(
                        "Resolving the key's ID and status with IAM ({})… Esc cancels",
                        crate::remediation::RESOLVE_CALL
                    ),
                    theme.stale,
                ),
            }
        }
        Dialog::Confirm { offer, typed } => confirm(offer, org, typed, inner, theme, compact),
        Dialog::Running { offer } => {
            let (head, body) = preview(offer, org, inner, theme, compact);
            Parts {
                title: format!(" {} ", offer.spec().title),
                head,
                body,
                footer: Line::styled(format!("Running {} on AWS…", offer.spec().api), theme.stale),
            }
        }
        Dialog::Outcome { offer, result } => outcome(offer, org, result, inner, theme, compact),
    }
}

fn menu<'a>(offers: &[Offer], selected: usize, width: usize, theme: &Theme) -> Parts<'a> {
    let mut lines = Vec::new();
    for (i, offer) in offers.iter().enumerate() {
        let marker = if i == selected { "▸ " } else { "  " };
        let text = fit(
            &format!(
                "{marker}{} — {}",
                offer.spec().title,
                offer.target.describe()
            ),
            width,
        );
        let style = match (i == selected, offer.available.is_ok()) {
            (true, _) => theme.selected,
            (false, true) => theme.text,
            (false, false) => theme.dim,
        };
        lines.push(Line::styled(text, style));
        if let (true, Err(why)) = (i == selected, &offer.available) {
            lines.push(Line::styled(
                fit(&format!("    not available: {why}"), width),
                theme.stale,
            ));
        }
    }
    let footer = Line::styled(
        "j/k choose · Enter preview · c copy the CLI command · Esc close",
        theme.dim,
    );
    Parts {
        title: " Actions ".to_string(),
        head: Vec::new(),
        body: lines,
        footer,
    }
}

/// Target and account (in an organisation its name, OU, banner and rule), which stay in
/// view; then region, API call, permission, risk, undo and CLI equivalent.
fn preview<'a>(
    offer: &Offer,
    org: Option<&Organization>,
    width: usize,
    theme: &Theme,
    compact: bool,
) -> (Vec<Line<'a>>, Vec<Line<'a>>) {
    let (head, mut rest) = preview::fields(offer, org);
    if compact {
        for line in &mut rest {
            if let DetailLine::Field(label, value, _) = line {
                if label == preview::CLI {
                    // The label column and its gap take 17 cells.
                    *value = fit(value, width.saturating_sub(17));
                }
            }
        }
    }
    (
        to_lines(detail_rows(&head, width), theme),
        to_lines(detail_rows(&rest, width), theme),
    )
}

fn confirm<'a>(
    offer: &Offer,
    org: Option<&Organization>,
    typed: &str,
    width: usize,
    theme: &Theme,
    compact: bool,
) -> Parts<'a> {
    let (head, mut lines) = preview(offer, org, width, theme, compact);
    lines.push(Line::raw(""));
    let cancel = Span::styled("[ Cancel ]", theme.selected.add_modifier(Modifier::BOLD));
    if offer.available.is_err() {
        let footer = Line::from(vec![
            cancel,
            Span::styled(
                "   not available now: any key closes · c copies the CLI command",
                theme.dim,
            ),
        ]);
        return Parts {
            title: format!(" {} ", offer.spec().title),
            head,
            body: lines,
            footer,
        };
    }
    let footer = match offer.spec().risk() {
        Risk::Reversible => {
            lines.push(Line::styled(
                "Press y to run it. Enter or Esc cancels.",
                theme.text,
            ));
            Line::from(vec![
                cancel,
                Span::raw("   "),
                Span::styled("[ Run: y ]", theme.text),
                Span::styled("   c copies the CLI command", theme.dim),
            ])
        }
        Risk::NoUndo => {
            let expected = offer.target.confirmation().unwrap_or_default();
            let content = [DetailLine::Text(format!(
                "This has no undo. Type {expected} (or paste it) and press Enter to run it."
            ))];
            lines.extend(
                detail_rows(&content, width)
                    .into_iter()
                    .map(|row| Line::styled(row.text, theme.fail)),
            );
            lines.push(Line::from(vec![
                Span::styled("> ", theme.filter),
                Span::styled(fit(typed, width.saturating_sub(3)), theme.text),
                Span::styled("█", theme.filter),
            ]));
            let ready = offer.target.is_confirmed_by(typed);
            Line::from(vec![
                if ready {
                    Span::styled("[ Cancel: Esc ]", theme.text)
                } else {
                    cancel
                },
                Span::raw("   "),
                Span::styled(
                    "[ Run: Enter ]",
                    if ready { theme.selected } else { theme.dim },
                ),
            ])
        }
    };
    Parts {
        title: format!(" Confirm: {} ", offer.spec().title),
        head,
        body: lines,
        footer,
    }
}

fn outcome<'a>(
    offer: &Offer,
    org: Option<&Organization>,
    result: &Result<String, crate::remediation::ActionError>,
    width: usize,
    theme: &Theme,
    compact: bool,
) -> Parts<'a> {
    let (head, mut lines) = preview(offer, org, width, theme, compact);
    lines.push(Line::raw(""));
    let (text, style) = match result {
        Ok(done) => (format!("✓ Done: {done}"), theme.pass),
        Err(error) => (format!("✗ Failed: {error}"), theme.fail),
    };
    let content = [DetailLine::Text(text)];
    lines.extend(
        detail_rows(&content, width)
            .into_iter()
            .map(|row| Line::styled(row.text, style)),
    );
    let undo = result
        .is_ok()
        .then(|| offer.spec().undo)
        .flatten()
        // The undo stays on `u` after the dialog closes, until another action runs.
        .map(|u| format!("u {} (now or later) · ", u.spec().title.to_lowercase()))
        .unwrap_or_default();
    let footer = Line::styled(
        format!("{undo}c copy the CLI command · any other key closes · recorded in the journal"),
        theme.dim,
    );
    Parts {
        title: format!(" {} ", offer.spec().title),
        head,
        body: lines,
        footer,
    }
}
