//! The inbound pipeline against lark-sim, what a reply carries: a long markdown answer in
//! order and within the limits, attachments downloaded (and a failed download told to the
//! agent), and one message pushed under two ids answered once.

mod common;

use common::*;
use lark_sim::ChatMode;
use openclaw_gateway::store::EventStatus;
use serde_json::json;

const ECHO: &str = r#"{ provider: "echo" }"#;

#[tokio::test]
async fn a_long_markdown_answer_arrives_complete_in_order_and_within_the_limits() {
    let dir = tempfile::tempdir().unwrap();
    let answer = dir.path().join("answer.md");
    let mut md = String::from("# Report\n\n");
    let mut i = 0;
    while md.len() < 40 * 1024 {
        md.push_str(&format!(
            "## Section {i}\n\nParagraph {i} with **bold**, `code` and a [link](https://example.com/{i}).\n\n\
             ```rust\nfn f{i}() -> u32 {{ {i} }}\n```\n\n- item {i}.a\n- item {i}.b\n\n"
        ));
        i += 1;
    }
    md.push_str("THE END\n");
    std::fs::write(&answer, &md).unwrap();
    let agent = format!(
        r#"{{ provider: "command", command: ["cat", "{}"], timeoutSeconds: 20 }}"#,
        answer.display()
    );
    let h = start(r#"dmPolicy: "open""#, &agent).await;
    h.seed("oc_dm", ChatMode::P2p, &[("ou_ada", "Ada")]);
    let m = h.say("oc_dm", "ou_ada", "write the report", false);
    let e = h.wait_closed(&m.event_id).await;
    assert_eq!(e.status, EventStatus::Sent, "{e:?}");
    let replies = h.replies_to("oc_dm", &m.message_id);
    assert!(
        replies.len() >= 2 && replies.len() <= 10,
        "{} parts",
        replies.len()
    );
    let mut joined = String::new();
    for r in &replies {
        assert_eq!(r["msg_type"], "post", "{r}");
        let content = r["content"].to_string();
        assert!(
            content.len() < 30 * 1024,
            "a part of {} bytes",
            content.len()
        );
        let md_text = r["content"]["zh_cn"]["content"][0][0]["text"]
            .as_str()
            .or_else(|| r["content"]["content"][0][0]["text"].as_str())
            .unwrap_or_else(|| panic!("no md element in {r}"));
        joined.push_str(md_text);
        joined.push('\n');
    }
    let squash = |s: &str| s.split_whitespace().collect::<String>();
    assert_eq!(squash(&joined), squash(&md));
    assert_eq!(e.sent_ids.len(), replies.len());
}

#[tokio::test]
async fn an_image_a_user_sends_is_downloaded_and_its_path_reaches_the_agent() {
    let h = start(r#"dmPolicy: "open""#, ECHO).await;
    h.seed("oc_dm", ChatMode::P2p, &[("ou_ada", "Ada")]);
    let png: &[u8] =
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
    let key = h
        .sim
        .state()
        .upload_resource(APP, true, "pic.png", png.to_vec())
        .unwrap();
    let send_image = |key: &str| {
        h.sim
            .state()
            .user_sends(
                APP,
                lark_sim::UserMessage {
                    chat_id: Some("oc_dm".into()),
                    sender: lark_sim::Person::new("ou_ada", "Ada"),
                    message_type: Some("image".into()),
                    content: Some(json!({ "image_key": key })),
                    ..Default::default()
                },
            )
            .unwrap()
    };
    let m = send_image(&key);
    let r = h.wait_replies("oc_dm", &m.message_id, 1).await;
    let text = text_of(&r[0]);
    let path = text
        .lines()
        .find_map(|l| l.strip_prefix("received image "))
        .unwrap_or_else(|| panic!("no media line in {text:?}"));
    let saved = std::fs::read(path).unwrap();
    assert_eq!(saved, png);
    assert!(path.ends_with(".png"), "{path}");
    assert!(
        path.starts_with(
            h.state_dir()
                .join("workspace")
                .join("chatdownload")
                .to_str()
                .unwrap()
        ),
        "{path}"
    );
}

#[tokio::test]
async fn a_failed_download_is_told_to_the_agent() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("turn.json");
    let agent = format!(
        r#"{{ provider: "command", command: ["sh", "-c", "cat > '{}'; printf 'noted'"], timeoutSeconds: 20 }}"#,
        out.display()
    );
    let h = start(r#"dmPolicy: "open""#, &agent).await;
    h.seed("oc_dm", ChatMode::P2p, &[("ou_ada", "Ada")]);
    h.sim.state().fail_next("/resources/", 50, 500, 0);
    let m = h
        .sim
        .state()
        .user_sends(
            APP,
            lark_sim::UserMessage {
                chat_id: Some("oc_dm".into()),
                sender: lark_sim::Person::new("ou_ada", "Ada"),
                message_type: Some("file".into()),
                content: Some(json!({ "file_key": "file_v3_missing", "file_name": "report.pdf" })),
                ..Default::default()
            },
        )
        .unwrap();
    let r = h.wait_replies("oc_dm", &m.message_id, 1).await;
    assert_eq!(text_of(&r[0]), "noted");
    let turn: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(turn["media"], json!([]));
    let err = turn["mediaErrors"][0].as_str().unwrap();
    assert!(
        err.contains("report.pdf") && err.contains("could not be downloaded"),
        "{err}"
    );
}

#[tokio::test]
async fn one_message_pushed_under_two_ids_is_answered_once_but_a_real_repeat_is_answered() {
    let h = start(r#"dmPolicy: "open""#, ECHO).await;
    h.seed("oc_dm", ChatMode::P2p, &[("ou_ada", "Ada")]);
    let first = h.say("oc_dm", "ou_ada", "same words", false);
    assert_eq!(h.wait_replies("oc_dm", &first.message_id, 1).await.len(), 1);
    // The same message again under a new message id and a new event id.
    let mut twin = h
        .sim
        .state()
        .deliveries(APP)
        .unwrap()
        .into_iter()
        .find(|d| d.event_id == first.event_id)
        .unwrap()
        .body;
    twin["header"]["event_id"] = json!("twin-event-1");
    twin["event"]["message"]["message_id"] = json!("om_twin_b");
    h.sim.state().inject_raw(APP, twin).unwrap();
    let e = h.wait_closed("twin-event-1").await;
    assert_eq!(e.status, EventStatus::Ignored);
    // The same words sent again (a new message, a new time) are answered.
    let again = h.say("oc_dm", "ou_ada", "same words", false);
    assert_eq!(h.wait_replies("oc_dm", &again.message_id, 1).await.len(), 1);
    assert!(h.replies_to("oc_dm", "om_twin_b").is_empty());
    assert_eq!(h.replies_to("oc_dm", &first.message_id).len(), 1);
}
