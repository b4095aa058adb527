//! What the binary says it was built from: build.rs's reading of the git checkout (run here
//! on repositories made for the test), and `--version` and the report's `generator`
//! agreeing with the checkout the tests were built in.

#[path = "../../build/git.rs"]
mod git;

use crate::support;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// Runs git in `dir` with a fixed identity, the commit dated `date` (git's date format).
fn git_in(dir: &Path, date: &str, args: &[&str]) {
    let status = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .unwrap();
    assert!(status.status.success(), "git {args:?}: {status:?}");
}

/// A repository with one commit made at `date`; returns its abbreviated hash.
fn repo_with_commit(dir: &Path, date: &str) -> String {
    git_in(dir, date, &["init", "-q", "-b", "trunk"]);
    std::fs::write(dir.join("f"), "x").unwrap();
    git_in(dir, date, &["add", "f"]);
    git_in(dir, date, &["commit", "-q", "-m", "one"]);
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["rev-parse", "HEAD"])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim()[..12].to_string()
}

#[test]
fn a_checkout_gives_its_commit_and_the_commits_date_in_utc() {
    let dir = tempfile::tempdir().unwrap();
    // Late on 29 February in New York is 1 March in UTC.
    let commit = repo_with_commit(dir.path(), "2024-02-29T23:30:00-05:00");
    let info = git::describe(dir.path());
    assert_eq!(info.commit, commit);
    assert_eq!(info.date, "2024-03-01");
}

#[test]
fn rebuilds_follow_head_and_its_branch_and_only_existing_files() {
    let dir = tempfile::tempdir().unwrap();
    repo_with_commit(dir.path(), "2024-01-02T03:04:05Z");
    let info = git::describe(dir.path());
    let top = dir.path().canonicalize().unwrap();
    let watched: Vec<String> = info
        .watch
        .iter()
        .map(|p| {
            p.canonicalize()
                .unwrap()
                .strip_prefix(&top)
                .unwrap()
                .display()
                .to_string()
        })
        .collect();
    assert!(watched.contains(&".git/HEAD".to_string()), "{watched:?}");
    assert!(
        watched.contains(&".git/refs/heads/trunk".to_string()),
        "{watched:?}"
    );
    // A path that does not exist would make cargo rerun build.rs on every build; the
    // objects and the index (written by every `git add`) are not watched.
    assert!(info.watch.iter().all(|p| p.exists()), "{watched:?}");
    assert!(
        watched
            .iter()
            .all(|p| !p.contains("objects") && !p.ends_with("index")),
        "{watched:?}"
    );

    // Packed, the branch has no file of its own: its directory is watched instead.
    git_in(dir.path(), "2024-01-02T03:04:05Z", &["pack-refs", "--all"]);
    let info = git::describe(dir.path());
    assert!(info.watch.iter().all(|p| p.exists()));
    assert!(
        info.watch.iter().any(|p| p.ends_with(".git/refs/heads")),
        "{:?}",
        info.watch
    );
    assert!(
        info.watch.iter().any(|p| p.ends_with(".git/packed-refs")),
        "{:?}",
        info.watch
    );
}

#[test]
fn outside_a_checkout_of_its_own_both_are_unknown() {
    let plain = tempfile::tempdir().unwrap();
    assert_eq!(git::describe(plain.path()).commit, git::UNKNOWN);
    assert_eq!(git::describe(plain.path()).date, git::UNKNOWN);

    // A source tree unpacked inside someone else's checkout is not that checkout.
    let outer = tempfile::tempdir().unwrap();
    repo_with_commit(outer.path(), "2024-01-02T03:04:05Z");
    let inner = outer.path().join("watchpost-0.1.0");
    std::fs::create_dir(&inner).unwrap();
    let info = git::describe(&inner);
    assert_eq!(
        (info.commit.as_str(), info.date.as_str()),
        (git::UNKNOWN, git::UNKNOWN)
    );
    assert!(info.watch.is_empty());

    // A repository without a commit yet has no HEAD to name.
    let empty = tempfile::tempdir().unwrap();
    git_in(empty.path(), "2024-01-02T03:04:05Z", &["init", "-q"]);
    assert_eq!(git::describe(empty.path()).commit, git::UNKNOWN);
}

#[test]
fn version_and_the_report_name_the_commit_the_binary_was_built_from() {
    let here = git::describe(Path::new(env!("CARGO_MANIFEST_DIR")));
    let home = tempfile::tempdir().unwrap();
    let version = support::bare_watchpost(home.path())
        .arg("--version")
        .output()
        .unwrap();
    assert!(version.status.success());
    assert_eq!(
        String::from_utf8(version.stdout).unwrap(),
        format!(
            "watchpost {} (commit {}, built {})\n",
            env!("CARGO_PKG_VERSION"),
            here.commit,
            here.date
        )
    );

    let report = support::bare_watchpost(home.path())
        .args(["report", "--demo", "--format", "json"])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&report.stdout).unwrap();
    let expected = |value: &str| match value {
        git::UNKNOWN => Value::Null,
        known => Value::from(known),
    };
    assert_eq!(json["generator"]["commit"], expected(&here.commit));
    assert_eq!(json["generator"]["build_date"], expected(&here.date));
    assert_eq!(json["generator"]["version"], env!("CARGO_PKG_VERSION"));
}
