//! Document comments that @-mention the bot, end to end against lark-sim: answered once in
//! their own thread (a redelivery, a re-push or a failed post never doubles the reply), judged
//! by dmPolicy as a DM from the commenter, and no turn for a comment without the mention.

mod common;

use common::*;
use lark_sim::Person;
use lark_sim::workspace::{CommentPosted, UserComment};
use serde_json::{Value, json};

/// A command agent that keeps each turn's JSON in `turn.json` under `dir` and answers
/// "Noted: <the turn text's last line>".
fn agent(dir: &std::path::Path) -> String {
    let script = dir.join("agent.sh");
    std::fs::write(
        &script,
        "tee \"$1\" | sed -n 's/.*\"text\":\"[^\"]*\\\\n\\([^\"]*\\)\".*/Noted: \\1/p'\n",
    )
    .unwrap();
    format!(
        r#"{{ provider: "command", command: ["sh", "{}", "{}"], timeoutSeconds: 20 }}"#,
        script.display(),
        dir.join("turn.json").display()
    )
}

/// A document the bot made, to comment on.
async fn document(h: &Harness) -> String {
    let client = &h.gateway().ctx.accounts[0].client;
    client
        .create_document(Some("Plan"), None)
        .await
        .unwrap()
        .document_id
}

fn comment(
    h: &Harness,
    doc: &str,
    who: (&str, &str),
    text: &str,
    thread: Option<&str>,
) -> CommentPosted {
    h.sim
        .state()
        .user_comments(
            APP,
            UserComment {
                file_token: doc.into(),
                file_type: "docx".into(),
                user: Person::new(who.0, who.1),
                text: text.into(),
                mention_bot: true,
                comment_id: thread.map(str::to_owned),
                quote: None,
            },
        )
        .unwrap()
}

/// The document's threads as lark-sim shows them.
fn threads(h: &Harness, doc: &str) -> Vec<Value> {
    h.sim.state().file_comments(APP, doc).unwrap()
}

/// The replies of thread `comment_id`, as `(user_id, text)`.
fn thread(h: &Harness, doc: &str, comment_id: &str) -> Vec<(String, String)> {
    threads(h, doc)
        .into_iter()
        .find(|t| t["comment_id"] == comment_id)
        .map(|t| {
            t["replies"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    let s = |k: &str| r[k].as_str().unwrap_or_default().to_owned();
                    (s("user_id"), s("text"))
                })
                .collect()
        })
        .unwrap_or_default()
}

fn bot(h: &Harness) -> String {
    h.sim.state().app(APP).unwrap().bot_open_id.clone()
}

async fn wait_thread_len(h: &Harness, doc: &str, comment_id: &str, n: usize) {
    wait_until(&format!("{n} replies in thread {comment_id}"), || {
        thread(h, doc, comment_id).len() >= n
    })
    .await;
}

#[tokio::test]
async fn a_mention_in_a_comment_is_answered_once_in_its_thread_despite_redeliveries() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = start(r#"dmPolicy: "open""#, &agent(dir.path())).await;
    let doc = document(&h).await;
    let posted = comment(&h, &doc, ("ou_ada", "Ada"), "please summarize", None);
    let event_id = posted.event_id.clone().expect("a mention pushes the event");
    wait_thread_len(&h, &doc, &posted.comment_id, 2).await;
    let bot = bot(&h);
    let replies = thread(&h, &doc, &posted.comment_id);
    assert_eq!(replies[1], (bot.clone(), "Noted: please summarize".into()));
    assert_eq!(threads(&h, &doc).len(), 1, "answered in the same thread");

    // What the agent was given: a turn of the document's session, with the comment's ids.
    let turn: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("turn.json")).unwrap())
            .unwrap();
    assert_eq!(turn["chatType"], "docComment");
    assert_eq!(turn["sessionKey"], format!("lark:default:doc:{doc}"));
    assert_eq!(turn["senderOpenId"], "ou_ada");
    assert_eq!(turn["docComment"]["fileToken"], doc);
    assert_eq!(turn["docComment"]["fileType"], "docx");
    assert_eq!(turn["docComment"]["commentId"], posted.comment_id);
    assert_eq!(turn["docComment"]["replyId"], posted.reply_id);
    let text = turn["text"].as_str().unwrap();
    assert!(
        text.starts_with(&format!(
            "[docComment docToken={doc} docType=docx commentId={} sender=ou_ada name=Ada]\n",
            posted.comment_id
        )),
        "{text}"
    );
    assert!(
        text.ends_with("\nplease summarize") && !text.contains(&bot),
        "{text}"
    );

    // The same event again, the same comment under a new event id, and both after a restart.
    let body = h
        .sim
        .state()
        .deliveries(APP)
        .unwrap()
        .into_iter()
        .find(|d| d.event_id == event_id)
        .map(|d| d.body)
        .unwrap();
    let mut repush = body.clone();
    repush["header"]["event_id"] = json!("repushed-comment-1");
    let acked = async |h: &Harness, body: &Value| {
        let id = h.sim.state().inject_raw(APP, body.clone()).unwrap();
        let d = h
            .sim
            .state()
            .wait_delivery(APP, &id, POLL_FOR)
            .await
            .unwrap();
        assert_eq!(d.status, lark_sim::DeliveryStatus::Acked, "{d:?}");
    };
    acked(&h, &body).await;
    acked(&h, &repush).await;
    h.restart().await;
    acked(&h, &body).await;
    // A later comment in the thread, answered after those: by then they were all judged.
    let next = comment(
        &h,
        &doc,
        ("ou_ada", "Ada"),
        "and the risks?",
        Some(&posted.comment_id),
    );
    wait_thread_len(&h, &doc, &posted.comment_id, 4).await;
    h.wait_closed(next.event_id.as_deref().unwrap()).await;
    let replies = thread(&h, &doc, &posted.comment_id);
    let texts: Vec<&str> = replies.iter().map(|r| r.1.as_str()).collect();
    assert_eq!(
        texts,
        [
            format!("@{bot} please summarize").as_str(),
            "Noted: please summarize",
            &format!("@{bot} and the risks?"),
            "Noted: and the risks?"
        ],
        "{replies:?}"
    );
    let turn: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("turn.json")).unwrap())
            .unwrap();
    let text = turn["text"].as_str().unwrap();
    assert!(
        text.contains(
            "Earlier in this thread:\nou_ada: please summarize\nyou: Noted: please summarize\n"
        ),
        "the thread so far reaches the agent: {text}"
    );
}

#[tokio::test]
async fn a_failed_reply_is_posted_once_when_tried_again() {
    let dir = tempfile::tempdir().unwrap();
    let h = start(r#"dmPolicy: "open""#, &agent(dir.path())).await;
    let doc = document(&h).await;
    // The reply's post fails once (the thread is read first only by the retry).
    h.sim.state().fail_next(
        "/open-apis/drive/v1/files/*/comments/*/replies",
        1,
        500,
        1069301,
    );
    let posted = comment(&h, &doc, ("ou_ada", "Ada"), "is this final?", None);
    let closed = h.wait_closed(posted.event_id.as_deref().unwrap()).await;
    assert_eq!(closed.status.as_str(), "sent", "{closed:?}");
    let replies = thread(&h, &doc, &posted.comment_id);
    assert_eq!(replies.len(), 2, "{replies:?}");
    assert_eq!(replies[1], (bot(&h), "Noted: is this final?".into()));
    let posts: Vec<u16> = h
        .sim
        .state()
        .calls(APP)
        .iter()
        .filter(|c| c.method == "POST" && c.path.contains("/replies"))
        .map(|c| c.status)
        .collect();
    assert_eq!(posts, [500, 200], "one failed post, then one that landed");
}

#[tokio::test]
async fn a_comment_without_a_mention_of_the_bot_is_no_turn() {
    let dir = tempfile::tempdir().unwrap();
    let h = start(r#"dmPolicy: "open""#, &agent(dir.path())).await;
    let doc = document(&h).await;
    let event_id = h
        .sim
        .state()
        .inject_event(
            APP,
            "drive.notice.comment_add_v1",
            json!({
                "comment_id": "7001", "reply_id": "7002", "is_mentioned": false,
                "notice_meta": {
                    "file_token": doc, "file_type": "docx",
                    "from_user_id": {"open_id": "ou_ada"}, "to_user_id": {"open_id": bot(&h)},
                    "from_user_type": "user", "notice_type": "add_comment"
                }
            }),
        )
        .unwrap();
    let closed = h.wait_closed(&event_id).await;
    assert_eq!(closed.status.as_str(), "ignored", "{closed:?}");
    assert!(!dir.path().join("turn.json").exists(), "the agent ran");
    assert!(threads(&h, &doc).is_empty());
}

#[tokio::test]
async fn a_commenter_the_dm_allowlist_refuses_gets_no_reply() {
    let dir = tempfile::tempdir().unwrap();
    let h = start(
        r#"dmPolicy: "allowlist", allowFrom: ["ou_ada"]"#,
        &agent(dir.path()),
    )
    .await;
    let doc = document(&h).await;
    let refused = comment(&h, &doc, ("ou_mallory", "Mallory"), "leak it", None);
    let closed = h.wait_closed(refused.event_id.as_deref().unwrap()).await;
    assert_eq!(closed.status.as_str(), "refused", "{closed:?}");
    assert_eq!(closed.reason.as_deref(), Some("dm sender not in allowFrom"));
    // Ada, on the allowlist, is answered: the refusal was the policy's, not a broken pipeline.
    let allowed = comment(&h, &doc, ("ou_ada", "Ada"), "summarize", None);
    wait_thread_len(&h, &doc, &allowed.comment_id, 2).await;
    assert_eq!(thread(&h, &doc, &refused.comment_id).len(), 1);
    assert!(
        !std::fs::read_to_string(dir.path().join("turn.json"))
            .unwrap()
            .contains("leak it")
    );
}

#[tokio::test]
async fn under_pairing_a_commenter_is_answered_once_approved_and_no_code_goes_in_the_document() {
    let dir = tempfile::tempdir().unwrap();
    let h = start(r#"dmPolicy: "pairing""#, &agent(dir.path())).await;
    let doc = document(&h).await;
    let before = comment(&h, &doc, ("ou_bo", "Bo"), "hello?", None);
    let closed = h.wait_closed(before.event_id.as_deref().unwrap()).await;
    assert_eq!(closed.status.as_str(), "refused", "{closed:?}");
    assert_eq!(
        closed.reason.as_deref(),
        Some("commenter not paired (a DM to the bot gives a pairing code)")
    );
    assert_eq!(
        thread(&h, &doc, &before.comment_id).len(),
        1,
        "nothing posted"
    );
    // Bo pairs in a DM, as anyone does; the owner approves the code.
    h.seed("oc_dm_bo", lark_sim::ChatMode::P2p, &[("ou_bo", "Bo")]);
    let dm = h.say("oc_dm_bo", "ou_bo", "hi", false);
    let notice = text_of(&h.wait_replies("oc_dm_bo", &dm.message_id, 1).await[0]);
    let code = pairing_code(&notice);
    let store = h.gateway().ctx.store.clone();
    store
        .decide_pairing(&code, true, openclaw_gateway::store::now_ms())
        .await
        .unwrap()
        .expect("the code was pending");
    let after = comment(&h, &doc, ("ou_bo", "Bo"), "now?", Some(&before.comment_id));
    wait_thread_len(&h, &doc, &before.comment_id, 3).await;
    h.wait_closed(after.event_id.as_deref().unwrap()).await;
    let replies = thread(&h, &doc, &before.comment_id);
    assert_eq!(replies.len(), 3, "{replies:?}");
    assert_eq!(replies[2], (bot(&h), "Noted: now?".into()));
}
