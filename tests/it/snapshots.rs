//! Snapshot tests of every tab, the detail view, the help overlay and the small-terminal
//! note, from the demo account at a fixed time and seed, at 80×24 and 160×48.

use crate::support;
use crate::support::{draw, key, loaded_app, press, render, render_with, theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use watchpost::app::{App, Msg, update};
use watchpost::config::Theme;
use watchpost::input::KeyCode;

macro_rules! tab_snapshots {
    ($($name:ident: $key:literal),* $(,)?) => {$(
        #[test]
        fn $name() {
            let mut app = loaded_app();
            press(&mut app, $key);
            insta::assert_snapshot!(concat!(stringify!($name), "_80x24"), draw(&mut app, 80, 24));
            insta::assert_snapshot!(concat!(stringify!($name), "_160x48"), draw(&mut app, 160, 48));
        }
    )*};
}

tab_snapshots! {
    overview: "1",
    alarms: "2",
    findings: "3",
    identity: "4",
    posture: "5",
    journal: "6",
}

#[test]
fn finding_detail() {
    let mut app = loaded_app();
    press(&mut app, "3");
    let effects = update(&mut app, key(KeyCode::Enter));
    // The demo's finding has no wire form: its detail shows the record watchpost holds.
    support::answer_finding_json(&mut app, &support::session(), &effects);
    insta::assert_snapshot!("finding_detail_80x24", draw(&mut app, 80, 24));
    insta::assert_snapshot!("finding_detail_160x48", draw(&mut app, 160, 48));
}

#[test]
fn identity_detail_of_root() {
    let mut app = loaded_app();
    press(&mut app, "4");
    // Sort by user name (`<root_account>` sorts first), then go to the top: the selection
    // otherwise stays on the same user when the order changes.
    press(&mut app, "sgg");
    update(&mut app, key(KeyCode::Enter));
    insta::assert_snapshot!("root_detail_80x24", draw(&mut app, 80, 24));
}

#[test]
fn help_overlay() {
    let mut app = loaded_app();
    press(&mut app, "?");
    insta::assert_snapshot!("help_80x24", draw(&mut app, 80, 24));
    insta::assert_snapshot!("help_160x48", draw(&mut app, 160, 48));
}

#[test]
fn filtered_alarms() {
    let mut app = loaded_app();
    press(&mut app, "2/cpu");
    insta::assert_snapshot!("alarms_filtered_cpu_80x24", draw(&mut app, 80, 24));
}

#[test]
fn too_small_terminal_shows_a_note() {
    let mut app = loaded_app();
    insta::assert_snapshot!("too_small_50x12", draw(&mut app, 50, 12));
}

#[test]
fn tiny_and_odd_sizes_never_panic() {
    let mut app = loaded_app();
    for (w, h) in [
        (0, 0),
        (1, 1),
        (5, 2),
        (59, 15),
        (60, 15),
        (61, 16),
        (80, 24),
        (300, 100),
    ] {
        for tab in ["1", "2", "3", "4", "5", "6"] {
            press(&mut app, tab);
            render(&mut app, w, h);
        }
    }
}

/// Each row of the frame as runs of cells that share a style: `[fg bg MODIFIERS] "text"`,
/// the default parts left out and trailing blanks dropped. It changes when a theme's
/// colours or modifiers do, and stays short enough to review.
fn styled_rows(buffer: &ratatui::buffer::Buffer) -> String {
    use ratatui::style::{Color, Modifier};
    let describe = |fg: Color, bg: Color, modifier: Modifier| {
        let mut parts = Vec::new();
        if fg != Color::Reset {
            parts.push(format!("fg={fg}"));
        }
        if bg != Color::Reset {
            parts.push(format!("bg={bg}"));
        }
        if !modifier.is_empty() {
            parts.push(format!("{modifier:?}"));
        }
        parts.join(" ")
    };
    let area = buffer.area;
    let mut out = String::new();
    for y in 0..area.height {
        let mut runs: Vec<(String, String)> = Vec::new();
        for x in 0..area.width {
            let cell = &buffer[(x, y)];
            let style = describe(cell.fg, cell.bg, cell.modifier);
            match runs.last_mut() {
                Some((last, text)) if *last == style => text.push_str(cell.symbol()),
                _ => runs.push((style, cell.symbol().to_string())),
            }
        }
        while runs
            .last()
            .is_some_and(|(style, text)| style.is_empty() && text.trim().is_empty())
        {
            runs.pop();
        }
        let row: Vec<String> = runs
            .iter()
            .map(|(style, text)| format!("[{style}] {text:?}"))
            .collect();
        out.push_str(&format!("{y:2} {}\n", row.join(" ")));
    }
    out
}

/// The Overview with its second row selected, at 100×20: header, badges, tabs, summary,
/// severities, states and the selection, in every theme.
fn themed_frame(theme: &Theme) -> Terminal<TestBackend> {
    let mut app = loaded_app();
    press(&mut app, "j");
    render_with(&mut app, 100, 20, theme)
}

macro_rules! theme_snapshots {
    ($($name:ident: $theme:literal),* $(,)?) => {$(
        #[test]
        fn $name() {
            let terminal = themed_frame(&theme($theme));
            insta::assert_snapshot!(
                concat!("theme_", $theme),
                styled_rows(terminal.backend().buffer())
            );
        }
    )*};
}

theme_snapshots! {
    theme_default: "default",
    theme_light: "light",
    theme_high_contrast: "high-contrast",
    theme_ansi16: "ansi16",
    theme_mono: "mono",
}

/// `NO_COLOR` picks the mono theme; crossterm 0.29 then writes a bare SGR reset for
/// colours, so the selection must be carried by a modifier (reverse video) alone.
#[test]
fn theme_under_no_color_keeps_the_selection_in_reverse_video() {
    use ratatui::style::{Color, Modifier};
    let request = watchpost::config::ConfigRequest {
        no_color: true,
        ..Default::default()
    };
    let no_color = watchpost::config::load(None, &request).unwrap().theme;
    assert_eq!(no_color, theme("mono"), "the mono theme, snapshotted above");
    let mut app = loaded_app();
    press(&mut app, "j");
    let selected = app
        .view(watchpost::panes::Tab::Overview)
        .selected_row()
        .unwrap();
    // The Resource cell, as the table shows it.
    let resource = watchpost::panes::Tab::Overview
        .pane()
        .cells(&app.data, selected, app.now)[3]
        .text
        .to_string();
    let terminal = render_with(&mut app, 100, 20, &no_color);
    let buffer = terminal.backend().buffer();

    let row_text = |y: u16| {
        (0..100)
            .map(|x| buffer[(x, y)].symbol())
            .collect::<String>()
    };
    let y = (0..20).find(|&y| row_text(y).contains(&resource)).unwrap();
    for x in 1..99 {
        let cell = &buffer[(x, y)];
        assert!(
            cell.modifier.contains(Modifier::REVERSED),
            "cell {x} of the selected row"
        );
        assert_eq!((cell.fg, cell.bg), (Color::Reset, Color::Reset));
    }
    let other_reversed_rows = (y + 1..20)
        .filter(|&other| (1..99).any(|x| buffer[(x, other)].modifier.contains(Modifier::REVERSED)))
        .count();
    assert_eq!(
        other_reversed_rows, 0,
        "only the selection is reversed below the header"
    );
}

#[test]
fn mono_theme_selection_is_reverse_video_without_colour() {
    let mut app = loaded_app();
    let terminal = render_with(&mut app, 80, 24, &theme("mono"));
    let buffer = terminal.backend().buffer();
    let mut reversed_cells = 0;
    for cell in buffer.content() {
        assert_eq!(
            cell.fg,
            ratatui::style::Color::Reset,
            "mono must not colour {:?}",
            cell.symbol()
        );
        assert_eq!(cell.bg, ratatui::style::Color::Reset);
        if cell.modifier.contains(ratatui::style::Modifier::REVERSED) {
            reversed_cells += 1;
        }
    }
    // The selected row and the CAN WRITE badge are drawn in reverse video.
    assert!(reversed_cells >= 78 + 11, "{reversed_cells}");
}

#[test]
fn header_when_credentials_fail() {
    use watchpost::app::SourceEvent;
    use watchpost::sources::{SourceError, SourceErrorKind};
    let mut app = loaded_app();
    let ids: Vec<_> = app.data.sources.keys().cloned().collect();
    for id in ids {
        let error = SourceError {
            source_id: id.clone(),
            operation: "GetCredentialReport".into(),
            kind: SourceErrorKind::Credentials,
            message: "the MFA session for arn:aws:iam::111122223333:role/oncall expired; \
                      restart watchpost and enter a new MFA code"
                .into(),
        };
        update(
            &mut app,
            Msg::Source(SourceEvent::Failed {
                id,
                error,
                at: support::fixed_now(),
            }),
        );
    }
    let screen = draw(&mut app, 160, 48);
    let header: String = screen.lines().take(2).collect::<Vec<_>>().join("\n");
    insta::assert_snapshot!("header_when_credentials_fail_160x48", header);
}

/// The finding detail with the action menu open on it, then moved to `action`.
fn finding_dialog(action: &str) -> App {
    let mut app = loaded_app();
    press(&mut app, "3");
    let effects = update(&mut app, key(KeyCode::Enter));
    support::answer_finding_json(&mut app, &support::session(), &effects);
    press(&mut app, "a");
    for _ in 0..10 {
        let on_it = matches!(&app.dialog, Some(watchpost::app::Dialog::Menu { offers, selected })
            if offers[*selected].spec().name == action);
        if on_it {
            break;
        }
        press(&mut app, "j");
    }
    app
}

#[test]
fn action_menu() {
    let mut app = finding_dialog("archive-finding");
    insta::assert_snapshot!("action_menu_80x24", draw(&mut app, 80, 24));
    insta::assert_snapshot!("action_menu_160x48", draw(&mut app, 160, 48));
}

#[test]
fn action_preview_of_a_reversible_action() {
    let mut app = finding_dialog("archive-finding");
    update(&mut app, key(KeyCode::Enter));
    insta::assert_snapshot!("action_preview_80x24", draw(&mut app, 80, 24));
    insta::assert_snapshot!("action_preview_160x48", draw(&mut app, 160, 48));
}

#[test]
fn typed_confirmation_of_an_action_without_undo() {
    let mut app = finding_dialog("suppress-finding-type");
    update(&mut app, key(KeyCode::Enter));
    press(&mut app, "a6da28");
    insta::assert_snapshot!("typed_confirmation_80x24", draw(&mut app, 80, 24));
    insta::assert_snapshot!("typed_confirmation_160x48", draw(&mut app, 160, 48));
}

#[test]
fn nothing_of_the_pane_shows_beside_a_popup() {
    for (width, height) in [(80, 24), (100, 30), (160, 48)] {
        let mut app = finding_dialog("archive-finding");
        let terminal = render(&mut app, width, height);
        let buffer = terminal.backend().buffer();
        // The popup's corners, found on screen: its border is drawn with ┌ ┐ └ ┘.
        let cells: Vec<Vec<String>> = (0..height)
            .map(|y| {
                (0..width)
                    .map(|x| buffer[(x, y)].symbol().to_string())
                    .collect()
            })
            .collect();
        let (top, left) = (0..height as usize)
            .find_map(|y| {
                let row = &cells[y];
                (2..width as usize).find(|&x| row[x] == "┌").map(|x| (y, x))
            })
            .expect("the popup's top-left corner");
        let right = (left + 1..width as usize)
            .find(|&x| cells[top][x] == "┐")
            .expect("the popup's top-right corner");
        let bottom = (top + 1..height as usize)
            .find(|&y| cells[y][left] == "└")
            .expect("the popup's bottom-left corner");
        // The cells just outside the popup's border, inside the pane, are blank.
        for (y, row) in cells.iter().enumerate().take(bottom + 1).skip(top) {
            for x in [left - 1, right + 1] {
                assert_eq!(
                    row[x],
                    " ",
                    "{width}x{height}: pane text at column {x}, row {y}:\n{}",
                    terminal.backend()
                );
            }
        }
    }
}
