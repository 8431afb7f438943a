//! Writing the user's files safely: atomically (temp file in the same directory, fsync,
//! rename), mode 0600, in directories created with mode 0700.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

/// Creates `dir` and its missing parents; directories this call creates get mode 0700 so
/// other local users cannot list what privaudit stores.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    if dir.as_os_str().is_empty() || dir.is_dir() {
        return Ok(());
    }
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// The prefix of the temp files [`write_private`] renames into place.
pub const TEMP_PREFIX: &str = ".privaudit-";

/// A temp file this old was left by a process that died before its rename (a live writer
/// keeps one for milliseconds): its partial content is of no use and may be private.
const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(3600);

/// Removes temp files starting with `prefix` in `dir` that a killed process left behind, so
/// a partial report or session does not linger next to the real one. Best effort: a file
/// that cannot be inspected or removed is left alone.
pub fn remove_stale_temp_files(dir: &Path, prefix: &str) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let is_ours = entry
            .file_name()
            .to_str()
            .is_some_and(|n| n.starts_with(prefix));
        let stale = entry
            .metadata()
            .ok()
            .filter(fs::Metadata::is_file)
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > STALE_AFTER);
        if is_ours && stale {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Writes `contents` to `path` atomically with mode 0600: readers see either the old file or
/// the whole new one, never a torn write, and a crash cannot leave a half-written report.
pub fn write_private(path: &Path, contents: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    create_private_dir(dir)?;
    remove_stale_temp_files(dir, TEMP_PREFIX);
    // tempfile creates the file with mode 0600 on Unix.
    let mut tmp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .tempfile_in(dir)?;
    tmp.write_all(contents)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    #[cfg(unix)]
    {
        // Persisting keeps the temp file's 0600; sync the directory so the rename survives a crash.
        if let Ok(d) = fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn written_files_are_private_and_complete() {
        use std::os::unix::fs::PermissionsExt;
        let root = tempfile::tempdir().unwrap();
        let path = root.path().join("a/b/report.md");
        write_private(&path, b"first").unwrap();
        write_private(&path, b"second").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "second");
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let dir_mode = fs::metadata(root.path().join("a/b"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(dir_mode, 0o700);
        // No temp files are left behind.
        assert_eq!(fs::read_dir(root.path().join("a/b")).unwrap().count(), 1);
    }

    #[test]
    fn temp_files_a_killed_writer_left_are_removed_once_stale() {
        let root = tempfile::tempdir().unwrap();
        let stale = root.path().join(".privaudit-dead1");
        let fresh = root.path().join(".privaudit-live1");
        let other = root.path().join(".privaudit.toml");
        for p in [&stale, &fresh, &other] {
            fs::write(p, b"partial report").unwrap();
        }
        let two_hours_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
        for p in [&stale, &other] {
            fs::File::options()
                .write(true)
                .open(p)
                .unwrap()
                .set_modified(two_hours_ago)
                .unwrap();
        }
        write_private(&root.path().join("report.md"), b"new").unwrap();
        // The stale leftover goes; a temp file a live writer may still rename stays, and so
        // does a user's file that merely looks similar.
        assert!(!stale.exists());
        assert!(fresh.exists());
        assert!(other.exists());
    }
}
