//! Local files an action may read: only under the allowed roots, after resolving `..` and
//! symlinks, so a path can never reach outside them.

use std::path::{Path, PathBuf};

use crate::error::{ToolError, ToolResult};

/// The canonical path of `path` if it is a file under one of `roots`.
pub fn allowed_file(param: &str, path: &str, roots: &[PathBuf]) -> ToolResult<PathBuf> {
    let raw = Path::new(path.trim());
    if path.trim().is_empty() {
        return Err(ToolError::param(param, "is empty; give a local file path"));
    }
    if !raw.is_absolute() && roots.is_empty() {
        return Err(ToolError::param(param, "must be an absolute path"));
    }
    let candidates: Vec<PathBuf> = if raw.is_absolute() {
        vec![raw.to_path_buf()]
    } else {
        roots.iter().map(|r| r.join(raw)).collect()
    };
    let roots_canon: Vec<PathBuf> = roots
        .iter()
        .filter_map(|r| std::fs::canonicalize(r).ok())
        .collect();
    let mut found = None;
    for c in &candidates {
        if let Ok(canon) = std::fs::canonicalize(c) {
            found = Some(canon);
            break;
        }
    }
    let Some(canon) = found else {
        return Err(ToolError::Io(format!("`{param}`: no such file: {path}")));
    };
    if !roots_canon.iter().any(|r| canon.starts_with(r)) {
        return Err(ToolError::Refused(format!(
            "`{param}` {path} is outside the folders files may be read from ({}); copy the file \
             into one of them first",
            roots
                .iter()
                .map(|r| r.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    if !canon.is_file() {
        return Err(ToolError::param(param, format!("{path} is not a file")));
    }
    Ok(canon)
}

/// The file name of a path, for the platform.
pub fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".into())
}

/// Whether a file is sent as an image message (by extension).
pub fn is_image(path: &Path) -> bool {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    matches!(
        ext.as_str(),
        "png" | "jpg" | "jpeg" | "gif" | "webp" | "bmp" | "ico" | "tif" | "tiff" | "heic"
    )
}

/// Where a download may be written: `path` (relative to the first root, or absolute) when its
/// folder is under one of `roots`; an existing file is never replaced.
pub fn allowed_target(param: &str, path: &str, roots: &[PathBuf]) -> ToolResult<PathBuf> {
    let Some(first) = roots.first() else {
        return Err(ToolError::Refused(
            "no folder is allowed for downloads (the tool has no allowed roots)".into(),
        ));
    };
    let raw = Path::new(path.trim());
    let target = if raw.is_absolute() {
        raw.to_path_buf()
    } else {
        first.join(raw)
    };
    let (Some(dir), Some(name)) = (target.parent(), target.file_name()) else {
        return Err(ToolError::param(param, format!("{path} names no file")));
    };
    let dir = std::fs::canonicalize(dir)
        .map_err(|_| ToolError::param(param, format!("the folder of {path} does not exist")))?;
    let inside = roots
        .iter()
        .filter_map(|r| std::fs::canonicalize(r).ok())
        .any(|r| dir.starts_with(r));
    if !inside {
        return Err(ToolError::Refused(format!(
            "`{param}` {path} is outside the folders files may be written to ({})",
            roots
                .iter()
                .map(|r| r.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let target = dir.join(name);
    if target.exists() {
        return Err(ToolError::param(
            param,
            format!("{} already exists; give another path", target.display()),
        ));
    }
    Ok(target)
}
