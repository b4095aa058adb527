//! The `:messages` overlay: the status line's history, newest first, each message wrapped
//! in full.

use crate::app::App;
use crate::config::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

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
    let title = " Messages, newest first (Esc closes) ";
    super::scrolled_overlay(frame, body, lines, width, title, theme, scroll);
}
