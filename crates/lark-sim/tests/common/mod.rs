//! Shared by the lark-sim integration tests: start a simulator, and run the official SDKs
//! (installed by `scripts/peers-setup`) as child processes talking to it.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};

/// Where `scripts/peers-setup` installed the SDKs.
pub fn peers_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("OPENCLAW_PEERS_DIR") {
        return PathBuf::from(dir);
    }
    let home = std::env::var("HOME").unwrap_or_else(|_| "/root".into());
    PathBuf::from(home).join(".cache/openclaw/peers")
}

/// The virtualenv's python, with `lark-oapi` installed. Fails loudly when it is missing: the
/// fidelity proof must never be skipped silently.
pub fn python() -> PathBuf {
    let py = peers_dir().join("venv/bin/python");
    assert!(
        py.exists(),
        "the official Python SDK is not installed at {}: run scripts/peers-setup (scripts/test runs it)",
        py.display()
    );
    py
}

/// `node_modules` holding `@larksuiteoapi/node-sdk`.
pub fn node_modules() -> PathBuf {
    let nm = peers_dir().join("node/node_modules");
    assert!(
        nm.join("@larksuiteoapi/node-sdk").exists(),
        "the official Node SDK is not installed under {}: run scripts/peers-setup (scripts/test runs it)",
        nm.display()
    );
    nm
}

/// A peer script of this crate: `tests/peers/<lang>/<name>`.
pub fn script(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/peers")
        .join(rel)
}

/// A running peer process whose stdout is read line by line. Killed on drop.
pub struct Peer {
    child: Child,
    lines: Lines<BufReader<ChildStdout>>,
    pub name: String,
}

impl Peer {
    /// Starts `tests/peers/python/<name>` with the SDK's virtualenv.
    pub fn python(name: &str, args: &[&str]) -> Peer {
        Peer::python_env(name, args, &[])
    }

    /// [`Peer::python`] with extra environment variables.
    pub fn python_env(name: &str, args: &[&str], env: &[(&str, &str)]) -> Peer {
        let mut cmd = Command::new(python());
        cmd.arg(script(&format!("python/{name}"))).args(args);
        cmd.env("PYTHONUNBUFFERED", "1");
        cmd.envs(env.iter().copied());
        Peer::spawn(name, cmd)
    }

    /// Starts `tests/peers/node/<name>` (CommonJS) with the SDK on `NODE_PATH`.
    pub fn node(name: &str, args: &[&str]) -> Peer {
        Peer::node_env(name, args, &[])
    }

    /// [`Peer::node`] with extra environment variables.
    pub fn node_env(name: &str, args: &[&str], env: &[(&str, &str)]) -> Peer {
        let mut cmd = Command::new("node");
        cmd.arg(script(&format!("node/{name}"))).args(args);
        cmd.env("NODE_PATH", node_modules());
        cmd.envs(env.iter().copied());
        Peer::spawn(name, cmd)
    }

    fn spawn(name: &str, mut cmd: Command) -> Peer {
        cmd.stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .stdin(Stdio::null())
            .kill_on_drop(true);
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start peer {name}: {e}"));
        let stdout = child.stdout.take().expect("piped stdout");
        Peer {
            child,
            lines: BufReader::new(stdout).lines(),
            name: name.to_owned(),
        }
    }

    /// The next stdout line, waiting at most `secs` seconds.
    pub async fn line(&mut self, secs: u64) -> String {
        match tokio::time::timeout(Duration::from_secs(secs), self.lines.next_line()).await {
            Ok(Ok(Some(line))) => line,
            Ok(Ok(None)) => panic!(
                "peer {} exited before printing the expected line",
                self.name
            ),
            Ok(Err(e)) => panic!("peer {}: reading stdout failed: {e}", self.name),
            Err(_) => panic!("peer {} printed nothing for {secs} s", self.name),
        }
    }

    /// The next stdout line that parses as JSON (other lines, such as SDK logs, are skipped).
    pub async fn json(&mut self, secs: u64) -> serde_json::Value {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let line = self.line(left.as_secs().max(1)).await;
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(line.trim())
                && v.is_object()
            {
                return v;
            }
        }
    }

    /// Waits for the process to exit and asserts it succeeded.
    pub async fn success(mut self, secs: u64) {
        let status = tokio::time::timeout(Duration::from_secs(secs), self.child.wait())
            .await
            .unwrap_or_else(|_| panic!("peer {} did not finish in {secs} s", self.name))
            .expect("wait for peer");
        assert!(status.success(), "peer {} failed: {status}", self.name);
    }
}
