//! Received messages from the event shapes the platform sends (as in lark's events_parse tests),
//! read the way the agent will read them.

use lark::api::messages::Message;
use lark::model::OpenId;
use lark::model::event::{Envelope, Event, MessageReceived};
use lark::model::received::ResourceKind;
use serde_json::{Value, json};

use super::*;

fn received(message: Value) -> MessageReceived {
    let mut m = json!({
        "message_id": "om_1", "create_time": "1700000000123", "chat_id": "oc_1",
        "chat_type": "group", "message_type": "text",
        "content": "{\"text\":\"@_user_1 hi @_user_10 and @_all\"}",
        "mentions": [
            {"key": "@_user_1", "id": {"open_id": "ou_bot", "union_id": "on_bot", "user_id": ""}, "name": "Claw", "tenant_key": "tk_1"},
            {"key": "@_user_10", "id": {"open_id": "ou_bob", "union_id": "on_bob", "user_id": "bob"}, "name": "Bob", "tenant_key": "tk_1"},
            {"key": "@_all", "id": {}, "name": "所有人", "tenant_key": "tk_1"}
        ]
    });
    if let (Value::Object(m), Value::Object(x)) = (&mut m, message) {
        m.extend(x);
    }
    let body = json!({
        "schema": "2.0",
        "header": {"event_id": "ev_1", "event_type": "im.message.receive_v1",
                   "create_time": "1700000000000", "token": "t", "app_id": "cli_1", "tenant_key": "tk_1"},
        "event": {
            "sender": {"sender_id": {"open_id": "ou_alice", "union_id": "on_alice", "user_id": "alice"},
                       "sender_type": "user", "tenant_key": "tk_1"},
            "message": m
        }
    });
    match Envelope::parse(body.to_string().as_bytes()).unwrap().event {
        Event::MessageReceived(m) => *m,
        other => panic!("{other:?}"),
    }
}

fn bot() -> OpenId {
    OpenId::from("ou_bot")
}

#[test]
fn text_mentions_become_tags_and_the_bots_own_is_removed() {
    let m = received(json!({}));
    assert_eq!(
        agent_text(&m, Some(&bot())).text,
        r#"hi <at user_id="ou_bob">Bob</at> and @all"#
    );
    // Without knowing the bot, it is a person like any other.
    assert_eq!(
        agent_text(&m, None).text,
        r#"<at user_id="ou_bot">Claw</at> hi <at user_id="ou_bob">Bob</at> and @all"#
    );
}

#[test]
fn a_mention_at_the_end_leaves_no_whitespace() {
    let m = received(json!({"content": "{\"text\":\"  status please @_user_1 \"}"}));
    assert_eq!(agent_text(&m, Some(&bot())).text, "status please");
}

#[test]
fn post_reads_as_markdown_with_mentions_links_code_and_images() {
    let content = json!({"zh_cn": {"title": "Weekly", "content": [
        [{"tag": "at", "user_id": "@_user_1", "user_name": "Claw"},
         {"tag": "text", "text": " see "}, {"tag": "a", "text": "docs", "href": "https://example.com"},
         {"tag": "text", "text": " cc "}, {"tag": "at", "user_id": "ou_carol", "user_name": "Carol"}],
        [{"tag": "text", "text": "important", "style": ["bold"]}],
        [{"tag": "code_block", "language": "rust", "text": "fn main() {}"}],
        [{"tag": "img", "image_key": "img_v3_1"}]
    ]}})
    .to_string();
    let m = received(json!({"message_type": "post", "content": content}));
    let got = agent_text(&m, Some(&bot()));
    assert_eq!(
        got.text,
        "**Weekly**\nsee [docs](https://example.com) cc <at user_id=\"ou_carol\">Carol</at>\n\
         **important**\n\n```rust\nfn main() {}\n```\n\n[image img_v3_1]"
    );
    assert_eq!(got.resources.len(), 1);
    assert_eq!(got.resources[0].key, "img_v3_1");
    assert_eq!(got.resources[0].kind, ResourceKind::Image);
}

#[test]
fn a_post_at_of_the_bot_by_open_id_is_removed_too() {
    let content = json!({"content": [[
        {"tag": "at", "user_id": "ou_bot", "user_name": "Claw"},
        {"tag": "text", "text": " status? "},
        {"tag": "at", "user_id": "all"}
    ]]})
    .to_string();
    let m = received(json!({"message_type": "post", "content": content, "mentions": []}));
    assert_eq!(agent_text(&m, Some(&bot())).text, "status? @all");
}

#[test]
fn cards_are_summarized_and_media_listed() {
    let card = json!({"schema": "2.0", "header": {"title": {"tag": "plain_text", "content": "Deploy?"}},
        "body": {"elements": [{"tag": "markdown", "content": "Release **1.2**"}]}});
    let m = received(json!({"message_type": "interactive", "mentions": [],
        "content": json!({"json_card": card.to_string()}).to_string()}));
    assert_eq!(
        agent_text(&m, Some(&bot())).text,
        "[card] Deploy?\nRelease **1.2**"
    );

    let m = received(json!({"message_type": "file", "mentions": [],
        "content": json!({"file_key": "file_v3_1", "file_name": "report.pdf"}).to_string()}));
    let got = agent_text(&m, Some(&bot()));
    assert_eq!(got.text, "[file file_v3_1 \"report.pdf\"]");
    assert_eq!(got.resources[0].kind, ResourceKind::File);
    assert_eq!(got.resources[0].file_name.as_deref(), Some("report.pdf"));
}

#[test]
fn group_prefix_names_chat_and_sender() {
    assert_eq!(
        group_prefix("oc_1", "ou_alice"),
        "[chatId=oc_1 sender=ou_alice]"
    );
}

fn rest(v: Value) -> Message {
    serde_json::from_value(v).unwrap()
}

#[test]
fn forwarded_children_read_with_sender_time_and_resolved_mentions() {
    let items = [
        rest(
            json!({"message_id": "om_fw", "msg_type": "merge_forward", "create_time": "1732233600000",
            "sender": {"id": "ou_alice", "id_type": "open_id", "sender_type": "user"},
            "body": {"content": "Merged and Forwarded Message"}}),
        ),
        rest(
            json!({"message_id": "om_c2", "upper_message_id": "om_fw", "msg_type": "text",
            "create_time": "1732233660000",
            "sender": {"id": "cli_9", "id_type": "app_id", "sender_type": "app"},
            "body": {"content": "{\"text\":\"done @_user_1\"}"},
            "mentions": [{"key": "@_user_1", "id": "ou_bob", "id_type": "open_id", "name": "Bob"}]}),
        ),
        rest(
            json!({"message_id": "om_c1", "upper_message_id": "om_fw", "msg_type": "post",
            "create_time": "1732233600000",
            "sender": {"id": "ou_bob", "id_type": "open_id", "sender_type": "user"},
            "body": {"content": "{\"title\":\"Plan\",\"content\":[[{\"tag\":\"text\",\"text\":\"ship it\"}]]}"}}),
        ),
    ];
    assert_eq!(
        forwarded_text(&items),
        "<forwarded_messages>\n\
         [2024-11-22 00:00:00 UTC] ou_bob:\n    **Plan**\n    ship it\n\
         [2024-11-22 00:01:00 UTC] cli_9 (bot):\n    done <at user_id=\"ou_bob\">Bob</at>\n\
         </forwarded_messages>"
    );
    // Only the children, without the forwarded message itself, read the same.
    assert_eq!(forwarded_text(&items[1..]), forwarded_text(&items));
}
