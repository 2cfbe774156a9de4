//! Outbound: the reply's text ([`text`]: its prefix and chunks), planned against the platform
//! limits, recorded as an outbox, and sent
//! part by part with idempotent uuids ([`parts`]); fallbacks; streamed cards ([`stream`]); the
//! typing indicator beside the reply ([`typing`]).
//!
//! Each part's uuid is derived from (account, inbound message id, part index), so a retry, a
//! redelivery or a restart re-sends the same uuid and the platform posts the part once.

pub mod comment;
mod error;
pub mod parts;
pub(crate) mod placement;
pub mod stream;
pub mod text;
pub(crate) mod typing;

use std::sync::Arc;

use lark::api::messages::ReplyOptions;
use lark::model::ReceiveId;
use lark::model::content::Content;
use lark::model::event::MessageReceived;

use crate::account::AccountRt;
use crate::runtime::Ctx;
use crate::store::StoredEvent;
use typing::Typing;

pub use error::OutboundError;
pub use parts::{WirePart, plan, send_uuid};

fn is_refused_format(e: &lark::Error) -> bool {
    matches!(e.code(), Some(230001 | 230002 | 230099))
}

/// Replies to `msg` (in a thread as [`placement`] says), or with `quote` false and no thread
/// sends to the chat; falls back to a plain send to the chat when the message is gone, and to
/// text when the rich form is refused.
async fn deliver(
    account: &AccountRt,
    msg: &MessageReceived,
    content: &Content,
    fallback_text: &str,
    uuid: &str,
    quote: bool,
) -> lark::Result<String> {
    let opts = ReplyOptions {
        reply_in_thread: placement::in_thread(account, msg),
        uuid: Some(uuid.to_owned()),
    };
    let to = ReceiveId::infer(msg.chat_id.as_str());
    if !quote && !opts.reply_in_thread {
        return account
            .client
            .send_message(&to, content, Some(uuid))
            .await
            .map(|m| m.message_id.to_string());
    }
    let sent = match account
        .client
        .reply_message(&msg.message_id, content, &opts)
        .await
    {
        Err(e) if e.api().is_some_and(|a| a.is_target_gone()) => {
            tracing::info!(target: "lark", "[{}] {} is gone; sending to the chat instead", account.id(), msg.message_id);
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
/// `false` when there was nothing (left) to send, and the event is still to be closed.
pub(crate) async fn send_recorded(
    ctx: &Arc<Ctx>,
    account: &Arc<AccountRt>,
    ev: &StoredEvent,
    msg: &MessageReceived,
    typing: Typing,
) -> Result<bool, OutboundError> {
    let parts: Vec<WirePart> = match ev.parts.as_deref().map(serde_json::from_str).transpose() {
        Ok(parts) => parts.unwrap_or_default(),
        Err(e) => {
            typing.settle().await;
            return Err(OutboundError::Unreadable(e.to_string()));
        }
    };
    let first_unsent = ev.sent_ids.len();
    if first_unsent >= parts.len() {
        // Nothing (left) to send: an empty answer, or a crash after the last part landed.
        typing.remove(account, &msg.message_id).await;
        return Ok(false);
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
    sent.map(|()| true)
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
) -> Result<(), OutboundError> {
    let acct = account.id();
    let content = part
        .to_content()
        .unwrap_or_else(|| Content::text(part.text.clone()));
    let uuid = send_uuid(acct, parts::reply_seed(ev, msg), &i.to_string());
    // A streamed card was sent while the answer was written; it only needs its final text.
    let delivered = if part.msg_type == stream::PART_KIND {
        stream::finish_part(ctx, account, ev, i, part).await
    } else {
        let quote = placement::quotes(account, i);
        deliver(account, msg, &content, &part.text, &uuid, quote)
            .await
            .map_err(|source| OutboundError::Send {
                what: format!("part {} of the reply", i + 1),
                source,
            })
    };
    match delivered {
        Ok(id) => {
            ctx.metrics.send(acct, "ok");
            if ctx.verbose {
                tracing::info!(target: "lark", "[{acct}] sent part {} ({}) of the reply to {} as {id}", i + 1, part.msg_type, msg.message_id);
            }
            Ok(ctx
                .store
                .record_sent_part(acct, &ev.event_id, &id, last)
                .await?)
        }
        Err(e) => {
            ctx.metrics.send(acct, "error");
            Err(e)
        }
    }
}

/// Sends a one-off notice (a pairing code) as a reply, idempotent under `tag`.
pub async fn send_notice(
    ctx: &Arc<Ctx>,
    account: &Arc<AccountRt>,
    ev: &StoredEvent,
    msg: &MessageReceived,
    text: &str,
    tag: &str,
) -> Result<(), OutboundError> {
    let uuid = send_uuid(account.id(), parts::reply_seed(ev, msg), tag);
    match deliver(account, msg, &Content::text(text), text, &uuid, true).await {
        Ok(_) => {
            ctx.metrics.send(account.id(), "ok");
            Ok(())
        }
        Err(source) => {
            ctx.metrics.send(account.id(), "error");
            Err(OutboundError::Send {
                what: format!("the {tag} notice"),
                source,
            })
        }
    }
}
