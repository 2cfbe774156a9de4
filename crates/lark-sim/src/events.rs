//! Event bodies as the platform sends them: the schema 2.0 envelope and the `event` objects of
//! the IM events lark-sim produces (PROTOCOL §2): message received, reactions, bot added to a
//! chat, p2p chat entered, message read, and the `card.action.trigger` callback.

use serde_json::{Value, json};

use crate::ids;
use crate::im::store::{Mention, Message, User};
use crate::state::App;

/// A schema 2.0 envelope around `event`; returns the new event id with it.
pub fn envelope(app: &App, event_type: &str, event: Value) -> (String, Value) {
    let event_id = ids::event_id();
    let body = json!({
        "schema": "2.0",
        "header": {
            "event_id": event_id,
            "event_type": event_type,
            "create_time": ids::now_ms().to_string(),
            "token": app.spec.verification_token.clone().unwrap_or_default(),
            "app_id": app.spec.app_id,
            "tenant_key": app.tenant_key,
        },
        "event": event,
    });
    (event_id, body)
}

/// The `{open_id, union_id, user_id}` id object of events.
pub fn user_ids(u: &User) -> Value {
    json!({ "open_id": u.open_id, "union_id": u.union_id, "user_id": u.user_id })
}

/// The bot's id object when it is mentioned.
pub fn bot_ids(app: &App) -> Value {
    json!({
        "open_id": app.bot_open_id,
        "union_id": ids::union_id_for(&app.bot_open_id),
        "user_id": "",
    })
}

/// `im.message.receive_v1` of a user's message. `mention_ids` pairs each mention with its id
/// object.
pub fn message_received(
    app: &App,
    sender: &User,
    msg: &Message,
    chat_type: &str,
    mention_ids: &[(Mention, Value)],
) -> Value {
    received(app, user_ids(sender), "user", msg, chat_type, mention_ids)
}

/// `im.message.receive_v1` of another app's bot message in a group: `sender_type` is `app`
/// and the sender's ids are that bot's.
pub fn bot_message_received(
    app: &App,
    from: &App,
    msg: &Message,
    chat_type: &str,
    mention_ids: &[(Mention, Value)],
) -> Value {
    received(app, bot_ids(from), "app", msg, chat_type, mention_ids)
}

fn received(
    app: &App,
    sender_ids: Value,
    sender_type: &str,
    msg: &Message,
    chat_type: &str,
    mention_ids: &[(Mention, Value)],
) -> Value {
    let mut message = json!({
        "message_id": msg.message_id,
        "create_time": msg.create_ms.to_string(),
        "update_time": msg.update_ms.to_string(),
        "chat_id": msg.chat_id,
        "chat_type": chat_type,
        "message_type": msg.msg_type,
        "content": msg.content,
        "user_agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Lark/7.30.0",
    });
    for (key, val) in [
        ("root_id", &msg.root_id),
        ("parent_id", &msg.parent_id),
        ("thread_id", &msg.thread_id),
    ] {
        if let Some(v) = val {
            message[key] = json!(v);
        }
    }
    if !mention_ids.is_empty() {
        message["mentions"] = mention_ids
            .iter()
            .map(|(m, id)| json!({ "key": m.key, "id": id, "name": m.name, "tenant_key": app.tenant_key }))
            .collect();
    }
    json!({
        "sender": {
            "sender_id": sender_ids,
            "sender_type": sender_type,
            "tenant_key": app.tenant_key,
        },
        "message": message,
    })
}

/// `im.message.reaction.created_v1` / `deleted_v1` (no `reaction_id`, as on the platform).
pub fn reaction(user: &User, message_id: &str, emoji_type: &str, at_ms: u64) -> Value {
    json!({
        "message_id": message_id,
        "reaction_type": { "emoji_type": emoji_type },
        "operator_type": "user",
        "user_id": user_ids(user),
        "action_time": at_ms.to_string(),
    })
}

/// `im.chat.member.bot.added_v1`
pub fn bot_added(app: &App, operator: &User, chat_id: &str, chat_name: &str) -> Value {
    json!({
        "chat_id": chat_id,
        "operator_id": user_ids(operator),
        "external": false,
        "operator_tenant_key": app.tenant_key,
        "name": chat_name,
        "i18n_names": { "zh_cn": chat_name, "en_us": chat_name },
    })
}

/// `im.chat.access_event.bot_p2p_chat_entered_v1`
pub fn p2p_entered(user: &User, chat_id: &str, last: Option<&Message>) -> Value {
    let mut v = json!({ "chat_id": chat_id, "operator_id": user_ids(user) });
    if let Some(m) = last {
        v["last_message_id"] = json!(m.message_id);
        v["last_message_create_time"] = json!(m.create_ms.to_string());
    }
    v
}

/// `im.message.message_read_v1`
pub fn message_read(app: &App, reader: &User, message_ids: &[String], at_ms: u64) -> Value {
    json!({
        "reader": {
            "reader_id": user_ids(reader),
            "read_time": at_ms.to_string(),
            "tenant_key": app.tenant_key,
        },
        "message_id_list": message_ids,
    })
}

/// `card.action.trigger` (PROTOCOL §2.5).
pub fn card_action(
    app: &App,
    operator: &User,
    message_id: &str,
    chat_id: &str,
    action: Value,
) -> Value {
    json!({
        "operator": {
            "tenant_key": app.tenant_key,
            "user_id": operator.user_id,
            "open_id": operator.open_id,
            "union_id": operator.union_id,
        },
        "token": format!("c-{}", ids::random_hex(40)),
        "action": action,
        "host": "im_message",
        "context": {
            "open_message_id": message_id,
            "open_chat_id": chat_id,
        },
    })
}
