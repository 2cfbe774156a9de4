//! The OpenAI-compatible provider against a scripted chat-completions server (SSE, `[DONE]`).

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use openclaw_agent::{
    Agent, ApiKey, KeySource, LlmAgent, LlmConfig, MediaFile, MemorySessions, OpenAiProvider,
    RetryPolicy, ToolRegistry, collect,
};
use serde_json::json;

fn agent(server: &Server, tools: ToolRegistry) -> LlmAgent {
    let provider = OpenAiProvider::new(
        Some("gpt-test".into()),
        Some(format!("{}/v1", server.url)),
        KeySource::fixed("openai", ApiKey::new("sk-openai-secret-987654321")),
    );
    LlmAgent::new(
        Arc::new(provider),
        tools,
        Arc::new(MemorySessions::default()),
        LlmConfig {
            system_prompt: Some("Be kind.".into()),
            retry: RetryPolicy {
                attempts: 3,
                base: Duration::from_millis(5),
                max_wait: Duration::from_secs(1),
            },
            ..LlmConfig::default()
        },
    )
}

#[tokio::test]
async fn tool_call_arguments_in_pieces_then_an_answer() {
    let mut round1 = vec![o_chunk(json!({"role":"assistant","content":null}), None)];
    round1.push(o_chunk(
        json!({"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"probe","arguments":""}}]}),
        None,
    ));
    for piece in ["{\"", "q\":", " \"lo", "ok\"", "}"] {
        round1.push(o_chunk(
            json!({"tool_calls":[{"index":0,"function":{"arguments":piece}}]}),
            None,
        ));
    }
    round1.push(o_chunk(json!({}), Some("tool_calls")));
    round1.push(o_usage(50, 7, 32));
    round1.push("data: [DONE]\n\n".into());
    let server = Server::start(vec![
        Reply::sse(round1),
        Reply::sse(o_answer(&["Lo", "oked."])),
    ])
    .await;
    let probe = Probe::default();
    let mut tools = ToolRegistry::new();
    tools.register(Arc::new(probe.clone()));
    let answer = collect(agent(&server, tools).run(turn("s", "om_1", "go")))
        .await
        .unwrap();
    assert_eq!(answer, "Looked.");
    assert_eq!(*probe.inputs.lock().unwrap(), vec![json!({"q": "look"})]);

    let reqs = server.requests();
    let r = &reqs[0];
    assert_eq!(r.path, "/v1/chat/completions");
    assert_eq!(
        r.headers["authorization"],
        "Bearer sk-openai-secret-987654321"
    );
    assert_eq!(r.body["stream"], true);
    assert_eq!(r.body["stream_options"]["include_usage"], true);
    assert_eq!(r.body["max_tokens"], 4096);
    assert_eq!(r.body["tools"][0]["type"], "function");
    assert_eq!(r.body["tools"][0]["function"]["name"], "probe");
    assert_eq!(r.body["messages"][0]["role"], "system");
    let m = &reqs[1].body["messages"];
    assert_eq!(m[2]["role"], "assistant");
    assert_eq!(m[2]["tool_calls"][0]["id"], "call_1");
    assert_eq!(
        m[2]["tool_calls"][0]["function"]["arguments"],
        "{\"q\":\"look\"}"
    );
    assert_eq!(m[3]["role"], "tool");
    assert_eq!(m[3]["tool_call_id"], "call_1");
    assert_eq!(m[3]["content"], "probe done");
}

#[tokio::test]
async fn a_cut_stream_and_server_errors_are_retried() {
    let server = Server::start(vec![
        Reply::cut(o_answer(&["Par", "tial"]).into_iter().take(2).collect()),
        Reply::error(
            500,
            json!({"error":{"message":"oops","type":"server_error"}}),
        ),
        Reply::sse(o_answer(&["Whole."])),
    ])
    .await;
    let answer = collect(agent(&server, ToolRegistry::new()).run(turn("s", "om_1", "hi")))
        .await
        .unwrap();
    assert_eq!(answer, "Whole.");
    assert_eq!(server.requests().len(), 3);

    let broken = Reply::sse(vec![
        o_chunk(json!({"content":"x"}), None),
        "data: {\"error\":{\"message\":\"model crashed\",\"type\":\"server_error\"}}\n\n".into(),
    ]);
    let server = Server::start(vec![broken.clone(), broken.clone(), broken]).await;
    let err = collect(agent(&server, ToolRegistry::new()).run(turn("s", "om_1", "hi")))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("model crashed"), "{err}");
    assert_eq!(server.requests().len(), 3, "retried up to the attempts");
}

#[tokio::test]
async fn images_go_as_data_urls() {
    let dir = tempfile::tempdir().unwrap();
    let jpg = dir.path().join("p.jpg");
    std::fs::write(&jpg, b"\xff\xd8\xff\xe0rest").unwrap();
    let server = Server::start(vec![Reply::sse(o_answer(&["A photo."]))]).await;
    let mut t = turn("s", "om_1", "see");
    t.media.push(MediaFile {
        path: jpg,
        kind: "image".into(),
        file_name: Some("p.jpg".into()),
    });
    collect(agent(&server, ToolRegistry::new()).run(t))
        .await
        .unwrap();
    let content = &server.requests()[0].body["messages"][1]["content"];
    assert_eq!(content[0]["type"], "text");
    assert_eq!(content[1]["type"], "image_url");
    assert!(
        content[1]["image_url"]["url"]
            .as_str()
            .unwrap()
            .starts_with("data:image/jpeg;base64,/9j/")
    );
}
