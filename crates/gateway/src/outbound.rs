//! Outbound: the reply planned against the platform limits, recorded as an outbox, and sent
//! part by part with idempotent uuids; fallbacks. The typing reaction is `typing.rs`'s.
//!
//! Each part's uuid is derived from (account, inbound message id, part index), so a retry, a
//! redelivery or a restart re-sends the same uuid and the platform posts the part once.

use std::sync::Arc;

use lark::api::messages::ReplyOptions;
use lark::model::ReceiveId;
use lark::model::content::{Card, Content, Post};
use lark::model::event::MessageReceived;
use openclaw_config::RenderMode as CfgRenderMode;
use openclaw_format::outbound::{PlanOptions, RenderMode, plan_reply};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::account::AccountRt;
use crate::runtime::Ctx;
use crate::store::StoredEvent;
use crate::typing::Typing;

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
    fn from_content(c: &Content) -> WirePart {
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

    fn to_content(&self) -> Option<Content> {
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

/// Plans an answer into parts and returns the outbox JSON to record.
pub fn plan(account: &AccountRt, answer: &str) -> String {
    let mode = match account.cfg.render_mode {
        CfgRenderMode::Auto => RenderMode::Auto,
        CfgRenderMode::Text => RenderMode::Text,
        CfgRenderMode::Post => RenderMode::Post,
        CfgRenderMode::Card => RenderMode::Card,
    };
    let parts: Vec<WirePart> = if answer.trim().is_empty() {
        Vec::new()
    } else {
        plan_reply(
            answer,
            &PlanOptions {
                mode,
                max_parts: MAX_PARTS,
            },
        )
        .iter()
        .map(WirePart::from_content)
        .collect()
    };
    serde_json::to_string(&parts).unwrap_or_else(|_| "[]".into())
}

/// The uuid of one outbound message: the same inputs always give the same uuid.
pub fn send_uuid(account: &str, message_id: &str, part: &str) -> String {
    let digest = Sha256::digest(format!("{account}\n{message_id}\n{part}").as_bytes());
    hex::encode(&digest[..16])
}

fn is_refused_format(e: &lark::Error) -> bool {
    matches!(e.code(), Some(230001 | 230002 | 230099))
}

/// Replies to `msg` (in its thread when it has one); falls back to a plain send to the chat
/// when the message is gone, and to text when the rich form is refused.
async fn deliver(
    account: &AccountRt,
    msg: &MessageReceived,
    content: &Content,
    fallback_text: &str,
    uuid: &str,
) -> lark::Result<String> {
    let opts = ReplyOptions {
        reply_in_thread: msg.thread_id.is_some(),
        uuid: Some(uuid.to_owned()),
    };
    let sent = match account
        .client
        .reply_message(&msg.message_id, content, &opts)
        .await
    {
        Err(e) if e.api().is_some_and(|a| a.is_target_gone()) => {
            tracing::info!(target: "lark", "[{}] {} is gone; sending to the chat instead", account.id(), msg.message_id);
            let to = ReceiveId::infer(msg.chat_id.as_str());
            account.client.send_message(&to, content, Some(uuid)).await
        }
        other => other,
    };
    match sent {
        Err(e) if is_refused_format(&e) && !matches!(content, Content::Text(_)) => {
            tracing::warn!(target: "lark", "[{}] the platform refused a {} reply ({e}); sending it as text", account.id(), content.msg_type());
            let text = Content::text(fallback_text);
            let uuid = format!("{}t", &uuid[..uuid.len().min(40)]);
            let opts = ReplyOptions {
                uuid: Some(uuid),
                ..opts
            };
            account
                .client
                .reply_message(&msg.message_id, &text, &opts)
                .await
                .map(|m| m.message_id.to_string())
        }
        other => other.map(|m| m.message_id.to_string()),
    }
}

/// Sends the recorded parts not yet confirmed, recording each as it lands; the last one closes
/// the event. The typing reaction comes off while the last part goes out, never before it.
pub(crate) async fn send_recorded(
    ctx: &Arc<Ctx>,
    account: &Arc<AccountRt>,
    ev: &StoredEvent,
    msg: &MessageReceived,
    typing: Typing,
) -> Result<(), String> {
    let acct = account.id();
    let parts: Vec<WirePart> = match ev.parts.as_deref().map(serde_json::from_str).transpose() {
        Ok(parts) => parts.unwrap_or_default(),
        Err(e) => {
            typing.settle().await;
            return Err(format!("the recorded reply is unreadable: {e}"));
        }
    };
    let first_unsent = ev.sent_ids.len();
    if first_unsent >= parts.len() {
        // Nothing (left) to send: an empty answer, or a crash after the last part landed.
        typing.remove(account, &msg.message_id).await;
        return ctx
            .store
            .set_status(acct, &ev.event_id, crate::store::EventStatus::Sent, None)
            .await
            .map_err(|e| e.to_string());
    }
    let last = parts.len() - 1;
    for (i, part) in parts
        .iter()
        .enumerate()
        .skip(first_unsent)
        .take(last - first_unsent)
    {
        if let Err(e) = send_part(ctx, account, ev, msg, i, part, false).await {
            typing.settle().await;
            return Err(e);
        }
    }
    let (sent, ()) = tokio::join!(
        send_part(ctx, account, ev, msg, last, &parts[last], true),
        typing.remove(account, &msg.message_id)
    );
    sent
}

/// Sends part `i` of the recorded reply and records it (with `last`, the event is sent).
async fn send_part(
    ctx: &Arc<Ctx>,
    account: &Arc<AccountRt>,
    ev: &StoredEvent,
    msg: &MessageReceived,
    i: usize,
    part: &WirePart,
    last: bool,
) -> Result<(), String> {
    let acct = account.id();
    let content = part
        .to_content()
        .unwrap_or_else(|| Content::text(part.text.clone()));
    let uuid = send_uuid(acct, msg.message_id.as_str(), &i.to_string());
    // A streamed card was sent while the answer was written; it only needs its final text.
    let delivered = if part.msg_type == crate::outbound_stream::PART_KIND {
        crate::outbound_stream::finish_part(ctx, account, ev, part).await
    } else {
        deliver(account, msg, &content, &part.text, &uuid)
            .await
            .map_err(|e| e.to_string())
    };
    match delivered {
        Ok(id) => {
            ctx.metrics.send(acct, "ok");
            if ctx.verbose {
                tracing::info!(target: "lark", "[{acct}] sent part {} ({}) of the reply to {} as {id}", i + 1, part.msg_type, msg.message_id);
            }
            ctx.store
                .record_sent_part(acct, &ev.event_id, &id, last)
                .await
                .map_err(|e| e.to_string())
        }
        Err(e) => {
            ctx.metrics.send(acct, "error");
            Err(format!("sending part {} of the reply failed: {e}", i + 1))
        }
    }
}

/// Sends a one-off notice (a pairing code) as a reply, idempotent under `tag`.
pub async fn send_notice(
    ctx: &Arc<Ctx>,
    account: &Arc<AccountRt>,
    _ev: &StoredEvent,
    msg: &MessageReceived,
    text: &str,
    tag: &str,
) -> Result<(), String> {
    let uuid = send_uuid(account.id(), msg.message_id.as_str(), tag);
    match deliver(account, msg, &Content::text(text), text, &uuid).await {
        Ok(_) => {
            ctx.metrics.send(account.id(), "ok");
            Ok(())
        }
        Err(e) => {
            ctx.metrics.send(account.id(), "error");
            Err(format!("sending the {tag} notice failed: {e}"))
        }
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
