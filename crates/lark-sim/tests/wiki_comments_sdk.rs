//! Fidelity proof for the wiki and document comments: the unmodified official Python SDK
//! (`lark-oapi`) builds a wiki tree, resolves nodes, moves one, comments on the node's document,
//! lists, resolves and reads the thread back through its typed calls against lark-sim; then its
//! websocket client receives, as a typed `P2DriveNoticeCommentAddV1`, the event lark-sim pushes
//! when a user's comment (made through the control API) @-mentions the bot.

mod common;

use std::time::Duration;

use common::Peer;
use serde_json::{Value, json};

const APP_ID: &str = "cli_a1b2c3d4e5f60718";
const SECRET: &str = "secret";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_sdk_drives_the_wiki_and_comments_and_receives_the_comment_event() {
    // A busy machine may delay the SDK's ACK past the platform's 3 s; the proof is that it comes.
    let mut config = lark_sim::SimConfig::default();
    config.redelivery.ack_timeout = Duration::from_secs(60);
    let sim = lark_sim::Sim::start("127.0.0.1:0", config)
        .await
        .expect("start sim");
    sim.state()
        .add_app(lark_sim::AppSpec::websocket(APP_ID, SECRET));
    let space = sim.state().seed_wiki_space(APP_ID, "SDK space").unwrap();
    let mut peer = Peer::python(
        "wiki_comments_sdk.py",
        &[sim.base_url(), APP_ID, SECRET, &space],
    );
    let out = peer.json(30).await;

    // What the SDK parsed out of lark-sim's answers, against the sim's own state.
    assert_eq!(out["spaces"], json!(["SDK space"]));
    assert_eq!(out["child_titles"], json!(["Child"]));
    assert_eq!(out["parent_has_child"], true);
    assert_eq!(out["got_obj_type"], "docx");
    assert_eq!(out["moved_parent"], "", "moved to the top of the space");
    assert_eq!(out["first_reply"], "from the SDK");
    assert_eq!(out["reply_count"], 1);
    assert_eq!(out["solved"], json!([true]));
    assert_eq!(out["get_solved"], true);
    let doc = out["parent_obj"].as_str().unwrap().to_owned();
    {
        let app = sim.state().app(APP_ID).unwrap();
        let w = app.workspace.lock().unwrap();
        let view = w.wiki_view();
        let nodes = view["spaces"][0]["nodes"].as_array().unwrap();
        let titles: Vec<&str> = nodes.iter().filter_map(|n| n["title"].as_str()).collect();
        assert_eq!(titles, ["Parent", "Child"]);
        assert!(nodes.iter().all(|n| n["depth"] == 0), "{nodes:?}");
        assert_eq!(out["by_obj"], nodes[1]["node_token"]);
        assert!(w.doc_view(&doc).is_some(), "the node's document exists");
    }

    // A user's comment mentioning the bot, through the control API, reaches the SDK.
    assert_eq!(peer.line(30).await, "listening");
    assert!(
        sim.state()
            .wait_connections(APP_ID, 1, Duration::from_secs(20))
            .await,
        "the SDK's websocket client connects"
    );
    let http = reqwest::Client::new();
    let posted: Value = http
        .post(format!("{}/_sim/apps/{APP_ID}/comments", sim.base_url()))
        .json(&json!({
            "file_token": doc, "file_type": "docx", "user": {"open_id": "ou_ada", "name": "Ada"},
            "text": "@bot what changed?", "mention_bot": true,
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let got = peer.json(30).await;
    let e = &got["event"];
    assert_eq!(e["comment_id"], posted["comment_id"]);
    assert_eq!(e["reply_id"], posted["reply_id"]);
    assert_eq!(e["is_mentioned"], true);
    assert_eq!(
        (e["file_token"].as_str(), e["file_type"].as_str()),
        (Some(doc.as_str()), Some("docx"))
    );
    assert_eq!(e["from"], "ou_ada");
    assert_eq!(
        e["to"].as_str(),
        Some(sim.state().app(APP_ID).unwrap().bot_open_id.as_str())
    );
    assert_eq!(e["notice_type"], "add_comment");
    let rec = sim
        .state()
        .wait_delivery(
            APP_ID,
            posted["event_id"].as_str().unwrap(),
            Duration::from_secs(10),
        )
        .await
        .unwrap();
    assert_eq!(
        rec.status,
        lark_sim::DeliveryStatus::Acked,
        "the SDK acknowledged it"
    );
    peer.success(10).await;

    let threads: Value = http
        .get(format!(
            "{}/_sim/apps/{APP_ID}/files/{doc}/comments",
            sim.base_url()
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let texts: Vec<&str> = threads["comments"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["replies"][0]["text"].as_str())
        .collect();
    assert_eq!(texts.len(), 2);
    assert!(texts[1].ends_with(" @bot what changed?"), "{texts:?}");
}
