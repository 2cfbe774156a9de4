//! A firing of a scheduled job, as a turn: a `message` job's text (or markdown, or card) is
//! the outbox as it stands; a `prompt` job runs the agent on its prompt in the target's session
//! (the group's, or the person's DM session) and its answer is the outbox. Either is posted to
//! the target with uuids derived from (job, scheduled time), so a firing resumed after a crash
//! never posts twice.
//!
//! The same resumable states as a message: `received` → the outbox recorded (`answered`) →
//! each part sent → `sent`; the job's run is recorded as sent, or failed with the platform's
//! error.

use std::sync::Arc;

use lark::model::ReceiveId;
use lark::model::content::{Card, Content};
use openclaw_agent::{ChatKind, Turn};

use super::outcome::{Outcome, TurnError};
use crate::account::AccountRt;
use crate::outbound::{OutboundError, WirePart, send_uuid};
use crate::runtime::Ctx;
use crate::schedule::firing::Firing;
use crate::schedule::{self, spec};
use crate::store::{EventStatus, RunOutcome, StoredEvent};

/// Runs one firing as far as it goes (see the module doc).
pub(super) async fn run(
    ctx: &Arc<Ctx>,
    account: &Arc<AccountRt>,
    mut ev: StoredEvent,
) -> Result<Outcome, TurnError> {
    let acct = account.id();
    let firing: Firing = match serde_json::from_str(&ev.payload) {
        Ok(f) => f,
        Err(e) => {
            return Ok(Outcome::closed(
                EventStatus::Ignored,
                format!("unreadable firing: {e}"),
            ));
        }
    };
    if ev.status == EventStatus::Received {
        let parts = match firing.action.as_str() {
            "prompt" => answer(ctx, account, &ev, &firing).await,
            _ => message_parts(account, &firing),
        };
        ctx.store.record_reply(acct, &ev.event_id, &parts).await?;
        ev.parts = Some(parts);
    }
    let parts: Vec<WirePart> = ev
        .parts
        .as_deref()
        .map(serde_json::from_str)
        .transpose()
        .map_err(|e| OutboundError::Unreadable(e.to_string()))?
        .unwrap_or_default();
    let to = ReceiveId::infer(firing.receive_id());
    let last = parts.len().saturating_sub(1);
    for (i, part) in parts.iter().enumerate().skip(ev.sent_ids.len()) {
        let content = part
            .to_content()
            .unwrap_or_else(|| Content::text(part.text.clone()));
        let uuid = send_uuid(acct, &ev.event_id, &i.to_string());
        match account
            .client
            .send_message(&to, &content, Some(&uuid))
            .await
        {
            Ok(m) => {
                ctx.metrics.send(acct, "ok");
                ctx.store
                    .record_sent_part(acct, &ev.event_id, m.message_id.as_str(), i == last)
                    .await?;
            }
            Err(source) => {
                ctx.metrics.send(acct, "error");
                let e = OutboundError::Send {
                    what: format!(
                        "job {} ({}) to {}",
                        firing.job_id, firing.name, firing.target
                    ),
                    source,
                };
                tracing::warn!(target: "gateway", "[{acct}] {e}");
                ended(ctx, acct, &firing, RunOutcome::Failed, Some(e.to_string())).await;
                return Err(e.into());
            }
        }
    }
    ended(ctx, acct, &firing, RunOutcome::Sent, None).await;
    if ctx.verbose {
        tracing::info!(target: "gateway", "[{acct}] job {} posted to {} (due {})", firing.job_id, firing.target, spec::show(firing.scheduled_ms, &firing.tz));
    }
    Ok(if parts.len() > ev.sent_ids.len() {
        Outcome::Sent
    } else {
        Outcome::NothingToSend
    })
}

/// Records how the firing ended on the job and counts it.
async fn ended(ctx: &Ctx, acct: &str, f: &Firing, outcome: RunOutcome, detail: Option<String>) {
    let id = f.job_id();
    let recorded = schedule::record(ctx.store.as_ref(), &id, f.scheduled_ms, outcome, detail);
    if let Err(e) = recorded.await {
        tracing::warn!(target: "gateway", "[{acct}] cannot record the run of job {}: {e}", f.job_id);
    }
    ctx.metrics.inc(
        "openclaw_cron_firings_total",
        &[("account", acct), ("outcome", outcome.as_str())],
    );
}

/// A `message` job's outbox: its text as written, markdown planned as a reply is, or its card.
fn message_parts(account: &AccountRt, f: &Firing) -> String {
    let part = match f.format.as_str() {
        "markdown" => return crate::outbound::plan(account, &f.body),
        "card" => match Card::from_json_str(&f.body) {
            Ok(card) => WirePart::from_content(&Content::Interactive(card)),
            Err(_) => WirePart::from_content(&Content::text(f.body.clone())),
        },
        _ => WirePart::from_content(&Content::text(f.body.clone())),
    };
    serde_json::to_string(&[part]).unwrap_or_else(|_| "[]".into())
}

/// A `prompt` job's outbox: the agent's answer to the prompt, in the target's session.
async fn answer(ctx: &Arc<Ctx>, account: &Arc<AccountRt>, ev: &StoredEvent, f: &Firing) -> String {
    let acct = account.id();
    let id = f.receive_id().to_owned();
    let (kind, session_key) = if f.to_user() {
        (
            ChatKind::Dm,
            super::session::dm_key(ctx.session.dm_scope, acct, &id),
        )
    } else {
        (ChatKind::Group, format!("lark:{acct}:group:{id}"))
    };
    let text = format!(
        "[scheduled job {} \"{}\", due {}]\n{}",
        f.job_id,
        f.name,
        spec::show(f.scheduled_ms, &f.tz),
        f.body
    );
    let turn = Turn {
        account: acct.to_owned(),
        session_key,
        chat_id: id.clone(),
        chat_type: kind,
        sender_open_id: if f.to_user() { id } else { String::new() },
        sender_name: None,
        message_id: ev.event_id.clone(),
        thread_id: None,
        text,
        media: Vec::new(),
        media_errors: Vec::new(),
        system_prompt: None,
        tools: Default::default(),
        skills: None,
        doc_comment: None,
        messages: Vec::new(),
        steer: Default::default(),
        history: Vec::new(),
        notes: Vec::new(),
        session_turns: None,
        card_action: None,
    };
    let (answer, ..) = super::reply::collect(ctx, acct, &ev.event_id, turn, |_, _| {}).await;
    let prefix = crate::outbound::text::prefix(&account.cfg.openclaw, &ctx.agent_config);
    crate::outbound::plan(
        account,
        &crate::outbound::text::with_prefix(prefix.as_deref(), &answer),
    )
}
