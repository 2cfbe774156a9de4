//! A scripted model server: each request gets the next scripted reply (status, headers, body
//! chunks, optionally cut off mid-body), and every request is recorded for assertions.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use futures::StreamExt;
use openclaw_agent::{ChatKind, Tool, ToolContext, ToolOutput, ToolSpec, Turn};
use serde_json::{Value, json};

#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub chunks: Vec<String>,
    /// Break the connection after the chunks instead of ending the body.
    pub cut: bool,
}

impl Reply {
    pub fn sse(chunks: Vec<String>) -> Reply {
        Reply {
            status: 200,
            headers: vec![("content-type".into(), "text/event-stream".into())],
            chunks,
            cut: false,
        }
    }

    pub fn cut(chunks: Vec<String>) -> Reply {
        Reply {
            cut: true,
            ..Reply::sse(chunks)
        }
    }

    pub fn error(status: u16, body: Value) -> Reply {
        Reply {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            chunks: vec![body.to_string()],
            cut: false,
        }
    }

    pub fn header(mut self, k: &str, v: &str) -> Reply {
        self.headers.push((k.into(), v.into()));
        self
    }
}

#[derive(Clone, Debug)]
pub struct Recorded {
    pub path: String,
    pub headers: HeaderMap,
    pub body: Value,
}

#[derive(Default)]
struct Script {
    replies: VecDeque<Reply>,
    requests: Vec<Recorded>,
}

#[derive(Clone)]
pub struct Server {
    pub url: String,
    script: Arc<Mutex<Script>>,
}

impl Server {
    pub async fn start(replies: Vec<Reply>) -> Server {
        let script = Arc::new(Mutex::new(Script {
            replies: replies.into(),
            requests: Vec::new(),
        }));
        let app = axum::Router::new()
            .fallback(handle)
            .with_state(script.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Server {
            url: format!("http://{addr}"),
            script,
        }
    }

    pub fn push(&self, r: Reply) {
        self.script.lock().unwrap().replies.push_back(r);
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.script.lock().unwrap().requests.clone()
    }
}

async fn handle(
    State(script): State<Arc<Mutex<Script>>>,
    uri: axum::http::Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let reply = {
        let mut s = script.lock().unwrap();
        s.requests.push(Recorded {
            path: uri.path().to_owned(),
            headers,
            body: serde_json::from_slice(&body).unwrap_or(Value::Null),
        });
        s.replies.pop_front()
    };
    let reply = reply.unwrap_or_else(|| {
        Reply::error(
            500,
            json!({"error": {"type": "api_error", "message": "script exhausted"}}),
        )
    });
    let chunks = reply.chunks.clone();
    let cut = reply.cut;
    // Each chunk on its own after a short pause, so the client sees deltas arrive one by one.
    let body = futures::stream::iter(chunks.into_iter().map(Some).chain(std::iter::once(None)))
        .then(move |c| async move {
            tokio::time::sleep(Duration::from_millis(2)).await;
            match c {
                Some(c) => Ok(Bytes::from(c)),
                None if cut => Err(std::io::Error::other("cut")),
                None => Ok(Bytes::new()),
            }
        });
    let mut resp = Response::builder().status(StatusCode::from_u16(reply.status).unwrap());
    for (k, v) in &reply.headers {
        resp = resp.header(k, v);
    }
    resp.body(Body::from_stream(body)).unwrap()
}

// ---- Anthropic events ----

pub fn ev(ty: &str, data: Value) -> String {
    format!("event: {ty}\ndata: {data}\n\n")
}

pub fn a_start(input: u64, cache_read: u64, cache_write: u64) -> String {
    ev(
        "message_start",
        json!({"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude-test","stop_reason":null,"usage":{"input_tokens":input,"cache_read_input_tokens":cache_read,"cache_creation_input_tokens":cache_write,"output_tokens":1}}}),
    )
}

pub fn a_text_block(index: u64, pieces: &[&str]) -> Vec<String> {
    let mut v = vec![ev(
        "content_block_start",
        json!({"type":"content_block_start","index":index,"content_block":{"type":"text","text":""}}),
    )];
    v.push(ev("ping", json!({"type":"ping"})));
    for p in pieces {
        v.push(ev(
            "content_block_delta",
            json!({"type":"content_block_delta","index":index,"delta":{"type":"text_delta","text":p}}),
        ));
    }
    v.push(ev(
        "content_block_stop",
        json!({"type":"content_block_stop","index":index}),
    ));
    v
}

pub fn a_tool_block(index: u64, id: &str, name: &str, json_pieces: &[&str]) -> Vec<String> {
    let mut v = vec![ev(
        "content_block_start",
        json!({"type":"content_block_start","index":index,"content_block":{"type":"tool_use","id":id,"name":name,"input":{}}}),
    )];
    for p in json_pieces {
        v.push(ev(
            "content_block_delta",
            json!({"type":"content_block_delta","index":index,"delta":{"type":"input_json_delta","partial_json":p}}),
        ));
    }
    v.push(ev(
        "content_block_stop",
        json!({"type":"content_block_stop","index":index}),
    ));
    v
}

pub fn a_end(stop: &str, output: u64) -> Vec<String> {
    vec![
        ev(
            "message_delta",
            json!({"type":"message_delta","delta":{"stop_reason":stop,"stop_sequence":null},"usage":{"output_tokens":output}}),
        ),
        ev("message_stop", json!({"type":"message_stop"})),
    ]
}

/// A whole text answer in the given pieces.
pub fn a_answer(pieces: &[&str]) -> Vec<String> {
    let mut v = vec![a_start(10, 0, 0)];
    v.extend(a_text_block(0, pieces));
    v.extend(a_end("end_turn", 5));
    v
}

// ---- OpenAI chunks ----

pub fn o_chunk(delta: Value, finish: Option<&str>) -> String {
    format!(
        "data: {}\n\n",
        json!({"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-test","choices":[{"index":0,"delta":delta,"finish_reason":finish}]})
    )
}

pub fn o_usage(prompt: u64, completion: u64, cached: u64) -> String {
    format!(
        "data: {}\n\n",
        json!({"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-test","choices":[],"usage":{"prompt_tokens":prompt,"completion_tokens":completion,"total_tokens":prompt+completion,"prompt_tokens_details":{"cached_tokens":cached}}})
    )
}

pub fn o_answer(pieces: &[&str]) -> Vec<String> {
    let mut v = vec![o_chunk(json!({"role":"assistant","content":""}), None)];
    for p in pieces {
        v.push(o_chunk(json!({"content":p}), None));
    }
    v.push(o_chunk(json!({}), Some("stop")));
    v.push(o_usage(20, 5, 0));
    v.push("data: [DONE]\n\n".into());
    v
}

// ---- turns and tools ----

pub fn turn(session: &str, message_id: &str, text: &str) -> Turn {
    Turn {
        account: "default".into(),
        session_key: session.into(),
        chat_id: "oc_chat".into(),
        chat_type: ChatKind::Dm,
        sender_open_id: "ou_user".into(),
        sender_name: None,
        message_id: message_id.into(),
        thread_id: None,
        text: text.into(),
        media: vec![],
        media_errors: vec![],
        system_prompt: None,
        tools: Default::default(),
        skills: None,
        doc_comment: None,
        messages: Vec::new(),
        steer: Default::default(),
        history: Vec::new(),
        notes: Vec::new(),
        session_turns: None,
        card_action: None,
    }
}

/// A tool that records its inputs and answers "done".
#[derive(Default, Clone)]
pub struct Probe {
    pub inputs: Arc<Mutex<Vec<Value>>>,
}

#[async_trait]
impl Tool for Probe {
    fn spec(&self) -> ToolSpec {
        ToolSpec {
            name: "probe".into(),
            description: "records its input".into(),
            input_schema: json!({"type":"object","properties":{"q":{"type":"string"}}}),
        }
    }

    async fn call(&self, _ctx: &ToolContext, input: Value) -> ToolOutput {
        self.inputs.lock().unwrap().push(input);
        ToolOutput::text("probe done")
    }
}

pub mod ext;
