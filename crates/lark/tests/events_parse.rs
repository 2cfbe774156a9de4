//! Envelopes and typed events from realistic payloads (PROTOCOL §2 and the SDK models).

use lark::model::event::{
    CardActionResponse, ChatType, Envelope, Event, EventError, Schema, ToastType,
};
use lark::model::received::ReceivedContent;
use lark::model::{ChatId, MessageId, OpenId, ThreadId};
use serde_json::{Value, json};

fn v2(event_type: &str, event: Value) -> Vec<u8> {
    json!({
        "schema": "2.0",
        "header": {"event_id": "ev_1", "event_type": event_type, "create_time": "1700000000000",
                   "token": "vt_secret_token", "app_id": "cli_a1b2c3d4e5f60718", "tenant_key": "tk_1"},
        "event": event
    })
    .to_string()
    .into_bytes()
}

fn parse(event_type: &str, event: Value) -> Envelope {
    Envelope::parse(&v2(event_type, event)).unwrap()
}

fn message(extra: Value) -> Value {
    let mut m = json!({
        "message_id": "om_1", "root_id": "om_root", "parent_id": "om_parent",
        "create_time": "1700000000123", "update_time": "1700000000456",
        "chat_id": "oc_1", "thread_id": "omt_1", "chat_type": "topic_group",
        "message_type": "text", "content": "{\"text\":\"@_user_1 hi @_user_10 and @_all\"}",
        "mentions": [
            {"key": "@_user_1", "id": {"open_id": "ou_bot", "union_id": "on_bot", "user_id": ""}, "name": "Claw", "tenant_key": "tk_1"},
            {"key": "@_user_10", "id": {"open_id": "ou_bob", "union_id": "on_bob", "user_id": "bob"}, "name": "Bob", "tenant_key": "tk_1"},
            {"key": "@_all", "id": {}, "name": "所有人", "tenant_key": "tk_1"}
        ],
        "user_agent": "Mozilla/5.0"
    });
    if let (Value::Object(m), Value::Object(x)) = (&mut m, extra) {
        m.extend(x);
    }
    json!({
        "sender": {"sender_id": {"open_id": "ou_alice", "union_id": "on_alice", "user_id": "alice"},
                   "sender_type": "user", "tenant_key": "tk_1"},
        "message": m
    })
}

#[test]
fn message_received_has_every_id_and_the_envelope_fields() {
    let env = parse("im.message.receive_v1", message(json!({})));
    assert_eq!(env.schema, Schema::V2);
    assert_eq!(env.event_id(), "ev_1");
    assert_eq!(env.create_time_ms(), Some(1_700_000_000_000));
    assert_eq!(
        env.app_id.as_ref().unwrap().as_str(),
        "cli_a1b2c3d4e5f60718"
    );
    assert_eq!(env.tenant_key.as_deref(), Some("tk_1"));
    let Event::MessageReceived(m) = env.event else {
        panic!()
    };
    assert_eq!(m.message_id, MessageId::from("om_1"));
    assert_eq!(m.root_id, Some(MessageId::from("om_root")));
    assert_eq!(m.parent_id, Some(MessageId::from("om_parent")));
    assert_eq!(m.thread_id, Some(ThreadId::from("omt_1")));
    assert_eq!(m.chat_id, ChatId::from("oc_1"));
    assert_eq!(m.chat_type, ChatType::TopicGroup);
    assert_eq!(m.create_time_ms, Some(1_700_000_000_123));
    assert_eq!(m.update_time_ms, Some(1_700_000_000_456));
    assert_eq!(m.sender.sender_id.open_id, Some(OpenId::from("ou_alice")));
    assert_eq!(m.sender.sender_type, "user");
    assert_eq!(m.user_agent.as_deref(), Some("Mozilla/5.0"));
    assert!(matches!(m.content, ReceivedContent::Text { .. }));
}

#[test]
fn absent_or_empty_reply_and_thread_ids_are_none() {
    let env = parse(
        "im.message.receive_v1",
        message(json!({"root_id": "", "parent_id": null, "thread_id": "", "chat_type": "p2p"})),
    );
    let Event::MessageReceived(m) = env.event else {
        panic!()
    };
    assert_eq!((m.root_id, m.parent_id, m.thread_id), (None, None, None));
    assert_eq!(m.chat_type, ChatType::P2p);
}

#[test]
fn mentions_resolve_without_confusing_user_1_and_user_10() {
    let Event::MessageReceived(m) = parse("im.message.receive_v1", message(json!({}))).event else {
        panic!()
    };
    let bot = OpenId::from("ou_bot");
    assert!(m.mentions_open_id(&bot));
    assert!(m.mentions_open_id(&OpenId::from("ou_bob")));
    assert!(!m.mentions_open_id(&OpenId::from("ou_carol")));
    assert!(m.mentions_all());
    assert_eq!(
        m.text_with_mentions_resolved(None),
        "@Claw hi @Bob and @所有人"
    );
    assert_eq!(
        m.text_with_mentions_resolved(Some(&bot)),
        "hi @Bob and @所有人"
    );
}

#[test]
fn at_all_in_content_counts_even_when_mentions_omit_it() {
    let Event::MessageReceived(m) = parse(
        "im.message.receive_v1",
        message(json!({"mentions": [], "content": "{\"text\":\"@_all standup now\"}"})),
    )
    .event
    else {
        panic!()
    };
    assert!(m.mentions_all());
    assert_eq!(m.text_with_mentions_resolved(None), "@all standup now");
}

#[test]
fn a_post_at_element_is_a_mention_of_the_bot() {
    let content = json!({"title": "", "content": [[
        {"tag": "at", "user_id": "ou_bot", "user_name": "Claw"},
        {"tag": "text", "text": " please look"}
    ]]})
    .to_string();
    let Event::MessageReceived(m) = parse(
        "im.message.receive_v1",
        message(
            json!({"message_type": "post", "content": content, "mentions": [
                {"key": "@_user_1", "id": {"open_id": "ou_bot"}, "name": "Claw"}
            ]}),
        ),
    )
    .event
    else {
        panic!()
    };
    let bot = OpenId::from("ou_bot");
    assert!(m.mentions_open_id(&bot));
    assert_eq!(m.text_with_mentions_resolved(None), "@Claw please look");
    assert_eq!(m.text_with_mentions_resolved(Some(&bot)), "please look");
}

#[test]
fn reactions_bot_membership_p2p_entered_and_read() {
    let reaction = json!({"message_id": "om_1", "reaction_type": {"emoji_type": "THUMBSUP"},
        "operator_type": "user", "user_id": {"open_id": "ou_a", "union_id": "on_a", "user_id": "a"},
        "action_time": "1700000000999"});
    let Event::ReactionCreated(r) = parse("im.message.reaction.created_v1", reaction.clone()).event
    else {
        panic!()
    };
    assert_eq!(r.emoji_type(), "THUMBSUP");
    assert_eq!(r.user_id.open_id, Some(OpenId::from("ou_a")));
    assert_eq!(r.action_time, Some(1_700_000_000_999));
    assert!(matches!(
        parse("im.message.reaction.deleted_v1", reaction).event,
        Event::ReactionDeleted(_)
    ));

    let added = json!({"chat_id": "oc_9", "operator_id": {"open_id": "ou_op"}, "external": false,
        "operator_tenant_key": "tk_1", "name": "Team", "i18n_names": {"en_us": "Team"}});
    let Event::BotAdded(b) = parse("im.chat.member.bot.added_v1", added.clone()).event else {
        panic!()
    };
    assert_eq!(b.chat_id, Some(ChatId::from("oc_9")));
    assert_eq!(b.operator_id.open_id, Some(OpenId::from("ou_op")));
    assert_eq!(b.name.as_deref(), Some("Team"));
    assert_eq!(b.external, Some(false));
    assert_eq!(b.i18n_names["en_us"], "Team");
    assert!(matches!(
        parse("im.chat.member.bot.deleted_v1", added).event,
        Event::BotDeleted(_)
    ));

    let entered = json!({"chat_id": "oc_p2p", "operator_id": {"open_id": "ou_a"},
        "last_message_id": "om_last", "last_message_create_time": "1699999999000"});
    let Event::P2pChatEntered(p) =
        parse("im.chat.access_event.bot_p2p_chat_entered_v1", entered).event
    else {
        panic!()
    };
    assert_eq!(p.last_message_id, Some(MessageId::from("om_last")));
    assert_eq!(p.last_message_create_time, Some(1_699_999_999_000));

    let read = json!({"reader": {"reader_id": {"open_id": "ou_r"}, "read_time": "1700000001000",
        "tenant_key": "tk_1"}, "message_id_list": ["om_1", "om_2"]});
    let Event::MessageRead(r) = parse("im.message.message_read_v1", read).event else {
        panic!()
    };
    assert_eq!(r.reader.reader_id.open_id, Some(OpenId::from("ou_r")));
    assert_eq!(r.reader.read_time, Some(1_700_000_001_000));
    assert_eq!(r.message_id_list.len(), 2);
}

#[test]
fn card_action_v2_reads_context_and_falls_back_to_top_level_ids() {
    let with_context = json!({
        "operator": {"tenant_key": "tk_1", "user_id": "u", "open_id": "ou_op", "union_id": "on_op"},
        "token": "c-card-update-token",
        "action": {"value": {"cmd": "approve"}, "tag": "button", "name": "ok",
                   "form_value": {"reason": "fine"}, "options": ["a", "b"], "checked": true},
        "host": "im_message", "delivery_type": "url_preview",
        "context": {"url": "https://x", "preview_token": "p", "open_message_id": "om_card",
                    "open_chat_id": "oc_card"}
    });
    let Event::CardAction(c) = parse("card.action.trigger", with_context).event else {
        panic!()
    };
    assert_eq!(c.open_message_id(), Some(&MessageId::from("om_card")));
    assert_eq!(c.open_chat_id(), Some(&ChatId::from("oc_card")));
    assert_eq!(c.action.value["cmd"], "approve");
    assert_eq!(c.action.form_value.as_ref().unwrap()["reason"], "fine");
    assert_eq!(c.action.options, ["a", "b"]);
    assert_eq!(c.action.checked, Some(true));
    assert_eq!(c.host.as_deref(), Some("im_message"));
    assert_eq!(c.token.as_ref().unwrap().expose(), "c-card-update-token");
    assert!(!format!("{c:?}").contains("c-card-update-token"));

    // Older payloads: ids at the top level, no context, value a bare string.
    let top_level = json!({"operator": {"open_id": "ou_op"}, "open_message_id": "om_top",
        "open_chat_id": "oc_top", "action": {"value": "go", "tag": "button"}});
    let Event::CardAction(c) = parse("card.action.trigger", top_level).event else {
        panic!()
    };
    assert_eq!(c.open_message_id(), Some(&MessageId::from("om_top")));
    assert_eq!(c.open_chat_id(), Some(&ChatId::from("oc_top")));
    assert_eq!(c.action.value, "go");
}

#[test]
fn card_action_response_serializes_to_the_documented_json() {
    let r = CardActionResponse::toast(ToastType::Success, "done")
        .with_raw_card(json!({"schema": "2.0", "body": {"elements": []}}));
    let v: Value = serde_json::from_str(&r.to_json()).unwrap();
    assert_eq!(
        v,
        json!({"toast": {"type": "success", "content": "done"},
               "card": {"type": "raw", "data": {"schema": "2.0", "body": {"elements": []}}}})
    );
    use base64::Engine;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(r.to_ws_data())
        .unwrap();
    assert_eq!(decoded, r.to_json().as_bytes());
    assert_eq!(CardActionResponse::empty().to_json(), "{}");
}

#[test]
fn unknown_events_are_kept_with_their_raw_json() {
    let raw = json!({"user": {"open_id": "ou_x"}, "anything": [1, 2]});
    let env = parse("contact.user.created_v3", raw.clone());
    assert_eq!(
        env.event,
        Event::Unknown {
            event_type: "contact.user.created_v3".into(),
            raw
        }
    );
}

#[test]
fn malformed_known_events_are_typed_errors_naming_the_field() {
    let err = Envelope::parse(&v2("im.message.receive_v1", json!({"sender": {}}))).unwrap_err();
    assert_eq!(
        err,
        EventError::MissingField {
            event_type: "im.message.receive_v1".into(),
            field: "message"
        }
    );
    let err = Envelope::parse(&v2("im.message.reaction.created_v1", json!({}))).unwrap_err();
    assert!(err.to_string().contains("message_id"), "{err}");
    let err = Envelope::parse(&v2("card.action.trigger", json!({"operator": {}}))).unwrap_err();
    assert!(err.to_string().contains("action"), "{err}");
    // A wrong type inside: an error, and it does not quote the value.
    let err = Envelope::parse(&v2(
        "im.message.message_read_v1",
        json!({"message_id_list": "private words"}),
    ))
    .unwrap_err();
    assert!(matches!(err, EventError::Malformed { .. }), "{err:?}");
    assert!(!err.to_string().contains("private words"), "{err}");
    assert_eq!(Envelope::parse(b"nope").unwrap_err(), EventError::NotJson);
    assert_eq!(
        Envelope::parse(b"{}").unwrap_err(),
        EventError::NotAnEnvelope
    );
}

#[test]
fn v1_message_event_and_unknown_v1_events() {
    let body = json!({"ts": "1502199207.7171419", "uuid": "u-1", "token": "t", "type": "event_callback",
        "event": {"type": "message", "app_id": "cli_x", "tenant_key": "tk", "root_id": "", "parent_id": "",
            "open_chat_id": "oc_1", "chat_type": "group", "msg_type": "text", "open_id": "ou_1",
            "employee_id": "e1", "union_id": "on_1", "open_message_id": "om_1", "is_mention": true,
            "text": "<at open_id=\"ou_bot\">@Claw</at> hi", "text_without_at_bot": " hi",
            "image_keys": ["img_1"]}});
    let env = Envelope::parse(body.to_string().as_bytes()).unwrap();
    assert_eq!(env.schema, Schema::V1);
    assert_eq!(env.event_type(), "message");
    assert_eq!(env.app_id.as_ref().unwrap().as_str(), "cli_x");
    let Event::MessageV1(m) = env.event else {
        panic!()
    };
    assert_eq!(m.open_message_id, Some(MessageId::from("om_1")));
    assert_eq!(m.root_id, None);
    assert_eq!(m.is_mention, Some(true));
    assert_eq!(m.text_without_at_bot, " hi");
    assert_eq!(m.image_keys, ["img_1"]);

    let other = json!({"uuid": "u-2", "type": "event_callback", "event": {"type": "add_bot", "chat_i18n_names": {}}});
    let env = Envelope::parse(other.to_string().as_bytes()).unwrap();
    assert!(matches!(env.event, Event::Unknown { ref event_type, .. } if event_type == "add_bot"));
}

#[test]
fn the_envelope_debug_hides_the_verification_token() {
    let env = parse("im.message.receive_v1", message(json!({})));
    let dbg = format!("{env:?}");
    assert!(!dbg.contains("vt_secret_token"), "{dbg}");
    assert!(dbg.contains("om_1"));
}

#[test]
fn a_post_at_of_the_bot_missing_from_mentions_is_still_stripped() {
    let content = json!({"content": [[
        {"tag": "at", "user_id": "ou_bot", "user_name": "Claw"},
        {"tag": "text", "text": " status?"}
    ]]})
    .to_string();
    let Event::MessageReceived(m) = parse(
        "im.message.receive_v1",
        message(json!({"message_type": "post", "content": content, "mentions": []})),
    )
    .event
    else {
        panic!()
    };
    let bot = OpenId::from("ou_bot");
    assert!(m.mentions_open_id(&bot));
    assert_eq!(m.text_with_mentions_resolved(None), "@Claw status?");
    assert_eq!(m.text_with_mentions_resolved(Some(&bot)), "status?");
}
