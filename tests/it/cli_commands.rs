//! The small commands: configuration paths and dump, shell completions, the manual page.

use assert_cmd::Command;
use watchpost::config::Settings;

fn run(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("watchpost")
        .unwrap()
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("XDG_STATE_HOME", dir.join("state"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn config_dump_is_the_effective_configuration_and_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("config/watchpost")).unwrap();
    std::fs::write(
        dir.path().join("config/watchpost/config.toml"),
        "refresh_secs = 30\n[thresholds]\nkey_max_age_days = 60\n",
    )
    .unwrap();
    let output = run(dir.path(), &["config", "dump"]);
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    let origin = watchpost::config::Origin("dump".into());
    let settings = Settings::parse(&text, &origin).unwrap();
    assert_eq!(settings.refresh_secs, 30);
    assert_eq!(settings.thresholds.key_max_age_days, 60);
    assert_eq!(
        settings.thresholds.unused_credential_days, 45,
        "defaults included"
    );
}

#[test]
fn config_path_names_the_directories_in_use() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(dir.path(), &["config", "path"]);
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains(&dir.path().join("config/watchpost").display().to_string()),
        "{text}"
    );
    assert!(
        text.contains(&dir.path().join("state/watchpost").display().to_string()),
        "{text}"
    );
    assert!(text.contains("config.toml (absent)"), "{text}");
}

#[test]
fn completions_and_the_manual_page_are_generated_from_the_options() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish"] {
        let output = run(dir.path(), &["completions", shell]);
        assert!(output.status.success(), "{shell}");
        let text = String::from_utf8(output.stdout).unwrap();
        assert!(
            text.contains("read-only"),
            "{shell} completion knows the options"
        );
    }
    let man = run(dir.path(), &["man"]);
    assert!(man.status.success());
    let text = String::from_utf8(man.stdout).unwrap();
    assert!(text.contains(".TH watchpost 1"), "{text}");
    assert!(text.contains("read\\-only"), "{text}");
}

#[test]
fn the_config_schema_is_committed_and_validates_the_dump() {
    let dir = tempfile::tempdir().unwrap();
    let schema = run(dir.path(), &["config", "schema"]);
    assert!(schema.status.success());
    let schema_text = String::from_utf8(schema.stdout).unwrap();
    let committed = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/config.schema.json"
    ));
    assert_eq!(
        schema_text.trim(),
        committed.trim(),
        "docs/config.schema.json is stale: regenerate it with `watchpost config schema`"
    );
    let schema: serde_json::Value = serde_json::from_str(&schema_text).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();

    let dump = run(dir.path(), &["config", "dump"]);
    let config: serde_json::Value =
        toml::from_str(&String::from_utf8(dump.stdout).unwrap()).unwrap();
    assert!(validator.is_valid(&config), "the dump is a valid config");

    let wrong: serde_json::Value = toml::from_str("refresh_secs = \"fast\"\nbogus = 1\n").unwrap();
    assert!(
        !validator.is_valid(&wrong),
        "the schema rejects what the loader rejects"
    );
}

#[test]
fn the_manual_page_holds_every_command_its_options_and_exit_statuses() {
    let dir = tempfile::tempdir().unwrap();
    let man = run(dir.path(), &["man"]);
    assert!(man.status.success());
    let text = String::from_utf8(man.stdout).unwrap();
    // One page: no pages of their own are named, since none is generated.
    assert!(!text.contains("watchpost\\-report(1)"), "{text}");
    for section in [
        ".SS \"watchpost report\"",
        ".SS \"watchpost journal verify\"",
        ".SS \"watchpost config dump\"",
        ".SH \"EXIT STATUS\"",
    ] {
        assert!(text.contains(section), "{section} missing:\n{text}");
    }
    for option in ["\\-\\-fail\\-on", "\\-\\-check", "\\-\\-expect\\-head"] {
        assert!(text.contains(option), "{option} missing");
    }
    assert!(
        text.contains("5 the report could not be written"),
        "report's exit statuses"
    );
}

/// The built-in theme and keymap names, from the presets compiled in.
fn preset_names() -> Vec<(&'static str, Vec<&'static str>)> {
    let names = |presets: &[(&'static str, &'static str)]| -> Vec<&'static str> {
        presets.iter().map(|(name, _)| *name).collect()
    };
    vec![
        ("themes", names(watchpost::config::theme::PRESETS)),
        ("keymaps", names(watchpost::config::keymap::PRESETS)),
    ]
}

#[test]
fn help_man_and_readme_list_every_built_in_theme_and_keymap() {
    let dir = tempfile::tempdir().unwrap();
    let help = String::from_utf8(run(dir.path(), &["--help"]).stdout).unwrap();
    let man = String::from_utf8(run(dir.path(), &["man"]).stdout).unwrap();
    let readme = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"));
    let readme_row = readme
        .lines()
        .find(|l| l.starts_with("| `--theme NAME`"))
        .unwrap();
    for (what, names) in preset_names() {
        assert!(names.len() >= 3, "{what}: {names:?}");
        let list = names.join(", ");
        assert!(
            help.contains(&format!("built in: {list};")),
            "{what} in --help:\n{help}"
        );
        let roff = list.replace('-', "\\-");
        assert!(man.contains(&format!("built in: {roff};")), "{what} in man");
        let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
        let words: Vec<&str> = readme_row.split(", ").collect();
        for name in &quoted {
            assert!(
                words.iter().any(|w| w.contains(name.as_str())),
                "{what}: README's `--theme` row lacks {name}: {readme_row}"
            );
        }
    }
}

#[test]
fn a_console_option_given_to_a_command_names_that_command() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(dir.path(), &["--theme", "mono", "config", "dump"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(
        stderr.trim_end(),
        "watchpost: --theme only applies to the console, not to `config dump`"
    );
}

#[test]
fn report_help_names_every_kind_of_check_posture_holds() {
    let dir = tempfile::tempdir().unwrap();
    let help = String::from_utf8(run(dir.path(), &["report", "--help"]).stdout).unwrap();
    let posture = help
        .lines()
        .find(|l| l.trim_start().starts_with("- posture:"))
        .unwrap_or_else(|| panic!("{help}"));
    let mut kinds: Vec<_> = watchpost::posture::checks().map(|c| c.source).collect();
    kinds.sort();
    kinds.dedup();
    for kind in kinds {
        // The baseline is named by what it covers; the others by their service.
        let word = match kind {
            watchpost::domain::SourceKind::Baseline => "baseline",
            other => other.label(),
        };
        assert!(posture.contains(word), "{word}: {posture}");
    }
}

const README: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"));

/// The rows of the README table whose header line is `header`.
fn readme_table(header: &str) -> Vec<&'static str> {
    README
        .lines()
        .skip_while(|l| *l != header)
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .collect()
}

/// The long options of `command` (the console's, or a subcommand's), without help/version.
fn long_options(command: &clap::Command) -> Vec<String> {
    command
        .get_arguments()
        .filter_map(|a| a.get_long())
        .filter(|l| !["help", "version"].contains(l))
        .map(|l| format!("--{l}"))
        .collect()
}

#[test]
fn the_readme_option_tables_match_the_program() {
    use clap::CommandFactory;
    let cli = watchpost::cli::Cli::command();
    let report = cli.find_subcommand("report").unwrap().clone();
    let console_rows = readme_table("| option | meaning |");
    let report_rows = [
        readme_table("| format | what |"),
        readme_table("| filter | meaning |"),
    ]
    .concat();
    // Every console option has its row; every report option is in a row of the report's
    // tables or, like --output and --dry-run, explained in the text around them.
    for option in long_options(&cli) {
        let quoted = format!("`{option}");
        assert!(
            console_rows.iter().any(|r| r.contains(&quoted)),
            "{option} has no row in the README's option table"
        );
    }
    for option in long_options(&report) {
        let quoted = format!("`{option}");
        assert!(
            report_rows.iter().any(|r| r.contains(&quoted)) || README.contains(&quoted),
            "{option} of report is not in the README"
        );
    }
    // Every option a README table starts a row with exists.
    let known: Vec<String> = [long_options(&cli), long_options(&report)].concat();
    for row in console_rows.iter().chain(&report_rows) {
        let first = row
            .trim_start_matches("| `")
            .split([' ', '`'])
            .next()
            .unwrap();
        assert!(
            known.iter().any(|k| k == first),
            "README row of no option: {row}"
        );
    }
}

#[test]
fn the_readme_and_report_help_list_the_same_exit_statuses() {
    let dir = tempfile::tempdir().unwrap();
    let help = String::from_utf8(run(dir.path(), &["report", "--help"]).stdout).unwrap();
    let listed = help
        .split("Exit statuses:")
        .nth(1)
        .unwrap_or_else(|| panic!("{help}"));
    let in_help: Vec<String> = listed
        .split(';')
        .filter_map(|part| part.split_whitespace().next())
        .map(str::to_string)
        .collect();
    let in_readme: Vec<String> = readme_table("| status | meaning |")
        .iter()
        .filter_map(|r| r.split('`').nth(1))
        .map(str::to_string)
        .collect();
    assert_eq!(in_help, in_readme);
    assert_eq!(in_help, ["0", "1", "2", "3", "4", "5"]);
}
