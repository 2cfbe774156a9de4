//! Intake: events from the long connection ([`websocket`]) or a webhook (`app::server`) become
//! durable claims in the store, and only then are they acknowledged. Both transports end in
//! [`accept`]; messages read back from a chat's history ([`catch_up`]) enter through the same
//! claim. What happens next (policy, the agent, the reply) is the inbound pipeline's, told
//! through a wake-up of the event's chat on a bounded channel (`Ctx::wake`).

use std::sync::Arc;

pub(crate) mod card;
pub(crate) mod catch_up;
pub(crate) mod twins;
pub mod websocket;

use lark::model::event::{Envelope, Event};

use crate::account::AccountRt;
use crate::runtime::Ctx;
use crate::store::{Claim, EventStatus, NewEvent, now_ms};

/// What became of an accepted event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accepted {
    /// Recorded for the first time.
    New,
    /// Already recorded (redelivery, or the same message re-pushed).
    Duplicate,
    /// Not an event this account can use (another app's, or unparsable); acknowledged so the
    /// platform stops pushing it, and logged.
    Dropped,
}

/// Why an event could not be accepted: the caller must not acknowledge it, so the platform
/// delivers it again.
#[derive(Debug, thiserror::Error)]
#[error("could not record the event: {0}")]
pub struct NotRecorded(String);

/// Records a plaintext event envelope for `account`. Acknowledge the event when this returns
/// `Ok`, whatever the variant; never when it returns `Err`.
pub async fn accept(
    ctx: &Arc<Ctx>,
    account: &Arc<AccountRt>,
    envelope: &Envelope,
    raw: &[u8],
) -> Result<Accepted, NotRecorded> {
    record(ctx, account, envelope, raw, false).await
}

/// Records a message read back from a chat's history that no connection delivered (see
/// `catch_up`). Already recorded is the usual case and is not logged.
pub(crate) async fn recover(
    ctx: &Arc<Ctx>,
    account: &Arc<AccountRt>,
    raw: &[u8],
) -> Result<(), NotRecorded> {
    let envelope = Envelope::parse(raw).map_err(|e| NotRecorded(e.to_string()))?;
    record(ctx, account, &envelope, raw, true).await.map(drop)
}

async fn record(
    ctx: &Arc<Ctx>,
    account: &Arc<AccountRt>,
    envelope: &Envelope,
    raw: &[u8],
    recovered: bool,
) -> Result<Accepted, NotRecorded> {
    let acct = account.id();
    if let Some(app) = &envelope.app_id
        && app.as_str() != account.app_id
    {
        tracing::warn!(target: "lark", "[{acct}] dropping an event for another app ({app})");
        return Ok(Accepted::Dropped);
    }
    if !recovered {
        account.touch();
    }
    let received_at_ms = now_ms();
    let mut event = NewEvent {
        account: acct.to_owned(),
        event_id: envelope.event_id().to_owned(),
        message_id: None,
        event_type: envelope.event_type().to_owned(),
        chat_key: None,
        payload: String::from_utf8_lossy(raw).into_owned(),
        received_at_ms,
        created_at_ms: envelope.create_time_ms().map(|t| t as i64),
        status: EventStatus::Ignored,
    };
    if let Event::MessageReceived(m) = &envelope.event {
        // A reply to it counts on its chat's send budget (the long connection tells the client
        // itself; a webhook's or a recovered message is told here).
        account.client.learn_chat(&m.message_id, &m.chat_id);
        event.message_id = Some(m.message_id.to_string());
        event.chat_key = Some(m.chat_id.to_string());
        if let Some(t) = m.create_time_ms {
            event.created_at_ms = Some(t as i64);
            if !recovered {
                account.gaps.platform_time(t as i64, received_at_ms);
            }
        }
        event.status = fresh(account, event.created_at_ms, received_at_ms);
        if let Some(first) = account.twins.earlier(m) {
            tracing::warn!(target: "lark", "[{acct}] suppressed message {}: same sender, chat, creation time and content as {first} (the platform pushed it twice under two ids)", m.message_id);
            event.status = EventStatus::Ignored;
        }
    }
    if let Event::CommentAdded(c) = &envelope.event {
        // Claimed like a message: the reply id is the message id (a thread's first reply when
        // it is new), so one comment pushed twice is answered once. Only a mention of the bot
        // is a turn, in the queue of its document.
        let reply = c.reply_id.as_ref().map_or("", |r| r.as_str());
        event.message_id = Some(format!("comment:{}:{reply}", c.comment_id));
        if c.is_mentioned {
            event.chat_key = Some(doc_queue(&c.file_token));
            event.status = fresh(account, event.created_at_ms, received_at_ms);
        }
    }
    if let Event::ReactionCreated(r) = &envelope.event
        && crate::inbound::reactions::wanted(account, r)
    {
        event.chat_key = Some(crate::inbound::reactions::QUEUE.to_owned());
        event.status = fresh(account, event.created_at_ms, received_at_ms);
    }
    if event.event_id.is_empty() {
        // No id to deduplicate on: fall back to the message id, or drop it.
        match &event.message_id {
            Some(m) => event.event_id = format!("msg:{m}"),
            None => return Ok(Accepted::Dropped),
        }
    }
    let status = event.status;
    let chat = event.chat_key.clone();
    let claim = ctx
        .store
        .claim(event)
        .await
        .map_err(|e| NotRecorded(e.to_string()))?;
    match claim {
        Claim::New => {
            ctx.metrics.event_received(acct);
            if recovered {
                ctx.metrics.event_recovered(acct);
                tracing::warn!(target: "lark", "[{acct}] recovered message {} from the chat's history: the connection it was pushed to was lost", message_id_of(envelope));
            } else if ctx.verbose {
                tracing::info!(target: "lark", "[{acct}] event {} ({}) recorded", envelope.event_id(), envelope.event_type());
            }
            if status == EventStatus::Expired {
                tracing::info!(target: "lark", "[{acct}] skipping stale message in event {} (older than {} min)", envelope.event_id(), account.cfg.max_event_age.as_secs() / 60);
            }
            if let (Some(chat), EventStatus::Received) = (chat, status) {
                ctx.wake(account, &chat).await;
            }
            Ok(Accepted::New)
        }
        Claim::DuplicateEvent | Claim::DuplicateMessage if recovered => Ok(Accepted::Duplicate),
        Claim::DuplicateEvent | Claim::DuplicateMessage => {
            ctx.metrics.event_duplicate(acct);
            tracing::info!(target: "lark", "[{acct}] skipping duplicate event {} ({})", envelope.event_id(), if claim == Claim::DuplicateEvent { "event id seen" } else { "message id seen" });
            Ok(Accepted::Duplicate)
        }
    }
}

/// `Received`, or `Expired` when created longer than `maxEventAgeMinutes` before it arrived.
fn fresh(account: &AccountRt, created_at_ms: Option<i64>, received_at_ms: i64) -> EventStatus {
    let max_age = account.cfg.max_event_age.as_millis() as i64;
    if created_at_ms.is_some_and(|t| received_at_ms - t > max_age) {
        EventStatus::Expired
    } else {
        EventStatus::Received
    }
}

/// The queue of a document's comments: one turn at a time per document, in order.
pub(crate) fn doc_queue(file_token: &str) -> String {
    format!("doc:{file_token}")
}

fn message_id_of(envelope: &Envelope) -> &str {
    match &envelope.event {
        Event::MessageReceived(m) => m.message_id.as_str(),
        _ => envelope.event_id(),
    }
}
