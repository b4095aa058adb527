//! Bad configuration is reported by the real binary as one line, `path:line:column: what`,
//! with exit status 2, before the terminal is touched. Broken files, one per case, are in
//! `tests/invalid_configs/` (see `invalid_configs.rs`); here are the cases that are not one
//! file: a theme named only on the command line, a file too large or unreadable, and how
//! keymaps and themes are chosen and laid over their presets.

use assert_cmd::Command;
use watchpost::config::{self, ConfigRequest};

fn run_with_config(files: &[(&str, &str)], args: &[&str]) -> (i32, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let config_home = dir.path().join("config");
    for (name, text) in files {
        let path = config_home.join("watchpost").join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
    }
    let output = Command::cargo_bin("watchpost")
        .unwrap()
        .args(args)
        .env("XDG_CONFIG_HOME", &config_home)
        .env("XDG_STATE_HOME", dir.path().join("state"))
        .env_remove("NO_COLOR")
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    (output.status.code().unwrap_or(-1), stdout, stderr)
}

#[test]
fn unknown_theme_name_lists_the_built_in_ones() {
    let (code, _, stderr) = run_with_config(&[], &["--demo", "--theme", "neon"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no themes named `neon`"), "{stderr}");
    assert!(
        stderr.contains("default, light, high-contrast, ansi16, mono"),
        "{stderr}"
    );
}

#[test]
fn without_demo_or_aws_support_it_says_what_to_do_and_exits_3() {
    let (code, _, stderr) = run_with_config(&[], &[]);
    assert_eq!(code, 3);
    assert!(stderr.contains("--demo"), "{stderr}");
}

#[test]
fn demo_options_require_demo() {
    let (code, _, stderr) = run_with_config(&[], &["--demo-scale", "3"]);
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn no_color_selects_the_mono_theme_unless_a_theme_is_named() {
    let request = ConfigRequest {
        no_color: true,
        ..ConfigRequest::default()
    };
    let loaded = config::load(None, &request).unwrap();
    assert_eq!(loaded.theme.name, "mono");
    assert!(!loaded.theme.uses_colour());
    let request = ConfigRequest {
        no_color: true,
        theme: Some("default".into()),
        ..ConfigRequest::default()
    };
    assert_eq!(config::load(None, &request).unwrap().theme.name, "default");
}

#[test]
fn a_user_keymap_is_laid_over_its_preset() {
    let dir = tempfile::tempdir().unwrap();
    let keymaps = dir.path().join("keymaps");
    std::fs::create_dir_all(&keymaps).unwrap();
    std::fs::write(
        keymaps.join("default.toml"),
        "global = [{ on = \"x\", run = \"quit\", desc = \"Leave\" }]\n",
    )
    .unwrap();
    std::fs::write(
        keymaps.join("mine.toml"),
        "extends = \"emacs\"\nglobal = [{ on = \"ctrl-x ctrl-c\", run = \"unbind\", desc = \"\" }]\n",
    )
    .unwrap();
    let loaded = config::load(Some(dir.path()), &ConfigRequest::default()).unwrap();
    let global = &loaded.keymap.layers[&config::Layer::Global];
    assert!(
        global.iter().any(|b| b.desc == "Leave"),
        "the user's binding"
    );
    assert!(
        global.iter().any(|b| b.action == config::Action::Help),
        "the preset's other bindings stay"
    );

    let request = ConfigRequest {
        keymap: Some("mine".into()),
        ..ConfigRequest::default()
    };
    let loaded = config::load(Some(dir.path()), &request).unwrap();
    let global = &loaded.keymap.layers[&config::Layer::Global];
    assert!(
        global.iter().all(|b| b.action != config::Action::Quit),
        "unbound"
    );
    let table = &loaded.keymap.layers[&config::Layer::Table];
    assert!(
        table.iter().any(|b| b.keys_label() == "Ctrl-n"),
        "built on emacs: {:?}",
        table.iter().map(|b| b.keys_label()).collect::<Vec<_>>()
    );
}

#[test]
fn a_huge_config_file_is_refused_quickly_with_a_clear_error() {
    let huge = format!("# {}\nrefresh_secs = 0\n", "x".repeat(8 * 1024 * 1024));
    let (code, _, stderr) = run_with_config(&[("config.toml", &huge)], &["--demo"]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("config.toml"), "{stderr}");
}

#[test]
fn an_unreadable_config_file_is_named() {
    // A directory where the file should be cannot be read by anyone, root included.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("config/watchpost/config.toml")).unwrap();
    let output = Command::cargo_bin("watchpost")
        .unwrap()
        .arg("--demo")
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .env("XDG_STATE_HOME", dir.path().join("state"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("config.toml"), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
}
