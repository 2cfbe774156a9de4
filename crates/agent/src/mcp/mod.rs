//! The MCP client: every server of `agent.mcpServers` started and kept alive ([`server`]),
//! its tools offered to the model as `<server>__<tool>` with their own schemas, calls bounded
//! by the server's `timeoutSeconds`, results capped (the model is told when one was cut).
//! [`McpHub::status`] says how each server is doing, for `/status` and `openclaw doctor`.

mod server;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use base64::Engine;
use openclaw_config::McpServer;
use rmcp::model::{CallToolRequestParams, CallToolResult, ContentBlock, ResourceContents};
use rmcp::service::ServiceError;
use serde_json::Value;

pub use server::Phase;
use server::Shared;

use crate::tool::{ToolContent, ToolContext, ToolOutput, ToolSet, ToolSpec};
use crate::utf8::cut_at_chars;

/// Characters of text one tool result may bring back to the model.
pub const MAX_RESULT_CHARS: usize = 50_000;
/// Images larger than this (base64) are left out of a result.
const MAX_IMAGE_BASE64: usize = 7 * 1024 * 1024;
/// Names the model sees are at most this long (the providers' limit).
const MAX_NAME: usize = 64;

/// One server's state, as `/status` shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct McpServerStatus {
    pub name: String,
    /// `stdio` or `http`.
    pub transport: &'static str,
    pub state: Phase,
    /// Tools of the last listing.
    pub tools: usize,
    pub restarts: u32,
    /// Why it is down (or was last down), without secrets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
}

/// Every configured MCP server. Dropping the hub stops them (programs are killed).
pub struct McpHub {
    servers: Vec<Arc<Shared>>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl std::fmt::Debug for McpHub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("McpHub")
            .field("servers", &self.status())
            .finish()
    }
}

impl Drop for McpHub {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

impl McpHub {
    /// Starts every server in the background (on the current tokio runtime); their tools
    /// appear as each finishes its first listing. Without a runtime nothing starts and every
    /// server stays `starting` (and says so).
    pub fn start(specs: &[McpServer]) -> McpHub {
        let mut servers = Vec::new();
        let mut tasks = Vec::new();
        let runtime = tokio::runtime::Handle::try_current();
        for spec in specs {
            let shared = Arc::new(Shared::new(spec));
            match &runtime {
                Ok(rt) => tasks.push(rt.spawn(server::supervise(shared.clone(), spec.clone()))),
                Err(_) => {
                    tracing::error!(target: "mcp", "[{}] not started: no async runtime", spec.name)
                }
            }
            servers.push(shared);
        }
        McpHub { servers, tasks }
    }

    pub fn is_empty(&self) -> bool {
        self.servers.is_empty()
    }

    pub fn status(&self) -> Vec<McpServerStatus> {
        self.servers
            .iter()
            .map(|s| {
                let st = s.lock();
                McpServerStatus {
                    name: s.name.clone(),
                    transport: s.transport,
                    state: st.phase,
                    tools: st.tools.len(),
                    restarts: st.restarts,
                    last_error: st.last_error.clone(),
                }
            })
            .collect()
    }

    /// Waits (at most `limit`) until no server is still in its first start, so the first turn
    /// after the gateway starts sees their tools.
    pub async fn ready(&self, limit: Duration) {
        let deadline = tokio::time::Instant::now() + limit;
        for s in &self.servers {
            loop {
                let changed = s.changed.notified();
                if s.lock().phase != Phase::Starting {
                    break;
                }
                if tokio::time::timeout_at(deadline, changed).await.is_err() {
                    return;
                }
            }
        }
    }

    /// Waits (at most `limit`) until the named server is in `phase`; whether it got there.
    pub async fn wait_for(&self, name: &str, phase: Phase, limit: Duration) -> bool {
        let Some(s) = self.servers.iter().find(|s| s.name == name) else {
            return false;
        };
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let changed = s.changed.notified();
            if s.lock().phase == phase {
                return true;
            }
            if tokio::time::timeout_at(deadline, changed).await.is_err() {
                return s.lock().phase == phase;
            }
        }
    }

    /// The server and the tool's own name behind a name the model used.
    fn find(&self, name: &str) -> Option<(&Arc<Shared>, String)> {
        self.servers.iter().find_map(|s| {
            let st = s.lock();
            st.tools
                .iter()
                .find(|t| model_name(&s.name, &t.name) == name)
                .map(|t| (s, t.name.to_string()))
        })
    }
}

/// `<server>__<tool>`, with characters the providers refuse replaced and the length bounded.
pub fn model_name(server: &str, tool: &str) -> String {
    let mut name: String = format!("{server}__{tool}")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    name.truncate(MAX_NAME);
    name
}

#[async_trait]
impl ToolSet for McpHub {
    fn specs(&self) -> Vec<ToolSpec> {
        let mut specs = Vec::new();
        for s in &self.servers {
            let st = s.lock();
            let down = st.phase != Phase::Running;
            for t in &st.tools {
                let mut description = t.description.as_deref().unwrap_or("").to_owned();
                if down {
                    description.push_str(" (currently unavailable: its server is restarting)");
                }
                specs.push(ToolSpec {
                    name: model_name(&s.name, &t.name),
                    description: format!("[MCP server {}] {description}", s.name),
                    input_schema: Value::Object((*t.input_schema).clone()),
                });
            }
        }
        specs
    }

    async fn call(&self, _ctx: &ToolContext, name: &str, input: Value) -> Option<ToolOutput> {
        let (server, tool) = self.find(name)?;
        Some(call(server, &tool, name, input).await)
    }
}

async fn call(server: &Shared, tool: &str, shown: &str, input: Value) -> ToolOutput {
    let (peer, connection) = {
        let st = server.lock();
        match (&st.peer, st.phase) {
            (Some(p), Phase::Running) => (p.clone(), st.connection),
            _ => {
                let why = st.last_error.as_deref().unwrap_or("it is starting");
                return ToolOutput::error(format!(
                    "{shown} is unavailable: the MCP server {:?} is down ({why}) and is being \
                     restarted; try again later, or answer without it",
                    server.name
                ));
            }
        }
    };
    let args = match input {
        Value::Object(map) => map,
        Value::Null => Default::default(),
        other => {
            return ToolOutput::error(format!(
                "{shown} takes its arguments as one JSON object, not {other}"
            ));
        }
    };
    let params = CallToolRequestParams::new(tool.to_owned()).with_arguments(args);
    let secs = server.timeout.as_secs_f64();
    match tokio::time::timeout(server.timeout, peer.call_tool(params)).await {
        Err(_) => ToolOutput::error(format!(
            "{shown} took longer than {secs} s and was stopped; try a smaller request"
        )),
        Ok(Ok(result)) => to_output(result),
        // The server answered with an error: it is alive, the call was wrong.
        Ok(Err(ServiceError::McpError(e))) => {
            ToolOutput::error(format!("{shown} failed: {}", e.message))
        }
        Ok(Err(e)) => {
            server.report_broken(connection);
            ToolOutput::error(format!(
                "{shown} is unavailable: the connection to the MCP server {:?} broke ({e}); it is \
                 being restarted",
                server.name
            ))
        }
    }
}

/// A tool result as the model sees it: text (capped), images, embedded text resources.
fn to_output(r: CallToolResult) -> ToolOutput {
    let mut text = String::new();
    let mut images = Vec::new();
    let mut push = |t: &str| {
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(t);
    };
    for block in &r.content {
        match block {
            ContentBlock::Text(t) => push(&t.text),
            ContentBlock::Image(i) if i.data.len() <= MAX_IMAGE_BASE64 => {
                images.push(ToolContent::Image {
                    media_type: i.mime_type.clone(),
                    data_base64: i.data.clone(),
                })
            }
            ContentBlock::Image(i) => {
                push(&format!("[an image of {} bytes left out]", i.data.len()))
            }
            ContentBlock::Audio(_) => push("[audio left out]"),
            ContentBlock::Resource(res) => match &res.resource {
                ResourceContents::TextResourceContents { uri, text, .. } => {
                    push(&format!("[resource {uri}]\n{text}"))
                }
                ResourceContents::BlobResourceContents { uri, blob, .. } => {
                    let size = base64::engine::general_purpose::STANDARD
                        .decode(blob)
                        .map_or(blob.len(), |b| b.len());
                    push(&format!("[binary resource {uri}, {size} bytes]"))
                }
                _ => push("[a resource of a kind this client does not read]"),
            },
            ContentBlock::ResourceLink(link) => push(&format!("[resource link {}]", link.uri)),
            _ => push("[content of a kind this client does not read]"),
        }
    }
    if text.is_empty()
        && images.is_empty()
        && let Some(v) = &r.structured_content
    {
        text = v.to_string();
    }
    let total = text.chars().count();
    let mut shown = cut_at_chars(&text, MAX_RESULT_CHARS).to_owned();
    if total > MAX_RESULT_CHARS {
        shown.push_str(&format!(
            "\n[cut: the result was {total} characters; only the first {MAX_RESULT_CHARS} are shown]"
        ));
    }
    let mut content = vec![ToolContent::Text { text: shown }];
    content.extend(images);
    ToolOutput {
        content,
        is_error: r.is_error.unwrap_or(false),
        ends_turn: false,
    }
}
