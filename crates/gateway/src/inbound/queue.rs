//! Queue modes (`messages.queue`): what the messages a session sends while a turn runs, or in
//! a quick burst, become.
//!
//! - `followup` (the default): one turn per message, in order.
//! - `collect`: the messages waiting when a turn ends, or arriving within `debounceMs` of each
//!   other, are answered together: one turn, one reply, to the last of them.
//! - `interrupt`: a new message stops the running turn (see `control`) and one turn answers
//!   everything unanswered.
//! - `steer`: a new message goes to the running LLM turn at its next tool boundary; what the
//!   turn did not take (and everything with the command agent) is answered as `followup`.
//!
//! A batch is one recorded turn: its members name their lead (the last message) in the store
//! before it runs, the lead's turn answers them all, and they close with it. A restart finds
//! the same batch and runs it again, so each message is answered by exactly one turn.

use std::sync::Arc;
use std::time::Duration;

use lark::model::event::{Envelope, Event, MessageReceived};
use openclaw_agent::{QueuedMessage, Turn};
use openclaw_config::{QueueMode, QueueOverride};
use openclaw_format::inbound::agent_text;

use super::outcome::TurnError;
use super::stop::{self, StopReason};
use crate::account::AccountRt;
use crate::outbound;
use crate::runtime::Ctx;
use crate::store::{EventStatus, StoreError, StoredEvent, now_ms};

/// The quiet window of `collect` when `debounceMs` is unset (OpenClaw's built-in 500 ms).
const DEFAULT_DEBOUNCE_MS: u64 = 500;
/// Messages one batch answers at most when `cap` is unset (OpenClaw's default).
const DEFAULT_CAP: u32 = 20;
/// Open events of a chat looked at in one go.
pub(super) const LOOK_LIMIT: u32 = 200;

/// The queue mode for the event's chat, most specific first: the group's `queue.mode`, the
/// account's, `messages.queue.byChannel.lark` (or `.feishu`), `messages.queue.mode`.
pub(super) fn mode(ctx: &Ctx, account: &AccountRt, ev: &StoredEvent) -> QueueMode {
    let q = &ctx.queue;
    overrides(account, ev)
        .find_map(|o| o.mode)
        .or_else(|| q.by_channel.get("lark").copied())
        .or_else(|| q.by_channel.get("feishu").copied())
        .unwrap_or(q.mode)
}

/// The `collect` quiet window for the event's chat: the group's `queue.debounceMs`, the
/// account's, `messages.queue.debounceMs`, else 500 ms.
fn debounce_ms(ctx: &Ctx, account: &AccountRt, ev: &StoredEvent) -> u64 {
    overrides(account, ev)
        .find_map(|o| o.debounce_ms)
        .or(ctx.queue.debounce_ms)
        .unwrap_or(DEFAULT_DEBOUNCE_MS)
}

/// The group's and the account's own `queue`, in that order.
fn overrides<'a>(
    account: &'a AccountRt,
    ev: &StoredEvent,
) -> impl Iterator<Item = QueueOverride> + 'a {
    let group = message_of(ev).and_then(|m| account.cfg.group(m.chat_id.as_str()).map(|g| g.queue));
    group.into_iter().chain([account.cfg.queue])
}

/// Whether the agent takes steering messages (an LLM; the command agent does not).
pub(super) fn agent_steers(ctx: &Ctx) -> bool {
    use openclaw_config::Provider;
    matches!(
        ctx.agent_config.provider,
        Provider::Anthropic | Provider::OpenAi
    )
}

/// The message an event carries, if it is one.
pub(super) fn message_of(ev: &StoredEvent) -> Option<MessageReceived> {
    match Envelope::parse(ev.payload.as_bytes()).ok()?.event {
        Event::MessageReceived(m) => Some(*m),
        _ => None,
    }
}

/// Readies the worker's next event: the lead of the batch it belongs to, a new batch in
/// `collect` mode, or the event itself; `None` when it is settled here (a member of a batch
/// already answered, a `/stop` with nothing running).
pub(super) async fn prepare(
    ctx: &Arc<Ctx>,
    account: &Arc<AccountRt>,
    ev: StoredEvent,
) -> Result<Option<StoredEvent>, TurnError> {
    let acct = account.id();
    if let Some(lead) = ev.batch.clone().filter(|l| *l != ev.event_id) {
        match ctx.store.event(acct, &lead).await? {
            Some(l) if l.status.is_open() => return Ok(Some(l)),
            Some(l) => {
                let status = if l.status == EventStatus::Stopped {
                    EventStatus::Stopped
                } else {
                    EventStatus::Sent
                };
                let reason = format!("answered with {}", l.message_id.unwrap_or_default());
                let ids = [ev.event_id.clone()];
                ctx.store.close_events(acct, &ids, status, &reason).await?;
                return Ok(None);
            }
            // The lead is gone (pruned): the member is a turn of its own.
            None => return Ok(Some(ev)),
        }
    }
    if ev.status != EventStatus::Received || ev.batch.is_some() {
        return Ok(Some(ev));
    }
    let Some(msg) = message_of(&ev) else {
        return Ok(Some(ev));
    };
    if stop::is_stop(account, &msg) {
        // The worker is between turns: nothing of this chat runs. A refused `/stop` goes the
        // usual way (and is refused there).
        if super::turn::admit(ctx, account, &ev, &msg).await?.is_some() {
            return Ok(Some(ev));
        }
        // Only a courtesy: a notice the platform refuses does not hold the chat's queue.
        if let Err(e) =
            outbound::send_notice(ctx, account, &ev, &msg, stop::NOTHING_RUNNING, "stop").await
        {
            tracing::warn!(target: "lark", "[{acct}] cannot say that nothing is running: {e}");
        }
        let ids = [ev.event_id.clone()];
        let reason = "/stop with nothing running";
        ctx.store
            .close_events(acct, &ids, EventStatus::Sent, reason)
            .await?;
        return Ok(None);
    }
    if mode(ctx, account, &ev) == QueueMode::Collect {
        return collect(ctx, account, ev, &msg).await;
    }
    Ok(Some(ev))
}

/// `collect`: waits out the quiet window, then makes the session's waiting messages one batch
/// (at most `cap`), led by the last.
async fn collect(
    ctx: &Arc<Ctx>,
    account: &Arc<AccountRt>,
    ev: StoredEvent,
    msg: &MessageReceived,
) -> Result<Option<StoredEvent>, TurnError> {
    let acct = account.id();
    let Some(chat) = ev.chat_key.clone() else {
        return Ok(Some(ev));
    };
    let debounce = debounce_ms(ctx, account, &ev) as i64;
    let cap = ctx.queue.cap.filter(|c| *c >= 1).unwrap_or(DEFAULT_CAP) as usize;
    let open = loop {
        let open = ctx.store.open_events(acct, &chat, LOOK_LIMIT).await?;
        let newest = open.iter().map(|e| e.received_at_ms).max().unwrap_or(0);
        let quiet = now_ms() - newest;
        if quiet >= debounce || ctx.stopping() {
            break open;
        }
        // A timer of the product (the quiet window), not a guess at how long something takes.
        ctx.sleep_unless_stopping(Duration::from_millis((debounce - quiet) as u64))
            .await;
    };
    if super::turn::admit(ctx, account, &ev, msg).await?.is_some() {
        return Ok(Some(ev));
    }
    let session = super::session::of(ctx, &account.cfg, msg).1;
    let mut members = vec![ev.clone()];
    for e in open
        .iter()
        .skip_while(|e| e.event_id != ev.event_id)
        .skip(1)
    {
        if members.len() >= cap || e.status != EventStatus::Received || e.batch.is_some() {
            break;
        }
        let Some(m) = message_of(e) else { break };
        // One batch is one session's: another thread or sender (as the session scope counts
        // them), or a `/stop`, ends it.
        let other_session = super::session::of(ctx, &account.cfg, &m).1 != session;
        if m.thread_id != msg.thread_id || other_session || stop::is_stop(account, &m) {
            break;
        }
        if super::turn::admit(ctx, account, e, &m).await?.is_none() {
            members.push(e.clone());
        }
    }
    if members.len() < 2 {
        return Ok(Some(ev));
    }
    let lead = members[members.len() - 1].event_id.clone();
    let ids: Vec<String> = members.iter().map(|e| e.event_id.clone()).collect();
    ctx.store.set_batch(acct, &lead, &ids).await?;
    tracing::info!(target: "lark", "[{acct}] collecting {} messages of chat {chat} into one turn", ids.len());
    Ok(ctx.store.event(acct, &lead).await?.or(Some(ev)))
}

/// The batch `lead` leads, if it leads one (its members, oldest first, the lead last).
pub(super) async fn members(ctx: &Ctx, lead: &StoredEvent) -> Result<Vec<StoredEvent>, StoreError> {
    if lead.batch.as_deref() != Some(lead.event_id.as_str()) {
        return Ok(Vec::new());
    }
    ctx.store.batch_events(&lead.account, &lead.event_id).await
}

/// Completes a batch lead's turn before it runs: every message it answers (in `messages`, and
/// all of them in `text`), and the steering inbox of a `steer` turn.
pub(super) async fn join(ctx: &Ctx, account: &AccountRt, ev: &StoredEvent, turn: &mut Turn) {
    turn.steer = super::control::steer_inbox();
    let members = match members(ctx, ev).await {
        Ok(m) => m,
        Err(e) => {
            tracing::warn!(target: "lark", "[{}] cannot read the batch of {}, answering its last message alone: {e}", account.id(), turn.message_id);
            return;
        }
    };
    if members.len() < 2 {
        return;
    }
    let bot = account.bot_cached().map(|b| b.open_id.clone());
    let lead_text = std::mem::take(&mut turn.text);
    let mut texts = Vec::new();
    for m in &members {
        let Some(msg) = message_of(m) else { continue };
        let own = msg.message_id.as_str() == turn.message_id;
        let text = if own {
            lead_text.clone()
        } else {
            agent_text(&msg, bot.as_ref()).text
        };
        texts.push(text.clone());
        turn.messages.push(QueuedMessage {
            message_id: msg.message_id.to_string(),
            sender_open_id: msg
                .sender
                .sender_id
                .open_id
                .as_ref()
                .map(|o| o.to_string())
                .unwrap_or_default(),
            text,
            create_time: m.created_at_ms,
        });
    }
    turn.text = format!(
        "[{} messages, answered together; the last is the one replied to]\n\n{}",
        texts.len(),
        texts.join("\n\n")
    );
}

/// After the lead's turn ended: closes what it answered (its batch's members, the steered
/// messages it took), or, when it was stopped, records it as stopped. `true` when the
/// lead's own end is recorded here (the worker then records nothing more for it).
pub(super) async fn finish(
    ctx: &Ctx,
    lead: &StoredEvent,
    control: &super::control::Control,
    answered: bool,
) -> bool {
    let acct = lead.account.as_str();
    let result = async {
        if let Some(reason) = control.stopped() {
            let ids = [lead.event_id.clone()];
            ctx.store
                .close_events(acct, &ids, EventStatus::Stopped, reason.recorded())
                .await?;
            if reason == StopReason::Interrupt {
                ctx.metrics.turn(acct, "interrupted", Duration::ZERO);
            } else {
                ctx.metrics.turn(acct, "stopped", Duration::ZERO);
            }
            return Ok::<_, StoreError>(true);
        }
        if !answered {
            return Ok(false);
        }
        let taken = control.steered_taken();
        if !taken.is_empty() {
            ctx.store.set_batch(acct, &lead.event_id, &taken).await?;
        }
        let mut ids: Vec<String> = members(ctx, lead)
            .await?
            .into_iter()
            .map(|e| e.event_id)
            .collect();
        ids.extend(taken);
        ids.retain(|id| *id != lead.event_id);
        let reason = format!(
            "answered with {}",
            lead.message_id.clone().unwrap_or_default()
        );
        ctx.store
            .close_events(acct, &ids, EventStatus::Sent, &reason)
            .await?;
        Ok(false)
    }
    .await;
    match result {
        Ok(done) => done,
        Err(e) => {
            // Left open, a member finds its answered lead on the chat's next look and closes.
            tracing::warn!(target: "lark", "[{acct}] cannot close what the turn of {} answered: {e}", lead.event_id);
            control.stopped().is_some()
        }
    }
}
