//! What build.rs reads from the git checkout: the commit and its date, and the files whose
//! change means HEAD moved. Kept apart from build.rs so the tests can run it on repositories
//! of their own (`tests/it/build_info.rs`).

use std::path::{Path, PathBuf};
use std::process::Command;

/// Said for the commit and the date when the source is not a git checkout of its own.
pub const UNKNOWN: &str = "unknown";

#[derive(Debug, PartialEq, Eq)]
pub struct GitInfo {
    /// HEAD's abbreviated hash (12 hex digits), or [`UNKNOWN`].
    pub commit: String,
    /// HEAD's committer date in UTC, `YYYY-MM-DD`, or [`UNKNOWN`]: the date of the commit,
    /// not of the build, so a build of the same commit says the same.
    pub date: String,
    /// Files (all existing) whose change means HEAD may point elsewhere: HEAD itself, the
    /// branch it names, and where packed refs live. Only these, so a build is not redone
    /// for anything else git writes.
    pub watch: Vec<PathBuf>,
}

impl GitInfo {
    fn unknown() -> GitInfo {
        GitInfo {
            commit: UNKNOWN.to_string(),
            date: UNKNOWN.to_string(),
            watch: Vec::new(),
        }
    }
}

/// Describes the checkout whose top level is `dir`. A directory inside some other
/// repository (a source tarball unpacked in someone's checkout) is not a checkout of its
/// own: that repository's commit would be wrong, so it is unknown.
pub fn describe(dir: &Path) -> GitInfo {
    let Some(top) = git(dir, &["rev-parse", "--show-toplevel"]) else {
        return GitInfo::unknown();
    };
    let same = match (Path::new(&top).canonicalize(), dir.canonicalize()) {
        (Ok(top), Ok(dir)) => top == dir,
        _ => false,
    };
    if !same {
        return GitInfo::unknown();
    }
    let mut watch = Vec::new();
    let mut add = |path: Option<PathBuf>| match path {
        Some(path) if !watch.contains(&path) => {
            watch.push(path);
            true
        }
        Some(_) => true,
        None => false,
    };
    add(git_path(dir, "HEAD"));
    add(git_path(dir, "packed-refs"));
    if let Some(branch) = git(dir, &["symbolic-ref", "-q", "HEAD"]) {
        // A packed branch (or one with no commit yet) has no loose file: it appears in
        // the branch's directory when the branch moves.
        if !add(git_path(dir, &branch)) {
            if let Some((parent, _)) = branch.rsplit_once('/') {
                add(git_path(dir, parent));
            }
        }
    }
    // Repositories with the reftable backend keep every ref there.
    add(git_path(dir, "reftable"));
    let (Some(commit), Some(date)) = (
        git(dir, &["rev-parse", "--short=12", "HEAD"]),
        git(
            dir,
            &["log", "-1", "--format=%cd", "--date=format-local:%Y-%m-%d"],
        ),
    ) else {
        return GitInfo {
            watch,
            ..GitInfo::unknown()
        };
    };
    GitInfo {
        commit,
        date,
        watch,
    }
}

/// Where git keeps `name` (HEAD, a ref, packed-refs), when it exists.
fn git_path(dir: &Path, name: &str) -> Option<PathBuf> {
    let path = dir.join(git(dir, &["rev-parse", "--git-path", name])?);
    path.exists().then_some(path)
}

/// One git command's trimmed output, or `None` when git is missing or says no.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        // format-local dates are in this zone.
        .env("TZ", "UTC")
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8(output.stdout).ok()?;
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}
