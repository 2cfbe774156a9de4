//! A `lark-sim` child process and the parts of its control API (`/_sim/...`) the benchmark uses:
//! apps, chats, injected user messages, the chat transcript, connections, deliveries and calls.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const READY_PREFIX: &str = "lark-sim listening on ";

/// A running lark-sim; killed when dropped.
pub struct Sim {
    _child: Child,
    pub pid: u32,
    pub base: String,
    http: reqwest::Client,
}

impl Sim {
    /// Starts `lark-sim --addr 127.0.0.1:0` with more flags (`--platform-limits`, the soak's
    /// timings) and waits for its address line. Its stderr goes to `log`.
    pub async fn start_with(bin: &Path, log: &Path, extra: &[&str]) -> Result<Sim> {
        let stderr = std::fs::File::create(log)?;
        let mut child = Command::new(bin)
            .args(["--addr", "127.0.0.1:0"])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {}", bin.display()))?;
        let pid = child.id().context("lark-sim exited at once")?;
        let stdout = child.stdout.take().expect("piped stdout");
        let mut lines = BufReader::new(stdout).lines();
        let first = tokio::time::timeout(Duration::from_secs(15), lines.next_line())
            .await
            .map_err(|_| anyhow!("lark-sim printed no address in 15 s"))??
            .ok_or_else(|| anyhow!("lark-sim exited at start (see {})", log.display()))?;
        let base = first
            .strip_prefix(READY_PREFIX)
            .ok_or_else(|| anyhow!("unexpected first line from lark-sim: {first}"))?
            .trim()
            .trim_end_matches('/')
            .to_owned();
        // Keep draining stdout so the child never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Ok(Sim {
            _child: child,
            pid,
            base,
            http: http_client()?,
        })
    }

    async fn post(&self, path: &str, body: Value) -> Result<Value> {
        let url = format!("{}{path}", self.base);
        let resp = self.http.post(&url).json(&body).send().await?;
        answer(resp, &url).await
    }

    async fn get(&self, path: &str) -> Result<Value> {
        let url = format!("{}{path}", self.base);
        answer(self.http.get(&url).send().await?, &url).await
    }

    /// Creates a websocket-mode app.
    pub async fn create_app(&self, app_id: &str, secret: &str) -> Result<()> {
        self.post(
            "/_sim/apps",
            json!({"app_id": app_id, "app_secret": secret, "mode": "websocket"}),
        )
        .await
        .map(drop)
    }

    /// Creates a group chat with one user member; returns its chat id.
    pub async fn create_chat(&self, app: &str, name: &str, member: &Person) -> Result<String> {
        let v = self
            .post(
                &format!("/_sim/apps/{app}/chats"),
                json!({"name": name, "chat_mode": "group",
                       "members": [{"open_id": member.open_id, "name": member.name}]}),
            )
            .await?;
        str_field(&v, "chat_id")
    }

    /// A user sends a text message in a chat; returns its message id.
    pub async fn user_sends(
        &self,
        app: &str,
        chat: &str,
        who: &Person,
        text: &str,
    ) -> Result<String> {
        let v = self
            .post(
                &format!("/_sim/apps/{app}/messages"),
                json!({"chat_id": chat, "sender": {"open_id": who.open_id, "name": who.name},
                       "text": text}),
            )
            .await?;
        str_field(&v, "message_id")
    }

    /// Every message of a chat, oldest first (the control API's view).
    pub async fn chat_messages(&self, app: &str, chat: &str) -> Result<Vec<Value>> {
        items(
            self.get(&format!("/_sim/apps/{app}/chats/{chat}/messages"))
                .await?,
        )
    }

    /// Open long connections of the app.
    pub async fn connections(&self, app: &str) -> Result<u64> {
        let v = self.get(&format!("/_sim/apps/{app}/connections")).await?;
        Ok(v["count"].as_u64().unwrap_or(0))
    }

    /// Every event delivered to the app, with its attempts.
    pub async fn deliveries(&self, app: &str) -> Result<Vec<Value>> {
        items(self.get(&format!("/_sim/apps/{app}/deliveries")).await?)
    }

    /// Drops one of the app's long connections, like a network cut.
    pub async fn drop_connection(&self, app: &str) -> Result<()> {
        self.post(
            &format!("/_sim/apps/{app}/faults/drop_connection"),
            json!({}),
        )
        .await
        .map(drop)
    }

    /// Answers the next `n` API calls whose path contains `path` with `status` and `code`.
    pub async fn fail_next(&self, path: &str, n: u32, status: u16, code: i64) -> Result<()> {
        self.post(
            "/_sim/faults/fail_next",
            json!({"path": path, "n": n, "status": status, "code": code}),
        )
        .await
        .map(drop)
    }

    /// Ignores the app's ACKs (every event is delivered again after the ACK timeout), or not.
    pub async fn withhold_acks(&self, app: &str, withhold: bool) -> Result<()> {
        self.post(
            &format!("/_sim/apps/{app}/faults/acks"),
            json!({"withhold": withhold}),
        )
        .await
        .map(drop)
    }

    /// Every platform API call made for the app: `{at_ms, method, path, status, code}`.
    pub async fn calls(&self, app: &str) -> Result<Vec<Value>> {
        items(self.get(&format!("/_sim/apps/{app}/calls")).await?)
    }
}

/// A chat member, as the control API names people.
#[derive(Debug, Clone)]
pub struct Person {
    pub open_id: String,
    pub name: String,
}

/// A plain HTTP client for local calls: no proxy, a pool big enough for the injectors.
pub fn http_client() -> Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(256)
        .timeout(Duration::from_secs(30))
        .build()?)
}

async fn answer(resp: reqwest::Response, url: &str) -> Result<Value> {
    let status = resp.status();
    let text = resp.text().await?;
    if !status.is_success() {
        bail!("{url}: HTTP {status}: {text}");
    }
    serde_json::from_str(&text).with_context(|| format!("{url}: not JSON: {text}"))
}

fn str_field(v: &Value, key: &str) -> Result<String> {
    v[key]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| anyhow!("no {key} in {v}"))
}

fn items(mut v: Value) -> Result<Vec<Value>> {
    match v["items"].take() {
        Value::Array(a) => Ok(a),
        other => bail!("expected items, got {other}"),
    }
}
