//! Local files that others must neither read nor redirect: the state directory (the
//! journal and the log) and the files `:export` writes.
//!
//! - The state directory is created 0700 and, before each use, must be a real directory
//!   (not a symbolic link) owned by the user running watchpost; group and other access to it
//!   is removed. Anything else is refused with a message that says why.
//! - Files are opened with `O_NOFOLLOW` (a symbolic link in their place is refused, never
//!   followed), created 0600, and an existing file is tightened to 0600.
//! - After a file is created, its directory is fsync'd, so the new name survives a crash.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Creates `dir` (and its missing parents) private to the owner, then checks it: a real
/// directory, owned by the effective user. Group and other permissions are removed.
pub fn ensure_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    // `symlink_metadata` first: a dangling symbolic link would make `create` fail with a
    // less useful message.
    match std::fs::symlink_metadata(dir) {
        Ok(_) => {}
        Err(err) if err.kind() == io::ErrorKind::NotFound => builder.create(dir)?,
        Err(err) => return Err(err),
    }
    check_private_dir(dir)
}

/// Checks, without creating anything, that `dir` is a directory watchpost may keep private
/// files in, and takes group and other access away from it.
pub fn check_private_dir(dir: &Path) -> io::Result<()> {
    let metadata = std::fs::symlink_metadata(dir)?;
    if metadata.file_type().is_symlink() {
        return Err(refused(
            "symbolic link in place of the directory",
            dir,
            ": watchpost does not follow it (make it a directory, or set XDG_STATE_HOME)",
        ));
    }
    if !metadata.is_dir() {
        return Err(refused("not a directory:", dir, ""));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let me = effective_uid();
        if metadata.uid() != me {
            return Err(refused(
                &format!(
                    "directory of another user (uid {}; watchpost runs as uid {me}):",
                    metadata.uid()
                ),
                dir,
                "",
            ));
        }
        if metadata.mode() & 0o077 != 0 {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        }
    }
    Ok(())
}

/// The reason first, so that it shows even where the line is cut short (the status line).
fn refused(why: &str, dir: &Path, more: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::PermissionDenied,
        format!("{why} {}{more}", dir.display()),
    )
}

#[cfg(unix)]
fn effective_uid() -> u32 {
    // SAFETY: geteuid has no preconditions, touches no memory of ours and cannot fail.
    unsafe { libc::geteuid() }
}

/// How [`open_private`] opens a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpenMode {
    /// Read and append, creating the file if it is missing (the journal, the log).
    Append,
    /// Write a new file; an existing one is an error (`ErrorKind::AlreadyExists`).
    CreateNew,
    /// Write, replacing what an existing file held.
    Overwrite,
}

/// Opens `path` without following a symbolic link in its place, creating it 0600 and
/// tightening an existing file to 0600. Says whether the file was created, so the caller
/// can fsync its directory ([`sync_dir`]).
pub fn open_private(path: &Path, mode: OpenMode) -> io::Result<(File, bool)> {
    let opened = match mode {
        OpenMode::Append => match options(OpenMode::CreateNew, true).open(path) {
            Ok(file) => Ok((file, true)),
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists => {
                options(OpenMode::Append, false)
                    .open(path)
                    .map(|f| (f, false))
            }
            Err(err) => Err(err),
        },
        OpenMode::CreateNew => options(mode, false).open(path).map(|f| (f, true)),
        OpenMode::Overwrite => {
            let existed = std::fs::symlink_metadata(path).is_ok();
            options(mode, false).open(path).map(|f| (f, !existed))
        }
    };
    let (file, created) = opened.map_err(|err| explain(path, err))?;
    let metadata = file.metadata()?;
    if !metadata.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} is not a regular file", path.display()),
        ));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // `mode` applies only when the file is created; an existing file is tightened.
        if metadata.permissions().mode() & 0o777 != 0o600 {
            file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        }
    }
    Ok((file, created))
}

fn options(mode: OpenMode, read_new: bool) -> OpenOptions {
    let mut options = OpenOptions::new();
    match mode {
        OpenMode::Append => {
            options.read(true).append(true);
        }
        OpenMode::CreateNew => {
            options.read(read_new).write(true).create_new(true);
            if read_new {
                // The journal: every write goes to the end, whoever else writes.
                options.append(true);
            }
        }
        OpenMode::Overwrite => {
            options.write(true).create(true).truncate(true);
        }
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    options
}

/// The operating system's words for a refused symbolic link ("too many levels of symbolic
/// links") replaced by what happened.
fn explain(path: &Path, err: io::Error) -> io::Error {
    #[cfg(unix)]
    if err.raw_os_error() == Some(libc::ELOOP) {
        return io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!(
                "symbolic link in place of the file {}: watchpost does not follow it",
                path.display()
            ),
        );
    }
    let _ = path;
    err
}

/// An exclusive lock (`flock`) on an open file, released when dropped, or by the system
/// when the process ends. Other processes that ask for it wait; it is advisory, so it binds
/// only writers that ask for it too (every journal writer does).
#[derive(Debug)]
pub struct FileLock {
    #[cfg(unix)]
    fd: std::os::unix::io::RawFd,
}

/// Waits for, then takes, the exclusive lock of `file`. The file must stay open while the
/// lock is held. Where `flock` does not exist (not Unix) this locks nothing.
pub fn lock_exclusive(file: &File) -> io::Result<FileLock> {
    #[cfg(unix)]
    {
        use std::os::unix::io::AsRawFd;
        let fd = file.as_raw_fd();
        loop {
            // SAFETY: `fd` is a descriptor `file` owns and keeps open for this call; flock
            // reads no memory of ours.
            if unsafe { libc::flock(fd, libc::LOCK_EX) } == 0 {
                return Ok(FileLock { fd });
            }
            let err = io::Error::last_os_error();
            if err.kind() != io::ErrorKind::Interrupted {
                return Err(err);
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        Ok(FileLock {})
    }
}

impl Drop for FileLock {
    fn drop(&mut self) {
        // SAFETY: as in `lock_exclusive`; the owner keeps the file open until the lock is
        // dropped. A failed unlock leaves the lock to end with the file's descriptor.
        #[cfg(unix)]
        let _ = unsafe { libc::flock(self.fd, libc::LOCK_UN) };
    }
}

/// Flushes a directory's entries to disk, so a file just created in it is still there
/// after a crash.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(test)]
    DIR_SYNCS.with(|n| n.set(n.get() + 1));
    File::open(dir)?.sync_all()
}

#[cfg(test)]
thread_local! {
    /// How many times this thread fsync'd a directory, for the tests.
    pub static DIR_SYNCS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Writes `bytes` to a file readable by its owner only, without following a symbolic link;
/// an existing file is replaced only when `overwrite` is set (else the error's kind is
/// `AlreadyExists`).
pub fn write_private(path: &Path, bytes: &[u8], overwrite: bool) -> io::Result<()> {
    let mode = if overwrite {
        OpenMode::Overwrite
    } else {
        OpenMode::CreateNew
    };
    let (mut file, _) = open_private(path, mode)?;
    file.write_all(bytes)?;
    file.flush()
}

/// `:export FILE` (`overwrite`: `:export! FILE`): writes `bytes` to `path` as typed, `~`
/// expanded, 0600, never through a symbolic link, and returns the status line to show.
pub fn export(path: &str, bytes: &[u8], overwrite: bool, home: Option<&Path>) -> String {
    let target = match expand_home(path, home) {
        Ok(target) => target,
        Err(err) => return format!("Cannot export: {err}"),
    };
    let shown = target.display();
    match write_private(&target, bytes, overwrite) {
        Ok(()) => format!("Exported the table to {shown}"),
        Err(err) if err.kind() == io::ErrorKind::AlreadyExists => {
            format!("{shown} exists and was left as it is: :export! {path} overwrites it")
        }
        Err(err) => format!("Cannot write {shown}: {err}"),
    }
}

/// `~` and `~/…` at the start of `path` mean the home directory; any other path (including
/// `~user/…`, which is not expanded) is taken as written.
pub fn expand_home(path: &str, home: Option<&Path>) -> Result<PathBuf, String> {
    let rest = match path.strip_prefix('~') {
        Some("") => "",
        Some(rest) if rest.starts_with('/') => rest.trim_start_matches('/'),
        _ => return Ok(PathBuf::from(path)),
    };
    let home = home
        .filter(|h| !h.as_os_str().is_empty())
        .ok_or_else(|| format!("cannot expand ~ in {path}: HOME is not set"))?;
    Ok(if rest.is_empty() {
        home.to_path_buf()
    } else {
        home.join(rest)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn tempdir() -> tempfile::TempDir {
        tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"))
    }

    #[cfg(unix)]
    fn mode_of(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::symlink_metadata(path)
            .map(|m| m.permissions().mode() & 0o777)
            .unwrap_or(0)
    }

    #[cfg(unix)]
    #[test]
    fn a_missing_directory_is_created_private_and_a_loose_one_tightened() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempdir();
        let state = dir.path().join("state/watchpost");
        assert!(ensure_private_dir(&state).is_ok());
        assert_eq!(mode_of(&state), 0o700);
        std::fs::set_permissions(&state, std::fs::Permissions::from_mode(0o755))
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(ensure_private_dir(&state).is_ok());
        assert_eq!(mode_of(&state), 0o700);
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_in_place_of_the_directory_is_refused() {
        let dir = tempdir();
        let real = dir.path().join("elsewhere");
        std::fs::create_dir(&real).unwrap_or_else(|e| panic!("{e}"));
        let link = dir.path().join("watchpost");
        std::os::unix::fs::symlink(&real, &link).unwrap_or_else(|e| panic!("{e}"));
        let err = ensure_private_dir(&link).err().map(|e| e.to_string());
        assert!(
            err.as_deref()
                .is_some_and(|e| e.contains("symbolic link in place of")),
            "{err:?}"
        );
        // A dangling link is refused the same way, not created through.
        let dangling = dir.path().join("dangling");
        std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling)
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(ensure_private_dir(&dangling).is_err());
        assert!(!dir.path().join("nowhere").exists());
    }

    #[test]
    fn a_file_in_place_of_the_directory_is_refused() {
        let dir = tempdir();
        let file = dir.path().join("watchpost");
        std::fs::write(&file, "x").unwrap_or_else(|e| panic!("{e}"));
        let err = ensure_private_dir(&file).err().map(|e| e.to_string());
        assert!(
            err.as_deref()
                .is_some_and(|e| e.contains("not a directory:")),
            "{err:?}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_directory_of_another_user_is_refused() {
        use std::os::unix::fs::chown;
        let dir = tempdir();
        let state = dir.path().join("watchpost");
        std::fs::create_dir(&state).unwrap_or_else(|e| panic!("{e}"));
        // Only root can give a directory away; as another user, one owned by root is at hand.
        let foreign = if effective_uid() == 0 {
            chown(&state, Some(65534), None).unwrap_or_else(|e| panic!("{e}"));
            state
        } else {
            PathBuf::from("/")
        };
        let err = check_private_dir(&foreign).err().map(|e| e.to_string());
        assert!(
            err.as_deref()
                .is_some_and(|e| e.contains("directory of another user")),
            "{err:?}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn files_are_created_0600_existing_ones_tightened_and_links_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempdir();
        let path = dir.path().join("journal.jsonl");
        let (_, created) = open_private(&path, OpenMode::Append).unwrap_or_else(|e| panic!("{e}"));
        assert!(created);
        assert_eq!(mode_of(&path), 0o600);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644))
            .unwrap_or_else(|e| panic!("{e}"));
        let (_, created) = open_private(&path, OpenMode::Append).unwrap_or_else(|e| panic!("{e}"));
        assert!(!created);
        assert_eq!(mode_of(&path), 0o600);

        let target = dir.path().join("target");
        std::fs::write(&target, "keep").unwrap_or_else(|e| panic!("{e}"));
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&target, &link).unwrap_or_else(|e| panic!("{e}"));
        for mode in [OpenMode::Append, OpenMode::CreateNew, OpenMode::Overwrite] {
            let err = open_private(&link, mode).err().map(|e| e.to_string());
            assert!(
                err.as_deref().is_some_and(
                    |e| e.contains("symbolic link in place of") || e.contains("exists")
                ),
                "{mode:?}: {err:?}"
            );
        }
        assert!(open_private(&link, OpenMode::Overwrite).is_err());
        assert_eq!(std::fs::read_to_string(&target).unwrap_or_default(), "keep");
    }

    #[test]
    fn appending_reads_and_writes_at_the_end() {
        let dir = tempdir();
        let path = dir.path().join("log");
        std::fs::write(&path, "a\n").unwrap_or_else(|e| panic!("{e}"));
        let (mut file, _) = open_private(&path, OpenMode::Append).unwrap_or_else(|e| panic!("{e}"));
        file.write_all(b"b\n").unwrap_or_else(|e| panic!("{e}"));
        let mut text = String::new();
        File::open(&path)
            .and_then(|mut f| f.read_to_string(&mut text))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(text, "a\nb\n");
    }

    #[test]
    fn write_private_refuses_to_overwrite_unless_told() {
        let dir = tempdir();
        let path = dir.path().join("table.csv");
        assert!(write_private(&path, b"one", false).is_ok());
        let err = write_private(&path, b"two", false).err();
        assert_eq!(err.map(|e| e.kind()), Some(io::ErrorKind::AlreadyExists));
        assert_eq!(std::fs::read_to_string(&path).unwrap_or_default(), "one");
        assert!(write_private(&path, b"two", true).is_ok());
        assert_eq!(std::fs::read_to_string(&path).unwrap_or_default(), "two");
        #[cfg(unix)]
        assert_eq!(mode_of(&path), 0o600);
    }

    #[cfg(unix)]
    #[test]
    fn the_lock_excludes_another_open_file_until_dropped() {
        use std::os::unix::io::AsRawFd;
        let dir = tempdir();
        let path = dir.path().join("journal.jsonl");
        let (one, _) = open_private(&path, OpenMode::Append).unwrap_or_else(|e| panic!("{e}"));
        let (two, _) = open_private(&path, OpenMode::Append).unwrap_or_else(|e| panic!("{e}"));
        // SAFETY: both descriptors are open for the whole test.
        let try_lock =
            |f: &File| unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        let held = lock_exclusive(&one).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(try_lock(&two), -1, "taken while the first holds it");
        drop(held);
        assert_eq!(try_lock(&two), 0, "free once dropped");
    }

    #[test]
    fn a_directory_is_synced() {
        let dir = tempdir();
        let before = DIR_SYNCS.with(std::cell::Cell::get);
        assert!(sync_dir(dir.path()).is_ok());
        assert_eq!(DIR_SYNCS.with(std::cell::Cell::get), before + 1);
        assert!(sync_dir(&dir.path().join("missing")).is_err());
    }

    #[test]
    fn export_says_what_it_did_and_never_overwrites_unasked() {
        let dir = tempdir();
        let home = Some(dir.path());
        let path = dir.path().join("table.csv");
        assert_eq!(
            export("~/table.csv", b"a,b\n", false, home),
            format!("Exported the table to {}", path.display())
        );
        assert_eq!(std::fs::read(&path).unwrap_or_default(), b"a,b\n");
        let refused = export("~/table.csv", b"c,d\n", false, home);
        assert!(
            refused.contains("exists and was left as it is: :export! ~/table.csv overwrites it"),
            "{refused}"
        );
        assert_eq!(std::fs::read(&path).unwrap_or_default(), b"a,b\n");
        let replaced = export("~/table.csv", b"c,d\n", true, home);
        assert!(replaced.starts_with("Exported"), "{replaced}");
        assert_eq!(std::fs::read(&path).unwrap_or_default(), b"c,d\n");
        let missing = dir.path().join("no/such/dir/t.csv");
        let failed = export(&missing.display().to_string(), b"", false, home);
        assert!(failed.starts_with("Cannot write"), "{failed}");
        assert!(export("~/t.csv", b"", false, None).starts_with("Cannot export: "));
    }

    #[test]
    fn the_home_directory_is_expanded_at_the_start_only() {
        let home = Some(Path::new("/home/oncall"));
        let expand = |p: &str| expand_home(p, home);
        assert_eq!(expand("~"), Ok(PathBuf::from("/home/oncall")));
        assert_eq!(
            expand("~/out/a.csv"),
            Ok(PathBuf::from("/home/oncall/out/a.csv"))
        );
        assert_eq!(expand("a/~/b"), Ok(PathBuf::from("a/~/b")));
        assert_eq!(expand("~other/x"), Ok(PathBuf::from("~other/x")));
        assert_eq!(expand("/tmp/x"), Ok(PathBuf::from("/tmp/x")));
        assert!(expand_home("~/x", None).is_err());
        assert!(expand_home("x", None).is_ok());
    }
}
