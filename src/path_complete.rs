//! File path completion for the `:` line (`:export FILE`): the entries of the typed
//! directory whose names start with what was typed after its last `/`. This reads the file
//! system, so the runtime calls it (`Effect::CompletePath`) and hands the answer back to the
//! pure `update` (`Msg::PathsListed`).

use std::path::{Path, PathBuf};

/// At most this many directory entries are looked at, so a huge directory (or a slow
/// network one) cannot stall the console.
const MAX_ENTRIES: usize = 10_000;
/// At most this many completions are offered.
const MAX_COMPLETIONS: usize = 200;

/// The completions of `typed` (a path as the user typed it, `~/` meaning `home`), each
/// written the way `typed` was (the `~/` kept), directories ending in `/`, sorted. Hidden
/// entries only when the typed name starts with a dot. Unreadable directories give none.
pub fn complete(typed: &str, home: Option<&Path>) -> Vec<String> {
    let (dir_typed, name) = match typed.rfind('/') {
        Some(i) => typed.split_at(i + 1),
        None => ("", typed),
    };
    let Some(dir) = directory(dir_typed, home) else {
        return Vec::new();
    };
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut found: Vec<String> = entries
        .take(MAX_ENTRIES)
        .flatten()
        .filter_map(|entry| {
            let file = entry.file_name().into_string().ok()?;
            if !file.starts_with(name) || (file.starts_with('.') && !name.starts_with('.')) {
                return None;
            }
            // Follows links, so a link to a directory completes as one.
            let is_dir = std::fs::metadata(entry.path()).is_ok_and(|m| m.is_dir());
            Some(format!(
                "{dir_typed}{file}{}",
                if is_dir { "/" } else { "" }
            ))
        })
        .collect();
    found.sort();
    found.truncate(MAX_COMPLETIONS);
    found
}

/// The directory `typed` names (`""` is the working directory, `~/…` is under `home`).
fn directory(typed: &str, home: Option<&Path>) -> Option<PathBuf> {
    if typed.is_empty() {
        return Some(PathBuf::from("."));
    }
    match typed.strip_prefix("~/") {
        Some(rest) => Some(home?.join(rest)),
        None => Some(PathBuf::from(typed)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completes_names_in_the_typed_directory_and_under_home() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let root = dir.path();
        for file in ["findings.csv", "fleet.csv", "alarms.csv", ".hidden"] {
            std::fs::write(root.join(file), "").unwrap_or_else(|e| panic!("{e}"));
        }
        std::fs::create_dir(root.join("filed")).unwrap_or_else(|e| panic!("{e}"));
        let typed = format!("{}/f", root.display());
        let names: Vec<String> = complete(&typed, None)
            .into_iter()
            .map(|p| {
                p.trim_start_matches(&format!("{}/", root.display()))
                    .to_string()
            })
            .collect();
        assert_eq!(names, ["filed/", "findings.csv", "fleet.csv"]);
        assert_eq!(complete("~/fi", Some(root)), ["~/filed/", "~/findings.csv"]);
        assert_eq!(complete("~/.h", Some(root)), ["~/.hidden"]);
        assert!(complete("~/x", None).is_empty(), "no home, nothing");
        assert!(complete("/no/such/dir/x", None).is_empty());
    }
}
