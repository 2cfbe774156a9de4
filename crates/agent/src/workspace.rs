//! The workspace files, as OpenClaw keeps them: `AGENTS.md`, `SOUL.md`, `TOOLS.md` and
//! `USER.md` in the workspace folder, read at each turn into the system prompt. Each is cached
//! by its modification time and size (an unchanged file is not read again), each is bounded,
//! and so is their total; what was cut says where the whole file is.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use crate::utf8::cut_at_chars;

/// The files, in the order they appear in the prompt.
pub const FILES: [&str; 4] = ["AGENTS.md", "SOUL.md", "TOOLS.md", "USER.md"];
/// Characters of one file in the prompt.
pub const FILE_MAX_CHARS: usize = 20_000;
/// Characters of all of them together.
pub const TOTAL_MAX_CHARS: usize = 50_000;

/// What the last turn put in the prompt, for `/status`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceStatus {
    pub dir: PathBuf,
    pub files: Vec<WorkspaceFile>,
    /// Characters in the prompt, at most [`TOTAL_MAX_CHARS`].
    pub total_chars: usize,
    pub max_total_chars: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceFile {
    pub name: String,
    /// The file's length in characters (of its first 80,000 bytes, the most read).
    pub chars: usize,
    /// Characters that went into the prompt.
    pub included: usize,
}

struct Cached {
    modified: SystemTime,
    len: u64,
    text: String,
}

/// The workspace folder's files.
pub struct WorkspaceFiles {
    dir: PathBuf,
    cache: Mutex<HashMap<&'static str, Cached>>,
    last: Mutex<WorkspaceStatus>,
}

impl std::fmt::Debug for WorkspaceFiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkspaceFiles")
            .field("dir", &self.dir)
            .finish()
    }
}

impl WorkspaceFiles {
    pub fn new(dir: PathBuf) -> WorkspaceFiles {
        WorkspaceFiles {
            last: Mutex::new(WorkspaceStatus {
                dir: dir.clone(),
                max_total_chars: TOTAL_MAX_CHARS,
                ..WorkspaceStatus::default()
            }),
            dir,
            cache: Mutex::new(HashMap::new()),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// What the last prompt held.
    pub fn status(&self) -> WorkspaceStatus {
        self.last.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The prompt's section for the files as they are now (empty when there are none).
    pub fn prompt_section(&self) -> String {
        let mut status = WorkspaceStatus {
            dir: self.dir.clone(),
            max_total_chars: TOTAL_MAX_CHARS,
            ..WorkspaceStatus::default()
        };
        let mut parts = Vec::new();
        let mut budget = TOTAL_MAX_CHARS;
        for name in FILES {
            let Some(text) = self.read(name) else {
                continue;
            };
            let chars = text.chars().count();
            let room = FILE_MAX_CHARS.min(budget);
            let shown = cut_at_chars(&text, room);
            let included = chars.min(room);
            budget -= included;
            let mut part = format!("### {name}\n\n{}", shown.trim_end());
            if included < chars {
                part.push_str(&format!(
                    "\n\n[cut: {included} of {chars} characters shown; read the whole file with \
                     `read` at {}]",
                    self.dir.join(name).display()
                ));
            }
            parts.push(part);
            status.files.push(WorkspaceFile {
                name: name.to_owned(),
                chars,
                included,
            });
            status.total_chars += included;
        }
        *self.last.lock().unwrap_or_else(|p| p.into_inner()) = status;
        if parts.is_empty() {
            return String::new();
        }
        format!(
            "## Workspace files\n\nThese files in your workspace ({}) describe who you are, who \
             you work for and how; follow them.\n\n{}",
            self.dir.display(),
            parts.join("\n\n")
        )
    }

    /// A file's text: from the cache while its mtime and size are unchanged.
    fn read(&self, name: &'static str) -> Option<String> {
        let path = self.dir.join(name);
        let meta = std::fs::metadata(&path).ok().filter(|m| m.is_file())?;
        let modified = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(c) = cache.get(name)
            && c.modified == modified
            && c.len == meta.len()
        {
            return Some(c.text.clone());
        }
        // Read at most what can be shown (4 bytes a character), so a huge file costs little.
        let mut buf = Vec::new();
        use std::io::Read;
        std::fs::File::open(&path)
            .ok()?
            .take((FILE_MAX_CHARS * 4) as u64)
            .read_to_end(&mut buf)
            .ok()?;
        let text = String::from_utf8_lossy(&buf).into_owned();
        cache.insert(
            name,
            Cached {
                modified,
                len: meta.len(),
                text: text.clone(),
            },
        );
        Some(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_in_order_bounded_and_reread_when_changed() {
        let dir = tempfile::tempdir().unwrap();
        let ws = WorkspaceFiles::new(dir.path().to_owned());
        assert_eq!(ws.prompt_section(), "");
        std::fs::write(dir.path().join("USER.md"), "Ada, prefers short answers.").unwrap();
        std::fs::write(dir.path().join("SOUL.md"), "Calm and exact.").unwrap();
        let p = ws.prompt_section();
        assert!(p.find("### SOUL.md").unwrap() < p.find("### USER.md").unwrap());
        assert!(p.contains("Calm and exact."));

        std::fs::write(dir.path().join("USER.md"), "Grace, likes detail!").unwrap();
        assert!(ws.prompt_section().contains("Grace, likes detail!"));

        std::fs::write(
            dir.path().join("AGENTS.md"),
            "x".repeat(FILE_MAX_CHARS + 10),
        )
        .unwrap();
        let p = ws.prompt_section();
        assert!(p.contains(&format!(
            "[cut: {FILE_MAX_CHARS} of {} characters",
            FILE_MAX_CHARS + 10
        )));
        let st = ws.status();
        assert_eq!(st.files[0].name, "AGENTS.md");
        assert_eq!(st.files[0].included, FILE_MAX_CHARS);
        assert!(st.total_chars <= TOTAL_MAX_CHARS);
    }
}
