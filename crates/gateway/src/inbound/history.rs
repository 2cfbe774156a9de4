//! Group history as context: the group's messages that did not address the bot since its
//! previous turn in that chat, at most `historyLimit` (default [`DEFAULT_LIMIT`]), oldest first.
//!
//! With the scope to read every group message, the app receives those messages and the
//! pipeline records them, refused as not addressed ([`NOT_MENTIONED`]); they are read back
//! from the store, bounded by the limit (and kept no longer than the store's dedup window, the
//! hourly prune). Without that scope nothing unaddressed is ever recorded for the account:
//! then the chat's history is read through the API, once per turn, over the same span.
//! In topic scopes (`group_topic`, `group_topic_sender`) only the topic's own messages count.
//! Attachments are named, not downloaded.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use lark::api::messages::{ListMessages, SortType};
use lark::model::ThreadId;
use lark::model::event::{Envelope, Event, MessageReceived};
use openclaw_agent::HistoryEntry;
use openclaw_config::SessionScope;
use openclaw_format::inbound::agent_text;

use super::policy;
use crate::account::AccountRt;
use crate::runtime::Ctx;
use crate::store::{EventStatus, HistoryQuery, StoredEvent};

/// The refusal reason of a group message that did not address the bot (policy.rs).
pub(super) const NOT_MENTIONED: &str = "bot not mentioned";

/// `historyLimit` when unset.
pub const DEFAULT_LIMIT: u32 = 20;

/// In topic scopes, how many of the chat's unaddressed messages are looked at per entry wanted
/// (the others belong to other topics).
const TOPIC_OVERSCAN: u32 = 5;

/// The context for the turn of `msg`.
pub(super) async fn gather(
    ctx: &Arc<Ctx>,
    account: &Arc<AccountRt>,
    ev: &StoredEvent,
    msg: &MessageReceived,
    scope: SessionScope,
) -> Vec<HistoryEntry> {
    let limit = account.cfg.openclaw.history_limit.unwrap_or(DEFAULT_LIMIT);
    let Some(before) = ev.created_at_ms.filter(|_| limit > 0) else {
        return Vec::new();
    };
    let topic = matches!(
        scope,
        SessionScope::GroupTopic | SessionScope::GroupTopicSender
    )
    .then_some(msg.thread_id.as_ref())
    .flatten();
    let want = if topic.is_some() {
        limit.saturating_mul(TOPIC_OVERSCAN)
    } else {
        limit
    };
    let acct = account.id();
    let chat = msg.chat_id.as_str();
    // Every message of a chat without required mentions is a turn: nothing to read back.
    let mention_required = policy::group_config(&account.cfg, chat)
        .and_then(|g| g.require_mention)
        .unwrap_or(account.cfg.require_mention);
    let mut found: Vec<MessageReceived> = if account.hears_all.load(Ordering::Relaxed) {
        let q = HistoryQuery {
            account: acct.to_owned(),
            chat_key: chat.to_owned(),
            before_ms: before,
            reason: NOT_MENTIONED.to_owned(),
            limit: want,
        };
        match ctx.store.unaddressed(q).await {
            Ok(events) => since_last_turn(&events, topic),
            Err(e) => {
                tracing::warn!(target: "lark", "[{acct}] cannot read the history of {chat}, answering without it: {e}");
                Vec::new()
            }
        }
    } else if mention_required {
        let mut read = from_api(ctx, account, msg, before).await;
        read.retain(|m| topic.is_none() || m.thread_id.as_ref() == topic);
        read
    } else {
        Vec::new()
    };
    found.truncate(limit as usize);
    found.reverse();
    let bot = account.bot_cached().map(|b| b.open_id.clone());
    let mut out = Vec::with_capacity(found.len());
    for m in found {
        let sender = m
            .sender
            .sender_id
            .open_id
            .as_ref()
            .map(|o| o.to_string())
            .unwrap_or_default();
        let sender_name = if account.cfg.openclaw.resolve_sender_names && !sender.is_empty() {
            account.names.name(&sender).await
        } else {
            None
        };
        out.push(HistoryEntry {
            message_id: m.message_id.to_string(),
            text: agent_text(&m, bot.as_ref()).text,
            sender_open_id: sender,
            sender_name,
            create_time: m.create_time_ms.unwrap_or_default() as i64,
        });
    }
    out
}

/// Notes a refusal: one for not addressing the bot shows the app receives every group message.
pub(super) fn heard(account: &AccountRt, reason: &str) {
    if reason == NOT_MENTIONED {
        account.hears_all.store(true, Ordering::Relaxed);
    }
}

/// The unaddressed messages (of the topic, when given) newer than the newest answered turn
/// there, newest first.
fn since_last_turn(events: &[StoredEvent], topic: Option<&ThreadId>) -> Vec<MessageReceived> {
    let mut out = Vec::new();
    for ev in events {
        let Some(m) = message_of(ev) else { continue };
        if topic.is_some() && m.thread_id.as_ref() != topic {
            continue;
        }
        if ev.status != EventStatus::Refused {
            break;
        }
        out.push(m);
    }
    out
}

fn message_of(ev: &StoredEvent) -> Option<MessageReceived> {
    match Envelope::parse(ev.payload.as_bytes()).ok()?.event {
        Event::MessageReceived(m) => Some(*m),
        _ => None,
    }
}

/// The chat's users' messages after the bot's previous turn there and before `before`, newest
/// first, read through the API (one listing, at most a page of 50).
async fn from_api(
    ctx: &Arc<Ctx>,
    account: &Arc<AccountRt>,
    msg: &MessageReceived,
    before: i64,
) -> Vec<MessageReceived> {
    let acct = account.id();
    // The previous turn: the newest closed event of the chat before this one.
    let since = ctx
        .store
        .chat_span(acct, msg.chat_id.as_str(), before - 1)
        .await
        .ok()
        .and_then(|s| s.last_closed_ms)
        .unwrap_or(before - 3_600_000);
    let query = ListMessages::chat(&msg.chat_id)
        .start_time(since.div_euclid(1000))
        .end_time(before.div_euclid(1000) + 1)
        .sort(SortType::ByCreateTimeDesc)
        .page_size(50);
    let page = account.client.list_messages_page(&query, None).await;
    let items = match page {
        Ok(p) => p.items,
        Err(e) => {
            tracing::info!(target: "lark", "[{acct}] cannot read the history of {}, answering without it: {e}", msg.chat_id);
            return Vec::new();
        }
    };
    let bot = account.bot_cached().map(|b| b.open_id.to_string());
    items
        .iter()
        .filter(|m| {
            let at = m.create_time.unwrap_or(i64::MAX);
            m.message_id != msg.message_id
                && !m.deleted
                && m.sender.sender_type == "user"
                && at > since
                && at < before
        })
        .filter_map(|m| {
            let raw = crate::intake::catch_up::envelope_of(account, msg, m, bot.as_deref());
            match Envelope::parse(raw.to_string().as_bytes()).ok()?.event {
                Event::MessageReceived(m) => Some(*m),
                _ => None,
            }
        })
        .collect()
}
