//! Broken configurations as files: each `tests/invalid_configs/*.toml` is one configuration
//! file, run through the real binary from a temporary config home, which must fail with
//! exactly the exit status and the one line of stderr that its header gives, and print
//! nothing on stdout. The header is the file's leading comments:
//!
//! ```toml
//! # What is wrong (any comment lines without a known key).
//! # file: keymaps/default.toml      (where it goes under $XDG_CONFIG_HOME/watchpost/)
//! # args: --demo                    (the command line, split at spaces)
//! # status: 2
//! # stderr: watchpost: watchpost/keymaps/default.toml:9:21: unknown variant …
//! ```
//!
//! The file is placed as it is, header included, so line numbers in `stderr` count the
//! header too. Paths in `stderr` are relative to the config home (the temporary directory's
//! path is taken out).

use crate::support;
use std::path::{Path, PathBuf};

/// One invalid configuration and what it must produce.
#[derive(Debug)]
struct Case {
    file: String,
    args: Vec<String>,
    status: i32,
    stderr: String,
}

/// Reads the header of `text`; an error names what is missing or malformed.
fn parse_case(text: &str) -> Result<Case, String> {
    let (mut file, mut args, mut status, mut stderr) = (None, None, None, None);
    for line in text.lines().map_while(|l| l.strip_prefix('#')) {
        let line = line.trim_start();
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim().to_string();
        let slot = match key {
            "file" => &mut file,
            "args" => &mut args,
            "status" => &mut status,
            "stderr" => &mut stderr,
            _ => continue,
        };
        if slot.replace(value).is_some() {
            return Err(format!("`# {key}:` appears twice"));
        }
    }
    let missing = |key: &str| format!("no `# {key}:` line in the header");
    let status = status.ok_or_else(|| missing("status"))?;
    Ok(Case {
        file: file.ok_or_else(|| missing("file"))?,
        args: args
            .ok_or_else(|| missing("args"))?
            .split_whitespace()
            .map(str::to_string)
            .collect(),
        status: status
            .parse()
            .map_err(|e| format!("status `{status}`: {e}"))?,
        stderr: stderr.ok_or_else(|| missing("stderr"))?,
    })
}

/// Runs the binary with `path` in place; what differs from its header, if anything.
fn check(path: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read: {e}"))?;
    let case = parse_case(&text)?;
    let home = tempfile::tempdir().unwrap();
    let config_home = home.path().join("config");
    let target = config_home.join("watchpost").join(&case.file);
    std::fs::create_dir_all(target.parent().unwrap()).unwrap();
    std::fs::write(&target, &text).unwrap();
    let output = support::bare_watchpost(home.path())
        .args(&case.args)
        .output()
        .unwrap();
    let prefix = format!("{}/", config_home.display());
    let stderr = String::from_utf8_lossy(&output.stderr).replace(&prefix, "");
    let mut wrong = Vec::new();
    if output.status.code() != Some(case.status) {
        wrong.push(format!(
            "status {:?}, expected {}",
            output.status.code(),
            case.status
        ));
    }
    if stderr != format!("{}\n", case.stderr) {
        wrong.push(format!(
            "stderr\n    {stderr:?}\n  expected\n    {:?}",
            format!("{}\n", case.stderr)
        ));
    }
    if !output.stdout.is_empty() {
        wrong.push(format!(
            "stdout not empty: {:?}",
            String::from_utf8_lossy(&output.stdout)
        ));
    }
    if wrong.is_empty() {
        Ok(())
    } else {
        Err(wrong.join("; "))
    }
}

/// Every `*.toml` under `tests/invalid_configs/`, in name order.
fn case_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/invalid_configs");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    paths.sort();
    assert!(
        !paths.is_empty(),
        "no invalid configuration in {}: the test would pass on nothing",
        dir.display()
    );
    paths
}

#[test]
fn every_invalid_config_fails_with_its_exact_status_and_error_line() {
    let paths = case_files();
    let failures: Vec<String> = paths
        .iter()
        .filter_map(|path| {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            check(path).err().map(|why| format!("{name}: {why}"))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} invalid configurations:\n{}",
        failures.len(),
        paths.len(),
        failures.join("\n")
    );
}

#[test]
fn a_header_without_its_lines_is_refused() {
    let complete = "# Prose: with a colon.\n# file: config.toml\n# args: --demo\n# status: 2\n\
                    # stderr: watchpost: x\n\nbell = yes\n";
    let case = parse_case(complete).unwrap();
    assert_eq!(case.file, "config.toml");
    assert_eq!(case.args, ["--demo"]);
    assert_eq!(case.status, 2);
    assert_eq!(case.stderr, "watchpost: x");
    for key in ["file", "args", "status", "stderr"] {
        let without: String = complete
            .lines()
            .filter(|l| !l.starts_with(&format!("# {key}:")))
            .map(|l| format!("{l}\n"))
            .collect();
        let err = parse_case(&without).unwrap_err();
        assert!(err.contains(key), "{err}");
    }
    let twice = format!("# status: 1\n{complete}");
    assert!(parse_case(&twice).unwrap_err().contains("twice"));
}
