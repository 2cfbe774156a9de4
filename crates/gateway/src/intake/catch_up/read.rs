//! Reading one span of a chat's history and claiming what no connection delivered: the
//! event the platform would have pushed is rebuilt from the listed message and goes through
//! the same claim as a pushed one.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use lark::api::messages::{ListMessages, Message};
use lark::model::event::MessageReceived;
use lark::model::{ChatId, ThreadId};
use serde_json::{Value, json};

use super::MAX_PAGES;
use crate::account::AccountRt;
use crate::runtime::Ctx;

/// Why a read of history failed, and whether waiting may help.
pub(super) struct ReadError {
    pub(super) transient: bool,
    pub(super) why: String,
    retry_after: Option<Duration>,
}

impl ReadError {
    fn platform(e: lark::Error) -> ReadError {
        let (transient, retry_after) = match &e {
            lark::Error::RateLimited { retry_after, .. } => (true, Some(*retry_after)),
            lark::Error::Api(a) => (a.http_status >= 500 || a.is_rate_limited(), None),
            lark::Error::Network(_) => (true, None),
            _ => (false, None),
        };
        ReadError {
            transient,
            why: e.to_string(),
            retry_after,
        }
    }

    /// A failure that may pass (the store, a timeout).
    pub(super) fn passing(e: impl std::fmt::Display) -> ReadError {
        ReadError {
            transient: true,
            why: e.to_string(),
            retry_after: None,
        }
    }

    pub(super) fn wait_at_least(&self, wait: Duration) -> Duration {
        self.retry_after.map_or(wait, |r| r.max(wait))
    }
}

/// Reads one container's messages created in `[from_ms, upto_ms]` and records the users'
/// messages not seen yet.
pub(super) async fn read_span(
    ctx: &Arc<Ctx>,
    account: &Arc<AccountRt>,
    current: &MessageReceived,
    query: ListMessages,
    from_ms: i64,
    upto_ms: i64,
) -> Result<(), ReadError> {
    // The API takes whole seconds: round outwards, then filter on milliseconds.
    let query = query
        .start_time(from_ms.div_euclid(1000))
        .end_time(upto_ms.div_euclid(1000) + 1)
        .page_size(50);
    let mut pages = Box::pin(account.client.list_messages(query));
    let mut missing = Vec::new();
    let mut seen = 0;
    while let Some(item) = pages.next().await {
        let m = item.map_err(ReadError::platform)?;
        seen += 1;
        if seen > MAX_PAGES * 50 {
            break;
        }
        let at = m.create_time.unwrap_or(i64::MAX);
        if m.message_id != current.message_id
            && !m.deleted
            && m.sender.sender_type == "user"
            && (from_ms..=upto_ms).contains(&at)
        {
            missing.push(m);
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    let ids: Vec<String> = missing.iter().map(|m| m.message_id.to_string()).collect();
    let known = ctx
        .store
        .known_messages(account.id(), &ids)
        .await
        .map_err(ReadError::passing)?;
    missing.retain(|m| !known.iter().any(|k| k == m.message_id.as_str()));
    let bot_open_id = account.bot_cached().map(|b| b.open_id.to_string());
    for m in &missing {
        let raw = envelope_of(account, current, m, bot_open_id.as_deref());
        crate::intake::recover(ctx, account, raw.to_string().as_bytes())
            .await
            .map_err(ReadError::passing)?;
    }
    Ok(())
}

/// The `im.message.receive_v1` event the platform would have pushed for `m`, a message of the
/// same chat as `current`.
pub(crate) fn envelope_of(
    account: &AccountRt,
    current: &MessageReceived,
    m: &Message,
    bot_open_id: Option<&str>,
) -> Value {
    let mut sender_id = json!({ "open_id": m.sender.id });
    // The same person as the current message's sender: their other ids are known too (an
    // allowlist may name a user id).
    if current
        .sender
        .sender_id
        .open_id
        .as_ref()
        .map(|o| o.as_str())
        == Some(m.sender.id.as_str())
    {
        if let Some(u) = &current.sender.sender_id.union_id {
            sender_id["union_id"] = json!(u.as_str());
        }
        if let Some(u) = &current.sender.sender_id.user_id {
            sender_id["user_id"] = json!(u.as_str());
        }
    }
    let mentions: Vec<Value> = m
        .mentions
        .iter()
        .map(|x| {
            // The REST shape names a bot by its app id; the event names it by open id.
            let open_id = match (x.id_type.as_str(), bot_open_id) {
                ("app_id", Some(bot)) if x.id == account.app_id => bot,
                _ => x.id.as_str(),
            };
            json!({ "key": x.key, "id": { "open_id": open_id }, "name": x.name, "tenant_key": x.tenant_key })
        })
        .collect();
    let opt = |v: Option<&str>| v.map_or(Value::Null, |s| json!(s));
    json!({
        "schema": "2.0",
        "header": {
            "event_id": format!("recovered:{}", m.message_id.as_str()),
            "event_type": "im.message.receive_v1",
            "create_time": m.create_time.unwrap_or_default().to_string(),
            "app_id": account.app_id,
            "tenant_key": m.sender.tenant_key,
        },
        "event": {
            "sender": {
                "sender_id": sender_id,
                "sender_type": "user",
                "tenant_key": m.sender.tenant_key,
            },
            "message": {
                "message_id": m.message_id.as_str(),
                "root_id": opt(m.root_id.as_ref().map(|i| i.as_str())),
                "parent_id": opt(m.parent_id.as_ref().map(|i| i.as_str())),
                "thread_id": opt(m.thread_id.as_ref().map(ThreadId::as_str)),
                "create_time": m.create_time.unwrap_or_default().to_string(),
                "chat_id": m.chat_id.as_ref().map_or(current.chat_id.as_str(), ChatId::as_str),
                "chat_type": current.chat_type.as_str(),
                "message_type": m.msg_type.as_str(),
                "content": m.content(),
                "mentions": mentions,
            },
        },
    })
}
