//! The framework actions (send, reply, react, sendAttachment) and the message actions, through
//! the agent's `message` tool and the typed API, asserted on what lark-sim holds.

mod common;

use common::*;
use openclaw_agent::Tool;
use openclaw_tools::actions::messages::SendArgs;
use serde_json::json;

#[tokio::test]
async fn agent_tool_sends_text_and_markdown_and_records_them() {
    let env = env().await;
    let (tool, ctx) = env.agent();
    assert_eq!(tool.spec().name, "message");
    let text = "<at user_id=\"ou_ada\">Ada</at> 请查看这个文档";
    let out = tool
        .call(
            &ctx,
            json!({"action": "send", "to": format!("chat:{}", env.chat), "text": text}),
        )
        .await;
    let v = ok_json(&out);
    assert_eq!(v["ok"], true);
    let seen = env.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0]["msg_type"], "text");
    assert_eq!(seen[0]["message_id"], v["messageId"]);
    assert_eq!(seen[0]["mentions"][0]["open_id"], "ou_ada", "{}", seen[0]);
    let sent = ctx.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].chat_id, env.chat);
    assert_eq!(sent[0].text, text);

    let md = env
        .tools
        .send(SendArgs {
            to: env.chat.clone(),
            text: "# Title\n\n**bold** and `code`".into(),
        })
        .await
        .unwrap();
    assert!(md.ok);
    assert_eq!(env.seen()[1]["msg_type"], "post");
}

#[tokio::test]
async fn react_adds_and_removes_and_catches_the_wrong_case() {
    let env = env().await;
    let (tool, ctx) = env.agent();
    let asked = env.user_says("hi");
    let to = format!("chat:{}", env.chat);
    let out = tool
        .call(
            &ctx,
            json!({"action": "react", "to": to, "messageId": asked, "emoji": "THUMBSUP"}),
        )
        .await;
    let v = ok_json(&out);
    assert_eq!(env.seen()[0]["reactions"][0]["emoji_type"], "THUMBSUP");
    let wrong = tool
        .call(
            &ctx,
            json!({"action": "react", "to": to, "messageId": asked, "emoji": "thumbsup"}),
        )
        .await;
    assert!(wrong.is_error);
    let msg = wrong.text_joined();
    assert!(
        msg.contains("emoji") && msg.contains("\"THUMBSUP\"") && msg.contains("case-sensitive"),
        "{msg}"
    );
    assert!(msg.contains("A correct call: message({"), "{msg}");
    let out = tool
        .call(
            &ctx,
            json!({"action": "react", "to": to, "messageId": asked, "reactionId": v["reactionId"], "remove": true}),
        )
        .await;
    ok_json(&out);
    assert_eq!(env.seen()[0]["reactions"].as_array().map(Vec::len), Some(0));
}

#[tokio::test]
async fn message_actions_pin_list_update_recall() {
    use futures::TryStreamExt;
    let env = env().await;
    let sent = env
        .call(json!({"action": "send", "to": format!("chat:{}", env.chat), "text": "pin me"}))
        .await
        .unwrap();
    let id = sent["messageId"].as_str().unwrap().to_owned();
    env.call(json!({"action": "pinMessage", "messageId": id}))
        .await
        .unwrap();
    let chat = lark::model::ChatId::new(&env.chat);
    let pins: Vec<_> = env.client.list_pins(&chat).try_collect().await.unwrap();
    assert_eq!(pins.len(), 1);
    env.call(json!({"action": "unpinMessage", "messageId": id}))
        .await
        .unwrap();
    let pins: Vec<_> = env.client.list_pins(&chat).try_collect().await.unwrap();
    assert!(pins.is_empty());
    env.call(json!({"action": "updateMessage", "messageId": id, "content": "edited"}))
        .await
        .unwrap();
    assert!(
        env.seen()[0]["content"].to_string().contains("edited"),
        "{}",
        env.seen()[0]
    );
    let listed = env
        .call(json!({"action": "listMessages", "chatId": env.chat, "pageSize": 5}))
        .await
        .unwrap();
    assert_eq!(listed["messages"][0]["messageId"], id.as_str());
    env.call(json!({"action": "recallMessage", "messageId": id}))
        .await
        .unwrap();
    assert_eq!(env.seen()[0]["deleted"], true);
}

#[tokio::test]
async fn threads_topic_posts_and_chats() {
    let env = env().await;
    let asked = env.user_says("discuss?");
    let r = env
        .call(json!({"action": "replyInThread", "messageId": asked, "content": "这是话题回复内容"}))
        .await
        .unwrap();
    assert_eq!(r["ok"], true);
    let thread = r["threadId"].as_str().expect("thread id").to_owned();
    assert!(thread.starts_with("omt_"));
    let listed = env
        .call(json!({"action": "listThreadMessages", "threadId": thread, "pageSize": 20}))
        .await
        .unwrap();
    assert!(
        listed["messages"].as_array().unwrap().len() >= 2,
        "{listed}"
    );

    // Not a topic chat: a clear error pointing at send.
    let err = env
        .call(json!({"action": "createTopicPost", "chatId": env.chat, "content": "# 标题\n正文"}))
        .await
        .unwrap_err();
    assert!(
        err.contains("not a topic chat") && err.contains("send"),
        "{err}"
    );
    let topic = env
        .sim
        .state()
        .seed_chat(
            APP,
            lark_sim::SeedChat {
                name: "forum".into(),
                chat_mode: lark_sim::ChatMode::Topic,
                members: vec![ada()],
                ..Default::default()
            },
        )
        .unwrap();
    let post = env
        .call(json!({"action": "createTopicPost", "chatId": topic, "content": "# 标题\n帖子正文内容"}))
        .await
        .unwrap();
    assert!(
        post["threadId"].as_str().unwrap().starts_with("omt_"),
        "{post}"
    );
    let seen = env.sim.state().chat_messages(APP, &topic).unwrap();
    assert_eq!(seen[0]["msg_type"], "post");
    let text = env
        .call(json!({"action": "createTopicPost", "chatId": topic, "content": "纯文本", "msgType": "text"}))
        .await
        .unwrap();
    assert_eq!(text["ok"], true);

    let members = env
        .call(json!({"action": "getChatMembers", "chatId": env.chat}))
        .await
        .unwrap();
    let ids: Vec<&str> = members["members"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["userId"].as_str())
        .collect();
    assert!(
        ids.contains(&"ou_ada") && ids.contains(&"ou_bob"),
        "{members}"
    );
    let info = env
        .call(json!({"action": "getChatInfo", "chatId": topic}))
        .await
        .unwrap();
    assert_eq!(info["isTopicChat"], true, "{info}");
}

#[tokio::test]
async fn send_attachment_image_and_file_from_roots_only() {
    let env = env().await;
    let png = env.dir.path().join("chart.png");
    std::fs::write(&png, PNG).unwrap();
    let pdf = env.dir.path().join("report.pdf");
    std::fs::write(&pdf, b"%PDF-1.4 test").unwrap();
    let to = format!("chat:{}", env.chat);
    env.call(json!({"action": "sendAttachment", "to": to, "path": png}))
        .await
        .unwrap();
    env.call(json!({"action": "sendAttachment", "to": to, "path": pdf}))
        .await
        .unwrap();
    let seen = env.seen();
    assert_eq!(seen[0]["msg_type"], "image");
    assert_eq!(seen[1]["msg_type"], "file");
    // Outside the roots, through `..`, and through a symlink: refused.
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.txt");
    std::fs::write(&secret, b"x").unwrap();
    let err = env
        .call(json!({"action": "sendAttachment", "to": to, "path": secret}))
        .await
        .unwrap_err();
    assert!(err.contains("outside the folders"), "{err}");
    let dotdot = format!(
        "{}/../{}",
        env.dir.path().display(),
        secret
            .strip_prefix(std::env::temp_dir())
            .unwrap_or(&secret)
            .display()
    );
    let err = env
        .call(json!({"action": "sendAttachment", "to": to, "path": dotdot}))
        .await
        .unwrap_err();
    assert!(
        err.contains("outside") || err.contains("no such file"),
        "{err}"
    );
    #[cfg(unix)]
    {
        let link = env.dir.path().join("link.txt");
        std::os::unix::fs::symlink(&secret, &link).unwrap();
        let err = env
            .call(json!({"action": "sendAttachment", "to": to, "path": link}))
            .await
            .unwrap_err();
        assert!(err.contains("outside the folders"), "{err}");
    }
    // Inside a thread: refused with the document's explanation.
    let err = env
        .call(json!({"action": "sendAttachment", "to": to, "path": png, "threadId": "omt_1"}))
        .await
        .unwrap_err();
    assert!(err.contains("thread"), "{err}");
    assert_eq!(env.seen().len(), 2);
}

#[tokio::test]
async fn call_rules_to_on_custom_nested_strings_and_missing_params() {
    let env = env().await;
    let err = env
        .call(json!({"action": "listMessages", "to": format!("chat:{}", env.chat), "pageSize": 5}))
        .await
        .unwrap_err();
    assert!(
        err.contains("chatId") && err.contains("without `chat:`"),
        "{err}"
    );
    assert!(
        err.contains(&format!("\"chatId\":\"{}\"", env.chat)),
        "{err}"
    );
    let err = env
        .call(json!({"path": "{\"action\": \"react\", \"messageId\": \"om_x\", \"emoji\": \"SMILE\"}"}))
        .await
        .unwrap_err();
    assert!(
        err.contains("top level") && err.contains("\"action\":\"react\""),
        "{err}"
    );
    let err = env.call(json!({"action": "pinMessage"})).await.unwrap_err();
    assert!(
        err.contains("`messageId`")
            && err.contains("A correct call: message({\"action\": \"pinMessage\""),
        "{err}"
    );
    let err = env
        .call(json!({"action": "pinmessage", "messageId": "om_1"}))
        .await
        .unwrap_err();
    assert!(err.contains("pinMessage"), "{err}");
}

/// A 1×1 PNG.
pub const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
    0x42, 0x60, 0x82,
];

/// A turn re-run after a crash repeats its calls: each posting action, called twice with the
/// same arguments in one turn (or its re-run), posts one message; another text or another turn
/// posts again; without a turn every call posts.
#[tokio::test]
async fn posting_the_same_call_twice_in_one_turn_posts_once() {
    let env = env().await;
    let (tool, _) = env.agent();
    let asked = env.user_says("please post things");
    let topic = env
        .sim
        .state()
        .seed_chat(
            APP,
            lark_sim::SeedChat {
                name: "forum".into(),
                chat_mode: lark_sim::ChatMode::Topic,
                members: vec![ada()],
                ..Default::default()
            },
        )
        .unwrap();
    let png = env.dir.path().join("dot.png");
    std::fs::write(
        &png,
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89",
    )
    .unwrap();
    let to = format!("chat:{}", env.chat);
    let turn = |message_id: &str| {
        let mut ctx = env.ctx();
        ctx.message_id = message_id.to_owned();
        ctx
    };
    let topic_posts = || env.sim.state().chat_messages(APP, &topic).unwrap().len();
    let calls = [
        json!({"action": "send", "to": to, "text": "Deploy done."}),
        json!({"action": "reply", "messageId": asked, "text": "On it."}),
        json!({"action": "replyInThread", "messageId": asked, "content": "Details here."}),
        json!({"action": "sendAttachment", "to": to, "path": png}),
        json!({"action": "createTopicPost", "chatId": topic, "content": "# New topic"}),
    ];
    for call in &calls {
        let before = (env.seen().len(), topic_posts());
        let first = ok_json(&tool.call(&turn(&asked), call.clone()).await);
        let after_one = (env.seen().len(), topic_posts());
        assert_ne!(before, after_one, "posted: {call}");
        // The same call again in the turn, and in a re-run of the turn (a fresh context).
        let again = ok_json(&tool.call(&turn(&asked), call.clone()).await);
        let rerun = ok_json(&tool.call(&turn(&asked), call.clone()).await);
        assert_eq!(
            (env.seen().len(), topic_posts()),
            after_one,
            "one message for {call}"
        );
        assert_eq!(again["messageId"], first["messageId"], "{call}");
        assert_eq!(rerun["messageId"], first["messageId"], "{call}");
    }

    // Another text in the same turn, or the same call in another turn: new messages.
    let n = env.seen().len();
    let other = json!({"action": "send", "to": to, "text": "Deploy done, again."});
    ok_json(&tool.call(&turn(&asked), other).await);
    assert_eq!(env.seen().len(), n + 1);
    let later = env.user_says("and once more");
    ok_json(&tool.call(&turn(&later), calls[0].clone()).await);
    assert_eq!(
        env.seen().len(),
        n + 3,
        "the user's message and the new post"
    );

    // No turn (CLI, MCP): every call posts.
    let n = env.seen().len();
    ok_json(&tool.call(&turn(""), calls[0].clone()).await);
    ok_json(&tool.call(&turn(""), calls[0].clone()).await);
    assert_eq!(env.seen().len(), n + 2);
}
