//! The Overview's per-source counters and staleness, one line per source; under an
//! `:account` scope, of the accounts in it.

use super::text::fit;
use crate::app::App;
use crate::config::Theme;
use crate::domain::{Severity, SourceKind};
use crate::panes::age;
use crate::sanitize::clean;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn render(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) {
    let width = usize::from(area.width);
    let lines: Vec<Line<'_>> = SourceKind::ALL
        .iter()
        .map(|kind| {
            let (counts, problem) = counts(app, *kind);
            let label = format!(" {:<11}", kind.label());
            let state = freshness(app, *kind);
            // Region names and error messages come from AWS: every span is sanitised.
            let mut spans = vec![
                Span::styled(label, theme.title),
                Span::styled(clean(&counts).into_owned(), theme.text),
            ];
            if let Some(problem) = problem {
                spans.push(Span::styled(format!(" · {}", clean(&problem)), theme.fail));
            }
            spans.push(Span::styled(
                format!(" · {}", clean(&state.0)),
                state.1(theme),
            ));
            let text_width: usize = spans.iter().map(|s| s.width()).sum();
            if text_width > width {
                // Cut the whole line at the width, keeping the first style.
                let joined: String = spans.iter().map(|s| s.content.as_ref()).collect();
                return Line::styled(fit(&joined, width), theme.text);
            }
            Line::from(spans)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
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
