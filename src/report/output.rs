//! Writing the report to `--output` atomically: a temporary file in the same directory,
//! flushed to disk, then renamed over the target, so a reader (or a cron job's next step)
//! sees the old report or the new one, never half of one. A new report file is readable by
//! its owner only (it names users, keys and findings); an existing one keeps its mode.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

fn directory(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// Checks before any AWS call that `path` can be a report file: its directory exists and
/// it is not itself a directory. The message is for the user.
pub fn check_target(path: &Path) -> Result<(), String> {
    if path.file_name().is_none() || path.is_dir() {
        return Err(format!(
            "--output {}: is a directory, not a file",
            path.display()
        ));
    }
    let dir = directory(path);
    if !dir.is_dir() {
        return Err(format!(
            "--output {}: the directory {} does not exist",
            path.display(),
            dir.display()
        ));
    }
    Ok(())
}

fn temporary(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    directory(path).join(format!(".{name}.{}.tmp", std::process::id()))
}

fn create(tmp: &Path, existing: Option<fs::Permissions>) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(tmp)?;
    if let Some(permissions) = existing {
        file.set_permissions(permissions)?;
    }
    Ok(file)
}

/// Writes `bytes` to `path` atomically (see the module documentation).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = temporary(path);
    let existing = fs::metadata(path).ok().map(|m| m.permissions());
    // A leftover from a killed run of the same PID would block create_new.
    let _ = fs::remove_file(&tmp);
    let result = create(&tmp, existing).and_then(|mut file| {
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, path)
    });
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
        return result;
    }
    // Make the rename itself durable; not every platform can open a directory.
    if let Ok(dir) = File::open(directory(path)) {
        let _ = dir.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn replaces_the_target_and_leaves_no_temporary_file() {
        let dir = std::env::temp_dir().join(format!("watchpost-output-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let target = dir.join("report.json");
        fs::write(&target, "old").unwrap();
        write_atomically(&target, b"new").unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "new");
        let names: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["report.json"]);
        assert!(check_target(&target).is_ok());
        assert!(check_target(&dir).is_err());
        assert!(check_target(&dir.join("missing").join("r.json")).is_err());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_new_report_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("watchpost-private-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let target = dir.join("r.csv");
        write_atomically(&target, b"x").unwrap();
        let mode = fs::metadata(&target).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        fs::remove_dir_all(&dir).unwrap();
    }
}
