//! The detail view of one row: labelled fields and sections, scrollable.

use super::table::tone_style;
use crate::app::App;
use crate::config::Theme;
use crate::panes::{DetailLine, DetailRow, RowKind, detail_rows};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

pub fn render(
    frame: &mut Frame<'_>,
    area: Rect,
    app: &App,
    theme: &Theme,
    key: &str,
    scroll: usize,
) {
    let pane = app.tab.pane();
    let row = app.row_of(key);
    let content = match row {
        Some(row) => pane.detail(&app.data, row, app.now),
        None => vec![DetailLine::Text(
            "This item is gone: it was archived, deleted or resolved since it was opened."
                .to_string(),
        )],
    };
    let inner_width = usize::from(area.width.saturating_sub(2));
    let lines = to_lines(detail_rows(&content, inner_width), theme);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(
            format!(" {} · detail (Esc back) ", pane.title()),
            theme.title,
        ));
    let max_scroll = lines.len().saturating_sub(1);
    let scroll = u16::try_from(scroll.min(max_scroll)).unwrap_or(u16::MAX);
    let paragraph = Paragraph::new(lines).block(block).scroll((scroll, 0));
    frame.render_widget(paragraph, area);
}

pub(super) fn to_lines<'a>(rows: Vec<DetailRow>, theme: &Theme) -> Vec<Line<'a>> {
    rows.into_iter()
        .map(|row| match row.kind {
            RowKind::Section => Line::styled(row.text, theme.title),
            RowKind::Field { .. } => Line::from(vec![
                Span::styled(row.prefix, theme.dim),
                Span::styled(row.text, tone_style(row.tone, theme)),
            ]),
            RowKind::Text => Line::styled(format!("{}{}", row.prefix, row.text), theme.text),
            RowKind::Blank => Line::raw(""),
        })
        .collect()
}
