//! The `:` command line: jump to a tab, filter, watch other regions or another profile,
//! switch to read-only (never back without a restart), export the current table to CSV,
//! copy the selected row's ARN, show archived findings (`archived.rs`), quit; in an
//! organisation, show some accounts only (`:account`). Tab completes a command's name and
//! `:export`'s file (`complete.rs`).

use super::{App, Effect, Mode, SwitchTarget};
use crate::input::{Key, KeyCode};
use crate::panes::{Tab, shown};

/// Every command, with a one-line description for completion and errors.
pub const COMMANDS: &[(&str, &str)] = &[
    ("overview", "go to the Overview tab"),
    ("alarms", "go to the Alarms tab"),
    ("findings", "go to the Findings tab"),
    ("identity", "go to the Identity tab"),
    ("posture", "go to the Posture tab"),
    ("journal", "go to the Journal tab"),
    ("filter", "filter the table: :filter TEXT"),
    ("region", "watch other regions: :region REGION[,REGION…]"),
    ("profile", "switch to another AWS profile: :profile NAME"),
    ("readonly", "switch to read-only mode until restart"),
    (
        "export",
        "write the table to a new CSV file: :export FILE (~ is home; :export! FILE overwrites)",
    ),
    (
        "copy",
        "send the selected row's ARN to the terminal's clipboard (OSC 52)",
    ),
    ("messages", "the status line's messages, newest first"),
    (
        "activity",
        "the selected row's CloudTrail events: :activity [WINDOW] (24h by default; 7d, 90m…)",
    ),
    (
        "archived",
        "the Findings tab lists archived findings: :archived [on|off] (again, or Esc, goes back)",
    ),
    ("quit", "quit"),
    ("accounts", "go to the Accounts tab"),
    (
        "account",
        "show some accounts only: :account NAME|ID|ou-…[,…] (* wildcards; :account * all)",
    ),
];

/// The commands of an organisation only, listed last in `COMMANDS`.
const ORG_COMMANDS: usize = 2;

/// What the help says about an organisation's commands.
pub const ORG_HELP: &[(&str, &str)] = &[
    (
        ":account A,B",
        "only these accounts, every tab (name, ID, ou-…, *)",
    ),
    (":account *", "every account again"),
    (":account", "say which accounts are shown"),
    (":accounts", "the Accounts tab (reach, failures, data age)"),
];

/// The commands of this session: an organisation's only in one.
fn commands(app: &App) -> &'static [(&'static str, &'static str)] {
    if app.data.org.is_some() {
        COMMANDS
    } else {
        COMMANDS
            .get(..COMMANDS.len() - ORG_COMMANDS)
            .unwrap_or(COMMANDS)
    }
}

/// The longest command line kept (typed or pasted).
pub const MAX_LINE_CHARS: usize = 512;

pub fn edit(app: &mut App, key: Key) -> Vec<Effect> {
    match key.code {
        KeyCode::Tab => return super::complete::tab(app, false),
        KeyCode::BackTab => return super::complete::tab(app, true),
        // Any other key ends a round of completions.
        _ => app.completion = None,
    }
    let Mode::Command { text } = &mut app.mode else {
        return Vec::new();
    };
    if super::update::cancels(&key) {
        app.mode = Mode::Normal;
        return Vec::new();
    }
    match key.code {
        KeyCode::Enter => {
            let line = std::mem::take(text);
            app.mode = Mode::Normal;
            return run(app, &line);
        }
        // Backspace on an empty line leaves it, as in vim.
        KeyCode::Backspace if text.is_empty() => app.mode = Mode::Normal,
        KeyCode::Backspace => {
            text.pop();
        }
        KeyCode::Char('u') if key.modifiers.ctrl => text.clear(),
        KeyCode::Char(c) if !key.modifiers.ctrl && text.chars().count() < MAX_LINE_CHARS => {
            text.push(c);
        }
        _ => {}
    }
    Vec::new()
}

/// The commands that start with what has been typed, for the prompt's hint.
pub fn candidates(app: &App, text: &str) -> Vec<&'static str> {
    let word = text.split_whitespace().next().unwrap_or_default();
    commands(app)
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| name.starts_with(word))
        .collect()
}

fn run(app: &mut App, line: &str) -> Vec<Effect> {
    let line = line.trim();
    let (name, argument) = line.split_once(' ').unwrap_or((line, ""));
    let argument = argument.trim();
    let tab = match name {
        "overview" | "1" => Some(Tab::Overview),
        "alarms" | "2" => Some(Tab::Alarms),
        "findings" | "3" => Some(Tab::Findings),
        "identity" | "4" => Some(Tab::Identity),
        "posture" | "5" => Some(Tab::Posture),
        "journal" | "6" => Some(Tab::Journal),
        "accounts" | "7" if app.data.org.is_some() => Some(Tab::Accounts),
        _ => None,
    };
    if let Some(tab) = tab {
        app.tab = tab;
        return Vec::new();
    }
    match name {
        "" => Vec::new(),
        "q" | "quit" => vec![Effect::Quit],
        "messages" => {
            app.mode = Mode::Messages { scroll: 0 };
            Vec::new()
        }
        "filter" => {
            let tab = app.tab;
            app.set_filter(tab, argument.to_string());
            Vec::new()
        }
        "account" if app.data.org.is_some() => {
            super::scope::command(app, argument);
            Vec::new()
        }
        "region" => switch_regions(app, argument),
        "profile" => switch_profile(app, argument),
        "readonly" => {
            app.header.read_only = true;
            super::update::set_status(
                app,
                "Read-only until restart: no action can run".to_string(),
            );
            vec![Effect::ReadOnly]
        }
        "export" | "export!" if argument.is_empty() => {
            let text = "Usage: :export FILE (a new file; :export! FILE overwrites)";
            super::update::set_status(app, text.to_string());
            Vec::new()
        }
        "export" | "export!" => vec![Effect::Export {
            path: argument.to_string(),
            csv: table_csv(app),
            overwrite: name == "export!",
        }],
        "activity" => activity(app, argument),
        "archived" => super::archived::command(app, argument),
        "copy" => match selected_arn(app) {
            Some(arn) => vec![super::update::copy(app, arn)],
            None => {
                super::update::set_status(app, "The selected row has no ARN".to_string());
                Vec::new()
            }
        },
        other => {
            let known: Vec<&str> = commands(app).iter().map(|(n, _)| *n).collect();
            super::update::set_status(
                app,
                format!("Unknown command :{other} (commands: {})", known.join(", ")),
            );
            Vec::new()
        }
    }
}

/// `:activity [WINDOW]`: the selected row's activity; on the Activity tab, the open
/// query again over another window.
fn activity(app: &mut App, argument: &str) -> Vec<Effect> {
    let window = if argument.is_empty() {
        None
    } else {
        match crate::domain::activity::parse_window(argument) {
            Ok(window) => Some(window),
            Err(why) => {
                super::update::set_status(app, format!("Usage: :activity [WINDOW]: {why}"));
                return Vec::new();
            }
        }
    };
    let open = app.data.activity.open.clone();
    match (app.tab, open, window) {
        (Tab::Activity, Some(mut query), Some(length)) => {
            query.window = match query.window {
                crate::domain::Window::Around { at, after, .. } => crate::domain::Window::Around {
                    at,
                    before: length,
                    after,
                },
                crate::domain::Window::Last(_) => crate::domain::Window::Last(length),
            };
            super::activity::open(app, query)
        }
        (Tab::Activity, Some(_), None) => Vec::new(),
        _ => super::activity::open_from_row(app, window),
    }
}

/// `:region`: the same account and credentials, other regions.
fn switch_regions(app: &mut App, argument: &str) -> Vec<Effect> {
    let words: Vec<&str> = argument.split_whitespace().collect();
    let regions = crate::domain::parse_regions(&words);
    if regions.is_empty() {
        super::update::set_status(app, "Usage: :region REGION[,REGION…]".to_string());
        return Vec::new();
    }
    // Every name is checked before the switch: one typo would leave every pane failing.
    if let Err(why) = crate::domain::check_regions(&regions, &app.settings.extra_regions) {
        let text = format!("Not switched: {why}");
        super::update::set_status(app, text);
        return Vec::new();
    }
    // The demo account's data is simulated for its three regions only: relabelling it for
    // another region would show invented data as if it came from there.
    if app.header.demo {
        let text = ":region is not available in the demo account (its regions are fixed)";
        super::update::set_status(app, text.to_string());
        return Vec::new();
    }
    if regions == app.header.regions {
        let text = format!("Already watching {}", regions.join(","));
        super::update::set_status(app, text);
        return Vec::new();
    }
    start_switch(app, SwitchTarget::Regions(regions))
}

/// `:profile`: another named profile, signed in again (perhaps another account).
fn switch_profile(app: &mut App, argument: &str) -> Vec<Effect> {
    if argument.is_empty() || argument.contains(char::is_whitespace) {
        super::update::set_status(app, "Usage: :profile NAME".to_string());
        return Vec::new();
    }
    if app.header.demo {
        let text = ":profile is not available in the demo account (it has no AWS profiles)";
        super::update::set_status(app, text.to_string());
        return Vec::new();
    }
    start_switch(app, SwitchTarget::Profile(argument.to_string()))
}

/// Asks the runtime to connect, one switch at a time; the status line says so meanwhile.
fn start_switch(app: &mut App, target: SwitchTarget) -> Vec<Effect> {
    if let Some(current) = &app.switching {
        let text = format!("Still switching to {current}; wait for it to finish");
        super::update::set_status(app, text);
        return Vec::new();
    }
    app.status = None;
    app.status_since = None;
    app.switching = Some(target.clone());
    vec![Effect::Switch(target)]
}

/// The current table as CSV: its columns and its rows in view order (filter and sort
/// applied), cells as shown.
fn table_csv(app: &App) -> String {
    let pane = app.tab.pane();
    let mut writer = csv::Writer::from_writer(Vec::new());
    // Every column named, the unnamed marker column too.
    let titles: Vec<&str> = shown::columns(pane, &app.data)
        .iter()
        .map(|c| match c.column.title {
            "" => pane.unnamed_column(),
            title => title,
        })
        .collect();
    let _ = writer.write_record(&titles);
    for row in app.view(app.tab).shown_rows() {
        // Times as RFC 3339, not as ages relative to the moment of the export.
        let cells: Vec<String> = shown::cells(pane, &app.data, row, app.now)
            .into_iter()
            .map(|c| match c.at {
                Some(at) => at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                None => neutralise(&crate::sanitize::clean_unbounded(&c.text)),
            })
            .collect();
        let _ = writer.write_record(&cells);
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// A cell a spreadsheet would run as a formula gets a leading apostrophe.
fn neutralise(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// The ARN of the selected row's item, if it has one.
fn selected_arn(app: &App) -> Option<String> {
    let row = app.view(app.tab).selected_row()?;
    let key = app.tab.pane().key(&app.data, row);
    match app.tab {
        Tab::Alarms => Some(key).filter(|k| k.starts_with("arn:")),
        Tab::Findings => app.data.finding(&key).map(|f| f.arn().into_owned()),
        Tab::Identity => crate::panes::user_of_key(&app.data, &key).map(|u| u.arn().to_string()),
        _ => None,
    }
}
