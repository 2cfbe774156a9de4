//! OpenAI-compatible chat completions (`POST {baseUrl}/chat/completions`, `stream: true`): OpenAI
//! itself and the servers that speak its API (DeepSeek, Qwen, vLLM, Ollama). Tool calls arrive
//! as `tool_calls` deltas whose arguments come in pieces; usage comes in a last chunk
//! (`stream_options.include_usage`); the stream ends with `data: [DONE]`.

use std::collections::BTreeMap;

use async_trait::async_trait;
use serde_json::{Value, json};

use super::anthropic::tool_call;
use super::http::{Endpoint, post_stream};
use super::message::{Block, Message, Role, Usage};
use super::provider::{ChatRequest, EventStream, Provider, ProviderError, ProviderEvent};
use super::sse::SseEvent;
use crate::credentials::KeySource;
use crate::tool::ToolContent;

const NAME: &str = "openai";
pub const DEFAULT_MODEL: &str = "gpt-5";
pub const DEFAULT_BASE_URL: &str = "https://api.openai.com/v1";

/// A chat-completions server.
#[derive(Debug, Clone)]
pub struct OpenAiProvider {
    ep: Endpoint,
}

impl OpenAiProvider {
    /// `base_url` is the API root including `/v1` (e.g. `http://localhost:11434/v1` for Ollama).
    pub fn new(model: Option<String>, base_url: Option<String>, key: KeySource) -> Self {
        OpenAiProvider {
            ep: Endpoint::new(model, base_url, key, DEFAULT_MODEL, DEFAULT_BASE_URL),
        }
    }

    /// OpenAI itself wants `max_completion_tokens` (its newer models refuse `max_tokens`); the
    /// compatible servers know `max_tokens`.
    fn is_openai(&self) -> bool {
        self.ep.base_url.contains("api.openai.com")
    }
}

#[async_trait]
impl Provider for OpenAiProvider {
    fn name(&self) -> &'static str {
        NAME
    }

    fn model(&self) -> &str {
        &self.ep.model
    }

    async fn start(&self, req: &ChatRequest) -> Result<EventStream, ProviderError> {
        let key = self.ep.key.resolve();
        // Local servers (Ollama, vLLM) often need no key; only OpenAI itself insists.
        if key.is_none() && self.is_openai() {
            return Err(ProviderError::NoApiKey {
                provider: NAME,
                env: self.ep.key.env_name(),
            });
        }
        let key = key.unwrap_or_else(|| crate::credentials::ApiKey::new(""));
        let body = request_body(&self.ep.model, req, self.is_openai());
        let mut http = self
            .ep
            .http
            .post(format!("{}/chat/completions", self.ep.base_url));
        if !key.expose().is_empty() {
            http = http.bearer_auth(key.expose());
        }
        let sse = post_stream(NAME, http, &key, &body).await?;
        Ok(decode(sse))
    }
}

/// The JSON body of a streamed chat-completions call.
pub fn request_body(model: &str, req: &ChatRequest, completion_tokens: bool) -> Value {
    let mut msgs = Vec::new();
    if !req.system.is_empty() {
        msgs.push(json!({ "role": "system", "content": req.system }));
    }
    for m in &req.messages {
        messages(m, &mut msgs);
    }
    let mut body = json!({
        "model": model,
        "stream": true,
        "stream_options": { "include_usage": true },
        "messages": msgs,
    });
    let tokens_key = if completion_tokens {
        "max_completion_tokens"
    } else {
        "max_tokens"
    };
    body[tokens_key] = json!(req.max_tokens);
    if !req.tools.is_empty() {
        let tools: Vec<Value> = req
            .tools
            .iter()
            .map(|t| json!({ "type": "function", "function": { "name": t.name, "description": t.description, "parameters": t.input_schema } }))
            .collect();
        body["tools"] = Value::Array(tools);
        if req.no_more_tools {
            body["tool_choice"] = json!("none");
        }
    }
    body
}

fn image_part(media_type: &str, data: &str) -> Value {
    json!({ "type": "image_url", "image_url": { "url": format!("data:{media_type};base64,{data}") } })
}

/// One message in the wire format: tool results become `tool` messages (text only, as the API
/// takes them), and images a tool returned follow in a user message.
fn messages(m: &Message, out: &mut Vec<Value>) {
    match m.role {
        Role::Assistant => {
            let text: String = m.text();
            let calls: Vec<Value> = m
                .content
                .iter()
                .filter_map(|b| match b {
                    Block::ToolUse { id, name, input } => Some(json!({
                        "id": id, "type": "function",
                        "function": { "name": name, "arguments": input.to_string() }
                    })),
                    _ => None,
                })
                .collect();
            if text.is_empty() && calls.is_empty() {
                return;
            }
            let mut msg = json!({ "role": "assistant", "content": if text.is_empty() { Value::Null } else { Value::String(text) } });
            if !calls.is_empty() {
                msg["tool_calls"] = Value::Array(calls);
            }
            out.push(msg);
        }
        Role::User => {
            let mut parts = Vec::new();
            let mut tool_images = Vec::new();
            for b in &m.content {
                match b {
                    Block::Text { text } if !text.is_empty() => {
                        parts.push(json!({ "type": "text", "text": text }))
                    }
                    Block::Image {
                        media_type,
                        data_base64,
                    } => parts.push(image_part(media_type, data_base64)),
                    Block::ToolResult {
                        tool_use_id,
                        content,
                        is_error,
                    } => {
                        let mut text: Vec<String> = Vec::new();
                        for c in content {
                            match c {
                                ToolContent::Text { text: t } => text.push(t.clone()),
                                ToolContent::Image {
                                    media_type,
                                    data_base64,
                                } => {
                                    text.push("(the image follows in the next message)".into());
                                    tool_images.push(image_part(media_type, data_base64));
                                }
                            }
                        }
                        let mut text = text.join("\n");
                        if *is_error {
                            text = format!("Error: {text}");
                        }
                        if text.is_empty() {
                            text = "(no output)".into();
                        }
                        out.push(
                            json!({ "role": "tool", "tool_call_id": tool_use_id, "content": text }),
                        );
                    }
                    _ => {}
                }
            }
            if !tool_images.is_empty() {
                let mut p = vec![
                    json!({ "type": "text", "text": "Images returned by the tool calls above:" }),
                ];
                p.extend(tool_images);
                out.push(json!({ "role": "user", "content": p }));
            }
            if parts.is_empty() {
                return;
            }
            // Plain text as a string: the form every compatible server accepts.
            let content = if parts.iter().all(|p| p["type"] == "text") {
                Value::String(
                    parts
                        .iter()
                        .filter_map(|p| p["text"].as_str())
                        .collect::<Vec<_>>()
                        .join("\n"),
                )
            } else {
                Value::Array(parts)
            };
            out.push(json!({ "role": "user", "content": content }));
        }
    }
}

#[derive(Default)]
struct Call {
    id: String,
    name: String,
    args: String,
}

#[derive(Default)]
struct Decoder {
    calls: BTreeMap<u64, Call>,
    usage: Option<Usage>,
    finish: Option<String>,
    done: bool,
}

impl Decoder {
    fn end(&mut self) -> Vec<ProviderEvent> {
        self.done = true;
        let mut out: Vec<ProviderEvent> = std::mem::take(&mut self.calls)
            .into_values()
            .map(|c| tool_call(c.id, c.name, &c.args))
            .collect();
        out.push(ProviderEvent::Usage(self.usage.unwrap_or_default()));
        out.push(ProviderEvent::Done {
            stop_reason: self.finish.take(),
        });
        out
    }

    fn on_event(&mut self, ev: &SseEvent) -> Result<Vec<ProviderEvent>, ProviderError> {
        let data = ev.data.trim();
        if data == "[DONE]" {
            return Ok(self.end());
        }
        let v: Value = serde_json::from_str(data).map_err(|e| ProviderError::Protocol {
            provider: NAME,
            message: format!("a chunk is not JSON ({e})"),
        })?;
        if let Some(e) = v.get("error") {
            return Err(ProviderError::Stream {
                provider: NAME,
                kind: e["type"]
                    .as_str()
                    .or(e["code"].as_str())
                    .unwrap_or("server_error")
                    .to_owned(),
                message: e["message"]
                    .as_str()
                    .or(e.as_str())
                    .unwrap_or("")
                    .chars()
                    .take(300)
                    .collect(),
            });
        }
        let mut out = Vec::new();
        if let Some(u) = v.get("usage").filter(|u| u.is_object()) {
            let prompt = u["prompt_tokens"].as_u64().unwrap_or(0);
            let cached = u
                .pointer("/prompt_tokens_details/cached_tokens")
                .and_then(Value::as_u64)
                .unwrap_or(0);
            self.usage = Some(Usage {
                input_tokens: prompt.saturating_sub(cached),
                output_tokens: u["completion_tokens"].as_u64().unwrap_or(0),
                cache_read_tokens: cached,
                cache_write_tokens: 0,
            });
        }
        let Some(choice) = v["choices"].as_array().and_then(|c| c.first()) else {
            return Ok(out);
        };
        let delta = &choice["delta"];
        if let Some(t) = delta["content"].as_str().filter(|t| !t.is_empty()) {
            out.push(ProviderEvent::Text(t.to_owned()));
        }
        if let Some(calls) = delta["tool_calls"].as_array() {
            for (n, c) in calls.iter().enumerate() {
                let index = c["index"].as_u64().unwrap_or(n as u64);
                let call = self.calls.entry(index).or_default();
                if let Some(id) = c["id"].as_str().filter(|s| !s.is_empty()) {
                    call.id = id.to_owned();
                }
                if let Some(name) = c.pointer("/function/name").and_then(Value::as_str) {
                    call.name.push_str(name);
                }
                if let Some(a) = c.pointer("/function/arguments").and_then(Value::as_str) {
                    call.args.push_str(a);
                }
            }
        }
        if let Some(f) = choice["finish_reason"].as_str() {
            self.finish = Some(f.to_owned());
        }
        Ok(out)
    }
}

impl super::sse::Decode for Decoder {
    fn event(&mut self, ev: &SseEvent) -> Result<Vec<ProviderEvent>, ProviderError> {
        self.on_event(ev)
    }

    fn is_done(&self) -> bool {
        self.done
    }

    // Some servers close without [DONE] after the last chunk; a finish_reason says the answer
    // is whole. Without one, the stream was cut.
    fn closed(&mut self) -> Result<Vec<ProviderEvent>, ProviderError> {
        if self.finish.is_some() {
            return Ok(self.end());
        }
        self.done = true;
        Err(ProviderError::Dropped {
            provider: NAME,
            message: "no [DONE] and no finish_reason".into(),
        })
    }
}

fn decode(
    sse: futures::stream::BoxStream<'static, Result<super::sse::SseEvent, ProviderError>>,
) -> EventStream {
    super::sse::decode_stream(sse, Decoder::default())
}
