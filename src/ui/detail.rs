//! The detail view of one row: labelled fields and sections, scrollable.

use super::table::tone_style;
use crate::app::{App, detail_width};
use crate::config::Theme;
use crate::panes::{DetailRow, RowKind, Tone, detail_rows};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use std::borrow::Cow;

/// Draws the rows `update` laid out (`App::detail`) that fit, from `scroll` on.
pub fn render(
    frame: &mut Frame<'_>,
    area: Rect,
    app: &App,
    theme: &Theme,
    key: &str,
    scroll: usize,
) {
    let pane = app.tab.pane();
    let width = detail_width(area.width);
    let laid_out;
    let rows: &[DetailRow] = match app
        .detail
        .as_ref()
        .filter(|v| v.tab == app.tab && v.key == key && v.width == width)
    {
        Some(view) => &view.rows,
        // Drawn at a size `update` has not been told of yet (the terminal was resized and
        // its message is on the way): laid out for this frame only.
        None => {
            laid_out = detail_rows(&app.detail_content(key), width);
            &laid_out
        }
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(
            format!(" {} · detail (Esc back) ", pane.title()),
            theme.title,
        ));
    let first = scroll.min(rows.len().saturating_sub(1));
    let visible = usize::from(area.height.saturating_sub(2));
    let lines: Vec<Line<'_>> = rows
        .iter()
        .skip(first)
        .take(visible)
        .map(|row| to_line(row, theme))
        .collect();
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// A row as drawn, borrowing its text.
fn to_line<'a>(row: &'a DetailRow, theme: &Theme) -> Line<'a> {
    styled(row.kind, &row.prefix, &row.text, row.tone, theme)
}

pub(super) fn to_lines<'a>(rows: Vec<DetailRow>, theme: &Theme) -> Vec<Line<'a>> {
    rows.into_iter()
        .map(|row| styled(row.kind, row.prefix, row.text, row.tone, theme))
        .collect()
}

fn styled<'a>(
    kind: RowKind,
    prefix: impl Into<Cow<'a, str>>,
    text: impl Into<Cow<'a, str>>,
    tone: Tone,
    theme: &Theme,
) -> Line<'a> {
    match kind {
        RowKind::Section => Line::styled(text, theme.title),
        RowKind::Field { .. } => Line::from(vec![
            Span::styled(prefix, theme.dim),
            Span::styled(text, tone_style(tone, theme)),
        ]),
        RowKind::Text => Line::styled(format!("{}{}", prefix.into(), text.into()), theme.text),
        RowKind::Blank => Line::raw(""),
    }
}
