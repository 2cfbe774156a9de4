//! Steering: a message handed to a running LLM turn reaches the model with the next tool
//! results (after the running tool, before the next call), never in the call before, and the
//! turn reports it taken; a turn that reaches no tool boundary takes nothing.

mod common;

use common::ext::*;
use common::*;
use openclaw_agent::{Agent, ExtensionsOptions, Steer, SteerMessage, collect};
use serde_json::{Value, json};

fn all_text(body: &Value) -> String {
    body["messages"].to_string()
}

#[tokio::test]
async fn a_steered_message_comes_with_the_next_tool_results() {
    let state = tempfile::tempdir().unwrap();
    let cfg = agent_config("{}", state.path());
    let ext = extensions(&cfg, state.path(), ExtensionsOptions::default());
    let file = ext.workspace_dir().join("plan.md");
    std::fs::create_dir_all(ext.workspace_dir()).unwrap();
    std::fs::write(&file, "the plan").unwrap();
    let server = Server::start(vec![
        Reply::sse(tool_round(
            "toolu_1",
            "read",
            &json!({"path": file}).to_string(),
        )),
        Reply::sse(a_answer(&["June it is."])),
    ])
    .await;
    let agent = agent(&server, ext);
    let mut t = turn("lark:default:dm:ou_user", "om_1", "plan the offsite");
    t.steer = Steer::open();
    let gateway_end = t.steer.clone();
    assert!(gateway_end.push(SteerMessage {
        message_id: "om_2".into(),
        text: "actually, plan it for June".into(),
    }));
    let answer = collect(agent.run(t)).await.unwrap();
    assert_eq!(answer, "June it is.");
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    assert!(!all_text(&reqs[0].body).contains("plan it for June"));
    let second = all_text(&reqs[1].body);
    assert!(second.contains("actually, plan it for June"), "{second}");
    assert!(second.contains("om_2"), "{second}");
    assert_eq!(gateway_end.taken(), ["om_2"]);

    // No tool call, no boundary: the message stays the gateway's to answer.
    let server = Server::start(vec![Reply::sse(a_answer(&["Hi."]))]).await;
    let state2 = tempfile::tempdir().unwrap();
    let ext2 = extensions(&cfg, state2.path(), ExtensionsOptions::default());
    let agent = common::ext::agent(&server, ext2);
    let mut t = turn("lark:default:dm:ou_user", "om_3", "hello");
    t.steer = Steer::open();
    let gateway_end = t.steer.clone();
    gateway_end.push(SteerMessage {
        message_id: "om_4".into(),
        text: "and another thing".into(),
    });
    assert_eq!(collect(agent.run(t)).await.unwrap(), "Hi.");
    assert!(gateway_end.taken().is_empty());
}
