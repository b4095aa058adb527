use super::text::fit;
use crate::app::App;
use crate::config::Theme;
use crate::domain::SourceKind;
use crate::panes::{Tab, age};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

/// Two lines: who and where (account, profile, caller, mode), then regions and the age of the
/// freshest data per source.
pub fn render(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) {
    frame.render_widget(Paragraph::new("").style(theme.header), area);
    let [top, bottom] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(area);

    let mut badges: Vec<Span<'_>> = Vec::new();
    if app.frozen {
        badges.push(Span::styled(
            format!(" FROZEN {} held ", app.held.len()),
            theme.badge_demo,
        ));
        badges.push(Span::raw(" "));
    }
    if let Some(banner) = &app.header.banner {
        badges.push(Span::styled(
            format!(" {} ", crate::sanitize::clean(banner)),
            theme.badge_write,
        ));
        badges.push(Span::raw(" "));
    }
    if app.header.demo {
        badges.push(Span::styled(" DEMO ", theme.badge_demo));
        badges.push(Span::raw(" "));
    }
    if app.header.read_only {
        badges.push(Span::styled(" READ-ONLY ", theme.badge_read_only));
    } else {
        badges.push(Span::styled(" CAN WRITE ", theme.badge_write));
    }
    let badge_width: u16 = badges.iter().map(|s| s.content.width() as u16).sum::<u16>() + 1;
    let [left, right] =
        Layout::horizontal([Constraint::Min(10), Constraint::Length(badge_width)]).areas(top);
    let caller = &app.header.caller;
    if let Some(org) = &app.data.org {
        // When the line is short of room the program's name goes first, then the word
        // `org`: what the organisation is, and the scope, matter more.
        let room = usize::from(left.width);
        let width = |parts: &[(String, Style)]| -> usize {
            parts.iter().map(|(text, _)| text.width()).sum()
        };
        let full = super::org::summary(app, org, theme, false);
        let mut parts = if width(&full) + 24 <= room {
            vec![(" watchpost │ ".to_string(), theme.header)]
        } else {
            vec![(" ".to_string(), theme.header)]
        };
        if width(&full) < room {
            parts.extend(full);
        } else {
            parts.extend(super::org::summary(app, org, theme, true));
        }
        parts.push((" │ ".to_string(), theme.header));
        parts.push(match app.credentials_problem() {
            Some(problem) => (
                format!(
                    "CREDENTIALS FAILED ({}), data is stale: {problem}",
                    caller.account_id
                ),
                theme.header.patch(theme.error),
            ),
            None => (profile_and_arn(app), theme.header),
        });
        let line = Line::from(super::org::fit_spans(parts, usize::from(left.width)));
        frame.render_widget(Paragraph::new(line).style(theme.header), left);
    } else {
        one_account(frame, left, app, theme);
    }
    frame.render_widget(
        Paragraph::new(Line::from(badges)).style(theme.header),
        right,
    );

    let room = usize::from(bottom.width);
    let regions = crate::sanitize::clean(&app.header.regions.join(",")).into_owned();
    let width = |spans: &[Span<'_>]| -> usize { spans.iter().map(|s| s.content.width()).sum() };
    let mut sources = source_spans(app, theme, SourceKind::label);
    if width(&sources) + regions.width() + 3 > room {
        // Narrow terminals: short source names, so every source's age stays visible.
        sources = source_spans(app, theme, SourceKind::short_label);
    }
    // The regions take what the sources leave: every source stays on the line.
    let regions_room = room.saturating_sub(width(&sources) + 3);
    let mut spans = vec![Span::styled(
        format!(" {} │", fit(&regions, regions_room)),
        theme.header,
    )];
    spans.extend(sources);
    frame.render_widget(
        Paragraph::new(Line::from(spans)).style(theme.header),
        bottom,
    );
}

/// The account and the caller, in the first form that fits `room`: in full; with the
/// ARN's resource alone (`assumed-role/ROLE/SESSION`: the account is already shown); then
/// without the program's name. The role's name is what must stay readable.
fn caller_line(app: &App, room: usize) -> String {
    let caller = &app.header.caller;
    let full = format!(
        " watchpost │ {} │ {}",
        caller.account_id,
        profile_and_arn(app)
    );
    if full.width() <= room {
        return full;
    }
    let profile = profile_prefix(app);
    let resource = arn_resource(&caller.arn);
    let short = format!(" watchpost │ {} │ {profile}{resource}", caller.account_id);
    if short.width() <= room {
        return short;
    }
    format!(" {} │ {profile}{resource}", caller.account_id)
}

/// An ARN's resource part (after its fifth `:`), or the whole text when it is no ARN.
fn arn_resource(arn: &str) -> &str {
    arn.splitn(6, ':').nth(5).unwrap_or(arn)
}

/// `profile NAME │ `, or nothing without a profile.
fn profile_prefix(app: &App) -> String {
    app.header
        .profile
        .as_deref()
        .map(|p| format!("profile {} │ ", crate::sanitize::clean(p)))
        .unwrap_or_default()
}

/// `profile NAME │ ARN`, or the ARN alone.
fn profile_and_arn(app: &App) -> String {
    format!("{}{}", profile_prefix(app), app.header.caller.arn)
}

/// The first line's left part for one account: the account, the profile and the caller.
fn one_account(frame: &mut Frame<'_>, left: Rect, app: &App, theme: &Theme) {
    let caller = &app.header.caller;
    // Expired or revoked credentials stop every source at once; that outranks the ARN.
    let (left_text, left_style) = match app.credentials_problem() {
        Some(problem) => (
            format!(
                " watchpost │ {} │ CREDENTIALS FAILED, data is stale: {problem}",
                caller.account_id
            ),
            theme.header.patch(theme.error),
        ),
        None => (caller_line(app, usize::from(left.width)), theme.header),
    };
    frame.render_widget(
        Paragraph::new(fit(&left_text, usize::from(left.width))).style(left_style),
        left,
    );
}

/// The age (or state) of the freshest data of each kind of source.
fn source_spans<'a>(
    app: &'a App,
    theme: &Theme,
    label: fn(SourceKind) -> &'static str,
) -> Vec<Span<'a>> {
    let mut spans = Vec::new();
    for kind in SourceKind::ALL {
        let (freshest, error) = app.freshness(kind);
        let polling = app
            .data
            .sources
            .iter()
            .any(|(id, s)| id.kind == kind && s.polling);
        let (text, style) = match (error, freshest) {
            (Some(_), Some(t)) => (
                format!("{} ERROR, data {}", label(kind), age(app.now, t)),
                theme.error,
            ),
            (Some(_), None) => (format!("{} ERROR", label(kind)), theme.error),
            (None, Some(t)) => {
                let limit =
                    i64::try_from(app.settings.refresh_secs.saturating_mul(3)).unwrap_or(i64::MAX);
                let stale = (app.now - t).num_seconds() > limit;
                let style = if stale { theme.stale } else { theme.header };
                (format!("{} {}", label(kind), age(app.now, t)), style)
            }
            (None, None) if polling => (format!("{} loading…", label(kind)), theme.stale),
            (None, None) => (format!("{} waiting", label(kind)), theme.stale),
        };
        spans.push(Span::styled(" ", theme.header));
        spans.push(Span::styled(text, theme.header.patch(style)));
        spans.push(Span::styled(" │", theme.header));
    }
    spans.pop();
    spans
}

/// The tab bar: number, title and row count of each tab. On narrow terminals counts go
/// first, then inactive titles shrink to three letters, so every tab number stays visible.
pub fn render_tabs(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) {
    let label = |tab: Tab, detail: u8| -> String {
        // The Activity tab has no number key: a row's `t` or `:activity` opens it.
        let n = match tab {
            Tab::Activity => "·".to_string(),
            _ => (tab.index() + 1).to_string(),
        };
        match detail {
            // The Findings tab's archived view says so here too.
            2 => format!(
                " {n} {} {} ",
                tab.pane().heading(&app.data),
                app.view(tab).len()
            ),
            1 => format!(" {n} {} ", tab.title()),
            _ if tab == app.tab => format!(" {n} {} ", tab.title()),
            _ => format!(" {n} {} ", tab.title().chars().take(3).collect::<String>()),
        }
    };
    let width = usize::from(area.width);
    let tabs = Tab::shown(&app.data);
    let texts: Vec<String> = (0..=2u8)
        .rev()
        .map(|detail| tabs.iter().map(|t| label(*t, detail)).collect::<Vec<_>>())
        .find(|texts| texts.iter().map(|t| t.width()).sum::<usize>() <= width)
        .unwrap_or_else(|| tabs.iter().map(|t| label(*t, 0)).collect());
    let spans: Vec<Span<'_>> = texts
        .into_iter()
        .zip(tabs.iter().copied())
        .map(|(text, tab)| {
            let style = if tab == app.tab {
                theme.tab_active
            } else {
                theme.tab
            };
            Span::styled(text, style)
        })
        .collect();
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
