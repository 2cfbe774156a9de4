//! One MCP server kept alive: started (a program over stdio) or connected (streamable HTTP),
//! its tools listed, watched until it exits or its connection breaks, then started again after
//! a backoff that doubles up to 30 s. While it is down its tools answer "unavailable".
//!
//! Server secrets (`env`, `headers`) go to the process or the wire only: logs name the server,
//! its program or its URL's host, never a value.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use openclaw_config::{McpServer, McpTransport};
use rmcp::model::{ClientCapabilities, ClientConfig, Implementation, Tool as McpTool};
use rmcp::service::{NotificationContext, Peer, RunningService};
use rmcp::{ClientHandler, RoleClient, ServiceExt};
use tokio::io::AsyncBufReadExt;
use tokio::sync::Notify;

/// The first wait before a restart; each failure in a row doubles it.
const FIRST_BACKOFF: Duration = Duration::from_millis(500);
const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// A server that stayed up this long starts over at the first backoff.
const STABLE: Duration = Duration::from_secs(60);
/// Starting and listing tools may take at least this long, whatever a call may take (a
/// program's interpreter can be slow to start on a busy machine).
const MIN_START: Duration = Duration::from_secs(30);

/// Where a server is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    /// Being started for the first time.
    Starting,
    Running,
    /// Exited or unreachable; a restart is scheduled.
    Down,
}

/// What one server's supervisor shares with its tools.
pub(crate) struct Shared {
    pub(crate) name: String,
    pub(crate) transport: &'static str,
    pub(crate) timeout: Duration,
    pub(crate) state: Mutex<State>,
    /// Wakes the supervisor when a call finds the connection broken.
    kick: Notify,
    /// Signalled whenever the phase changes.
    pub(crate) changed: Notify,
}

pub(crate) struct State {
    pub(crate) phase: Phase,
    pub(crate) peer: Option<Peer<RoleClient>>,
    /// The last listing; kept while down, so the tools stay offered (and say unavailable).
    pub(crate) tools: Vec<McpTool>,
    pub(crate) last_error: Option<String>,
    pub(crate) restarts: u32,
    /// Counts connections, so a broken one is reported against the right connection.
    pub(crate) connection: u64,
    /// The connection a call last found broken.
    broken: u64,
}

impl Shared {
    pub(crate) fn new(spec: &McpServer) -> Shared {
        Shared {
            name: spec.name.clone(),
            transport: match spec.transport {
                McpTransport::Stdio { .. } => "stdio",
                McpTransport::Http { .. } => "http",
            },
            timeout: spec.timeout,
            state: Mutex::new(State {
                phase: Phase::Starting,
                peer: None,
                tools: Vec::new(),
                last_error: None,
                restarts: 0,
                connection: 0,
                broken: 0,
            }),
            kick: Notify::new(),
            changed: Notify::new(),
        }
    }

    pub(crate) fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A call found connection number `connection` broken: drop it and connect again (a
    /// report about an earlier connection is ignored).
    pub(crate) fn report_broken(&self, connection: u64) {
        let mut st = self.lock();
        if st.connection == connection && st.broken != connection {
            st.broken = connection;
            drop(st);
            self.kick.notify_one();
        }
    }

    fn set(&self, f: impl FnOnce(&mut State)) {
        f(&mut self.lock());
        self.changed.notify_waiters();
    }
}

/// Keeps one server alive until the task is aborted (which drops the connection and, for a
/// program, kills it).
pub(crate) async fn supervise(shared: Arc<Shared>, spec: McpServer) {
    let mut backoff = FIRST_BACKOFF;
    let name = shared.name.clone();
    loop {
        let started = Instant::now();
        match connect(&spec, &shared).await {
            Ok((running, tools)) => {
                tracing::info!(target: "mcp", "[{name}] connected ({}): {} tool(s)", shared.transport, tools.len());
                let mut connection = 0;
                shared.set(|s| {
                    s.phase = Phase::Running;
                    s.peer = Some(running.peer().clone());
                    s.tools = tools;
                    s.last_error = None;
                    s.connection += 1;
                    connection = s.connection;
                });
                let token = running.cancellation_token();
                let waiting = running.waiting();
                tokio::pin!(waiting);
                let why = loop {
                    tokio::select! {
                        _ = &mut waiting => break "it exited".to_owned(),
                        _ = shared.kick.notified() => {
                            // A stale wake-up (about an earlier connection) changes nothing.
                            if shared.lock().broken == connection {
                                token.cancel();
                                let _ = waiting.await;
                                break "its connection broke".to_owned();
                            }
                        }
                    }
                };
                shared.set(|s| {
                    s.phase = Phase::Down;
                    s.peer = None;
                    s.last_error = Some(why);
                });
            }
            Err(e) => {
                shared.set(|s| {
                    s.phase = Phase::Down;
                    s.peer = None;
                    s.last_error = Some(e);
                });
            }
        }
        if started.elapsed() >= STABLE {
            backoff = FIRST_BACKOFF;
        }
        let why = shared.lock().last_error.clone().unwrap_or_default();
        tracing::warn!(target: "mcp", "[{name}] unavailable ({why}); restarting in {} ms", backoff.as_millis());
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(MAX_BACKOFF);
        shared.set(|s| s.restarts += 1);
    }
}

type Running = RunningService<RoleClient, Client>;

/// Our side of a connection: how we introduce ourselves, and a new listing of the tools when
/// the server says they changed.
struct Client {
    config: ClientConfig,
    shared: Weak<Shared>,
}

impl Client {
    fn new(shared: &Arc<Shared>) -> Client {
        Client {
            config: ClientConfig::new(
                ClientCapabilities::default(),
                Implementation::new("openclaw", env!("CARGO_PKG_VERSION")),
            ),
            shared: Arc::downgrade(shared),
        }
    }
}

impl ClientHandler for Client {
    fn get_info(&self) -> ClientConfig {
        self.config.clone()
    }

    async fn on_tool_list_changed(&self, context: NotificationContext<RoleClient>) {
        let Some(shared) = self.shared.upgrade() else {
            return;
        };
        match context.peer.list_all_tools().await {
            Ok(tools) => {
                tracing::info!(target: "mcp", "[{}] its tools changed: {} tool(s)", shared.name, tools.len());
                shared.set(|s| s.tools = tools);
            }
            Err(e) => {
                tracing::warn!(target: "mcp", "[{}] listing its changed tools failed: {e}", shared.name)
            }
        }
    }
}

/// Starts or connects to the server and lists its tools, within the server's timeout (and at
/// least [`MIN_START`]).
async fn connect(
    spec: &McpServer,
    shared: &Arc<Shared>,
) -> Result<(Running, Vec<McpTool>), String> {
    let limit = spec.timeout.max(MIN_START);
    let work = async {
        let running = match &spec.transport {
            McpTransport::Stdio {
                command,
                args,
                env,
                cwd,
            } => {
                let mut cmd = tokio::process::Command::new(command);
                cmd.args(args);
                for (k, v) in env {
                    cmd.env(k, v.expose());
                }
                if let Some(dir) = cwd {
                    cmd.current_dir(dir);
                }
                let (child, stderr) = rmcp::transport::TokioChildProcess::builder(cmd)
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .map_err(|e| format!("cannot start {command}: {e}"))?;
                if let Some(stderr) = stderr {
                    forward_stderr(spec.name.clone(), stderr);
                }
                Client::new(shared)
                    .serve(child)
                    .await
                    .map_err(|e| format!("{command} did not complete the MCP handshake: {e}"))?
            }
            McpTransport::Http { url, headers } => {
                use rmcp::transport::StreamableHttpClientTransport;
                use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
                let mut map = HashMap::new();
                for (k, v) in headers {
                    let name = reqwest::header::HeaderName::from_bytes(k.as_bytes())
                        .map_err(|_| format!("the header name {k:?} is not valid"))?;
                    let mut value = reqwest::header::HeaderValue::from_str(v.expose())
                        .map_err(|_| format!("the value of header {k:?} is not valid"))?;
                    value.set_sensitive(true);
                    map.insert(name, value);
                }
                let config =
                    StreamableHttpClientTransportConfig::with_uri(url.as_str()).custom_headers(map);
                let transport =
                    StreamableHttpClientTransport::with_client(reqwest::Client::new(), config);
                Client::new(shared).serve(transport).await.map_err(|e| {
                    format!("{} did not answer the MCP handshake: {e}", host_of(url))
                })?
            }
        };
        let tools = running
            .peer()
            .list_all_tools()
            .await
            .map_err(|e| format!("listing its tools failed: {e}"))?;
        Ok::<_, String>((running, tools))
    };
    match tokio::time::timeout(limit, work).await {
        Ok(r) => r,
        Err(_) => Err(format!(
            "it did not start and list its tools within {} s",
            limit.as_secs()
        )),
    }
}

/// The scheme and host of a URL, for messages (a query or path may carry a token).
fn host_of(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(u) => format!("{}://{}", u.scheme(), u.host_str().unwrap_or("")),
        Err(_) => "the server".to_owned(),
    }
}

/// The program's stderr goes to the debug log, line by line, under its server's name.
fn forward_stderr(name: String, stderr: tokio::process::ChildStderr) {
    tokio::spawn(async move {
        let mut lines = tokio::io::BufReader::new(stderr).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            tracing::debug!(target: "mcp", "[{name}] stderr: {line}");
        }
    });
}
