//! Writing the config file atomically: a temporary file in the same directory, flushed to disk,
//! then renamed over the old one, so a crash or a full disk never leaves half a config behind.
//! The file holds secrets: a new file is created readable by its owner only (0600), an existing
//! file keeps its permissions, and a symlinked config is written through to its target.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::ConfigError;

pub(crate) fn write_atomic(path: &Path, text: &str) -> Result<(), ConfigError> {
    let fail = |e: std::io::Error| ConfigError::Write {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    let target = target_of(path);
    let dir = match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    create_dir(&dir).map_err(fail)?;
    let existing = fs::metadata(&target).ok().map(|m| m.permissions());

    // tempfile creates the file with mode 0600, so the secret never exists world-readable.
    let mut tmp = tempfile::Builder::new()
        .prefix(".openclaw-config-")
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(fail)?;
    tmp.write_all(text.as_bytes()).map_err(fail)?;
    if let Some(permissions) = existing {
        tmp.as_file().set_permissions(permissions).map_err(fail)?;
    }
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(&target).map_err(|e| fail(e.error))?;
    // Make the rename itself durable; not every platform can open a directory, so best effort.
    if let Ok(d) = fs::File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// The file a symlink points to, so the link survives the rename; the path itself otherwise.
fn target_of(path: &Path) -> PathBuf {
    let is_link = fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if is_link {
        fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
    } else {
        path.to_path_buf()
    }
}

/// Creates missing parent directories, private to the owner on Unix (the state dir holds
/// secrets too).
fn create_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}
