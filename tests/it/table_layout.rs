//! How tables, the header and dialogs share a small or large screen: the name column never
//! goes, every sortable column shows its arrow, every source stays in the header, the
//! caller's role stays readable, a confirmation keeps its target and account in view, a
//! failing source says so in its pane's title, and error text wraps instead of being cut.

use crate::support::{draw, fixed_now, key, loaded_app, press};
use watchpost::app::{App, Dialog, Msg, SourceEvent, update};
use watchpost::domain::{SourceId, SourceKind};
use watchpost::input::KeyCode;
use watchpost::panes::Tab;
use watchpost::sources::demo::DEMO_ACCOUNT_ID;
use watchpost::sources::{SourceError, SourceErrorKind};

/// The screen's lines.
fn lines(app: &mut App, width: u16, height: u16) -> Vec<String> {
    draw(app, width, height)
        .lines()
        .map(|l| l.trim_matches('"').to_string())
        .collect()
}

/// The table's header line (the first after the table's top border).
fn table_header(screen: &[String]) -> String {
    let top = screen
        .iter()
        .position(|l| l.starts_with('┌'))
        .expect("a table");
    screen[top + 1].clone()
}

#[test]
fn at_60x15_identity_keeps_its_user_names() {
    let mut app = loaded_app();
    press(&mut app, "4");
    let screen = lines(&mut app, 60, 15);
    assert!(table_header(&screen).contains("User"), "{screen:#?}");
    let view = app.view(Tab::Identity);
    let shown = 15 - 8; // header, tabs, borders, table header, status
    for &row in view.rows().iter().take(shown) {
        let key = Tab::Identity.pane().key(&app.data, row);
        let name = key.split_once('/').unwrap().1;
        let start: String = name.chars().take(12).collect();
        assert!(
            screen.iter().any(|l| l.contains(&start)),
            "{name} is not on screen: {screen:#?}"
        );
    }
}

#[test]
fn at_60x15_the_header_keeps_every_source() {
    let mut app = loaded_app();
    let screen = lines(&mut app, 60, 15);
    for source in ["CW", "GD", "IAM", "Base"] {
        assert!(screen[1].contains(source), "{source}: {:?}", screen[1]);
    }
}

#[test]
fn at_80_columns_the_header_names_the_callers_role() {
    let mut app = loaded_app();
    let screen = lines(&mut app, 80, 24);
    assert!(
        screen[0].contains("assumed-role/SecurityOncall"),
        "{:?}",
        screen[0]
    );
}

/// The confirmation of archiving the selected finding, at 60×15.
fn archive_preview(app: &mut App) {
    press(app, "3a");
    update(app, key(KeyCode::Enter));
    assert!(matches!(app.dialog, Some(Dialog::Confirm { .. })));
}

#[test]
fn at_60x15_a_confirmation_keeps_target_and_account_and_scrolls() {
    let mut app = loaded_app();
    archive_preview(&mut app);
    let screen = lines(&mut app, 60, 15);
    let text = screen.join("\n");
    for field in ["Target", "Account", DEMO_ACCOUNT_ID, "Region", "API call"] {
        assert!(text.contains(field), "{field}:\n{text}");
    }
    // ↓ scrolls the rest into view; the target and account stay; ↑ does not cancel.
    for _ in 0..10 {
        update(&mut app, key(KeyCode::Down));
    }
    let text = lines(&mut app, 60, 15).join("\n");
    assert!(matches!(app.dialog, Some(Dialog::Confirm { .. })));
    for field in ["Target", "Account", "CLI", "Run: y"] {
        assert!(text.contains(field), "{field}:\n{text}");
    }
    update(&mut app, key(KeyCode::Up));
    assert!(
        matches!(app.dialog, Some(Dialog::Confirm { .. })),
        "↑ scrolls, it does not cancel"
    );
    press(&mut app, "y");
    assert!(matches!(app.dialog, Some(Dialog::Running { .. })));
}

/// Cycles `s` through every sort column of `tab`: each one shows its arrow, at `width`.
fn every_sort_column_shows_its_arrow(tab: char, width: u16, height: u16) {
    let mut app = loaded_app();
    press(&mut app, &tab.to_string());
    let mut seen = Vec::new();
    for _ in 0..12 {
        let (column, descending) = {
            let view = app.view(app.tab);
            (view.sort_column, view.descending)
        };
        let title = app.tab.pane().columns()[column].title;
        assert!(!title.is_empty(), "an unnamed column is no sort key");
        let header = table_header(&lines(&mut app, width, height));
        let arrow = if descending { '▼' } else { '▲' };
        assert!(
            header.contains(arrow),
            "{title} at {width}: no arrow in {header:?}"
        );
        seen.push(column);
        press(&mut app, "s");
    }
    assert!(seen.len() > 4);
}

#[test]
fn identity_and_alarms_show_the_arrow_on_every_sort_column() {
    for (width, height) in [(80, 24), (160, 48)] {
        every_sort_column_shows_its_arrow('4', width, height);
        every_sort_column_shows_its_arrow('2', width, height);
    }
}

fn fail(app: &mut App, kind: SourceKind, message: &str) {
    let id = SourceId {
        kind,
        account_id: DEMO_ACCOUNT_ID.into(),
        region: Some("us-east-1".into()),
    };
    let error = SourceError {
        source_id: id.clone(),
        operation: "ListFindings".into(),
        kind: SourceErrorKind::AccessDenied {
            permission: Some("guardduty:ListFindings".into()),
        },
        message: message.into(),
    };
    update(
        app,
        Msg::Source(SourceEvent::Failed {
            id,
            error,
            at: fixed_now(),
        }),
    );
}

#[test]
fn a_failing_source_is_named_in_its_panes_title_with_the_age_of_its_rows() {
    let mut app = loaded_app();
    fail(&mut app, SourceKind::Findings, "User is not authorized");
    press(&mut app, "3");
    let screen = lines(&mut app, 80, 24);
    let top = screen.iter().find(|l| l.starts_with('┌')).unwrap();
    assert!(top.contains("GuardDuty FAILED · rows 0s old"), "{top:?}");
    press(&mut app, "2");
    let screen = lines(&mut app, 80, 24);
    let top = screen.iter().find(|l| l.starts_with('┌')).unwrap();
    assert!(!top.contains("FAILED"), "another pane: {top:?}");
}

/// The top border of `tab`'s table, at 100×24.
fn pane_title(app: &mut App, tab: &str) -> String {
    press(app, tab);
    let screen = lines(app, 100, 24);
    screen.into_iter().find(|l| l.starts_with('┌')).unwrap()
}

#[test]
fn the_posture_title_names_whichever_of_its_sources_failed() {
    let mut app = loaded_app();
    assert!(!pane_title(&mut app, "5").contains("FAILED"));
    fail(&mut app, SourceKind::Baseline, "User is not authorized");
    let top = pane_title(&mut app, "5");
    assert!(top.contains("Baseline FAILED · rows 0s old"), "{top:?}");
    assert!(!top.contains("IAM FAILED"), "{top:?}");
    // A second source of its checks failing is named too.
    fail(&mut app, SourceKind::Identity, "User is not authorized");
    let top = pane_title(&mut app, "5");
    assert!(
        top.contains("IAM FAILED · rows 0s old · Baseline FAILED"),
        "{top:?}"
    );
    // The Baseline is no source of the Alarms tab.
    assert!(!pane_title(&mut app, "2").contains("FAILED"));
}

#[test]
fn the_overviews_error_text_wraps_at_every_width() {
    let message = "User: arn:aws:sts::111122223333:assumed-role/SecurityOncall/oncall-demo \
                   is not authorized to perform: guardduty:ListFindings on resource \
                   arn:aws:guardduty:us-east-1:111122223333:detector/ENDOFMESSAGE";
    for (width, height) in [(60, 24), (80, 24), (200, 50)] {
        let mut app = loaded_app();
        fail(&mut app, SourceKind::Findings, message);
        let screen = lines(&mut app, width, height);
        let joined: String = screen.iter().map(|l| l.trim()).collect::<Vec<_>>().join("");
        assert!(
            joined.contains("detector/ENDOFMESSAGE"),
            "{width}×{height}: {screen:#?}"
        );
        assert!(
            screen.iter().any(|l| l.contains("Overview")),
            "the table is still there"
        );
    }
}

#[test]
fn the_root_account_is_spelled_as_aws_spells_it() {
    let mut app = loaded_app();
    for tab in ["1", "4", "5"] {
        press(&mut app, tab);
        let text = draw(&mut app, 160, 48);
        assert!(!text.contains("<root account>"), "tab {tab}");
    }
    press(&mut app, "4");
    assert!(draw(&mut app, 160, 48).contains("<root_account>"));
}

#[test]
fn the_overview_names_failures_not_passing_states() {
    let app = loaded_app();
    let pane = Tab::Overview.pane();
    let titles: Vec<&str> = watchpost::posture::checks().map(|c| c.title).collect();
    let mut checks = 0;
    for &row in &app.view(Tab::Overview).rows() {
        let problem = pane.cells(&app.data, row, fixed_now())[2].text.to_string();
        assert!(!titles.contains(&problem.as_str()), "{problem}");
        if watchpost::posture::checks().any(|c| c.problem == problem) {
            checks += 1;
        }
    }
    assert!(checks > 0, "the demo's queue holds failing checks");
}
