//! The Overview's per-source counters and staleness, one line per source; under an
//! `:account` scope, of the accounts in it.

use crate::app::App;
use crate::config::Theme;
use crate::domain::{Severity, SourceKind};
use crate::panes::age;
use crate::sanitize::clean;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Draws the lines of [`lines`] (already fitted to the area's width).
pub fn render(frame: &mut Frame<'_>, area: Rect, lines: Vec<Line<'static>>) {
    frame.render_widget(Paragraph::new(lines), area);
}

/// One line per source at `width` columns; a line too long (an error message from AWS)
/// wraps onto more, indented under the counts, instead of being cut.
pub fn lines(app: &App, theme: &Theme, width: u16) -> Vec<Line<'static>> {
    let width = usize::from(width);
    SourceKind::ALL
        .iter()
        .flat_map(|kind| {
            let (counts, problem) = counts(app, *kind);
            let label = format!(" {:<11}", kind.label());
            let state = freshness(app, *kind);
            // Region names and error messages come from AWS: every span is sanitised.
            let mut spans = vec![
                (label, theme.title),
                (clean(&counts).into_owned(), theme.text),
            ];
            if let Some(problem) = problem {
                spans.push((format!(" · {}", clean(&problem)), theme.fail));
            }
            spans.push((format!(" · {}", clean(&state.0)), state.1(theme)));
            wrap(spans, width, INDENT)
        })
        .collect()
}

/// Continuation lines start under the counts, past the source's name.
const INDENT: usize = 12;

/// `spans` laid out in lines of at most `width` columns, broken between words (a word
/// longer than a line is broken where the line ends); every line after the first starts
/// with `indent` spaces (none when the width has no room for them).
fn wrap(spans: Vec<(String, Style)>, width: usize, indent: usize) -> Vec<Line<'static>> {
    let indent = if width > indent * 2 { indent } else { 0 };
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line: Vec<Span<'static>> = Vec::new();
    let mut used = 0;
    for (text, style) in spans {
        for word in text.split_inclusive(' ') {
            let word_width = word.trim_end().width();
            if used + word_width > width && used > indent {
                lines.push(Line::from(std::mem::take(&mut line)));
                line.push(Span::raw(" ".repeat(indent)));
                used = indent;
            }
            let mut piece = String::new();
            for c in word.chars() {
                let w = c.width().unwrap_or(0);
                if used + w > width {
                    if c == ' ' {
                        continue;
                    }
                    line.push(Span::styled(std::mem::take(&mut piece), style));
                    lines.push(Line::from(std::mem::take(&mut line)));
                    line.push(Span::raw(" ".repeat(indent)));
                    used = indent;
                }
                piece.push(c);
                used += w;
            }
            line.push(Span::styled(piece, style));
        }
    }
    lines.push(Line::from(line));
    lines
}

type StyleOf = fn(&Theme) -> ratatui::style::Style;

fn freshness(app: &App, kind: SourceKind) -> (String, StyleOf) {
    let (freshest, error) = app.freshness(kind);
    match (error, freshest) {
        (Some(err), _) => (format!("failing: {err}"), |t| t.error),
        // Data stamped a moment after the clock's last tick reads "now", not "now ago".
        (None, Some(at)) if at > app.now => ("updated just now".to_string(), |t| t.dim),
        (None, Some(at)) => (format!("updated {} ago", age(app.now, at)), |t| t.dim),
        (None, None) => ("loading…".to_string(), |t| t.stale),
    }
}

fn counts(app: &App, kind: SourceKind) -> (String, Option<String>) {
    let data = &app.data;
    let shown = |account: &str| app.scope.as_ref().is_none_or(|s| s.includes(account));
    // Counted when data arrives (`Data::derive`), never per frame; per account too, in an
    // organisation.
    let scoped;
    let summary = match &app.scope {
        Some(scope) => {
            scoped = data.summary_of(|account| scope.includes(account));
            &scoped
        }
        None => &data.summary,
    };
    match kind {
        SourceKind::Alarms => (
            format!(
                "{} ALARM · {} INSUFFICIENT · {} OK",
                summary.alarms_alarm, summary.alarms_insufficient, summary.alarms_ok
            ),
            None,
        ),
        SourceKind::Findings => {
            let count = |sev| summary.findings_of(sev);
            let text = format!(
                "{} Critical · {} High · {} Medium · {} Low",
                count(Severity::Critical),
                count(Severity::High),
                count(Severity::Medium),
                count(Severity::Low)
            );
            // Each region once: in an organisation, with how many accounts.
            let mut off: Vec<(&str, usize)> = Vec::new();
            for d in data
                .detectors
                .iter()
                .filter(|d| !d.enabled && shown(&d.account_id))
            {
                match off.iter_mut().find(|(region, _)| *region == d.region) {
                    Some((_, accounts)) => *accounts += 1,
                    None => off.push((&d.region, 1)),
                }
            }
            let off: Vec<String> = off
                .into_iter()
                .map(|(region, accounts)| match accounts {
                    1 => region.to_string(),
                    n => format!("{region} ({n} accounts)"),
                })
                .collect();
            (
                text,
                (!off.is_empty()).then(|| format!("off in {}", off.join(", "))),
            )
        }
        SourceKind::Identity => {
            let users = match &app.scope {
                Some(_) => data
                    .identities
                    .iter()
                    .filter(|i| shown(&i.account_id))
                    .map(|i| i.users.len())
                    .sum(),
                None => data.identities.users(),
            };
            let failing = summary.failing_iam_checks;
            // The oldest credential report, when there are several accounts.
            let report = data
                .identities
                .iter()
                .filter(|i| shown(&i.account_id))
                .map(|i| i.report_generated)
                .min()
                .map(|at| format!(", report {} old", age(app.now, at)))
                .unwrap_or_default();
            (
                format!("{users} users · {failing} failing checks{report}"),
                None,
            )
        }
        SourceKind::Baseline => (
            // Counted when data arrives, as the others are.
            format!(
                "{} failing of {} results",
                summary.baseline_failing, summary.baseline_results
            ),
            (summary.baseline_unevaluated > 0)
                .then(|| format!("{} not evaluated", summary.baseline_unevaluated)),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lines: &[Line<'_>]) -> Vec<String> {
        lines.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn long_lines_wrap_under_the_counts_and_lose_nothing() {
        let style = Style::default();
        let spans = vec![
            (" GuardDuty  ".to_string(), style),
            (
                "0 High · failing: AccessDenied for guardduty:ListFindings".to_string(),
                style,
            ),
        ];
        let lines = text(&wrap(spans, 40, INDENT));
        assert!(lines.len() >= 2, "{lines:?}");
        assert!(lines.iter().all(|l| l.chars().count() <= 40), "{lines:?}");
        assert!(lines[1].starts_with(&" ".repeat(INDENT)));
        let joined: String = lines.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" ");
        assert!(joined.contains("guardduty:ListFindings"), "{joined}");
        // Narrower than the indent twice: no indent, still nothing lost.
        let spans = vec![("abcdefghij".to_string(), style)];
        assert_eq!(text(&wrap(spans, 4, INDENT)), ["abcd", "efgh", "ij"]);
        // Lines break between words.
        let spans = vec![("updated 0s ago".to_string(), style)];
        assert_eq!(text(&wrap(spans, 12, 0)), ["updated 0s ", "ago"]);
    }
}
