//! The Anthropic Messages API (`POST /v1/messages`, `stream: true`): the request in its wire
//! format (system and tools marked for prompt caching, image and tool blocks) and its event
//! stream (message_start, content_block_start/delta/stop with text and input_json deltas,
//! message_delta with usage, message_stop, ping, error) turned into [`ProviderEvent`]s.

use std::collections::BTreeMap;

use async_trait::async_trait;
use serde_json::{Value, json};

use super::http::{Endpoint, post_stream};
use super::message::{Block, Message, Role, Usage};
use super::provider::{ChatRequest, EventStream, Provider, ProviderError, ProviderEvent};
use super::sse::SseEvent;
use crate::credentials::KeySource;
use crate::tool::ToolContent;

const NAME: &str = "anthropic";
pub const DEFAULT_MODEL: &str = "claude-sonnet-4-5";
pub const DEFAULT_BASE_URL: &str = "https://api.anthropic.com";
const API_VERSION: &str = "2023-06-01";

/// Claude through the Messages API.
#[derive(Debug, Clone)]
pub struct AnthropicProvider {
    ep: Endpoint,
}

impl AnthropicProvider {
    /// `model` and `base_url` default to a current Claude model and api.anthropic.com.
    pub fn new(model: Option<String>, base_url: Option<String>, key: KeySource) -> Self {
        AnthropicProvider {
            ep: Endpoint::new(model, base_url, key, DEFAULT_MODEL, DEFAULT_BASE_URL),
        }
    }

    fn url(&self) -> String {
        if self.ep.base_url.ends_with("/v1") {
            format!("{}/messages", self.ep.base_url)
        } else {
            format!("{}/v1/messages", self.ep.base_url)
        }
    }
}

#[async_trait]
impl Provider for AnthropicProvider {
    fn name(&self) -> &'static str {
        NAME
    }

    fn model(&self) -> &str {
        &self.ep.model
    }

    async fn start(&self, req: &ChatRequest) -> Result<EventStream, ProviderError> {
        let key = self.ep.key.resolve().ok_or(ProviderError::NoApiKey {
            provider: NAME,
            env: self.ep.key.env_name(),
        })?;
        let body = request_body(&self.ep.model, req);
        let http = self
            .ep
            .http
            .post(self.url())
            .header("x-api-key", key.expose())
            .header("anthropic-version", API_VERSION);
        let sse = post_stream(NAME, http, &key, &body).await?;
        Ok(decode(sse))
    }
}

/// The JSON body of a streamed Messages call.
pub fn request_body(model: &str, req: &ChatRequest) -> Value {
    let ephemeral = json!({ "type": "ephemeral" });
    let mut body = json!({
        "model": model,
        "max_tokens": req.max_tokens,
        "stream": true,
        "messages": messages(&req.messages),
    });
    // Cache breakpoints: tools and system are the same on every call of a chat, and the
    // conversation so far is the same on the next call; each marker caches everything before it.
    if !req.system.is_empty() {
        body["system"] =
            json!([{ "type": "text", "text": req.system, "cache_control": ephemeral }]);
    }
    if !req.tools.is_empty() {
        let mut tools: Vec<Value> = req
            .tools
            .iter()
            .map(|t| json!({ "name": t.name, "description": t.description, "input_schema": t.input_schema }))
            .collect();
        if let Some(last) = tools.last_mut() {
            last["cache_control"] = ephemeral.clone();
        }
        body["tools"] = Value::Array(tools);
        if req.no_more_tools {
            body["tool_choice"] = json!({ "type": "none" });
        }
    }
    if let Some(last) = body["messages"]
        .as_array_mut()
        .and_then(|m| m.last_mut())
        .and_then(|m| m["content"].as_array_mut())
        .and_then(|c| c.last_mut())
    {
        last["cache_control"] = ephemeral;
    }
    body
}

/// Messages in the wire format. Empty text is dropped (the API refuses it), messages left
/// empty are skipped, and neighbours of one role are merged (the API wants them alternating).
fn messages(msgs: &[Message]) -> Vec<Value> {
    let mut out: Vec<(Role, Vec<Value>)> = Vec::new();
    for m in msgs {
        let blocks: Vec<Value> = m.content.iter().filter_map(block).collect();
        if blocks.is_empty() {
            continue;
        }
        match out.last_mut() {
            Some((role, content)) if *role == m.role => content.extend(blocks),
            _ => out.push((m.role, blocks)),
        }
    }
    out.into_iter()
        .map(|(role, mut content)| {
            // Tool results must come first in a user message.
            content.sort_by_key(|b| b["type"] != "tool_result");
            let role = match role {
                Role::User => "user",
                Role::Assistant => "assistant",
            };
            json!({ "role": role, "content": content })
        })
        .collect()
}

fn image(media_type: &str, data: &str) -> Value {
    json!({ "type": "image", "source": { "type": "base64", "media_type": media_type, "data": data } })
}

fn block(b: &Block) -> Option<Value> {
    Some(match b {
        Block::Text { text } if text.is_empty() => return None,
        Block::Text { text } => json!({ "type": "text", "text": text }),
        Block::Image {
            media_type,
            data_base64,
        } => image(media_type, data_base64),
        Block::ToolUse { id, name, input } => {
            json!({ "type": "tool_use", "id": id, "name": name, "input": input })
        }
        Block::ToolResult {
            tool_use_id,
            content,
            is_error,
        } => {
            let mut parts: Vec<Value> = content
                .iter()
                .filter_map(|c| match c {
                    ToolContent::Text { text } if text.is_empty() => None,
                    ToolContent::Text { text } => Some(json!({ "type": "text", "text": text })),
                    ToolContent::Image {
                        media_type,
                        data_base64,
                    } => Some(image(media_type, data_base64)),
                })
                .collect();
            if parts.is_empty() {
                parts.push(json!({ "type": "text", "text": "(no output)" }));
            }
            json!({ "type": "tool_result", "tool_use_id": tool_use_id, "content": parts, "is_error": is_error })
        }
    })
}

/// A content block being streamed.
enum Open {
    Text,
    Tool {
        id: String,
        name: String,
        json: String,
    },
    Other,
}

#[derive(Default)]
struct Decoder {
    blocks: BTreeMap<u64, Open>,
    usage: Usage,
    stop_reason: Option<String>,
    done: bool,
}

fn protocol(message: String) -> ProviderError {
    ProviderError::Protocol {
        provider: NAME,
        message,
    }
}

fn num(v: &Value, key: &str) -> Option<u64> {
    v.get(key).and_then(Value::as_u64)
}

impl Decoder {
    fn usage(&mut self, u: &Value) {
        if let Some(n) = num(u, "input_tokens") {
            self.usage.input_tokens = n;
        }
        if let Some(n) = num(u, "output_tokens") {
            self.usage.output_tokens = n;
        }
        if let Some(n) = num(u, "cache_read_input_tokens") {
            self.usage.cache_read_tokens = n;
        }
        if let Some(n) = num(u, "cache_creation_input_tokens") {
            self.usage.cache_write_tokens = n;
        }
    }

    fn on_event(&mut self, ev: &SseEvent) -> Result<Vec<ProviderEvent>, ProviderError> {
        let v: Value = serde_json::from_str(&ev.data)
            .map_err(|e| protocol(format!("an event is not JSON ({e})")))?;
        let kind = v
            .get("type")
            .and_then(Value::as_str)
            .or(ev.event.as_deref())
            .unwrap_or("");
        let index = num(&v, "index").unwrap_or(0);
        let mut out = Vec::new();
        match kind {
            "message_start" => {
                if let Some(u) = v.pointer("/message/usage") {
                    self.usage(u);
                }
            }
            "content_block_start" => {
                let b = &v["content_block"];
                let open = match b["type"].as_str() {
                    Some("text") => {
                        if let Some(t) = b["text"].as_str().filter(|t| !t.is_empty()) {
                            out.push(ProviderEvent::Text(t.to_owned()));
                        }
                        Open::Text
                    }
                    Some("tool_use") => Open::Tool {
                        id: b["id"].as_str().unwrap_or_default().to_owned(),
                        name: b["name"].as_str().unwrap_or_default().to_owned(),
                        json: String::new(),
                    },
                    _ => Open::Other,
                };
                self.blocks.insert(index, open);
            }
            "content_block_delta" => {
                let d = &v["delta"];
                match (d["type"].as_str(), self.blocks.get_mut(&index)) {
                    (Some("text_delta"), _) => {
                        if let Some(t) = d["text"].as_str().filter(|t| !t.is_empty()) {
                            out.push(ProviderEvent::Text(t.to_owned()));
                        }
                    }
                    (Some("input_json_delta"), Some(Open::Tool { json, .. })) => {
                        json.push_str(d["partial_json"].as_str().unwrap_or(""));
                    }
                    _ => {}
                }
            }
            "content_block_stop" => {
                if let Some(Open::Tool { id, name, json }) = self.blocks.remove(&index) {
                    out.push(tool_call(id, name, &json));
                }
            }
            "message_delta" => {
                if let Some(r) = v.pointer("/delta/stop_reason").and_then(Value::as_str) {
                    self.stop_reason = Some(r.to_owned());
                }
                if let Some(u) = v.get("usage") {
                    self.usage(u);
                }
            }
            "message_stop" => {
                self.done = true;
                out.push(ProviderEvent::Usage(self.usage));
                out.push(ProviderEvent::Done {
                    stop_reason: self.stop_reason.take(),
                });
            }
            "error" => {
                let e = &v["error"];
                return Err(ProviderError::Stream {
                    provider: NAME,
                    kind: e["type"].as_str().unwrap_or("error").to_owned(),
                    message: e["message"]
                        .as_str()
                        .unwrap_or("")
                        .chars()
                        .take(300)
                        .collect(),
                });
            }
            // ping, and event types added after this was written.
            _ => {}
        }
        Ok(out)
    }
}

/// A finished tool_use block. No deltas means no arguments (`{}`).
pub(crate) fn tool_call(id: String, name: String, json: &str) -> ProviderEvent {
    let (input, input_error) = if json.trim().is_empty() {
        (Value::Object(Default::default()), None)
    } else {
        match serde_json::from_str::<Value>(json) {
            Ok(v) => (v, None),
            Err(e) => (
                Value::Null,
                Some(format!("the arguments were not valid JSON ({e})")),
            ),
        }
    };
    ProviderEvent::ToolCall {
        id,
        name,
        input,
        input_error,
    }
}

impl super::sse::Decode for Decoder {
    fn event(&mut self, ev: &SseEvent) -> Result<Vec<ProviderEvent>, ProviderError> {
        self.on_event(ev)
    }

    fn is_done(&self) -> bool {
        self.done
    }

    fn closed(&mut self) -> Result<Vec<ProviderEvent>, ProviderError> {
        self.done = true;
        Err(ProviderError::Dropped {
            provider: NAME,
            message: "no message_stop event".into(),
        })
    }
}

fn decode(
    sse: futures::stream::BoxStream<'static, Result<super::sse::SseEvent, ProviderError>>,
) -> EventStream {
    super::sse::decode_stream(sse, Decoder::default())
}
