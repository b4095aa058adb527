//! The `:` command line, through the pure `update`.

use crate::support;
use crate::support::{key, loaded_app, press};
use watchpost::app::{App, COMMANDS, Effect, HeaderInfo, Mode, Msg, SwitchTarget, update};
use watchpost::domain::{SourceId, SourceKind};
use watchpost::input::KeyCode;
use watchpost::panes::Tab;

pub(crate) fn command(app: &mut App, line: &str) -> Vec<Effect> {
    press(app, ":");
    assert!(matches!(app.mode, Mode::Command { .. }));
    let mut effects = press(app, line);
    effects.extend(update(app, key(KeyCode::Enter)));
    effects
}

#[test]
fn commands_jump_filter_and_quit() {
    let mut app = loaded_app();
    command(&mut app, "identity");
    assert_eq!(app.tab, Tab::Identity);
    assert_eq!(app.mode, Mode::Normal);
    command(&mut app, "filter admin");
    assert_eq!(app.view(Tab::Identity).filter, "admin");
    assert!(command(&mut app, "q").contains(&Effect::Quit));
}

/// Types `:` and `typed` and presses Tab: the command line's text then.
pub(crate) fn tab_complete(app: &mut App, typed: &str) -> String {
    press(app, &format!(":{typed}"));
    update(app, key(KeyCode::Tab));
    match &app.mode {
        Mode::Command { text } => text.clone(),
        other => panic!("not on the command line: {other:?}"),
    }
}

#[test]
fn tab_completes_a_unique_command() {
    let mut app = loaded_app();
    assert_eq!(tab_complete(&mut app, "fin"), "findings ");
    update(&mut app, key(KeyCode::Enter));
    assert_eq!(app.tab, Tab::Findings);
}

#[test]
fn readonly_switches_on_and_offers_no_action() {
    let mut app = loaded_app();
    command(&mut app, "readonly");
    assert!(app.header.read_only);
    press(&mut app, "3a");
    let Some(watchpost::app::Dialog::Menu { offers, .. }) = &app.dialog else {
        panic!("no menu");
    };
    assert!(offers.iter().all(|o| o.available.is_err()));
}

#[test]
fn export_writes_the_table_as_shown_and_copy_takes_the_arn() {
    let mut app = loaded_app();
    command(&mut app, "findings");
    command(&mut app, "filter Bitcoin");
    let effects = command(&mut app, "export /tmp/findings.csv");
    let Some(Effect::Export {
        path,
        csv,
        overwrite,
    }) = effects.first()
    else {
        panic!("no export: {effects:?}");
    };
    assert_eq!(path, "/tmp/findings.csv");
    assert!(!overwrite, "a plain :export never replaces a file");
    let mut lines = csv.lines();
    assert!(lines.next().unwrap().starts_with("Sev,Score,Finding type"));
    let rows: Vec<&str> = lines.collect();
    assert_eq!(
        rows.len(),
        app.view(Tab::Findings).rows().len(),
        "the rows shown"
    );
    assert!(rows.len() < app.data.findings.len(), "the filter applies");
    assert!(rows.iter().any(|r| r.contains("BitcoinTool")), "{rows:?}");

    let effects = command(&mut app, "copy");
    let Some(Effect::Copy(arn)) = effects.first() else {
        panic!("no copy: {effects:?}");
    };
    assert!(arn.starts_with("arn:aws:guardduty:"), "{arn}");
}

#[test]
fn export_bang_overwrites_and_the_path_is_kept_as_typed() {
    let mut app = loaded_app();
    let effects = command(&mut app, "export! ~/alarms.csv");
    let Some(Effect::Export {
        path, overwrite, ..
    }) = effects.first()
    else {
        panic!("no export: {effects:?}");
    };
    assert_eq!(
        path, "~/alarms.csv",
        "~ is expanded where the file is written"
    );
    assert!(*overwrite);
    let effects = command(&mut app, "export ~/alarms.csv");
    assert!(matches!(
        effects.first(),
        Some(Effect::Export {
            overwrite: false,
            ..
        })
    ));
    for bare in ["export", "export!"] {
        assert!(command(&mut app, bare).is_empty());
        let status = app.status.clone().unwrap_or_default();
        assert!(status.contains(":export! FILE overwrites"), "{status}");
    }
    let help = COMMANDS
        .iter()
        .find(|(name, _)| *name == "export")
        .map(|(_, desc)| *desc)
        .unwrap_or_default();
    assert!(help.contains(":export! FILE overwrites"), "{help}");
}

#[test]
fn an_unknown_command_lists_the_known_ones() {
    let mut app = loaded_app();
    let effects = command(&mut app, "launch-missiles");
    assert!(effects.is_empty());
    let status = app.status.clone().unwrap_or_default();
    assert!(
        status.contains("Unknown command :launch-missiles"),
        "{status}"
    );
    assert!(status.contains("export"), "{status}");
}

/// An app on a (pretend) AWS account: `:region` and `:profile` refuse the demo account.
fn aws_app() -> App {
    let mut app = loaded_app();
    app.header.demo = false;
    app
}

fn status(app: &App) -> String {
    app.status.clone().unwrap_or_default()
}

#[test]
fn region_checks_its_names_then_asks_the_runtime_to_switch() {
    let mut app = aws_app();
    assert!(command(&mut app, "region").is_empty());
    assert!(status(&app).contains("Usage: :region"), "{}", status(&app));
    assert!(command(&mut app, "region us-east").is_empty());
    assert!(
        status(&app).contains("Not switched: unknown region \"us-east\""),
        "{}",
        status(&app)
    );
    assert!(command(&mut app, "region eu-west-1,eu_west_2").is_empty());
    assert!(status(&app).contains("eu_west_2"), "{}", status(&app));
    assert!(app.switching.is_none());

    let current = app.header.regions.join(",");
    assert!(command(&mut app, &format!("region {current}")).is_empty());
    assert!(
        status(&app).contains("Already watching"),
        "{}",
        status(&app)
    );

    let effects = command(&mut app, "region eu-central-1, us-west-2 eu-central-1");
    let target = SwitchTarget::Regions(vec!["eu-central-1".into(), "us-west-2".into()]);
    assert_eq!(effects, vec![Effect::Switch(target.clone())]);
    assert_eq!(app.switching, Some(target));
    assert!(
        support::draw(&mut app, 100, 30).contains("Switching to regions eu-central-1,us-west-2"),
        "the status line says what is happening"
    );
    // Nothing of the old session changed yet.
    assert!(!app.data.alarms.is_empty());
}

#[test]
fn region_refuses_a_name_aws_does_not_have_naming_the_nearest() {
    let mut app = aws_app();
    // Shaped like a region, but not one: nothing switches, and the nearest is named.
    assert!(command(&mut app, "region us-east-1,eu-wset-1").is_empty());
    assert!(app.switching.is_none());
    let text = status(&app);
    assert!(text.contains("unknown region \"eu-wset-1\""), "{text}");
    assert!(text.contains("did you mean eu-west-1?"), "{text}");
    assert!(command(&mut app, "region US-EAST-1").is_empty());
    assert!(
        status(&app).contains("did you mean us-east-1?"),
        "{}",
        status(&app)
    );
    // A region newer than the pinned list is accepted once config.toml names it.
    app.settings.extra_regions = vec!["xx-future-1".into()];
    let effects = command(&mut app, "region xx-future-1");
    let target = SwitchTarget::Regions(vec!["xx-future-1".into()]);
    assert_eq!(effects, vec![Effect::Switch(target)]);
}

#[test]
fn while_switching_a_second_switch_and_actions_wait() {
    let mut app = aws_app();
    command(&mut app, "profile audit");
    assert!(command(&mut app, "region eu-west-1").is_empty());
    assert!(status(&app).contains("Still switching to profile audit"));
    press(&mut app, "3a");
    assert!(
        app.dialog.is_none(),
        "no action on a row of the session being left"
    );
    assert!(status(&app).contains("actions wait"), "{}", status(&app));
}

#[test]
fn profile_needs_one_name() {
    let mut app = aws_app();
    assert!(command(&mut app, "profile").is_empty());
    assert!(status(&app).contains("Usage: :profile NAME"));
    assert!(command(&mut app, "profile two words").is_empty());
    assert!(status(&app).contains("Usage: :profile NAME"));
    assert_eq!(
        command(&mut app, "profile prod-audit"),
        vec![Effect::Switch(SwitchTarget::Profile("prod-audit".into()))]
    );
}

#[test]
fn the_demo_account_cannot_switch() {
    let mut app = loaded_app();
    assert!(command(&mut app, "profile audit").is_empty());
    assert!(
        status(&app).contains(":profile is not available in the demo account"),
        "{}",
        status(&app)
    );
    assert!(command(&mut app, "region eu-central-1").is_empty());
    assert!(
        status(&app).contains(":region is not available in the demo account"),
        "{}",
        status(&app)
    );
    assert!(app.switching.is_none());
}

#[test]
fn tab_completes_region_and_profile() {
    let mut app = loaded_app();
    assert_eq!(tab_complete(&mut app, "reg"), "region ");
    update(&mut app, key(KeyCode::Esc));
    assert_eq!(tab_complete(&mut app, "pro"), "profile ");
    let names: Vec<&str> = COMMANDS.iter().map(|(name, _)| *name).collect();
    assert!(names.contains(&"region") && names.contains(&"profile"));
}

fn other_account_header(app: &App) -> HeaderInfo {
    let mut header = app.header.clone();
    header.caller.account_id = "222233334444".into();
    header.caller.arn = "arn:aws:iam::222233334444:user/auditor".into();
    header.profile = Some("audit".into());
    header.regions = vec!["eu-central-1".into()];
    header.read_only = false;
    header.banner = None;
    header
}

#[test]
fn a_switch_leaves_nothing_of_the_old_session_but_the_journal() {
    let mut app = aws_app();
    let journal_rows = app.view(Tab::Journal).rows().len();
    assert!(journal_rows > 0);
    command(&mut app, "alarms");
    command(&mut app, "filter cpu");
    press(&mut app, "j");
    // Freeze and hold an update of the old session.
    press(&mut app, "F");
    support::poll_all(&mut app, &mut support::session());
    assert!(!app.held.is_empty());
    command(&mut app, "profile audit");

    let header = other_account_header(&app);
    let id = SourceId {
        kind: SourceKind::Alarms,
        account_id: "222233334444".into(),
        region: Some("eu-central-1".into()),
    };
    update(
        &mut app,
        Msg::Switched {
            header: Box::new(header),
            sources: vec![id.clone()],
        },
    );

    assert!(app.data.alarms.is_empty() && app.data.findings.is_empty());
    assert!(app.data.identities.is_empty() && app.data.checks.is_empty());
    assert!(app.data.regional_baselines.is_empty() && app.data.account_baselines.is_empty());
    assert!(app.data.triage.is_empty());
    for tab in [
        Tab::Overview,
        Tab::Alarms,
        Tab::Findings,
        Tab::Identity,
        Tab::Posture,
    ] {
        assert!(app.view(tab).rows().is_empty(), "{tab:?}");
    }
    assert_eq!(app.view(Tab::Alarms).filter, "", "the old filter goes");
    assert!(!app.frozen && app.held.is_empty(), "held updates go");
    assert_eq!(
        app.view(Tab::Journal).rows().len(),
        journal_rows,
        "the journal stays"
    );
    assert_eq!(app.data.sources.keys().collect::<Vec<_>>(), vec![&id]);
    assert!(app.switching.is_none());

    let screen = support::draw(&mut app, 100, 30);
    let header = screen.lines().next().unwrap_or_default();
    assert!(header.contains("222233334444"), "{header}");
    assert!(header.contains("profile audit"), "{header}");
    assert!(screen.contains("eu-central-1"), "{screen}");
    assert!(!screen.contains(support::session().caller.account_id.as_str()));
}

#[test]
fn a_switch_never_turns_read_only_off() {
    let mut app = aws_app();
    command(&mut app, "profile audit");
    // Typed while connecting.
    command(&mut app, "readonly");
    let header = other_account_header(&app);
    assert!(!header.read_only);
    update(
        &mut app,
        Msg::Switched {
            header: Box::new(header),
            sources: Vec::new(),
        },
    );
    assert!(app.header.read_only);
}

#[test]
fn a_failed_switch_keeps_the_session_and_says_why() {
    let mut app = aws_app();
    let alarms = app.data.alarms.len();
    let account = app.header.caller.account_id.clone();
    command(&mut app, "profile nosuch");
    update(
        &mut app,
        Msg::SwitchFailed {
            target: SwitchTarget::Profile("nosuch".into()),
            error: "no profile named `nosuch`".into(),
        },
    );
    assert!(app.switching.is_none());
    assert_eq!(app.data.alarms.len(), alarms);
    assert_eq!(app.header.caller.account_id, account);
    let screen = support::draw(&mut app, 100, 30);
    assert!(
        screen.contains("Cannot switch to profile nosuch: no profile named `nosuch`"),
        "{screen}"
    );
}

#[test]
fn the_account_rule_of_a_session_sets_theme_banner_and_read_only() {
    use watchpost::config::{AccountRule, ConfigRequest, Settings};
    use watchpost::session::SessionFactory;
    let factory = |accounts: Vec<AccountRule>| {
        let settings = Settings {
            accounts,
            ..Settings::default()
        };
        let base = support::theme("default");
        SessionFactory::new(settings, None, ConfigRequest::default(), base, None, false)
    };

    let plain = factory(Vec::new())
        .establish(support::session(), false)
        .unwrap();
    assert_eq!(plain.theme.name, "default");
    assert_eq!(plain.header.banner, None);
    assert!(!plain.header.read_only && plain.runner.is_some());

    let session = support::session();
    let rule = AccountRule {
        pattern: session.caller.account_id.clone(),
        theme: Some("high-contrast".into()),
        banner: Some("PRODUCTION".into()),
        read_only: true,
    };
    let ruled = factory(vec![rule]).establish(session, false).unwrap();
    assert_eq!(ruled.theme.name, "high-contrast");
    assert_eq!(ruled.header.banner.as_deref(), Some("PRODUCTION"));
    assert!(ruled.header.read_only);
    assert!(ruled.runner.is_none(), "no executor when read-only");

    // A console already read-only stays so, whatever the account.
    let kept = factory(Vec::new())
        .establish(support::session(), true)
        .unwrap();
    assert!(kept.header.read_only && kept.runner.is_none());
}

#[test]
fn the_readme_names_every_command() {
    let readme = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"));
    let row = readme
        .lines()
        .find(|l| l.starts_with("| `:` |"))
        .expect("the README's row of the `:` key");
    let tabs: Vec<String> = Tab::ALL.iter().map(|t| t.title().to_lowercase()).collect();
    for (name, _) in COMMANDS {
        let named = match *name {
            // "`:alarms` (any tab name)".
            tab if tabs.iter().any(|t| t == tab) => row.contains("(any tab name)"),
            "quit" => row.contains("`:q`"),
            other => row.contains(&format!("`:{other}")),
        };
        assert!(named, ":{name} is not in the README's `:` row");
    }
    let mut app = loaded_app();
    assert_eq!(tab_complete(&mut app, "ar"), "archived ");
}
