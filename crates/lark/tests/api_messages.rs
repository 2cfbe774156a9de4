//! IM messages against lark-sim: send, reply, edit, patch, recall, get, list with paging, and
//! the uuid idempotency key, asserted on what the chat's users see.

mod api_common;

use api_common::*;
use futures::TryStreamExt;
use lark::api::messages::{ListMessages, MsgType, ReplyOptions, SortType};
use lark::model::content::{Card, Content, Post, Text};
use lark::model::{MessageId, ReceiveId};
use lark_sim::UserMessage;

#[tokio::test]
async fn send_text_with_mentions_to_a_chat() {
    let (sim, client) = setup().await;
    let chat = group(&sim);
    let text = Text::new("hi ").at("ou_ada", "Ada");
    let sent = client
        .send_message(&ReceiveId::infer(chat.as_str()), &text.into(), None)
        .await
        .unwrap();
    assert_eq!(sent.msg_type, MsgType::Text);
    assert_eq!(sent.chat_id.as_ref(), Some(&chat));
    assert_eq!(sent.sender.sender_type, "app");
    let seen = seen(&sim, &chat);
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0]["message_id"], sent.message_id.as_str());
    assert_eq!(seen[0]["mentions"][0]["open_id"], "ou_ada");
}

#[tokio::test]
async fn same_uuid_posts_one_message() {
    let (sim, client) = setup().await;
    let chat = group(&sim);
    let to = ReceiveId::from(&chat);
    let a = client
        .send_message(&to, &Content::text("once"), Some("reply-om_1-0"))
        .await
        .unwrap();
    let b = client
        .send_message(&to, &Content::text("once"), Some("reply-om_1-0"))
        .await
        .unwrap();
    assert_eq!(a.message_id, b.message_id);
    assert_eq!(seen(&sim, &chat).len(), 1);
    client
        .send_message(&to, &Content::text("twice"), Some("reply-om_1-1"))
        .await
        .unwrap();
    assert_eq!(seen(&sim, &chat).len(), 2);
}

#[tokio::test]
async fn reply_in_thread_then_list_the_thread() {
    let (sim, client) = setup().await;
    let chat = group(&sim);
    let asked = sim
        .state()
        .user_sends(APP, UserMessage::text(chat.as_str(), ada(), "question"))
        .unwrap();
    let opts = ReplyOptions {
        reply_in_thread: true,
        uuid: None,
    };
    let reply = client
        .reply_message(
            &MessageId::new(&asked.message_id),
            &Content::text("answer"),
            &opts,
        )
        .await
        .unwrap();
    assert_eq!(
        reply.root_id.as_ref().map(|m| m.as_str()),
        Some(asked.message_id.as_str())
    );
    let thread = reply.thread_id.clone().expect("a thread was made");
    let in_thread: Vec<_> = client
        .list_messages(ListMessages::thread(&thread))
        .try_collect()
        .await
        .unwrap();
    let texts: Vec<_> = in_thread.iter().map(|m| m.content().to_owned()).collect();
    assert!(texts.iter().any(|t| t.contains("answer")), "{texts:?}");
}

#[tokio::test]
async fn edit_patch_recall_and_get() {
    let (sim, client) = setup().await;
    let chat = group(&sim);
    let to = ReceiveId::from(&chat);
    let sent = client
        .send_message(&to, &Content::text("draft"), None)
        .await
        .unwrap();
    client
        .edit_message(&sent.message_id, &Post::markdown("**final**").into())
        .await
        .unwrap();
    let got = client.get_message(&sent.message_id).await.unwrap();
    assert_eq!(got[0].msg_type, MsgType::Post);
    assert!(got[0].updated);
    assert!(got[0].content().contains("final"));
    // Cards are not edited with PUT: refused before sending.
    assert!(
        client
            .edit_message(&sent.message_id, &Content::card(serde_json::json!({})))
            .await
            .is_err()
    );

    let card = serde_json::json!({"config":{"update_multi":true},"elements":[{"tag":"markdown","content":"v1"}]});
    let card_msg = client
        .send_message(&to, &Content::card(card), None)
        .await
        .unwrap();
    let v2 = serde_json::json!({"config":{"update_multi":true},"elements":[{"tag":"markdown","content":"v2"}]});
    client
        .patch_card(&card_msg.message_id, &Card::Json(v2))
        .await
        .unwrap();
    let seen_now = seen(&sim, &chat);
    assert_eq!(seen_now[1]["content"]["elements"][0]["content"], "v2");

    client.recall_message(&sent.message_id).await.unwrap();
    assert_eq!(seen(&sim, &chat)[0]["deleted"], true);
    // Replying to a recalled message fails with a code the caller can act on.
    let err = client
        .reply_message(
            &sent.message_id,
            &Content::text("late"),
            &ReplyOptions::default(),
        )
        .await
        .unwrap_err();
    assert!(err.api().is_some_and(|e| e.is_target_gone()), "{err}");
}

#[tokio::test]
async fn list_pages_through_the_whole_chat_in_both_orders() {
    let (sim, client) = setup().await;
    let chat = group(&sim);
    let to = ReceiveId::from(&chat);
    for i in 0..7 {
        client
            .send_message(&to, &Content::text(format!("m{i}")), Some(&format!("u{i}")))
            .await
            .unwrap();
    }
    let q = ListMessages::chat(&chat).page_size(3);
    let first = client.list_messages_page(&q, None).await.unwrap();
    assert_eq!(first.items.len(), 3);
    assert!(first.has_more && first.next_token().is_some());
    let all: Vec<_> = client.list_messages(q.clone()).try_collect().await.unwrap();
    let texts: Vec<_> = all.iter().map(|m| m.content().to_owned()).collect();
    assert_eq!(texts.len(), 7);
    assert!(
        texts[0].contains("m0") && texts[6].contains("m6"),
        "{texts:?}"
    );
    let desc: Vec<_> = client
        .list_messages(q.sort(SortType::ByCreateTimeDesc))
        .try_collect()
        .await
        .unwrap();
    assert!(desc[0].content().contains("m6"));
    // A window in the future holds nothing.
    let future: Vec<_> = client
        .list_messages(ListMessages::chat(&chat).start_time(4_000_000_000))
        .try_collect()
        .await
        .unwrap();
    assert!(future.is_empty());
}

#[tokio::test]
async fn oversized_text_is_refused_before_sending() {
    let (sim, client) = setup().await;
    let chat = group(&sim);
    let err = client
        .send_message(
            &ReceiveId::from(&chat),
            &Content::text("x".repeat(151 * 1024)),
            None,
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("150 KB"), "{err}");
    assert!(seen(&sim, &chat).is_empty());
    assert!(
        sim.state()
            .calls(APP)
            .iter()
            .all(|c| !c.path.ends_with("/im/v1/messages"))
    );
}

#[tokio::test]
async fn a_failed_send_is_retried_only_with_a_uuid() {
    let (sim, client) = setup().await;
    let chat = group(&sim);
    let to = ReceiveId::from(&chat);
    sim.state()
        .fail_next("/open-apis/im/v1/messages", 1, 503, 1);
    client
        .send_message(&to, &Content::text("keyed"), Some("k-1"))
        .await
        .expect("retried after the 503");
    sim.state()
        .fail_next("/open-apis/im/v1/messages", 1, 503, 1);
    // Without a key a retry could post twice, so the error comes back instead.
    let err = client
        .send_message(&to, &Content::text("unkeyed"), None)
        .await
        .unwrap_err();
    assert_eq!(err.api().map(|e| e.http_status), Some(503), "{err}");
    let texts: Vec<_> = seen(&sim, &chat)
        .iter()
        .map(|m| m["content"]["text"].clone())
        .collect();
    assert_eq!(texts, vec![serde_json::json!("keyed")]);
}

#[tokio::test]
async fn a_burst_to_one_chat_arrives_once_each_under_the_platform_limit() {
    let (sim, client) = setup().await;
    sim.state().configure(|c| c.rate_limit = true);
    let chat = group(&sim);
    let to = ReceiveId::from(&chat);
    let sends = (0..12).map(|i| {
        let (client, to) = (client.clone(), to.clone());
        async move {
            client
                .send_message(&to, &Content::text(format!("n{i}")), Some(&format!("b{i}")))
                .await
        }
    });
    for r in futures::future::join_all(sends).await {
        r.unwrap();
    }
    // Rate-limited attempts are waited out and retried; the uuids keep retries from doubling.
    let mut texts: Vec<_> = seen(&sim, &chat)
        .iter()
        .filter_map(|m| m["content"]["text"].as_str().map(str::to_owned))
        .collect();
    texts.sort();
    texts.dedup();
    assert_eq!(texts.len(), 12);
    assert_eq!(seen(&sim, &chat).len(), 12);
}

#[tokio::test]
async fn rest_mentions_are_strings_with_their_id_type() {
    let (sim, client) = setup().await;
    let chat = group(&sim);
    let sent = client
        .send_message(
            &ReceiveId::from(&chat),
            &Text::new("cc ").at("ou_bob", "Bob").into(),
            None,
        )
        .await
        .unwrap();
    let got = client.get_message(&sent.message_id).await.unwrap();
    let m = &got[0].mentions[0];
    assert_eq!(
        (m.id.as_str(), m.id_type.as_str(), m.name.as_str()),
        ("ou_bob", "open_id", "Bob")
    );
    assert!(got[0].content().contains(&m.key), "{}", got[0].content());
}
