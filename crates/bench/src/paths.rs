//! Where things are: the release binaries in the target dir, the bench's Node script, and the
//! official Node SDK installed by `scripts/peers-setup`.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use crate::args::Target;

const BUILD_HINT: &str = "cargo build --release -p lark-sim -p openclaw";

/// The workspace root (two levels above this crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// `$CARGO_TARGET_DIR`, else the workspace's `target/`.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                std::env::current_dir().unwrap_or_default().join(dir)
            }
        }
        _ => workspace_root().join("target"),
    }
}

/// The programs the runs start.
#[derive(Debug, Clone)]
pub struct Binaries {
    pub lark_sim: PathBuf,
    pub openclaw: PathBuf,
    /// `node_modules` holding `@larksuiteoapi/node-sdk`.
    pub node_modules: PathBuf,
    pub node_script: PathBuf,
}

impl Binaries {
    /// Finds everything the selected runs need, or says how to get what is missing.
    pub fn locate(only: Option<Target>) -> Result<Binaries> {
        let release = target_dir().join("release");
        let bins = Binaries {
            lark_sim: release.join("lark-sim"),
            openclaw: release.join("openclaw"),
            node_modules: peers_dir().join("node/node_modules"),
            node_script: workspace_root().join("bench/node-echo-bot.cjs"),
        };
        let targets = Target::selected(only);
        let mut missing = Vec::new();
        if !bins.lark_sim.is_file() {
            missing.push(format!(
                "{} (build it: {BUILD_HINT})",
                bins.lark_sim.display()
            ));
        }
        if targets.iter().any(|t| t.is_gateway()) && !bins.openclaw.is_file() {
            missing.push(format!(
                "{} (build it: {BUILD_HINT})",
                bins.openclaw.display()
            ));
        }
        if targets.contains(&Target::Node) {
            if !bins.node_modules.join("@larksuiteoapi/node-sdk").is_dir() {
                missing.push(format!(
                    "the official Node SDK under {} (install it: scripts/peers-setup)",
                    bins.node_modules.display()
                ));
            }
            if !bins.node_script.is_file() {
                missing.push(bins.node_script.display().to_string());
            }
        }
        if !missing.is_empty() {
            bail!("missing:\n  {}", missing.join("\n  "));
        }
        Ok(bins)
    }
}

/// `$OPENCLAW_PEERS_DIR`, else `~/.cache/openclaw/peers`.
fn peers_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("OPENCLAW_PEERS_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    let home = std::env::var_os("HOME").unwrap_or_else(|| "/root".into());
    PathBuf::from(home).join(".cache/openclaw/peers")
}
