//! The `read` tool: lets the model look at text files and images under the turn's allowed roots
//! (the workspace and the download folders), so it can see what users sent. Images come back
//! as image content for providers that take image input.

use std::path::{Path, PathBuf};

use async_trait::async_trait;
use base64::Engine;
use serde_json::{Value, json};

use crate::tool::{Tool, ToolContent, ToolContext, ToolOutput, ToolSpec};

/// Text larger than this is read only in part (the model can page with offset/limit).
const TEXT_MAX_BYTES: u64 = 512 * 1024;
/// Providers take images up to about 5 MB.
pub(crate) const IMAGE_MAX_BYTES: u64 = 5 * 1024 * 1024;
const DEFAULT_LINES: usize = 2000;

/// Reads a file under the allowed roots.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReadTool;

#[async_trait]
impl Tool for ReadTool {
    fn spec(&self) -> ToolSpec {
        ToolSpec {
            name: "read".into(),
            description: "Read a local file: text (optionally a range of lines) or an image \
                          (png, jpeg, gif, webp), such as an attachment a user sent or a skill's \
                          SKILL.md. Only files under the workspace, download and skill folders \
                          can be read."
                .into(),
            input_schema: json!({
                "type": "object",
                "properties": {
                    "path": { "type": "string", "description": "The file's path (absolute, or relative to the workspace)." },
                    "offset": { "type": "integer", "minimum": 1, "description": "First line to read (1-based)." },
                    "limit": { "type": "integer", "minimum": 1, "description": "How many lines to read (default 2000)." }
                },
                "required": ["path"]
            }),
        }
    }

    async fn call(&self, ctx: &ToolContext, input: Value) -> ToolOutput {
        let Some(path) = input.get("path").and_then(Value::as_str) else {
            return ToolOutput::error("`path` is required, e.g. {\"path\": \"/path/to/file.txt\"}");
        };
        let offset = input
            .get("offset")
            .and_then(Value::as_u64)
            .unwrap_or(1)
            .max(1) as usize;
        let limit = input
            .get("limit")
            .and_then(Value::as_u64)
            .map_or(DEFAULT_LINES, |n| n.max(1) as usize);
        let roots = ctx.allowed_roots.clone();
        let path = path.to_owned();
        // File reads block; keep them off the async workers.
        match tokio::task::spawn_blocking(move || read(&roots, &path, offset, limit)).await {
            Ok(out) => out,
            Err(_) => ToolOutput::error("reading the file failed"),
        }
    }
}

fn read(roots: &[PathBuf], path: &str, offset: usize, limit: usize) -> ToolOutput {
    let file = match resolve(roots, path) {
        Ok(f) => f,
        Err(e) => return ToolOutput::error(e),
    };
    if let Some(media_type) = sniff_image(&file) {
        return match load_image(&file) {
            Ok((media_type, data)) => ToolOutput {
                content: vec![
                    ToolContent::Text {
                        text: format!("image {} ({media_type})", file.display()),
                    },
                    ToolContent::Image {
                        media_type,
                        data_base64: data,
                    },
                ],
                is_error: false,
                ends_turn: false,
            },
            Err(e) => ToolOutput::error(format!("{e} ({media_type})")),
        };
    }
    let bytes = match read_head(&file, TEXT_MAX_BYTES) {
        Ok(b) => b,
        Err(e) => return ToolOutput::error(format!("cannot read {}: {e}", file.display())),
    };
    if bytes.iter().take(8192).any(|&b| b == 0) {
        return ToolOutput::error(format!(
            "{} is a binary file; only text files and images can be read",
            file.display()
        ));
    }
    let text = String::from_utf8_lossy(&bytes);
    let lines: Vec<&str> = text.lines().collect();
    let total = lines.len();
    let start = (offset - 1).min(total);
    let end = start.saturating_add(limit).min(total);
    let mut out = lines[start..end].join("\n");
    if end < total || bytes.len() as u64 >= TEXT_MAX_BYTES {
        out.push_str(&format!(
            "\n[showing lines {}-{end}; read more with offset={}]",
            start + 1,
            end + 1
        ));
    }
    ToolOutput::text(out)
}

/// The canonical path, if it is a file under one of the roots. Symlinks are followed first, so
/// a link cannot lead outside.
fn resolve(roots: &[PathBuf], path: &str) -> Result<PathBuf, String> {
    let candidate = Path::new(path);
    let candidate = if candidate.is_absolute() {
        candidate.to_path_buf()
    } else {
        match roots.first() {
            Some(root) => root.join(candidate),
            None => return Err("no folder may be read in this chat".into()),
        }
    };
    let shown: Vec<String> = roots.iter().map(|r| r.display().to_string()).collect();
    let real = candidate.canonicalize().map_err(|_| {
        format!(
            "there is no file at {path}; readable folders: {}",
            shown.join(", ")
        )
    })?;
    let allowed = roots
        .iter()
        .filter_map(|r| r.canonicalize().ok())
        .any(|r| real.starts_with(&r));
    if !allowed {
        return Err(format!(
            "{path} is outside the folders that may be read ({})",
            shown.join(", ")
        ));
    }
    if !real.is_file() {
        return Err(format!("{path} is not a file"));
    }
    Ok(real)
}

fn read_head(path: &Path, max: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut buf = Vec::new();
    std::fs::File::open(path)?.take(max).read_to_end(&mut buf)?;
    Ok(buf)
}

/// The image type a file's first bytes say it has.
pub(crate) fn sniff_image(path: &Path) -> Option<&'static str> {
    let head = read_head(path, 16).ok()?;
    Some(if head.starts_with(b"\x89PNG") {
        "image/png"
    } else if head.starts_with(b"\xff\xd8\xff") {
        "image/jpeg"
    } else if head.starts_with(b"GIF8") {
        "image/gif"
    } else if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        "image/webp"
    } else {
        return None;
    })
}

/// An image as (media type, base64), within the providers' size limit.
pub(crate) fn load_image(path: &Path) -> Result<(String, String), String> {
    let media_type =
        sniff_image(path).ok_or_else(|| format!("{} is not an image", path.display()))?;
    let size = std::fs::metadata(path).map_err(|e| e.to_string())?.len();
    if size > IMAGE_MAX_BYTES {
        return Err(format!(
            "the image {} is {} MB, more than the 5 MB a model takes",
            path.display(),
            size / (1024 * 1024)
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    Ok((
        media_type.to_owned(),
        base64::engine::general_purpose::STANDARD.encode(bytes),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(roots: Vec<PathBuf>) -> ToolContext {
        ToolContext::standalone(roots)
    }

    #[tokio::test]
    async fn reads_text_and_images_under_the_roots_only() {
        let root = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(root.path().join("a.txt"), "one\ntwo\nthree\n").unwrap();
        std::fs::write(root.path().join("p.png"), b"\x89PNG\r\n\x1a\nrest").unwrap();
        std::fs::write(outside.path().join("secret.txt"), "no").unwrap();
        let c = ctx(vec![root.path().to_owned()]);

        let out = ReadTool
            .call(&c, json!({"path": "a.txt", "offset": 2, "limit": 1}))
            .await;
        assert!(!out.is_error);
        assert!(out.text_joined().starts_with("two\n[showing lines 2-2"));

        let out = ReadTool
            .call(&c, json!({"path": root.path().join("p.png")}))
            .await;
        assert!(
            matches!(&out.content[1], ToolContent::Image { media_type, .. } if media_type == "image/png")
        );

        let out = ReadTool
            .call(&c, json!({"path": outside.path().join("secret.txt")}))
            .await;
        assert!(out.is_error && out.text_joined().contains("outside"));
        let out = ReadTool.call(&c, json!({"path": "../x"})).await;
        assert!(out.is_error);
        let out = ReadTool.call(&c, json!({})).await;
        assert!(out.is_error && out.text_joined().contains("`path` is required"));
    }
}
