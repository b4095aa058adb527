//! Draws the current tab's table: only the visible rows are built, so a frame costs the
//! same with 100 rows or 100,000.

use super::columns::{COLUMN_SPACING, column_widths};
use super::text::fit;
use crate::app::App;
use crate::config::Theme;
use crate::panes::shown::Shown;
use crate::panes::{Cell as PaneCell, Column, Tone, Width, age};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, Wrap};
use unicode_width::UnicodeWidthStr;

pub fn render(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) {
    let tab = app.tab;
    let pane = tab.pane();
    let view = app.view(tab);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Line::from(title(app, area.width, theme)));
    let inner = block.inner(area);
    frame.render_widget(block, area);

    if view.is_empty() {
        let message = if view.filter.is_empty() {
            pane.empty_message(&app.data)
        } else {
            format!("No rows match /{} (Esc clears the filter).", view.filter)
        };
        let mut lines: Vec<Line<'_>> = Vec::new();
        // An empty tab whose source failed says why, not "not loaded yet".
        if let Some(error) = app
            .tab
            .sources()
            .iter()
            .find_map(|kind| app.freshness(*kind).1)
        {
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
    let body_height = usize::from(inner.height.saturating_sub(1));
    let window = view.window(body_height);
    let rows: Vec<(usize, Vec<PaneCell<'_>>)> = window
        .map(|pos| {
            let row = view.row_at(pos).unwrap_or(0);
            (
                pos,
                crate::panes::shown::cells(pane, &app.data, row, app.now),
            )
        })
        .collect();
    let widths = widths(app, &shown, &rows, inner.width);
    let header = Row::new(shown.iter().zip(&widths).filter_map(|(s, width)| {
        let width = usize::from((*width)?);
        let marker = match (s.index == view.sort_column, view.descending) {
            (true, true) => "▼",
            (true, false) => "▲",
            (false, _) => return Some(Cell::from(fit(s.column.title, width))),
        };
        // The arrow always shows: in a narrow column it takes the title's last place
        // (`Stat▼`; an ellipsis would leave one letter of a short title).
        let title: String = s
            .column
            .title
            .chars()
            .take(width.saturating_sub(1))
            .collect();
        Some(Cell::from(format!("{title}{marker}")))
    }))
    .style(theme.table_header);

    let rows = rows.into_iter().map(|(pos, cells)| {
        let row_widget = Row::new(
            cells
                .into_iter()
                .zip(&widths)
                .filter_map(|(cell, width)| Some(styled_cell(cell, (*width)?, theme))),
        );
        if pos == view.selected {
            row_widget.style(theme.selected)
        } else {
            row_widget
        }
    });
    let constraints: Vec<Constraint> = widths
        .iter()
        .flatten()
        .map(|w| Constraint::Length(*w))
        .collect();
    let table = Table::new(rows, constraints)
        .header(header)
        .column_spacing(COLUMN_SPACING);
    frame.render_widget(table, inner);
}

/// The table's title: the pane's name and row count (or filter, or scope); when its source
/// failed, that it did and how old the rows shown are; then the pane's own warning.
fn title<'a>(app: &App, width: u16, theme: &Theme) -> Vec<Span<'a>> {
    let pane = app.tab.pane();
    let view = app.view(app.tab);
    let total = pane.len(&app.data);
    let mut title = vec![Span::styled(
        format!(" {} ", pane.heading(&app.data)),
        theme.title,
    )];
    if let (true, Some(scope)) = (view.filter.is_empty(), &app.scope) {
        // `:account`: the rows of the accounts in scope, of all.
        title.push(Span::styled(
            format!(
                "{} of {total} · scope {} ",
                view.len(),
                fit(&scope.text(), 30)
            ),
            theme.filter,
        ));
    } else if view.filter.is_empty() {
        title.push(Span::styled(format!("{} ", total), theme.dim));
    } else {
        title.push(Span::styled(
            format!("/{} ({} of {}) ", fit(&view.filter, 30), view.len(), total),
            theme.filter,
        ));
    }
    if let Some(subtitle) = pane.subtitle(&app.data) {
        // What the table is of (the Activity tab's query).
        let used: usize = title.iter().map(Span::width).sum();
        let room = usize::from(width).saturating_sub(used + 4);
        title.push(Span::styled(
            format!("{} ", fit(&subtitle, room)),
            theme.title,
        ));
    }
    // Each of the tab's sources that failed (Posture reads several), with its rows' age.
    let failed: Vec<String> = app
        .tab
        .sources()
        .iter()
        .filter_map(|&kind| {
            let (freshest, error) = app.freshness(kind);
            error.map(|_| match freshest {
                Some(t) => format!("{} FAILED · rows {} old ", kind.label(), age(app.now, t)),
                None => format!("{} FAILED · no rows loaded ", kind.label()),
            })
        })
        .collect();
    let failed = (!failed.is_empty()).then(|| failed.join("· "));
    let notes = failed.map(|text| (text, theme.error)).into_iter().chain(
        pane.title_note(&app.data)
            .map(|note| (format!("· {note} "), theme.fail)),
    );
    for (note, style) in notes {
        // As much of the note as the top border has room for, past the title and corners.
        let used: usize = title.iter().map(Span::width).sum();
        let room = usize::from(width).saturating_sub(used + 4);
        if room > 0 {
            title.push(Span::styled(fit(&note, room), style));
        }
    }
    title
}

/// Each shown column's width (`None`: hidden at this width), from the text of the rows
/// on screen: a fill column gets up to its widest cell, and no more while another is cut.
fn widths(
    app: &App,
    shown: &[Shown],
    rows: &[(usize, Vec<PaneCell<'_>>)],
    total: u16,
) -> Vec<Option<u16>> {
    let pane = app.tab.pane();
    let view = app.view(app.tab);
    let columns: Vec<Column> = shown
        .iter()
        .map(|s| {
            let mut column = s.column;
            // The sort column makes room for its arrow beside its whole title.
            let titled = u16::try_from(column.title.width() + 1).unwrap_or(u16::MAX);
            if let (true, Width::Fixed(w)) = (s.index == view.sort_column, &mut column.width) {
                *w = (*w).max(titled);
            }
            column
        })
        .collect();
    let mut needs: Vec<u16> = shown
        .iter()
        .map(|s| u16::try_from(s.column.title.width() + 1).unwrap_or(u16::MAX))
        .collect();
    for (_, cells) in rows {
        for (need, cell) in needs.iter_mut().zip(cells) {
            let width = crate::sanitize::clean(&cell.text).width();
            *need = (*need).max(u16::try_from(width).unwrap_or(u16::MAX));
        }
    }
    let position = |index: usize| shown.iter().position(|s| s.index == index);
    let hide_first: Vec<usize> = pane
        .hide_first()
        .iter()
        .filter_map(|&index| position(index))
        .collect();
    column_widths(
        &columns,
        &needs,
        total,
        &hide_first,
        position(view.sort_column),
    )
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
