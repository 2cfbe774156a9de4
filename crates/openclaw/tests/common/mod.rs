//! The `openclaw` binary run as a user runs it: a child process with its own HOME, state and log
//! directories in a tempdir, talking to a lark-sim that runs in the test process.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::{Child, Command};

pub const APP: &str = "cli_e2e0a1b2c3d4e5f6";
pub const SECRET: &str = "e2e-app-secret-5f1d9c";
/// How long any single wait may take before the test fails with what it saw.
pub const WAIT: Duration = Duration::from_secs(20);

/// The environment variables a user's shell might carry that would change what the binary does.
const SCRUB: [&str; 13] = [
    "OPENCLAW_GATEWAY_TOKEN",
    "LARK_APP_ID",
    "LARK_APP_SECRET",
    "FEISHU_APP_ID",
    "FEISHU_APP_SECRET",
    "FEISHU_ENCRYPT_KEY",
    "FEISHU_VERIFICATION_TOKEN",
    "OPENAI_API_KEY",
    "ANTHROPIC_API_KEY",
    "OPENCLAW_CONFIG_PATH",
    "RUST_LOG",
    "HTTP_PROXY",
    "HTTPS_PROXY",
];

/// A user's machine: HOME, the state dir (config and database) and the log dir.
pub struct TestEnv {
    pub dir: tempfile::TempDir,
}

/// What a finished command printed.
#[derive(Debug)]
pub struct Out {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    /// Asserts success and returns stdout.
    #[track_caller]
    pub fn ok(&self) -> &str {
        assert!(self.status.success(), "command failed: {self:#?}");
        &self.stdout
    }

    /// Asserts failure and returns stdout + stderr.
    #[track_caller]
    pub fn failed(&self) -> String {
        assert!(
            !self.status.success(),
            "command should have failed: {self:#?}"
        );
        format!("{}{}", self.stdout, self.stderr)
    }

    pub fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

impl Default for TestEnv {
    fn default() -> Self {
        Self::new()
    }
}

impl TestEnv {
    pub fn new() -> TestEnv {
        lark::install_crypto_provider();
        let dir = tempfile::tempdir().expect("tempdir");
        for sub in ["home", "state", "logs"] {
            std::fs::create_dir_all(dir.path().join(sub)).expect("mkdir");
        }
        TestEnv { dir }
    }

    pub fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }
    pub fn state_dir(&self) -> PathBuf {
        self.dir.path().join("state")
    }
    pub fn log_dir(&self) -> PathBuf {
        self.dir.path().join("logs")
    }
    /// Where the binary looks for its config with OPENCLAW_STATE_DIR set.
    pub fn config_file(&self) -> PathBuf {
        self.state_dir().join("openclaw.json")
    }

    pub fn write_config(&self, text: &str) {
        std::fs::write(self.config_file(), text).expect("write config");
    }

    /// `openclaw ARGS` with this machine's environment.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_openclaw"));
        c.args(args)
            .env("HOME", self.home())
            .env("OPENCLAW_STATE_DIR", self.state_dir())
            .env("OPENCLAW_LOG_DIR", self.log_dir())
            .env("NO_PROXY", "*")
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .kill_on_drop(true);
        for v in SCRUB {
            c.env_remove(v);
        }
        c
    }

    pub async fn run(&self, args: &[&str]) -> Out {
        self.run_with(args, &[]).await
    }

    /// Runs to completion (bounded) with extra environment variables.
    pub async fn run_with(&self, args: &[&str], envs: &[(&str, &str)]) -> Out {
        let mut c = self.command(args);
        c.envs(envs.iter().copied());
        let out = tokio::time::timeout(WAIT, c.output())
            .await
            .unwrap_or_else(|_| panic!("openclaw {args:?} did not finish within {WAIT:?}"))
            .expect("run openclaw");
        Out {
            status: out.status,
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    pub fn spawn(&self, args: &[&str]) -> Gateway {
        self.spawn_with(args, &[])
    }

    /// Starts a long-running command (the gateway) with its output captured.
    pub fn spawn_with(&self, args: &[&str], envs: &[(&str, &str)]) -> Gateway {
        let mut c = self.command(args);
        c.envs(envs.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = c.spawn().expect("spawn openclaw");
        let stdout = Arc::new(Mutex::new(String::new()));
        let stderr = Arc::new(Mutex::new(String::new()));
        pump(child.stdout.take().expect("stdout"), stdout.clone());
        pump(child.stderr.take().expect("stderr"), stderr.clone());
        Gateway {
            pid: child.id().expect("pid"),
            child,
            stdout,
            stderr,
        }
    }

    /// Everything in the log dir, every file concatenated.
    pub fn logs(&self) -> String {
        let mut all = String::new();
        for entry in std::fs::read_dir(self.log_dir())
            .expect("log dir")
            .flatten()
        {
            all.push_str(&std::fs::read_to_string(entry.path()).unwrap_or_default());
        }
        all
    }
}

fn pump(from: impl AsyncRead + Unpin + Send + 'static, into: Arc<Mutex<String>>) {
    tokio::spawn(async move {
        let mut lines = BufReader::new(from).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            let mut s = into.lock().unwrap();
            s.push_str(&line);
            s.push('\n');
        }
    });
}

/// A running `openclaw` child process.
pub struct Gateway {
    pub child: Child,
    pub pid: u32,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
}

impl Gateway {
    pub fn stdout(&self) -> String {
        self.stdout.lock().unwrap().clone()
    }
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    async fn wait_in(&mut self, stderr: bool, needle: &str) -> String {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let text = if stderr { self.stderr() } else { self.stdout() };
            if text.contains(needle) {
                return text;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                tokio::time::sleep(Duration::from_millis(100)).await;
                panic!(
                    "openclaw exited ({status}) before printing {needle:?}\nstdout:\n{}\nstderr:\n{}",
                    self.stdout(),
                    self.stderr()
                );
            }
            if tokio::time::Instant::now() > deadline {
                panic!(
                    "openclaw never printed {needle:?} within {WAIT:?}\nstdout:\n{}\nstderr:\n{}",
                    self.stdout(),
                    self.stderr()
                );
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Waits until stderr contains `needle`; returns all of stderr.
    pub async fn wait_stderr(&mut self, needle: &str) -> String {
        self.wait_in(true, needle).await
    }

    pub async fn wait_stdout(&mut self, needle: &str) -> String {
        self.wait_in(false, needle).await
    }

    /// The HTTP address from the "listening on http://ADDR" line.
    pub async fn addr(&mut self) -> String {
        let text = self.wait_stderr("listening on http://").await;
        let rest =
            &text[text.find("listening on http://").unwrap() + "listening on http://".len()..];
        rest.split_whitespace().next().unwrap().to_owned()
    }

    /// Sends a signal by name (`TERM`, `INT`) with kill(1).
    pub fn signal(&self, sig: &str) {
        let ok = std::process::Command::new("kill")
            .args(["-s", sig, &self.pid.to_string()])
            .status()
            .expect("run kill");
        assert!(ok.success(), "kill -s {sig} {} failed", self.pid);
    }

    /// Waits (bounded) for the process to exit.
    pub async fn wait_exit(&mut self) -> ExitStatus {
        match tokio::time::timeout(WAIT, self.child.wait()).await {
            Ok(s) => s.expect("wait"),
            Err(_) => panic!(
                "openclaw did not exit within {WAIT:?}\nstderr:\n{}",
                self.stderr()
            ),
        }
    }

    /// SIGKILL, and reap it.
    pub async fn kill9(&mut self) {
        self.child.kill().await.expect("kill -9");
    }

    /// SIGTERM and a bounded wait for exit code 0.
    pub async fn stop(&mut self) {
        self.signal("TERM");
        let status = self.wait_exit().await;
        assert!(
            status.success(),
            "gateway exited with {status}\nstderr:\n{}",
            self.stderr()
        );
    }
}

mod chat;
mod model;
// A test of the binary alone (release_files) uses none of the chat helpers.
#[allow(unused_imports)]
pub use chat::*;
// Only the tests that script a model use it.
#[allow(unused_imports)]
pub use model::*;
