//! The wiki and document comments, judged by lark-sim's state: a space with a node tree, a
//! `/wiki/` link written and read through its node, a node moved; a comment that @-mentions the
//! bot arriving over the long connection as a typed event and answered in its thread; resolve
//! and reopen; pins and reactions read back; bad calls answered with how to fix them; a group
//! switched off.

mod common;

use std::time::Duration;

use common::*;
use lark::model::event::{Envelope, Event};
use openclaw_tools::{ToolSettings, Tools};
use serde_json::{Value, json};

async fn ok(env: &Env, call: Value) -> Value {
    env.call(call.clone())
        .await
        .unwrap_or_else(|e| panic!("{call} failed: {e}"))
}

#[tokio::test]
async fn a_wiki_tree_is_built_written_through_links_and_moved() {
    let env = env().await;
    let space_id = env.sim.state().seed_wiki_space(APP, "Handbook").unwrap();
    let spaces = ok(&env, json!({"action": "listWikiSpaces"})).await;
    assert_eq!(spaces["spaces"][0]["name"], "Handbook");

    let top = ok(
        &env,
        json!({"action": "createWikiNode", "spaceId": space_id, "title": "Onboarding"}),
    )
    .await;
    let (node, obj) = (
        top["nodeToken"].as_str().unwrap(),
        top["objToken"].as_str().unwrap(),
    );
    assert_eq!(top["objType"], "docx");
    assert!(
        top["url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/wiki/{node}"))
    );
    let sheet = ok(
        &env,
        json!({"action": "createWikiNode", "spaceId": space_id, "title": "Roster", "objType": "sheet", "parentNodeToken": node}),
    )
    .await;
    assert!(env.workspace(|w| w.sheet_view(sheet["objToken"].as_str().unwrap()).is_some()));

    // A /wiki/ link is resolved to the document its node holds, for writing and reading.
    let link = format!("https://x.feishu.cn/wiki/{node}");
    ok(&env, json!({"action": "appendDocument", "documentId": link, "content": "# Day one\n\nBring a laptop."})).await;
    let doc = env.workspace(|w| w.doc_view(obj).expect("the node's document"));
    assert!(doc.markdown.contains("Bring a laptop."), "{}", doc.markdown);
    let read = ok(&env, json!({"action": "readDocument", "documentId": link})).await;
    assert_eq!(read["documentId"], obj);
    assert_eq!(read["title"], "Onboarding");
    assert!(read["markdown"].as_str().unwrap().contains("# Day one"));

    let got = ok(&env, json!({"action": "getWikiNode", "url": link})).await;
    assert_eq!(
        (got["objToken"].as_str(), got["spaceId"].as_str()),
        (Some(obj), Some(space_id.as_str()))
    );
    let children = ok(
        &env,
        json!({"action": "listWikiNodes", "spaceId": space_id, "parentNodeToken": link}),
    )
    .await;
    assert_eq!(children["nodes"][0]["title"], "Roster");

    // A wiki link to a sheet is not a document: said so, with what to use.
    let sheet_link = format!(
        "https://x.feishu.cn/wiki/{}",
        sheet["nodeToken"].as_str().unwrap()
    );
    let err = env
        .call(json!({"action": "readDocument", "documentId": sheet_link}))
        .await
        .unwrap_err();
    assert!(
        err.contains("holds a sheet") && err.contains("spreadsheetToken"),
        "{err}"
    );

    // Moving the sheet to the top of another space.
    let other = json!({"spaceId": env.sim.state().seed_wiki_space(APP, "Archive").unwrap()});
    let moved = ok(
        &env,
        json!({"action": "moveWikiNode", "spaceId": space_id, "nodeToken": sheet["nodeToken"], "targetSpaceId": other["spaceId"]}),
    )
    .await;
    assert_eq!(moved["spaceId"], other["spaceId"]);
    let view = env.workspace(|w| w.wiki_view());
    assert_eq!(view["spaces"][1]["nodes"][0]["title"], "Roster");
    assert_eq!(view["spaces"][0]["nodes"].as_array().unwrap().len(), 1);

    let err = env
        .call(json!({"action": "createWikiNode", "spaceId": space_id, "objType": "mindmap"}))
        .await
        .unwrap_err();
    assert!(
        err.contains("use docx, sheet or bitable") && err.contains("A correct call"),
        "{err}"
    );
    let err = env
        .call(json!({"action": "moveWikiNode", "spaceId": space_id, "nodeToken": node}))
        .await
        .unwrap_err();
    assert!(err.contains("targetParentToken"), "{err}");
}

#[tokio::test]
async fn a_comment_mentioning_the_bot_arrives_typed_and_is_answered_in_its_thread() {
    let env = env().await;
    let created = ok(&env, json!({"action": "createDocument", "title": "Spec"})).await;
    let doc = created["documentId"].as_str().unwrap().to_owned();

    let (_conn, mut events) =
        lark::ws::LongConnection::start(env.client.clone(), Default::default());
    env.sim
        .state()
        .wait_connections(APP, 1, Duration::from_secs(10))
        .await
        .then_some(())
        .expect("the long connection opens");
    let posted = env
        .sim
        .state()
        .user_comments(
            APP,
            serde_json::from_value(json!({
                "file_token": doc, "file_type": "docx", "user": {"open_id": "ou_ada", "name": "Ada"},
                "text": "please summarize", "mention_bot": true
            }))
            .unwrap(),
        )
        .unwrap();
    let ev = tokio::time::timeout(Duration::from_secs(10), events.recv())
        .await
        .expect("the comment event arrives")
        .expect("connection open");
    let env_ = Envelope::parse(&ev.payload).unwrap();
    ev.ack();
    let Event::CommentAdded(c) = env_.event else {
        panic!("not a typed comment event: {:?}", env_.event)
    };
    assert_eq!(c.comment_id.as_str(), posted.comment_id);
    assert_eq!(c.file_token, doc);
    assert!(c.is_mentioned && c.is_new_thread());
    assert_eq!(c.from.open_id.as_ref().unwrap().as_str(), "ou_ada");

    let listed = ok(&env, json!({"action": "listDocComments", "docToken": doc})).await;
    let bot = env.sim.state().app(APP).unwrap().bot_open_id.clone();
    assert_eq!(
        listed["comments"][0]["replies"][0]["content"],
        format!("@{bot} please summarize")
    );

    let r = ok(
        &env,
        json!({"action": "replyDocComment", "docToken": doc, "commentId": c.comment_id.as_str(), "content": "Done: <at user_id=\"ou_ada\">Ada</at> see section 2"}),
    )
    .await;
    let threads = env.sim.state().file_comments(APP, &doc).unwrap();
    assert_eq!(
        threads.len(),
        1,
        "the answer went into the thread, not a new one"
    );
    let replies = threads[0]["replies"].as_array().unwrap();
    assert_eq!(replies.len(), 2);
    assert_eq!(replies[1]["reply_id"], r["replyId"]);
    assert_eq!(replies[1]["user_id"], bot.as_str());
    assert_eq!(replies[1]["text"], "Done: @ou_ada see section 2");

    ok(
        &env,
        json!({"action": "resolveDocComment", "docToken": doc, "commentId": c.comment_id.as_str()}),
    )
    .await;
    assert_eq!(
        env.sim.state().file_comments(APP, &doc).unwrap()[0]["solved"],
        true
    );
    let open = ok(
        &env,
        json!({"action": "listDocComments", "docToken": doc, "resolved": false}),
    )
    .await;
    assert_eq!(open["comments"].as_array().unwrap().len(), 0);
    ok(&env, json!({"action": "resolveDocComment", "docToken": doc, "commentId": c.comment_id.as_str(), "resolved": false})).await;
    assert_eq!(
        env.sim.state().file_comments(APP, &doc).unwrap()[0]["solved"],
        false
    );

    // A comment of the bot's own, and one without a mention: no event.
    let added = ok(
        &env,
        json!({"action": "addDocComment", "docToken": doc, "content": "Reviewed"}),
    )
    .await;
    let quiet = env
        .sim
        .state()
        .user_comments(
            APP,
            serde_json::from_value(json!({
                "file_token": doc, "user": {"open_id": "ou_bob", "name": "Bob"}, "text": "thanks",
                "comment_id": added["commentId"]
            }))
            .unwrap(),
        )
        .unwrap();
    assert!(quiet.event_id.is_none());
    let threads = env.sim.state().file_comments(APP, &doc).unwrap();
    assert_eq!(threads[1]["replies"][1]["text"], "thanks");

    let err = env
        .call(json!({"action": "replyDocComment", "commentId": "1", "content": "x"}))
        .await
        .unwrap_err();
    assert!(
        err.contains("docToken") && err.contains("A correct call"),
        "{err}"
    );
    let err = env.call(json!({"action": "addDocComment", "docToken": doc, "docType": "slides", "content": "x"})).await.unwrap_err();
    assert!(err.contains("use docx, sheet, bitable or file"), "{err}");
}

#[tokio::test]
async fn pins_and_reactions_are_read_back() {
    let env = env().await;
    let m = env.user_says("ship it");
    ok(&env, json!({"action": "pinMessage", "messageId": m})).await;
    ok(&env, json!({"action": "react", "to": format!("chat:{}", env.chat), "messageId": m, "emoji": "THUMBSUP"})).await;
    env.sim
        .state()
        .user_reacts(
            APP,
            lark_sim::UserReaction {
                message_id: m.clone(),
                user: bob(),
                emoji_type: "DONE".into(),
                action: None,
            },
        )
        .unwrap();
    let pins = ok(&env, json!({"action": "listPins", "chatId": env.chat})).await;
    assert_eq!(pins["pins"][0]["messageId"], m.as_str());
    let all = ok(&env, json!({"action": "listReactions", "messageId": m})).await;
    let mut emojis: Vec<&str> = all["reactions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["emoji"].as_str().unwrap())
        .collect();
    emojis.sort();
    assert_eq!(emojis, ["DONE", "THUMBSUP"]);
    let done = ok(
        &env,
        json!({"action": "listReactions", "messageId": m, "emoji": "DONE"}),
    )
    .await;
    assert_eq!(done["reactions"][0]["operatorId"], "ou_bob");
    let err = env
        .call(json!({"action": "listPins", "chatId": "ou_ada"}))
        .await
        .unwrap_err();
    assert!(err.contains("not a chat id"), "{err}");
}

#[tokio::test]
async fn a_group_switched_off_refuses_its_actions_and_names_the_key() {
    let env = env().await;
    let mut settings = ToolSettings::default();
    settings.groups.set("wiki", false).unwrap();
    let tools = Tools::new(env.client.clone(), settings);
    let err = tools
        .dispatch(json!({"action": "listWikiSpaces"}))
        .await
        .result
        .unwrap_err();
    assert!(err.contains("tools.wiki"), "{err}");
    assert!(
        tools
            .dispatch(json!({"action": "createDocument", "title": "x"}))
            .await
            .result
            .is_ok()
    );
}
