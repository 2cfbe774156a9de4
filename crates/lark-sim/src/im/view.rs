//! How IM records look on the wire: the REST `Message` object, and the fuller control-API view
//! (with sender names and reactions) that tests read. Also the `<at>` tags of sent text, which
//! the platform turns into `@_user_N` placeholders plus a `mentions` list.

use serde_json::{Value, json};

use super::store::{ImStore, Mention, Message};
use crate::state::App;

/// What a recalled message's body reads as.
pub const RECALLED: &str = "This message was recalled";

/// The REST `Message` object (`im/v1/messages` get, list, send, reply).
pub fn rest_message(m: &Message, app: &App) -> Value {
    let sender = if m.sender_is_bot {
        json!({"id": m.sender_id, "id_type": "app_id", "sender_type": "app", "tenant_key": app.tenant_key})
    } else {
        json!({"id": m.sender_id, "id_type": "open_id", "sender_type": "user", "tenant_key": app.tenant_key})
    };
    let content = if m.deleted {
        json!({ "text": RECALLED }).to_string()
    } else {
        m.content.clone()
    };
    let mut v = json!({
        "message_id": m.message_id,
        "msg_type": m.msg_type,
        "create_time": m.create_ms.to_string(),
        "update_time": m.update_ms.to_string(),
        "deleted": m.deleted,
        "updated": m.updated,
        "chat_id": m.chat_id,
        "sender": sender,
        "body": { "content": content },
    });
    for (key, val) in [
        ("root_id", &m.root_id),
        ("parent_id", &m.parent_id),
        ("thread_id", &m.thread_id),
    ] {
        if let Some(val) = val {
            v[key] = json!(val);
        }
    }
    if !m.mentions.is_empty() {
        v["mentions"] = m
            .mentions
            .iter()
            .map(|x| {
                json!({"key": x.key, "id": x.open_id, "id_type": "open_id", "name": x.name, "tenant_key": app.tenant_key})
            })
            .collect();
    }
    v
}

/// The control API's view of a message: everything a test may want to assert on.
pub fn sim_message(m: &Message, store: &ImStore, app: &App) -> Value {
    let sender_name = if m.sender_is_bot && m.sender_id == app.spec.app_id {
        app.bot_name.clone()
    } else if m.sender_is_bot {
        store
            .other_bots
            .get(&m.sender_id)
            .cloned()
            .unwrap_or_default()
    } else {
        store
            .users
            .get(&m.sender_id)
            .map(|u| u.name.clone())
            .unwrap_or_default()
    };
    let content: Value =
        serde_json::from_str(&m.content).unwrap_or(Value::String(m.content.clone()));
    json!({
        "message_id": m.message_id,
        "chat_id": m.chat_id,
        "sender": {
            "id": m.sender_id,
            "sender_type": if m.sender_is_bot { "app" } else { "user" },
            "name": sender_name,
        },
        "msg_type": m.msg_type,
        "content": content,
        "root_id": m.root_id,
        "parent_id": m.parent_id,
        "thread_id": m.thread_id,
        "create_time": m.create_ms.to_string(),
        "update_time": m.update_ms.to_string(),
        "deleted": m.deleted,
        "updated": m.updated,
        "mentions": m.mentions,
        "reactions": m.reactions,
    })
}

/// Rewrites `<at user_id="ou_x">Name</at>` in a text message into `@_user_N` placeholders and
/// returns the mentions; `user_id="all"` becomes `@_all`.
pub fn extract_mentions(text: &str, store: &ImStore) -> (String, Vec<Mention>) {
    let mut out = String::with_capacity(text.len());
    let mut mentions = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("<at ") {
        let Some(close) = rest[start..].find("</at>").map(|c| start + c) else {
            break;
        };
        let tag = &rest[start..close];
        let Some(gt) = tag.find('>') else { break };
        let attrs = &tag[..gt];
        let name = &tag[gt + 1..];
        let id = attrs
            .split("user_id=")
            .nth(1)
            .map(|s| {
                s.trim()
                    .trim_matches(|c| c == '"' || c == '\'' || c == '\\')
            })
            .map(|s| s.split(['"', '\'', '\\', ' ']).next().unwrap_or(""))
            .unwrap_or("");
        out.push_str(&rest[..start]);
        if id == "all" {
            out.push_str("@_all");
            mentions.push(Mention {
                key: "@_all".into(),
                open_id: "all".into(),
                name: "所有人".into(),
            });
        } else {
            let key = format!("@_user_{}", mentions.len() + 1);
            out.push_str(&key);
            let name = if name.is_empty() {
                store
                    .users
                    .get(id)
                    .map(|u| u.name.clone())
                    .unwrap_or_default()
            } else {
                name.to_owned()
            };
            mentions.push(Mention {
                key,
                open_id: id.to_owned(),
                name,
            });
        }
        rest = &rest[close + "</at>".len()..];
    }
    out.push_str(rest);
    (out, mentions)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_tags_become_placeholders() {
        let store = ImStore::default();
        let (text, m) = extract_mentions(
            r#"hi <at user_id="ou_1">Bob</at> and <at user_id="all"></at>!"#,
            &store,
        );
        assert_eq!(text, "hi @_user_1 and @_all!");
        assert_eq!(m[0].open_id, "ou_1");
        assert_eq!(m[0].name, "Bob");
        assert_eq!(m[1].key, "@_all");
    }
}
