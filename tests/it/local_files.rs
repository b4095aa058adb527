//! Local files through the real binary: the state directory checked before the journal and
//! the log are written, their modes, and `:export` (home directory, no silent overwrite).

use crate::support::pty::Console;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

fn mode(path: &Path) -> u32 {
    std::fs::symlink_metadata(path)
        .unwrap()
        .permissions()
        .mode()
        & 0o777
}

#[test]
fn the_state_directory_and_the_log_are_private() {
    let mut console = Console::start(&["--demo"]);
    console.wait_for("Potential");
    console.send("q");
    assert!(console.wait_exit().success());
    let state = console.state_dir();
    assert_eq!(mode(&state), 0o700);
    assert_eq!(mode(&state.join("watchpost.log")), 0o600);
}

#[test]
fn a_state_directory_that_is_a_symbolic_link_is_refused_and_the_console_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    let state_home = dir.path().join("state");
    std::fs::create_dir(&state_home).unwrap();
    std::os::unix::fs::symlink(&elsewhere, state_home.join("watchpost")).unwrap();

    let state_home = state_home.display().to_string();
    let mut console = Console::start_with(&["--demo"], &[("XDG_STATE_HOME", Some(&state_home))]);
    console.wait_for("No journal, no log, no actions: symbolic link in place of");
    // The whole message, with the directory, in `:messages`.
    console.send(":messages\r");
    let screen = console.wait_for("Messages, newest first");
    let text: String = screen.split_whitespace().collect::<Vec<_>>().join(" ");
    let path = dir.path().display().to_string();
    assert!(text.contains(&path), "{screen}");
    console.send("\x1b");
    console.send("q");
    assert!(console.wait_exit().success());
    let written: Vec<_> = std::fs::read_dir(&elsewhere).unwrap().collect();
    assert!(
        written.is_empty(),
        "nothing written through the link: {written:?}"
    );
}

#[test]
fn export_expands_home_and_overwrites_only_when_told() {
    let home = tempfile::tempdir().unwrap();
    let home_text = home.path().display().to_string();
    let mut console = Console::start_with(&["--demo"], &[("HOME", Some(&home_text))]);
    console.wait_for("Potential");
    let file = home.path().join("alarms.csv");

    console.send("2:export ~/alarms.csv\r");
    console.wait_for("Exported the table to");
    let first = std::fs::read_to_string(&file).unwrap();
    assert!(first.starts_with("Changed,State,Alarm,Region"), "{first}");
    assert!(
        first.lines().count() > 30,
        "a header and every alarm: {first}"
    );
    assert_eq!(mode(&file), 0o600);

    std::fs::write(&file, "keep me").unwrap();
    console.send(":export ~/alarms.csv\r");
    let screen = console.wait_for("left as it is");
    assert!(screen.contains(":export!"), "{screen}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");

    console.send(":export! ~/alarms.csv\r");
    console.wait_for("Exported the table to");
    let again = std::fs::read_to_string(&file).unwrap();
    assert_eq!(without_ages(&again), without_ages(&first), "{again}");

    console.send("q");
    assert!(console.wait_exit().success());
}

/// The rows of an exported table without its `Since` column: ages are counted from the
/// clock, so two exports a moment apart may differ there by a second.
fn without_ages(csv: &str) -> Vec<Vec<String>> {
    let mut rows: Vec<Vec<String>> = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv.as_bytes())
        .records()
        .map(|record| record.unwrap().iter().map(str::to_string).collect())
        .collect();
    let since = rows[0].iter().position(|h| h == "Since").unwrap();
    for row in &mut rows {
        row.remove(since);
    }
    rows
}
