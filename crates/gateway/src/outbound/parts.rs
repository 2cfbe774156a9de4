//! The outbox's parts: an answer planned against the platform's limits into text, post and
//! card parts (each with plain text to fall back on), and the uuid that makes each part's send
//! idempotent.

use lark::model::content::{Card, Content, Post};
use openclaw_config::RenderMode as CfgRenderMode;
use openclaw_format::outbound::{PlanOptions, RenderMode, plan_reply};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::account::AccountRt;
use crate::store::StoredEvent;
use lark::model::event::MessageReceived;

/// Replies longer than this many messages are condensed (see the format crate).
const MAX_PARTS: usize = 10;

/// One recorded part of a reply: what to send, and plain text to send instead if the platform
/// refuses the rich form.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct WirePart {
    pub msg_type: String,
    pub content: String,
    pub text: String,
}

impl WirePart {
    pub(crate) fn from_content(c: &Content) -> WirePart {
        let content = c.to_json_string();
        let mut text = Vec::new();
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(&content) {
            collect_text(&v, &mut text);
        }
        WirePart {
            msg_type: c.msg_type().to_owned(),
            content,
            text: text.join("\n\n"),
        }
    }

    pub(crate) fn to_content(&self) -> Option<Content> {
        Some(match self.msg_type.as_str() {
            "text" => {
                let v: serde_json::Value = serde_json::from_str(&self.content).ok()?;
                Content::text(v.get("text")?.as_str()?)
            }
            "post" => Content::Post(serde_json::from_str::<Post>(&self.content).ok()?),
            "interactive" => Content::Interactive(Card::from_json_str(&self.content).ok()?),
            _ => return None,
        })
    }
}

/// The readable text of post `md`/`text` elements and card `markdown`/`lark_md` elements.
fn collect_text(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(o) => {
            let tag = o.get("tag").and_then(|t| t.as_str()).unwrap_or("");
            let key = match tag {
                "md" | "text" | "code_block" => Some("text"),
                "markdown" | "lark_md" | "plain_text" => Some("content"),
                _ => None,
            };
            if let Some(s) = key.and_then(|k| o.get(k)).and_then(|s| s.as_str()) {
                out.push(s.to_owned());
                return;
            }
            for (k, child) in o {
                if k == "text"
                    && tag.is_empty()
                    && let Some(s) = child.as_str()
                {
                    out.push(s.to_owned());
                    continue;
                }
                collect_text(child, out);
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|c| collect_text(c, out)),
        _ => {}
    }
}

/// Plans an answer into parts and returns the outbox JSON to record: each chunk of
/// `textChunkLimit` its own message(s); the last message the part budget allows carries the
/// rest, condensed.
pub fn plan(account: &AccountRt, answer: &str) -> String {
    let mode = match account.cfg.render_mode {
        CfgRenderMode::Auto => RenderMode::Auto,
        CfgRenderMode::Text => RenderMode::Text,
        CfgRenderMode::Post => RenderMode::Post,
        CfgRenderMode::Card => RenderMode::Card,
    };
    let mut parts: Vec<WirePart> = Vec::new();
    if !answer.trim().is_empty() {
        let chunks = super::text::chunks(&account.cfg.openclaw, answer);
        for (i, chunk) in chunks.iter().enumerate() {
            let left = MAX_PARTS.saturating_sub(parts.len());
            if left == 0 {
                break;
            }
            let rest;
            let text = if left == 1 && i + 1 < chunks.len() {
                rest = chunks[i..].join("\n\n");
                &rest
            } else {
                chunk
            };
            let opts = PlanOptions {
                mode,
                max_parts: left,
            };
            parts.extend(plan_reply(text, &opts).iter().map(WirePart::from_content));
        }
    }
    serde_json::to_string(&parts).unwrap_or_else(|_| "[]".into())
}

/// The uuid of one outbound message: the same inputs always give the same uuid.
pub fn send_uuid(account: &str, message_id: &str, part: &str) -> String {
    let digest = Sha256::digest(format!("{account}\n{message_id}\n{part}").as_bytes());
    hex::encode(&digest[..16])
}

/// What a reply's uuids derive from: the message answered, or for a card action (one card may
/// be clicked many times, each click a turn replying to it) the click's event.
pub(crate) fn reply_seed<'a>(ev: &'a StoredEvent, msg: &'a MessageReceived) -> &'a str {
    if msg.message_type == crate::inbound::CARD_ACTION_TYPE {
        &ev.event_id
    } else {
        msg.message_id.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_stable_distinct_and_within_the_platforms_length() {
        let a = send_uuid("default", "om_1", "0");
        assert_eq!(a, send_uuid("default", "om_1", "0"));
        assert_ne!(a, send_uuid("default", "om_1", "1"));
        assert_ne!(a, send_uuid("prod", "om_1", "0"));
        assert!(a.len() <= 50);
    }

    #[test]
    fn a_recorded_part_reads_back_as_the_same_content() {
        for c in [
            Content::text("hello <at user_id=\"ou_1\">Ada</at>"),
            Content::Post(Post::markdown("**bold** and `code`")),
            Content::card(
                serde_json::json!({"schema":"2.0","body":{"elements":[{"tag":"markdown","content":"| a |\n|---|\n| 1 |"}]}}),
            ),
        ] {
            let part = WirePart::from_content(&c);
            let json = serde_json::to_string(&part).unwrap();
            let back: WirePart = serde_json::from_str(&json).unwrap();
            assert_eq!(
                back.to_content().unwrap().to_json_string(),
                c.to_json_string()
            );
            assert!(!back.text.is_empty(), "{back:?}");
        }
    }
}
