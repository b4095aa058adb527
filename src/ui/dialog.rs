//! The remediation dialog over the current view: the action menu, the preview with its
//! confirmation, the action running, and the outcome.

use super::detail::to_lines;
use super::text::fit;
use crate::app::{App, Dialog};
use crate::config::Theme;
use crate::domain::Organization;
use crate::panes::{DetailLine, Tone, detail_rows};
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
    let width = body.width.saturating_sub(4).min(96);
    let inner = usize::from(width.saturating_sub(2));
    let room = usize::from(body.height.saturating_sub(2));
    // In a short terminal the CLI equivalent shrinks to one line (`c` copies it whole), so
    // the target and the risk stay in view above the prompt.
    let org = app.data.org.as_ref();
    let mut parts = content(dialog, org, inner, theme, false);
    if parts.1.len() + 2 > room {
        parts = content(dialog, org, inner, theme, true);
    }
    let (title, mut lines, footer) = parts;
    lines.push(Line::raw(""));
    lines.push(footer);
    let height = body.height.min(lines.len() as u16 + 2);
    let area = super::overlay(frame, body, width, height);
    // Keep the end of the dialog (prompt and keys) visible when it is taller than the body.
    let scroll = lines
        .len()
        .saturating_sub(usize::from(height.saturating_sub(2)));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(title, theme.title));
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .scroll((u16::try_from(scroll).unwrap_or(u16::MAX), 0)),
        area,
    );
}

type Parts<'a> = (String, Vec<Line<'a>>, Line<'a>);

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
        Dialog::Resolving { offer } => (
            format!(" {} ", offer.spec().title),
            preview(offer, org, inner, theme, compact),
            Line::styled(
                format!(
                    "Resolving the key's ID and status with IAM ({})… Esc cancels",
                    crate::remediation::RESOLVE_CALL
                ),
                theme.stale,
            ),
        ),
        Dialog::Confirm { offer, typed } => confirm(offer, org, typed, inner, theme, compact),
        Dialog::Running { offer } => (
            format!(" {} ", offer.spec().title),
            preview(offer, org, inner, theme, compact),
            Line::styled(format!("Running {} on AWS…", offer.spec().api), theme.stale),
        ),
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
    (" Actions ".to_string(), lines, footer)
}

/// Target, account (in an organisation its name, OU, banner and rule), region, API call,
/// permission, risk, undo and CLI equivalent.
fn preview<'a>(
    offer: &Offer,
    org: Option<&Organization>,
    width: usize,
    theme: &Theme,
    compact: bool,
) -> Vec<Line<'a>> {
    let spec = offer.spec();
    let account = offer.target.account_id();
    let mut content = vec![DetailLine::field("Target", offer.target.describe())];
    content.extend(account_lines(account, org));
    content.extend([
        DetailLine::field(
            "Region",
            offer
                .target
                .region()
                .map_or("global (IAM)".to_string(), ToString::to_string),
        ),
        DetailLine::field("API call", spec.api),
        DetailLine::field(
            "Permission",
            match offer.reads().as_slice() {
                [] => spec.permission(),
                reads => {
                    let reads: Vec<String> = reads.iter().map(ToString::to_string).collect();
                    format!(
                        "{} (and {}, read first)",
                        spec.permission(),
                        reads.join(", ")
                    )
                }
            },
        ),
        DetailLine::Field(
            "Risk".into(),
            match spec.risk() {
                Risk::Reversible => "reversible".into(),
                Risk::NoUndo => "NO UNDO: it cannot be taken back".into(),
            },
            match spec.risk() {
                Risk::Reversible => Tone::Plain,
                Risk::NoUndo => Tone::Fail,
            },
        ),
        DetailLine::field("Undo", spec.undo.map(|u| u.spec().title).unwrap_or("none")),
        DetailLine::field(
            "CLI",
            if compact {
                // The label column and its gap take 17 cells.
                fit(&offer.cli, width.saturating_sub(17))
            } else {
                offer.cli.clone()
            },
        ),
    ]);
    if let Err(why) = &offer.available {
        content.push(DetailLine::Field(
            "Unavailable".into(),
            why.to_string(),
            Tone::Fail,
        ));
    }
    to_lines(detail_rows(&content, width), theme)
}

/// The Account line, and in an organisation the account's banner and rule.
fn account_lines(account: &str, org: Option<&Organization>) -> Vec<DetailLine> {
    let Some((org, entry)) = org.and_then(|org| Some((org, org.account(account)?))) else {
        return vec![DetailLine::field("Account", account.to_string())];
    };
    let mut label = org.label(account);
    if !entry.ou_path.is_empty() {
        label.push_str(" · ");
        label.push_str(&entry.ou_path);
    }
    let mut lines = vec![DetailLine::field("Account", label)];
    if let Some(banner) = &entry.banner {
        lines.push(DetailLine::Field(
            "Banner".into(),
            banner.clone(),
            Tone::Fail,
        ));
    }
    if let Some(rule) = &entry.read_only {
        lines.push(DetailLine::Field(
            "Rule".into(),
            format!("read-only: {rule}"),
            Tone::Fail,
        ));
    }
    lines
}

fn confirm<'a>(
    offer: &Offer,
    org: Option<&Organization>,
    typed: &str,
    width: usize,
    theme: &Theme,
    compact: bool,
) -> Parts<'a> {
    let mut lines = preview(offer, org, width, theme, compact);
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
        return (format!(" {} ", offer.spec().title), lines, footer);
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
    (format!(" Confirm: {} ", offer.spec().title), lines, footer)
}

fn outcome<'a>(
    offer: &Offer,
    org: Option<&Organization>,
    result: &Result<String, crate::remediation::ActionError>,
    width: usize,
    theme: &Theme,
    compact: bool,
) -> Parts<'a> {
    let mut lines = preview(offer, org, width, theme, compact);
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
        .map(|u| format!("u {} · ", u.spec().title.to_lowercase()))
        .unwrap_or_default();
    let footer = Line::styled(
        format!("{undo}c copy the CLI command · any other key closes · recorded in the journal"),
        theme.dim,
    );
    (format!(" {} ", offer.spec().title), lines, footer)
}
