//! The detail view of one row: labelled fields and sections, scrollable.

use super::table::tone_style;
use crate::app::App;
use crate::config::Theme;
use crate::panes::DetailLine;
use crate::sanitize;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

const LABEL_WIDTH: usize = 14;

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
    let lines = to_lines(&content, theme);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(
            format!(" {} · detail (Esc back) ", pane.title()),
            theme.title,
        ));
    let max_scroll = lines.len().saturating_sub(1);
    let scroll = u16::try_from(scroll.min(max_scroll)).unwrap_or(u16::MAX);
    let paragraph = Paragraph::new(lines)
        .block(block)
        .wrap(Wrap { trim: false })
        .scroll((scroll, 0));
    frame.render_widget(paragraph, area);
}

fn to_lines<'a>(content: &[DetailLine], theme: &Theme) -> Vec<Line<'a>> {
    let mut lines = Vec::with_capacity(content.len());
    for line in content {
        match line {
            DetailLine::Section(title) => {
                lines.push(Line::styled(
                    sanitize::clean(title).into_owned(),
                    theme.title,
                ));
            }
            DetailLine::Field(label, value, tone) => {
                let label = format!("  {:<LABEL_WIDTH$} ", sanitize::clean(label));
                lines.push(Line::from(vec![
                    Span::styled(label, theme.dim),
                    Span::styled(
                        sanitize::clean(value).into_owned(),
                        tone_style(*tone, theme),
                    ),
                ]));
            }
            DetailLine::Text(text) => {
                for part in sanitize::clean_multiline(text).lines() {
                    lines.push(Line::styled(format!("  {part}"), theme.text));
                }
            }
            DetailLine::Blank => lines.push(Line::raw("")),
        }
    }
    lines
}
