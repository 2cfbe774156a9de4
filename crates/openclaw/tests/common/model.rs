//! A scripted OpenAI-compatible model server on 127.0.0.1: `GET /v1/models` and streaming
//! `POST /v1/chat/completions`, both refusing any key but the expected one (401), so a test
//! proves which key reached the agent. The answer quotes the last user message.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

pub struct ScriptedModel {
    pub base_url: String,
    requests: Arc<Mutex<Vec<Value>>>,
}

impl ScriptedModel {
    /// Every chat request the server took.
    pub fn requests(&self) -> Vec<Value> {
        self.requests.lock().unwrap().clone()
    }
}

fn authorized(headers: &HeaderMap, key: &str) -> bool {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == format!("Bearer {key}"))
}

/// Starts the server; it accepts only `key`.
pub async fn scripted_model(key: &'static str) -> ScriptedModel {
    let requests = Arc::new(Mutex::new(Vec::new()));
    let seen = requests.clone();
    let app = Router::new()
        .route(
            "/v1/models",
            get(move |headers: HeaderMap| async move {
                if !authorized(&headers, key) {
                    return (StatusCode::UNAUTHORIZED, "bad key").into_response();
                }
                axum::Json(json!({"object": "list", "data": [{"id": "qwen3", "object": "model"}]}))
                    .into_response()
            }),
        )
        .route(
            "/v1/chat/completions",
            post(move |headers: HeaderMap, body: axum::Json<Value>| {
                let seen = seen.clone();
                async move {
                    if !authorized(&headers, key) {
                        return (StatusCode::UNAUTHORIZED, "bad key").into_response();
                    }
                    let last = body["messages"]
                        .as_array()
                        .and_then(|m| m.iter().rev().find(|m| m["role"] == "user"))
                        .map(|m| m["content"].to_string())
                        .unwrap_or_default();
                    let model = body["model"].as_str().unwrap_or_default().to_owned();
                    seen.lock().unwrap().push(body.0);
                    let text = format!("{model} heard {last}");
                    let chunks = [
                        json!({"choices": [{"index": 0, "delta": {"role": "assistant", "content": text}}]}),
                        json!({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}),
                    ];
                    let mut sse = String::new();
                    for c in chunks {
                        sse.push_str(&format!("data: {c}\n\n"));
                    }
                    sse.push_str("data: [DONE]\n\n");
                    Response::builder()
                        .header("content-type", "text/event-stream")
                        .body(axum::body::Body::from(sse))
                        .unwrap()
                }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    ScriptedModel {
        base_url: format!("http://{addr}/v1"),
        requests,
    }
}
