//! Where the configuration lives: the config file and the state directory, found from an
//! explicit `--config` path, `OPENCLAW_CONFIG_PATH`, `OPENCLAW_STATE_DIR` and the home directory,
//! and the file's [`Format`] (JSON5 unless the name ends in `.yaml` / `.yml`).

use std::fmt;
use std::path::{Path, PathBuf};

/// The config file and the state directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    pub config_file: PathBuf,
    pub state_dir: PathBuf,
}

impl Paths {
    /// Resolves from the real process environment and home directory.
    pub fn resolve(explicit_config: Option<&Path>) -> Paths {
        Paths::resolve_with(explicit_config, &crate::process_env)
    }

    /// Resolves with an injected environment lookup (tests, embedding). Order: the explicit path,
    /// then `OPENCLAW_CONFIG_PATH`, then `openclaw.json` in the state directory, which is
    /// `OPENCLAW_STATE_DIR` or `~/.openclaw`.
    pub fn resolve_with(
        explicit_config: Option<&Path>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Paths {
        let state_dir = match non_empty(env, "OPENCLAW_STATE_DIR") {
            Some(dir) => expand_home(&dir, env),
            None => home_dir(env).join(".openclaw"),
        };
        let config_file = match (explicit_config, non_empty(env, "OPENCLAW_CONFIG_PATH")) {
            (Some(path), _) => path.to_path_buf(),
            (None, Some(path)) => expand_home(&path, env),
            (None, None) => state_dir.join("openclaw.json"),
        };
        Paths {
            config_file,
            state_dir,
        }
    }

    /// The format of the config file, from its name.
    pub fn format(&self) -> Format {
        Format::from_path(&self.config_file)
    }
}

/// The syntax of a config file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// JSON5: JSON plus comments, trailing commas, unquoted keys, single quotes.
    Json5,
    Yaml,
}

impl Format {
    /// YAML for `.yaml` / `.yml` (any case), JSON5 for everything else.
    pub fn from_path(path: &Path) -> Format {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if ext.eq_ignore_ascii_case("yaml") || ext.eq_ignore_ascii_case("yml") {
            Format::Yaml
        } else {
            Format::Json5
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Json5 => "JSON5",
            Format::Yaml => "YAML",
        })
    }
}

fn non_empty(env: &dyn Fn(&str) -> Option<String>, name: &str) -> Option<String> {
    env(name).filter(|v| !v.trim().is_empty())
}

/// `HOME` (or `USERPROFILE` on Windows). Without either, the current directory: a config
/// under `./.openclaw` is more useful than refusing to start.
pub(crate) fn home_dir(env: &dyn Fn(&str) -> Option<String>) -> PathBuf {
    non_empty(env, "HOME")
        .or_else(|| non_empty(env, "USERPROFILE"))
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Expands a leading `~` / `~/`, which shells do not expand inside quotes or env files.
pub(crate) fn expand_home(path: &str, env: &dyn Fn(&str) -> Option<String>) -> PathBuf {
    if path == "~" {
        home_dir(env)
    } else if let Some(rest) = path.strip_prefix("~/") {
        home_dir(env).join(rest)
    } else {
        PathBuf::from(path)
    }
}

/// A path from the config file: `~` expanded, relative paths taken from the file's directory.
pub(crate) fn resolve_in(
    path: &str,
    base_dir: &Path,
    env: &dyn Fn(&str) -> Option<String>,
) -> PathBuf {
    let expanded = expand_home(path.trim(), env);
    if expanded.is_absolute() {
        expanded
    } else {
        base_dir.join(expanded)
    }
}
