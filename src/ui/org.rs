//! What the header says about an organisation: its ID (or that accounts were listed),
//! how many accounts and how many unreachable, and the `:account` scope.

use super::text::fit;
use crate::app::App;
use crate::config::Theme;
use crate::domain::Organization;
use ratatui::style::Style;
use ratatui::text::Span;
use unicode_width::UnicodeWidthStr;

/// `org o-abc12345 · 12 accounts · 1 unreachable`, and with a scope
/// `org o-abc12345 · 3 of 12 accounts · 1 unreachable │ scope prod-*`, as texts with their
/// styles; `short` leaves out the word `org`.
pub fn summary(app: &App, org: &Organization, theme: &Theme, short: bool) -> Vec<(String, Style)> {
    let total = org.accounts.len();
    let accounts = match &app.scope {
        Some(scope) => format!("{} of {total} accounts", scope.len()),
        None => format!("{total} accounts"),
    };
    let mut parts = vec![(
        match &org.id {
            Some(id) if short => format!("{id} · {accounts}"),
            Some(id) => format!("org {id} · {accounts}"),
            None => accounts,
        },
        theme.header,
    )];
    let unreachable = org.unreachable().count();
    if unreachable > 0 {
        parts.push((" · ".to_string(), theme.header));
        parts.push((
            format!("{unreachable} unreachable"),
            theme.header.patch(theme.error),
        ));
    }
    if let Some(scope) = &app.scope {
        parts.push((" │ ".to_string(), theme.header));
        parts.push((
            format!("scope {}", scope.text()),
            theme.header.patch(theme.filter),
        ));
    }
    parts
}

/// `spans` cut to `width` columns: the span that crosses it ends with `…` (unless too
/// little of it would show to be read), later ones go. Every span's text is sanitised.
pub fn fit_spans(spans: Vec<(String, Style)>, width: usize) -> Vec<Span<'static>> {
    let mut out = Vec::new();
    let mut used = 0;
    for (text, style) in spans {
        let text = fit(&text, usize::MAX);
        let room = width.saturating_sub(used);
        if text.width() <= room {
            used += text.width();
            out.push(Span::styled(text, style));
            continue;
        }
        if room >= MIN_PIECE {
            out.push(Span::styled(fit(&text, room), style));
        }
        break;
    }
    out
}

/// The fewest columns worth showing of a cut span: `ab…`, not `…`.
const MIN_PIECE: usize = 4;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_are_cut_at_the_width_with_an_ellipsis() {
        let style = Style::default();
        let spans = vec![("abc ".to_string(), style), ("defghij".to_string(), style)];
        let text = |width: usize| -> String {
            fit_spans(spans.clone(), width)
                .iter()
                .map(|s| s.content.as_ref())
                .collect()
        };
        assert_eq!(text(8), "abc def…");
        assert_eq!(text(20), "abc defghij");
        assert_eq!(text(6), "abc ", "a piece too short to read is left out");
        assert_eq!(fit_spans(spans.clone(), 4).len(), 1);
    }
}
