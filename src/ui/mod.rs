//! Rendering: reads the app state and draws it. Never mutates state, never does I/O.

mod columns;
mod detail;
mod dialog;
mod header;
mod help;
mod messages;
mod org;
mod status;
mod summary;
mod table;
mod text;

use crate::app::{App, HEADER_ROWS, Mode, STATUS_ROWS, SUMMARY_ROWS, TAB_BAR_ROWS};
use crate::config::Theme;
use crate::panes::Tab;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

/// Below this size the layout cannot show a usable table; a note is drawn instead.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 15;

pub fn render(frame: &mut Frame<'_>, app: &App, theme: &Theme) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, area, app, theme);
        return;
    }
    let [header_area, tabs_area, body, status_area] = Layout::vertical([
        Constraint::Length(HEADER_ROWS),
        Constraint::Length(TAB_BAR_ROWS),
        Constraint::Min(1),
        Constraint::Length(STATUS_ROWS),
    ])
    .areas(area);
    header::render(frame, header_area, app, theme);
    header::render_tabs(frame, tabs_area, app, theme);
    match &app.mode {
        Mode::Detail { key, scroll } => detail::render(frame, body, app, theme, key, *scroll),
        _ => render_tab_body(frame, body, app, theme),
    }
    status::render(frame, status_area, app, theme);
    match app.mode {
        Mode::Help { scroll } => help::render(frame, body, app, theme, scroll),
        Mode::Messages { scroll } => messages::render(frame, body, app, theme, scroll),
        _ => {}
    }
    dialog::render(frame, body, app, theme);
}

/// The rows the Overview's queue keeps under a summary grown by wrapped error text: its
/// borders, its header and three items.
const QUEUE_ROWS: u16 = 6;

fn render_tab_body(frame: &mut Frame<'_>, body: Rect, app: &App, theme: &Theme) {
    if app.tab == Tab::Overview {
        // Wrapped error text may take more than a line per source; the queue keeps a few
        // rows below it.
        let lines = summary::lines(app, theme, body.width);
        let most = SUMMARY_ROWS.max(body.height.saturating_sub(QUEUE_ROWS));
        let rows = u16::try_from(lines.len()).unwrap_or(most).min(most);
        let [summary_area, table_area] =
            Layout::vertical([Constraint::Length(rows), Constraint::Min(1)]).areas(body);
        summary::render(frame, summary_area, lines);
        table::render(frame, table_area, app, theme);
    } else {
        table::render(frame, body, app, theme);
    }
}

fn too_small(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) {
    // The quit key comes from the keymap, so a rebound `q` is named correctly.
    let quit = app
        .keymap
        .keys_for(crate::config::Layer::Global, crate::config::Action::Quit)
        .unwrap_or_else(|| "Ctrl-C".to_string());
    let message = format!(
        "Terminal too small: {}×{}. watchpost needs at least {MIN_WIDTH}×{MIN_HEIGHT}. \
         Enlarge the window, or press {quit} to quit.",
        area.width, area.height
    );
    let paragraph = Paragraph::new(Line::styled(message, theme.error)).wrap(Wrap { trim: true });
    frame.render_widget(paragraph, area);
}

/// A `width`×`height` box in the middle of `body` for an overlay, cleared together with a
/// one-cell margin around it inside the pane's border, so no character of the pane beneath
/// shows through inside the box or in the gap beside it (a wrapped detail line would).
/// `lines` in a bordered overlay `width` wide (as tall as they need, up to the body), titled
/// `title`, scrolled down `scroll` lines but never past the last.
fn scrolled_overlay(
    frame: &mut Frame<'_>,
    body: Rect,
    lines: Vec<Line<'_>>,
    width: u16,
    title: &str,
    theme: &Theme,
    scroll: usize,
) {
    use ratatui::text::Span;
    use ratatui::widgets::{Block, Borders};
    let height = body
        .height
        .min(u16::try_from(lines.len() + 2).unwrap_or(u16::MAX));
    let area = overlay(frame, body, width, height);
    let max_scroll = lines
        .len()
        .saturating_sub(usize::from(height.saturating_sub(2)));
    let scroll = u16::try_from(scroll.min(max_scroll)).unwrap_or(u16::MAX);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(title.to_string(), theme.title));
    frame.render_widget(Paragraph::new(lines).block(block).scroll((scroll, 0)), area);
}

fn overlay(frame: &mut Frame<'_>, body: Rect, width: u16, height: u16) -> Rect {
    use ratatui::layout::Margin;
    use ratatui::widgets::Clear;
    let area = centered(body, width, height);
    let margin = Rect {
        x: area.x.saturating_sub(1),
        y: area.y.saturating_sub(1),
        width: area.width.saturating_add(2),
        height: area.height.saturating_add(2),
    }
    .intersection(body.inner(Margin::new(1, 1)));
    frame.render_widget(Clear, margin);
    frame.render_widget(Clear, area);
    area
}

/// A `width`×`height` box in the middle of `body`.
fn centered(body: Rect, width: u16, height: u16) -> Rect {
    let [area] = Layout::horizontal([Constraint::Length(width)])
        .flex(ratatui::layout::Flex::Center)
        .areas(body);
    let [area] = Layout::vertical([Constraint::Length(height)])
        .flex(ratatui::layout::Flex::Center)
        .areas(area);
    area
}
