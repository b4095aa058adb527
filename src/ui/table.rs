//! Draws the current tab's table: only the visible rows are built, so a frame costs the
//! same with 100 rows or 100,000.

use super::text::fit;
use crate::app::App;
use crate::config::Theme;
use crate::panes::{Cell as PaneCell, Column, Tone, Width};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, Wrap};

const COLUMN_SPACING: u16 = 1;

pub fn render(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) {
    let tab = app.tab;
    let pane = tab.pane();
    let view = app.view(tab);
    let total = pane.len(&app.data);
    let mut title = vec![Span::styled(format!(" {} ", pane.title()), theme.title)];
    if let (true, Some(scope)) = (view.filter.is_empty(), &app.scope) {
        // `:account`: the rows of the accounts in scope, of all.
        title.push(Span::styled(
            format!(
                "{} of {total} · scope {} ",
                view.rows.len(),
                fit(&scope.text(), 30)
            ),
            theme.filter,
        ));
    } else if view.filter.is_empty() {
        title.push(Span::styled(format!("{} ", total), theme.dim));
    } else {
        title.push(Span::styled(
            format!(
                "/{} ({} of {}) ",
                fit(&view.filter, 30),
                view.rows.len(),
                total
            ),
            theme.filter,
        ));
    }
    if let Some(subtitle) = pane.subtitle(&app.data) {
        let used: usize = title.iter().map(Span::width).sum();
        let room = usize::from(area.width).saturating_sub(used + 4);
        title.push(Span::styled(
            format!("{} ", fit(&subtitle, room)),
            theme.title,
        ));
    }
    if let Some(note) = pane.title_note(&app.data) {
        // As much of the note as the top border has room for, past the title and corners.
        let used: usize = title.iter().map(Span::width).sum();
        let room = usize::from(area.width).saturating_sub(used + 4);
        title.push(Span::styled(format!("{} ", fit(&note, room)), theme.fail));
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Line::from(title));
    let inner = block.inner(area);
    frame.render_widget(block, area);

    if view.rows.is_empty() {
        let message = if view.filter.is_empty() {
            pane.empty_message(&app.data)
        } else {
            format!("No rows match /{} (Esc clears the filter).", view.filter)
        };
        let mut lines: Vec<Line<'_>> = Vec::new();
        // An empty tab whose source failed says why, not "not loaded yet".
        if let Some((_, Some(error))) = app.tab.source().map(|kind| app.freshness(kind)) {
            lines.push(Line::styled(
                fit(&format!("Could not load: {error}"), 4096),
                theme.error,
            ));
        }
        lines.extend(
            message
                .lines()
                .map(|l| Line::styled(fit(l, 4096), theme.dim)),
        );
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
        return;
    }

    let shown = crate::panes::shown::columns(pane, &app.data);
    let columns: Vec<Column> = shown.iter().map(|s| s.column).collect();
    let widths = column_widths(&columns, inner.width);
    let header = Row::new(shown.iter().map(|s| {
        let marker = match (s.index == view.sort_column, view.descending) {
            (true, true) => "▼",
            (true, false) => "▲",
            (false, _) => "",
        };
        Cell::from(format!("{}{marker}", s.column.title))
    }))
    .style(theme.table_header);

    let body_height = usize::from(inner.height.saturating_sub(1));
    let window = view.window(body_height);
    let rows = window.map(|pos| {
        let row = view.rows.get(pos).copied().unwrap_or(0);
        let cells = crate::panes::shown::cells(pane, &app.data, row, app.now);
        let row_widget = Row::new(
            cells
                .into_iter()
                .zip(&widths)
                .map(|(cell, width)| styled_cell(cell, *width, theme)),
        );
        if pos == view.selected {
            row_widget.style(theme.selected)
        } else {
            row_widget
        }
    });
    let constraints: Vec<Constraint> = widths.iter().map(|w| Constraint::Length(*w)).collect();
    let table = Table::new(rows, constraints)
        .header(header)
        .column_spacing(COLUMN_SPACING);
    frame.render_widget(table, inner);
}

fn styled_cell<'a>(cell: PaneCell<'_>, width: u16, theme: &Theme) -> Cell<'a> {
    let style = tone_style(cell.tone, theme);
    Cell::from(Span::styled(fit(&cell.text, usize::from(width)), style))
}

pub fn tone_style(tone: Tone, theme: &Theme) -> Style {
    match tone {
        Tone::Plain => theme.text,
        Tone::Dim => theme.dim,
        Tone::Severity(s) => theme.severity(s),
        Tone::Alarm(s) => theme.alarm_state(s),
        Tone::Pass => theme.pass,
        Tone::Fail => theme.fail,
        Tone::Changed => theme.changed,
    }
}

/// Fixed columns get their width; fill columns share the rest in proportion to their
/// minimum widths, so the layout is the same on every terminal of a given width.
pub fn column_widths(columns: &[Column], total: u16) -> Vec<u16> {
    let spacing = COLUMN_SPACING * columns.len().saturating_sub(1) as u16;
    let fixed: u16 = columns
        .iter()
        .map(|c| match c.width {
            Width::Fixed(w) => w,
            Width::Fill(_) => 0,
        })
        .sum();
    let fill_weights: u16 = columns
        .iter()
        .map(|c| match c.width {
            Width::Fill(w) => w,
            Width::Fixed(_) => 0,
        })
        .sum();
    let mut remaining = total.saturating_sub(spacing + fixed);
    let spare = remaining;
    let mut widths: Vec<u16> = columns
        .iter()
        .map(|c| match c.width {
            Width::Fixed(w) => w,
            Width::Fill(weight) if fill_weights > 0 => {
                let share = (u32::from(spare) * u32::from(weight) / u32::from(fill_weights)) as u16;
                remaining = remaining.saturating_sub(share);
                share
            }
            Width::Fill(_) => 0,
        })
        .collect();
    // Rounding leftovers go to the first fill column.
    if let Some((i, _)) = columns
        .iter()
        .enumerate()
        .find(|(_, c)| matches!(c.width, Width::Fill(_)))
    {
        if let Some(w) = widths.get_mut(i) {
            *w += remaining;
        }
    }
    widths
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_fill_the_table_exactly() {
        let columns = [
            Column {
                title: "a",
                width: Width::Fixed(4),
            },
            Column {
                title: "b",
                width: Width::Fill(20),
            },
            Column {
                title: "c",
                width: Width::Fill(10),
            },
        ];
        let widths = column_widths(&columns, 80);
        assert_eq!(widths.iter().sum::<u16>() + 2, 80);
        assert_eq!(widths.first(), Some(&4));
        assert!(widths.get(1) > widths.get(2));
    }

    #[test]
    fn narrow_tables_do_not_overflow() {
        let columns = [
            Column {
                title: "a",
                width: Width::Fixed(40),
            },
            Column {
                title: "b",
                width: Width::Fill(20),
            },
        ];
        assert_eq!(column_widths(&columns, 30), vec![40, 0]);
    }
}
