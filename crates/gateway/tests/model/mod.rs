//! A scripted Anthropic Messages server for gateway tests: a function of (request body, call
//! number) picks each reply; replies stream their SSE chunks with a gap and may hang at the end.
#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::response::Response;
use futures::StreamExt;
use serde_json::{Value, json};

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub chunks: Vec<String>,
    pub gap: Duration,
    /// Keep the body open this long after the chunks (a model that stalls).
    pub hang: Option<Duration>,
}

impl Reply {
    pub fn sse(chunks: Vec<String>) -> Reply {
        Reply {
            status: 200,
            headers: vec![("content-type", "text/event-stream".into())],
            chunks,
            gap: Duration::from_millis(1),
            hang: None,
        }
    }

    pub fn error(status: u16, kind: &str) -> Reply {
        Reply {
            status,
            headers: vec![
                ("content-type", "application/json".into()),
                ("retry-after", "0".into()),
            ],
            chunks: vec![json!({"type":"error","error":{"type":kind,"message":kind}}).to_string()],
            gap: Duration::ZERO,
            hang: None,
        }
    }
}

type Script = dyn Fn(&Value, usize) -> Reply + Send + Sync;

#[derive(Clone)]
pub struct Model {
    pub url: String,
    pub requests: Arc<Mutex<Vec<Value>>>,
    /// When the first text delta of any reply went out.
    pub first_delta: Arc<Mutex<Option<Instant>>>,
    /// Reply bodies the client let go of before their end (a cancelled request).
    pub abandoned: Arc<AtomicUsize>,
}

#[derive(Clone)]
struct St {
    script: Arc<Script>,
    requests: Arc<Mutex<Vec<Value>>>,
    first_delta: Arc<Mutex<Option<Instant>>>,
    abandoned: Arc<AtomicUsize>,
}

/// Counts a reply body dropped before its end.
struct Abandoned(Arc<AtomicUsize>, bool);

impl Drop for Abandoned {
    fn drop(&mut self) {
        if !self.1 {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
}

impl Model {
    pub async fn start(script: impl Fn(&Value, usize) -> Reply + Send + Sync + 'static) -> Model {
        let st = St {
            script: Arc::new(script),
            requests: Arc::default(),
            first_delta: Arc::default(),
            abandoned: Arc::default(),
        };
        let app = axum::Router::new().fallback(handle).with_state(st.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Model {
            url,
            requests: st.requests,
            first_delta: st.first_delta,
            abandoned: st.abandoned,
        }
    }

    pub fn requests(&self) -> Vec<Value> {
        self.requests.lock().unwrap().clone()
    }

    /// The agent config pointing at this server.
    pub fn agent(&self) -> String {
        format!(
            r#"{{ provider: "anthropic", model: "claude-test", baseUrl: "{}" }}"#,
            self.url
        )
    }
}

async fn handle(State(st): State<St>, body: Bytes) -> Response {
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let n = {
        let mut r = st.requests.lock().unwrap();
        r.push(body.clone());
        r.len() - 1
    };
    let reply = (st.script)(&body, n);
    let (gap, hang) = (reply.gap, reply.hang);
    let first = st.first_delta.clone();
    let guard = Arc::new(Mutex::new(Abandoned(st.abandoned.clone(), false)));
    let stream =
        futures::stream::iter(reply.chunks.into_iter().map(Some).chain([None])).then(move |c| {
            let first = first.clone();
            let guard = guard.clone();
            async move {
                match c {
                    Some(c) => {
                        tokio::time::sleep(gap).await;
                        if c.contains("text_delta") {
                            first.lock().unwrap().get_or_insert_with(Instant::now);
                        }
                        Ok::<_, std::io::Error>(Bytes::from(c))
                    }
                    None => {
                        if let Some(h) = hang {
                            tokio::time::sleep(h).await;
                        }
                        guard.lock().unwrap().1 = true;
                        Ok(Bytes::new())
                    }
                }
            }
        });
    let mut resp = Response::builder().status(reply.status);
    for (k, v) in reply.headers {
        resp = resp.header(k, v);
    }
    resp.body(Body::from_stream(stream)).unwrap()
}

fn ev(ty: &str, data: Value) -> String {
    format!("event: {ty}\ndata: {data}\n\n")
}

fn start() -> String {
    ev(
        "message_start",
        json!({"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude-test","usage":{"input_tokens":12,"cache_read_input_tokens":100,"cache_creation_input_tokens":0,"output_tokens":1}}}),
    )
}

fn end(stop: &str) -> Vec<String> {
    vec![
        ev(
            "message_delta",
            json!({"type":"message_delta","delta":{"stop_reason":stop},"usage":{"output_tokens":7}}),
        ),
        ev("message_stop", json!({"type":"message_stop"})),
    ]
}

/// The text chunks of an answer, without its end.
pub fn text_chunks(pieces: &[String]) -> Vec<String> {
    let mut v = vec![
        start(),
        ev(
            "content_block_start",
            json!({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}),
        ),
    ];
    for p in pieces {
        v.push(ev(
            "content_block_delta",
            json!({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":p}}),
        ));
    }
    v
}

/// A whole text answer.
pub fn answer(pieces: &[&str]) -> Reply {
    let pieces: Vec<String> = pieces.iter().map(|s| s.to_string()).collect();
    let mut v = text_chunks(&pieces);
    v.push(ev(
        "content_block_stop",
        json!({"type":"content_block_stop","index":0}),
    ));
    v.extend(end("end_turn"));
    Reply::sse(v)
}

/// A call of the `message` tool, its input split in small pieces.
pub fn tool_call(input: &Value) -> Reply {
    named_tool_call("message", input)
}

/// A call of the tool `name`, its input split in small pieces.
pub fn named_tool_call(name: &str, input: &Value) -> Reply {
    let text = input.to_string();
    let mut v = vec![
        start(),
        ev(
            "content_block_start",
            json!({"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_1","name":name,"input":{}}}),
        ),
    ];
    let chars: Vec<char> = text.chars().collect();
    for piece in chars.chunks(7) {
        let p: String = piece.iter().collect();
        v.push(ev(
            "content_block_delta",
            json!({"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":p}}),
        ));
    }
    v.push(ev(
        "content_block_stop",
        json!({"type":"content_block_stop","index":0}),
    ));
    v.extend(end("tool_use"));
    Reply::sse(v)
}

/// The `[messageId=om_…` header of the last user message of a request.
pub fn message_id(body: &Value) -> String {
    let text = body["messages"].to_string();
    let at = text.rfind("[messageId=").expect("a message header");
    text[at + 11..].split(' ').next().unwrap().to_owned()
}
