//! The `:messages` overlay: the status line's history, newest first, each message wrapped
//! in full.

use crate::app::App;
use crate::config::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

pub fn render(frame: &mut Frame<'_>, body: Rect, app: &App, theme: &Theme, scroll: usize) {
    let mut lines: Vec<Line<'_>> = app
        .messages
        .lines(App::messages_width(app.width))
        .into_iter()
        .map(|line| Line::styled(line, theme.text))
        .collect();
    if lines.is_empty() {
        lines.push(Line::styled("No messages yet.", theme.dim));
    }
    let width = body.width.saturating_sub(2).min(104);
    let height = body
        .height
        .min(u16::try_from(lines.len() + 2).unwrap_or(u16::MAX));
    let area = super::overlay(frame, body, width, height);
    let max_scroll = lines
        .len()
        .saturating_sub(usize::from(height.saturating_sub(2)));
    let scroll = u16::try_from(scroll.min(max_scroll)).unwrap_or(u16::MAX);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(
            " Messages, newest first (Esc closes) ",
            theme.title,
        ));
    frame.render_widget(Paragraph::new(lines).block(block).scroll((scroll, 0)), area);
}
