//! The demo's journal through the real binary: its sample history is in the demo journal
//! file like any journal's, so `watchpost --demo journal`, `journal verify` and the
//! Journal tab agree; each start begins it anew, as the demo account itself.

use crate::support::bare_watchpost;
use crate::support::pty::Console;
use std::path::Path;

/// `watchpost --demo journal ARGS…` with `home`'s state directory: its status and stdout.
fn journal(home: &Path, args: &[&str]) -> (Option<i32>, String) {
    let output = bare_watchpost(home)
        .args(["--demo", "journal"])
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    (output.status.code(), stdout)
}

/// Starts the demo console on `home`'s state, shows the Journal tab and returns its
/// screen, then quits.
fn journal_tab(home: &Path) -> String {
    let state = home.join("state").display().to_string();
    let config = home.join("config").display().to_string();
    let mut console = Console::start_with(
        &["--demo"],
        &[
            ("XDG_STATE_HOME", Some(&state)),
            ("XDG_CONFIG_HOME", Some(&config)),
        ],
    );
    console.wait_for("Potential");
    console.send("6");
    let screen = console.wait_for("1 unknown: no recorded outcome");
    console.send("q");
    assert!(console.wait_exit().success());
    screen
}

#[test]
fn the_demo_journal_file_holds_what_the_journal_tab_shows() {
    let home = tempfile::tempdir().unwrap();
    for start in 0..2 {
        let screen = journal_tab(home.path());
        let (status, printed) = journal(home.path(), &[]);
        assert_eq!(status, Some(0), "{printed}");
        let entries: Vec<Vec<&str>> = printed
            .lines()
            .map(|line| line.split("  ").filter(|c| !c.is_empty()).collect())
            .collect();
        assert!(
            screen.contains(&format!("Journal {} · 1 unknown", entries.len())),
            "start {start}: the tab counts what the file holds:\n{printed}\n{screen}"
        );
        for entry in &entries {
            let [time, action, target, _account, outcome] = entry[..] else {
                panic!("{entry:?}");
            };
            // The tab writes `2026-11-28 07:00 UTC` where the listing has seconds.
            let minute = &time[..16];
            let word = outcome.split(':').next().unwrap();
            assert!(
                screen.lines().any(|l| l.contains(minute)
                    && l.contains(action.trim())
                    && l.contains(target.trim())
                    && l.contains(word)),
                "start {start}: {entry:?} is not in the tab:\n{screen}"
            );
        }
        let unknown = entries
            .iter()
            .filter(|e| e[4].starts_with("unknown"))
            .count();
        assert_eq!(unknown, 1, "{printed}");

        let (status, verified) = journal(home.path(), &["verify"]);
        assert_eq!(status, Some(0), "{verified}");
        // Each entry is an intent and, but for the unknown one, an outcome.
        let records = 2 * entries.len() - unknown;
        assert!(
            verified.contains(&format!("{records} record(s), hash chain intact")),
            "start {start}: {verified}"
        );
    }
}
