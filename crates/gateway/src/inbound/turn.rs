//! One event's way through the pipeline, resumable at every recorded state:
//! `received` → policy → `refused` | `admitted` → agent → `answered` (the outbox) → `sent`.
//!
//! A crash anywhere resumes from the last recorded state: an answered turn is resent from its
//! record with the same uuids (the platform drops what already landed), and only a turn with no
//! recorded answer runs the agent again.

use std::sync::Arc;
use std::time::{Duration, Instant};

use lark::model::event::{ChatType, Envelope, Event, MessageReceived, UserIds};
use openclaw_agent::{ChatKind, ToolFilter, Turn};
use openclaw_format::inbound::{agent_text, forwarded_text, group_prefix_named};

use super::media;
use super::outcome::{Outcome, TurnError};
use super::policy::{self, Facts, Verdict};
use crate::account::AccountRt;
use crate::outbound;
use crate::outbound::typing::Typing;
use crate::runtime::Ctx;
use crate::store::{EventStatus, PairingAsk, PairingRequest, StoredEvent, now_ms};

/// Pairing codes are valid for an hour, and an account has at most three waiting.
const PAIRING_TTL_MS: i64 = 3_600_000;
const PAIRING_MAX_PENDING: usize = 3;

/// Runs one event as far as it goes, to the [`Outcome`] the worker records; `Err` leaves the
/// event open, to be tried again as the error says.
pub async fn run(
    ctx: &Arc<Ctx>,
    account: &Arc<AccountRt>,
    ev: StoredEvent,
) -> Result<Outcome, TurnError> {
    let acct = account.id();
    let started = Instant::now();
    if ev.event_type == crate::store::jobs::FIRING_EVENT {
        return super::job::run(ctx, account, ev).await;
    }
    let envelope = match Envelope::parse(ev.payload.as_bytes()) {
        Ok(e) => e,
        Err(e) => {
            return Ok(Outcome::closed(
                EventStatus::Ignored,
                format!("unreadable: {e}"),
            ));
        }
    };
    let msg = match envelope.event {
        Event::MessageReceived(msg) => msg,
        Event::CommentAdded(c) => return super::comment::run(ctx, account, ev, *c).await,
        Event::ReactionCreated(r) => return super::reactions::note(ctx, account, &r).await,
        Event::CardAction(c) => return super::card::run(ctx, account, ev, *c).await,
        _ => return Ok(Outcome::closed(EventStatus::Ignored, "not a message")),
    };
    let mut status = ev.status;
    if status == EventStatus::Received {
        if let Some(expired) = stale(account, &ev, &format!("message {}", msg.message_id)) {
            return Ok(expired);
        }
        match admit(ctx, account, &ev, &msg).await? {
            Some(reason) => {
                super::history::heard(account, reason);
                ctx.metrics.refused(acct, reason);
                if ctx.verbose {
                    tracing::info!(target: "lark", "[{acct}] message {} from {} not answered: {reason}", msg.message_id, sender(&msg));
                }
                return Ok(Outcome::closed(EventStatus::Refused, reason));
            }
            // Admitted is not written down: a replay judges the message again, which is cheap
            // and gives the same verdict (a pairing notice carries its own uuid).
            None => status = EventStatus::Admitted,
        }
    }
    reply_admitted(ctx, account, ev, &msg, status, started).await
}

/// The rest of an admitted turn: the agent's answer recorded (unless it already is), then sent.
pub(super) async fn reply_admitted(
    ctx: &Arc<Ctx>,
    account: &Arc<AccountRt>,
    ev: StoredEvent,
    msg: &MessageReceived,
    status: EventStatus,
    started: Instant,
) -> Result<Outcome, TurnError> {
    let acct = account.id();
    let mut ev = ev;
    let typing = if status == EventStatus::Admitted {
        let typing = Typing::start(
            ctx,
            account,
            &ev,
            &msg.message_id,
            queued_behind(ctx, &ev).await,
        );
        let parts = answer(ctx, account, &ev, msg).await?;
        if let Err(e) = ctx.store.record_reply(acct, &ev.event_id, &parts).await {
            typing.settle().await;
            return Err(e.into());
        }
        ev.parts = Some(parts);
        typing
    } else {
        Typing::recorded(&ev)
    };
    let sent = outbound::send_recorded(ctx, account, &ev, msg, typing).await?;
    let latency = Duration::from_millis((now_ms() - ev.received_at_ms).max(0) as u64);
    ctx.metrics.turn(acct, "sent", latency);
    if ctx.verbose {
        tracing::info!(target: "lark", "[{acct}] answered {} in {:?} ({:?} in this run)", msg.message_id, latency, started.elapsed());
    }
    Ok(if sent {
        Outcome::Sent
    } else {
        Outcome::NothingToSend
    })
}

/// The outcome of an event older than `maxEventAgeMinutes` when its turn comes, if it is.
pub(super) fn stale(account: &AccountRt, ev: &StoredEvent, what: &str) -> Option<Outcome> {
    let max_age = account.cfg.max_event_age.as_millis() as i64;
    if ev.created_at_ms.is_none_or(|t| now_ms() - t <= max_age) {
        return None;
    }
    tracing::info!(target: "lark", "[{}] skipping stale {what} (older than {} min)", account.id(), max_age / 60_000);
    Some(Outcome::closed(
        EventStatus::Expired,
        "older than the age cutoff",
    ))
}

/// Whether more of the chat's messages wait behind `ev` (then the turn shows no typing
/// indicator). A store that cannot tell says no.
async fn queued_behind(ctx: &Ctx, ev: &StoredEvent) -> bool {
    let (Some(chat), Some(created)) = (ev.chat_key.as_deref(), ev.created_at_ms) else {
        return false;
    };
    ctx.store
        .chat_span(&ev.account, chat, created)
        .await
        .is_ok_and(|s| s.newest_open_ms.is_some_and(|t| t > created))
}

pub(super) fn sender(msg: &MessageReceived) -> &str {
    msg.sender
        .sender_id
        .open_id
        .as_ref()
        .map(|o| o.as_str())
        .unwrap_or("unknown")
}

/// Policy: `None` admits, `Some(reason)` refuses.
pub(super) async fn admit(
    ctx: &Arc<Ctx>,
    account: &Arc<AccountRt>,
    ev: &StoredEvent,
    msg: &MessageReceived,
) -> Result<Option<&'static str>, TurnError> {
    let bot = account.bot().await.map_err(TurnError::Identity)?;
    let x = &account.cfg.openclaw;
    let from_bot = msg.sender.sender_type == "app";
    if from_bot && let Some(reason) = super::bots::judge(x, msg, &bot.open_id) {
        return Ok(Some(reason));
    }
    let facts = Facts {
        is_dm: msg.chat_type == ChatType::P2p,
        chat_id: msg.chat_id.as_str(),
        sender_ids: sender_ids(&msg.sender.sender_id),
        mentions_bot: msg.mentions_open_id(&bot.open_id)
            || (x.respond_to_mention_all && msg.mentions_all()),
    };
    match policy::judge(&account.cfg, &facts) {
        Verdict::Admit if from_bot => {
            let chat = msg.chat_id.as_str();
            let ok = account
                .bot_turns
                .take(account.id(), chat, x.bot_turns_per_minute);
            Ok((!ok).then_some("botTurnsPerMinute reached"))
        }
        Verdict::Admit => Ok(None),
        Verdict::Refuse(reason) => Ok(Some(reason)),
        Verdict::Pairing => pairing(ctx, account, ev, msg).await,
    }
}

/// Every id a sender is known by (open id, union id, user id).
pub(crate) fn sender_ids(ids: &UserIds) -> Vec<&str> {
    [
        ids.open_id.as_ref().map(|i| i.as_str()),
        ids.union_id.as_ref().map(|i| i.as_str()),
        ids.user_id.as_ref().map(|i| i.as_str()),
    ]
    .into_iter()
    .flatten()
    .collect()
}

async fn pairing(
    ctx: &Arc<Ctx>,
    account: &Arc<AccountRt>,
    ev: &StoredEvent,
    msg: &MessageReceived,
) -> Result<Option<&'static str>, TurnError> {
    let acct = account.id();
    let open_id = sender(msg);
    let request = ctx
        .store
        .request_pairing(PairingAsk {
            account: acct.to_owned(),
            open_id: open_id.to_owned(),
            chat_id: Some(msg.chat_id.to_string()),
            name: None,
            now_ms: now_ms(),
            ttl_ms: PAIRING_TTL_MS,
            max_pending: PAIRING_MAX_PENDING,
        })
        .await?;
    match request {
        PairingRequest::Approved => Ok(None),
        PairingRequest::Created(p) => {
            tracing::info!(target: "lark", "[{acct}] pairing code {} issued to {open_id}; approve with: openclaw pairing approve lark {}", p.code, p.code);
            let text = format!(
                "Hi! I don't know you yet, so I can't answer here until my owner approves you.\n\
                 Your pairing code: {code} (valid for 1 hour)\n\
                 Ask the owner to run: openclaw pairing approve lark {code}",
                code = p.code
            );
            outbound::send_notice(ctx, account, ev, msg, &text, "pairing").await?;
            Ok(Some("pairing code sent"))
        }
        PairingRequest::Pending(_) => Ok(Some("pairing pending")),
        PairingRequest::TooMany => {
            tracing::warn!(target: "lark", "[{acct}] {open_id} asked to pair, but {PAIRING_MAX_PENDING} codes are already pending; approve or reject some with openclaw pairing list lark");
            Ok(Some("too many pending pairing requests"))
        }
    }
}

/// Runs the agent and plans the reply; returns the outbox (the parts as JSON).
async fn answer(
    ctx: &Arc<Ctx>,
    account: &Arc<AccountRt>,
    ev: &StoredEvent,
    msg: &MessageReceived,
) -> Result<String, TurnError> {
    let acct = account.id();
    let bot = account.bot_cached().map(|b| b.open_id.clone());
    let normalized = agent_text(msg, bot.as_ref());
    let mut text = normalized.text;
    if msg.message_type == "merge_forward" {
        match account.client.get_message(&msg.message_id).await {
            Ok(items) => text = forwarded_text(&items),
            Err(e) => text.push_str(&format!(
                "\n[the forwarded messages could not be read: {e}]"
            )),
        }
    }
    let scope = super::session::group_scope(&account.cfg, msg.chat_id.as_str());
    let (kind, session_key) =
        super::session::key(ctx.session.dm_scope, scope, acct, msg, sender(msg));
    // `resolveSenderNames: false`: no contact look-ups; the agent sees the sender's id.
    let sender_name = if account.cfg.openclaw.resolve_sender_names {
        account.names.name(sender(msg)).await
    } else {
        None
    };
    if kind != ChatKind::Dm {
        text = format!(
            "{} {text}",
            group_prefix_named(msg.chat_id.as_str(), sender(msg), sender_name.as_deref())
        );
    }
    let (media, media_errors) = media::download_all(
        ctx,
        account,
        msg,
        kind == ChatKind::Dm,
        &normalized.resources,
    )
    .await;
    let group = (kind != ChatKind::Dm)
        .then(|| policy::group_config(&account.cfg, msg.chat_id.as_str()))
        .flatten();
    let system_prompt = match group {
        None if kind == ChatKind::Dm => {
            policy::dm_config(&account.cfg, &[sender(msg)]).and_then(|d| d.system_prompt.clone())
        }
        None => None,
        Some(g) => g.system_prompt.clone(),
    };
    // A group's `tools.{allow,deny}` and `skills` narrow what its turns may use; DMs, and
    // groups without lists of their own, follow the account's.
    let extras = &account.cfg.openclaw;
    let tools = match group {
        Some(g) if !g.tools_allow.is_empty() || !g.tools_deny.is_empty() => ToolFilter {
            allow: g.tools_allow.clone(),
            deny: g.tools_deny.clone(),
        },
        _ => ToolFilter {
            allow: extras.tools_allow.clone(),
            deny: extras.tools_deny.clone(),
        },
    };
    let skills = group.and_then(|g| g.skills.clone());
    let mut turn = Turn {
        account: acct.to_owned(),
        session_key,
        chat_id: msg.chat_id.to_string(),
        chat_type: kind,
        sender_open_id: sender(msg).to_owned(),
        sender_name,
        message_id: msg.message_id.to_string(),
        thread_id: msg.thread_id.as_ref().map(|t| t.to_string()),
        text,
        media,
        media_errors,
        system_prompt,
        tools,
        skills,
        doc_comment: None,
        messages: Vec::new(),
        steer: Default::default(),
        history: Vec::new(),
        notes: Vec::new(),
        session_turns: None,
        card_action: super::card::action_of(msg),
    };
    super::queue::join(ctx, account, ev, &mut turn).await;
    let turn = super::context::add(ctx, account, ev, msg, scope, turn).await;
    let is_dm = kind == ChatKind::Dm;
    Ok(super::reply::respond(ctx, account, ev, msg, turn, is_dm).await)
}
