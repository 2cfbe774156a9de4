//! The Anthropic provider and the loop against a scripted server speaking the Messages API's
//! documented wire format (SSE included).

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use futures::StreamExt;
use openclaw_agent::{
    Agent, AgentError, AgentEvent, AnthropicProvider, ApiKey, KeySource, LlmAgent, LlmConfig,
    MediaFile, MemorySessions, RetryPolicy, SessionStore, ToolRegistry, collect,
};
use serde_json::json;

const KEY: &str = "sk-ant-test-key-0123456789";

fn agent_with(server: &Server, tools: ToolRegistry, sessions: Arc<dyn SessionStore>) -> LlmAgent {
    let provider = AnthropicProvider::new(
        Some("claude-test".into()),
        Some(server.url.clone()),
        KeySource::fixed("anthropic", ApiKey::new(KEY)),
    );
    LlmAgent::new(
        Arc::new(provider),
        tools,
        sessions,
        LlmConfig {
            system_prompt: Some("You are terse.".into()),
            retry: RetryPolicy {
                attempts: 4,
                base: Duration::from_millis(5),
                max_wait: Duration::from_secs(5),
            },
            ..LlmConfig::default()
        },
    )
}

fn agent(server: &Server) -> LlmAgent {
    agent_with(
        server,
        ToolRegistry::new(),
        Arc::new(MemorySessions::default()),
    )
}

#[tokio::test]
async fn a_tool_call_split_across_deltas_runs_and_the_answer_streams() {
    let mut round1 = vec![a_start(100, 0, 90)];
    round1.extend(a_text_block(0, &["Let me ", "check."]));
    round1.extend(a_tool_block(
        1,
        "toolu_1",
        "probe",
        &["", "{\"q\"", ": \"wea", "ther in ", "Par", "is\"}"],
    ));
    round1.extend(a_end("tool_use", 30));
    let server = Server::start(vec![
        Reply::sse(round1),
        Reply::sse(a_answer(&["It is ", "sunny."])),
    ])
    .await;
    let probe = Probe::default();
    let mut tools = ToolRegistry::new();
    tools.register(Arc::new(probe.clone()));
    let agent = agent_with(&server, tools, Arc::new(MemorySessions::default()));

    let mut stream = agent.run(turn("lark:default:dm:ou_user", "om_1", "weather?"));
    let mut deltas = Vec::new();
    let mut usage = Vec::new();
    while let Some(ev) = stream.next().await {
        match ev.unwrap() {
            AgentEvent::Text(t) => deltas.push(t),
            AgentEvent::Usage(u) => usage.push(u),
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(deltas.concat(), "Let me check.\n\nIt is sunny.");
    assert!(deltas.len() >= 5, "text arrives in pieces: {deltas:?}");
    assert_eq!(
        *probe.inputs.lock().unwrap(),
        vec![json!({"q": "weather in Paris"})]
    );
    assert_eq!(usage[0].input_tokens, 100);
    assert_eq!(usage[0].cache_write_tokens, 90);
    assert_eq!(usage[0].output_tokens, 30);

    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    let r = &reqs[0];
    assert_eq!(r.path, "/v1/messages");
    assert_eq!(r.headers["x-api-key"], KEY);
    assert_eq!(r.headers["anthropic-version"], "2023-06-01");
    assert_eq!(r.body["model"], "claude-test");
    assert_eq!(r.body["stream"], true);
    // Prompt caching: the system prompt, the last tool and the conversation are marked.
    assert_eq!(r.body["system"][0]["cache_control"]["type"], "ephemeral");
    assert!(
        r.body["system"][0]["text"]
            .as_str()
            .unwrap()
            .starts_with("You are terse.")
    );
    assert_eq!(r.body["tools"][0]["name"], "probe");
    assert_eq!(r.body["tools"][0]["input_schema"]["type"], "object");
    assert_eq!(r.body["tools"][0]["cache_control"]["type"], "ephemeral");
    assert_eq!(
        r.body["messages"][0]["content"][0]["cache_control"]["type"],
        "ephemeral"
    );
    // The second call carries the tool_use and its tool_result.
    let m = &reqs[1].body["messages"];
    assert_eq!(m[1]["role"], "assistant");
    assert_eq!(m[1]["content"][1]["type"], "tool_use");
    assert_eq!(
        m[1]["content"][1]["input"],
        json!({"q": "weather in Paris"})
    );
    assert_eq!(m[2]["content"][0]["type"], "tool_result");
    assert_eq!(m[2]["content"][0]["tool_use_id"], "toolu_1");
    assert_eq!(m[2]["content"][0]["content"][0]["text"], "probe done");
}

#[tokio::test]
async fn a_stream_cut_in_the_middle_is_retried_and_the_text_comes_once() {
    let mut cut = vec![a_start(10, 0, 0)];
    cut.extend(a_text_block(0, &["Hello ", "wor"]).into_iter().take(4));
    let server = Server::start(vec![
        Reply::cut(cut),
        Reply::sse(a_answer(&["Hello ", "world."])),
    ])
    .await;
    let mut stream = agent(&server).run(turn("s", "om_1", "hi"));
    let mut events = Vec::new();
    while let Some(ev) = stream.next().await {
        events.push(ev.unwrap());
    }
    assert!(events.contains(&AgentEvent::Truncate(0)), "{events:?}");
    let mut answer = String::new();
    for e in &events {
        match e {
            AgentEvent::Text(t) => answer.push_str(t),
            AgentEvent::Truncate(n) => answer.truncate(*n),
            _ => {}
        }
    }
    assert_eq!(answer, "Hello world.");
    assert_eq!(server.requests().len(), 2);
    let again = Server::start(vec![
        Reply::cut(vec![a_start(1, 0, 0)]),
        Reply::sse(a_answer(&["ok"])),
    ])
    .await;
    assert_eq!(
        collect(agent(&again).run(turn("s", "om_2", "hi")))
            .await
            .unwrap(),
        "ok"
    );
}

#[tokio::test]
async fn overload_rate_limits_and_server_errors_are_retried_honouring_retry_after() {
    let overloaded =
        json!({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}});
    let server = Server::start(vec![
        Reply::error(
            429,
            json!({"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}),
        )
        .header("retry-after", "1"),
        Reply::error(529, overloaded.clone()),
        Reply::error(
            500,
            json!({"type":"error","error":{"type":"api_error","message":"boom"}}),
        ),
        Reply::sse(a_answer(&["finally"])),
    ])
    .await;
    let started = Instant::now();
    let answer = collect(agent(&server).run(turn("s", "om_1", "hi")))
        .await
        .unwrap();
    assert_eq!(answer, "finally");
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "retry-after was honoured"
    );
    assert_eq!(server.requests().len(), 4);

    // An `error` event in the stream is retried too; when every attempt fails the turn ends
    // with a short sentence for the chat.
    let mut mid = vec![a_start(1, 0, 0)];
    mid.push(ev("error", overloaded));
    let server = Server::start(vec![
        Reply::sse(mid.clone()),
        Reply::error(
            529,
            json!({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}),
        ),
        Reply::error(503, json!({})),
        Reply::sse(mid),
    ])
    .await;
    let err = collect(agent(&server).run(turn("s", "om_2", "hi")))
        .await
        .unwrap_err();
    assert_eq!(server.requests().len(), 4);
    assert!(err.to_string().contains("overloaded_error"), "{err}");
    assert_eq!(
        err.user_message(),
        "Sorry, the model is unavailable right now; please try again in a minute."
    );
}

#[tokio::test]
async fn a_refused_request_is_not_retried_and_the_key_never_shows() {
    let server = Server::start(vec![Reply::error(
        401,
        json!({"type":"error","error":{"type":"authentication_error","message":format!("invalid x-api-key {KEY}")}}),
    )])
    .await;
    let a = agent(&server);
    let err = collect(a.run(turn("s", "om_1", "hi"))).await.unwrap_err();
    assert_eq!(server.requests().len(), 1);
    let shown = format!("{err} {err:?} {} {a:?}", err.user_message());
    assert!(!shown.contains("0123456789"), "{shown}");
    assert!(shown.contains("authentication_error"));
    assert!(err.user_message().contains("openclaw login"));
}

#[tokio::test]
async fn no_key_gives_the_documented_error() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(vec![]).await;
    let provider = AnthropicProvider::new(
        None,
        Some(server.url.clone()),
        KeySource::file_only("anthropic", dir.path()),
    );
    let a = LlmAgent::new(
        Arc::new(provider),
        ToolRegistry::new(),
        Arc::new(MemorySessions::default()),
        LlmConfig::default(),
    );
    let err = collect(a.run(turn("s", "om_1", "hi"))).await.unwrap_err();
    assert!(matches!(err, AgentError::Model(_)));
    assert_eq!(
        err.to_string(),
        "No API key found for anthropic: run `openclaw login --provider anthropic` or set ANTHROPIC_API_KEY"
    );
    assert!(err.user_message().contains("no API key"));
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn an_image_the_user_sent_reaches_the_model_as_an_image_block() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("photo.png");
    std::fs::write(&png, b"\x89PNG\r\n\x1a\n0000IHDR").unwrap();
    let server = Server::start(vec![Reply::sse(a_answer(&["A cat."]))]).await;
    let mut t = turn("s", "om_1", "what is this?");
    t.media.push(MediaFile {
        path: png.clone(),
        kind: "image".into(),
        file_name: None,
    });
    assert_eq!(collect(agent(&server).run(t)).await.unwrap(), "A cat.");
    let body = &server.requests()[0].body;
    let content = &body["messages"][0]["content"];
    assert!(content[0]["text"].as_str().unwrap().contains("photo.png"));
    assert_eq!(content[1]["type"], "image");
    assert_eq!(content[1]["source"]["type"], "base64");
    assert_eq!(content[1]["source"]["media_type"], "image/png");
    assert_eq!(content[1]["source"]["data"], "iVBORw0KGgowMDAwSUhEUg==");
}

#[tokio::test]
async fn sessions_keep_the_conversation_and_commands_reset_and_report() {
    let sessions: Arc<dyn SessionStore> = Arc::new(MemorySessions::default());
    let server = Server::start(vec![
        Reply::sse(a_answer(&["Nice to meet you, Ada."])),
        Reply::sse(a_answer(&["Your name is Ada."])),
        Reply::sse(a_answer(&["I don't know."])),
    ])
    .await;
    let a = agent_with(&server, ToolRegistry::new(), sessions.clone());
    let key = "lark:default:dm:ou_user";
    collect(a.run(turn(key, "om_1", "I am Ada"))).await.unwrap();
    collect(a.run(turn(key, "om_2", "who am I?")))
        .await
        .unwrap();
    let m = &server.requests()[1].body["messages"];
    assert_eq!(m.as_array().unwrap().len(), 3);
    assert!(
        m[0]["content"][0]["text"]
            .as_str()
            .unwrap()
            .ends_with("I am Ada")
    );
    assert_eq!(m[1]["content"][0]["text"], "Nice to meet you, Ada.");

    let status = collect(a.run(turn(key, "om_3", "/status"))).await.unwrap();
    assert!(status.contains("anthropic claude-test"), "{status}");
    assert!(status.contains("Session: 2 turn(s)"), "{status}");
    assert!(status.contains("20 input, 10 output"), "{status}");
    let reset = collect(a.run(turn(key, "om_4", "/new"))).await.unwrap();
    assert!(reset.starts_with("Started a new session"));
    collect(a.run(turn(key, "om_5", "who am I?")))
        .await
        .unwrap();
    let m = &server.requests()[2].body["messages"];
    assert_eq!(m.as_array().unwrap().len(), 1);
    assert_eq!(server.requests().len(), 3, "commands never reach the model");
}
