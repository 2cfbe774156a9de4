//! Card callbacks (`card.action.trigger` over the long connection or the webhook, and the
//! legacy message-card callback) as an intake like the others: claimed once by event id,
//! answered within the platform's 3 s, and only then handed to the card's chat as a turn.
//!
//! The answer is decided here, before any agent runs: a toast, and for a click on an
//! `askUser` card the card in its answered form. An `askUser` question is claimed once by its
//! id as well, so a second click (by anyone, on any replica) is told it was already answered,
//! and a clicker the policy would not admit is refused before the click counts.

use std::sync::Arc;
use std::time::Duration;

use lark::model::event::{CardAction, CardActionResponse, Envelope, Event, ToastType};
use lark::ws::WsEvent;
use openclaw_tools::actions::ask::{AskValue, answered_card};
use serde_json::{Value, json};

use super::{NotRecorded, fresh};
use crate::account::AccountRt;
use crate::inbound::policy::{self, Facts, Verdict};
use crate::runtime::Ctx;
use crate::store::{Claim, EventStatus, NewEvent, now_ms};

/// The platform waits 3 s for the answer; everything here must fit well inside.
pub(crate) const ANSWER_WITHIN: Duration = Duration::from_millis(2500);
/// How long the clicker's name may take to look up before the answer goes without it.
const NAME_WITHIN: Duration = Duration::from_millis(800);

/// The answer to one callback, and the chat to wake once it is on its way.
pub(crate) struct Answered {
    pub response: CardActionResponse,
    wake: Option<String>,
}

impl Answered {
    fn only(response: CardActionResponse) -> Self {
        Answered {
            response,
            wake: None,
        }
    }

    /// Starts the turn: called after the answer was handed to the platform.
    pub(crate) async fn wake(self, ctx: &Ctx, account: &Arc<AccountRt>) {
        if let Some(chat) = self.wake {
            ctx.wake(account, &chat).await;
        }
    }
}

/// Whether the envelope is a card callback (answered through this module, not `accept`).
pub(crate) fn is_card(envelope: &Envelope) -> bool {
    matches!(envelope.event, Event::CardAction(_))
}

/// A card callback from the long connection: claimed, answered in the ACK's `data`, then woken.
pub(crate) async fn over_ws(
    ctx: &Arc<Ctx>,
    account: &Arc<AccountRt>,
    envelope: &Envelope,
    ev: WsEvent,
) {
    let acct = account.id();
    match tokio::time::timeout(ANSWER_WITHIN, accept(ctx, account, envelope, &ev.payload)).await {
        Ok(Ok(answered)) => {
            ctx.metrics.event_acked(acct);
            ev.ack_with_response(answered.response.to_json().into_bytes());
            answered.wake(ctx, account).await;
        }
        Ok(Err(e)) => {
            tracing::error!(target: "lark", "[{acct}] card action: {e}");
            ev.ack_with_response(busy().to_json().into_bytes());
        }
        Err(_) => {
            tracing::error!(target: "lark", "[{acct}] card action not recorded within {ANSWER_WITHIN:?}");
            ev.ack_with_response(busy().to_json().into_bytes());
        }
    }
}

/// A card callback from the webhook (schema 2.0, or a legacy one normalized by
/// [`legacy_envelope`]): the HTTP body to answer with. The turn is woken before the body is
/// written, which is as late as a handler can.
pub(crate) async fn over_webhook(
    ctx: &Arc<Ctx>,
    account: &Arc<AccountRt>,
    envelope: &Envelope,
    raw: &[u8],
) -> String {
    let acct = account.id();
    match tokio::time::timeout(ANSWER_WITHIN, accept(ctx, account, envelope, raw)).await {
        Ok(Ok(answered)) => {
            ctx.metrics.event_acked(acct);
            let body = answered.response.to_json();
            answered.wake(ctx, account).await;
            body
        }
        Ok(Err(e)) => {
            tracing::error!(target: "lark", "[{acct}] card action: {e}");
            busy().to_json()
        }
        Err(_) => {
            tracing::error!(target: "lark", "[{acct}] card action not recorded within {ANSWER_WITHIN:?}");
            busy().to_json()
        }
    }
}

/// A legacy message-card callback (a bare object: `open_id`, `open_message_id`, `action`, ...)
/// as a schema 2.0 `card.action.trigger` envelope, so it is claimed and run as one. Its event
/// id is the body's digest: the same callback delivered twice is the same event.
pub(crate) fn legacy_envelope(account: &AccountRt, plain: &[u8]) -> Option<(Envelope, Vec<u8>)> {
    use sha2::{Digest, Sha256};
    let v: Value = serde_json::from_slice(plain).ok()?;
    let digest = hex::encode(&Sha256::digest(plain)[..12]);
    let s = |k: &str| v.get(k).cloned().unwrap_or(Value::Null);
    let body = json!({
        "schema": "2.0",
        "header": {
            "event_id": format!("card-v1-{digest}"),
            "event_type": "card.action.trigger",
            "create_time": now_ms().to_string(),
            "app_id": account.app_id,
            "tenant_key": s("tenant_key"),
        },
        "event": {
            "operator": { "open_id": s("open_id"), "user_id": s("user_id"), "tenant_key": s("tenant_key") },
            "token": s("token"),
            "action": s("action"),
            "context": { "open_message_id": s("open_message_id"), "open_chat_id": s("open_chat_id") },
        },
    });
    let raw = serde_json::to_vec(&body).ok()?;
    Envelope::parse(&raw).ok().map(|e| (e, raw))
}

fn busy() -> CardActionResponse {
    CardActionResponse::toast(ToastType::Error, "Busy; please try again.")
}

/// Claims the callback and decides its answer.
async fn accept(
    ctx: &Arc<Ctx>,
    account: &Arc<AccountRt>,
    envelope: &Envelope,
    raw: &[u8],
) -> Result<Answered, NotRecorded> {
    let acct = account.id();
    let Event::CardAction(card) = &envelope.event else {
        return Ok(Answered::only(CardActionResponse::empty()));
    };
    if let Some(app) = &envelope.app_id
        && app.as_str() != account.app_id
    {
        tracing::warn!(target: "lark", "[{acct}] dropping a card action for another app ({app})");
        return Ok(Answered::only(CardActionResponse::empty()));
    }
    account.touch();
    let Some(chat) = card.open_chat_id().map(|c| c.to_string()) else {
        tracing::warn!(target: "lark", "[{acct}] card action {} names no chat; not a turn", envelope.event_id());
        return Ok(Answered::only(CardActionResponse::empty()));
    };
    let ask = AskValue::from_action(&card.action.value);
    let clicker = card
        .operator
        .ids
        .open_id
        .as_ref()
        .map_or("", |o| o.as_str());
    if let Some(a) = &ask
        && let Some(reason) = refused(ctx, account, a, &chat, card).await?
    {
        ctx.metrics.refused(acct, reason);
        tracing::info!(target: "lark", "[{acct}] answer to question {} by {clicker} refused: {reason}", a.ask);
        return Ok(Answered::only(CardActionResponse::toast(
            ToastType::Error,
            "You can't answer this question.",
        )));
    }
    let received_at_ms = now_ms();
    let created_at_ms = envelope.create_time_ms().map(|t| t as i64);
    let event = NewEvent {
        account: acct.to_owned(),
        event_id: envelope.event_id().to_owned(),
        // One answer per question, whoever clicks and however often.
        message_id: ask.as_ref().map(|a| format!("ask:{}", a.ask)),
        event_type: envelope.event_type().to_owned(),
        chat_key: Some(chat.clone()),
        payload: String::from_utf8_lossy(raw).into_owned(),
        received_at_ms,
        created_at_ms,
        status: fresh(account, created_at_ms, received_at_ms),
    };
    let status = event.status;
    let claim = ctx
        .store
        .claim(event)
        .await
        .map_err(|e| NotRecorded(e.to_string()))?;
    let response = match (&ask, claim) {
        (Some(_), Claim::DuplicateMessage) => {
            ctx.metrics.event_duplicate(acct);
            tracing::info!(target: "lark", "[{acct}] question already answered; click by {clicker} refused");
            return Ok(Answered::only(CardActionResponse::toast(
                ToastType::Info,
                "This question was already answered.",
            )));
        }
        (Some(a), _) => {
            let name = clicker_name(account, clicker).await;
            let form = card.action.form_value.as_ref();
            CardActionResponse::toast(
                ToastType::Success,
                format!("Answered: {}", a.answer_text(form)),
            )
            .with_raw_card(answered_card(a, form, &name))
        }
        (None, _) => CardActionResponse::toast(ToastType::Info, "Received"),
    };
    if claim != Claim::New {
        ctx.metrics.event_duplicate(acct);
        tracing::info!(target: "lark", "[{acct}] skipping duplicate card action {}", envelope.event_id());
        return Ok(Answered::only(response));
    }
    ctx.metrics.event_received(acct);
    if ctx.verbose {
        tracing::info!(target: "lark", "[{acct}] card action {} by {clicker} on {} recorded", envelope.event_id(), card.open_message_id().map_or("?", |m| m.as_str()));
    }
    Ok(Answered {
        response,
        wake: (status == EventStatus::Received).then_some(chat),
    })
}

/// Policy for the one answering a question, judged as a sender in the card's chat.
async fn refused(
    ctx: &Ctx,
    account: &AccountRt,
    ask: &AskValue,
    chat: &str,
    card: &CardAction,
) -> Result<Option<&'static str>, NotRecorded> {
    let facts = Facts {
        is_dm: ask.dm,
        chat_id: chat,
        sender_ids: crate::inbound::sender_ids(&card.operator.ids),
        mentions_bot: true,
    };
    let clicker = card
        .operator
        .ids
        .open_id
        .as_ref()
        .map_or("", |o| o.as_str());
    Ok(match policy::judge(&account.cfg, &facts) {
        Verdict::Admit => None,
        Verdict::Refuse(reason) => Some(reason),
        Verdict::Pairing => {
            let approved = ctx
                .store
                .is_approved(account.id(), clicker)
                .await
                .map_err(|e| NotRecorded(e.to_string()))?;
            (!approved).then_some("clicker not paired")
        }
    })
}

/// The clicker's name for the answered card, or their id when it cannot be had quickly.
async fn clicker_name(account: &AccountRt, open_id: &str) -> String {
    if !account.cfg.openclaw.resolve_sender_names || open_id.is_empty() {
        return open_id.to_owned();
    }
    match tokio::time::timeout(NAME_WITHIN, account.names.name(open_id)).await {
        Ok(Some(n)) => n,
        _ => open_id.to_owned(),
    }
}
