//! The agent's answer, taken as it streams: text (cut back when a retried model call takes
//! some back), what the turn's tools sent, and the tokens used. With streaming on, the text
//! flows into a card as it comes; either way the result is the outbox to record.
//!
//! The answer is never sent twice: a final reply that repeats what the `message` tool already
//! sent to the same chat is dropped (and no card is opened while the answer so far is only the
//! start of such a message), and a card's final text is the answer itself, never the streamed
//! text plus the answer.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use lark::model::event::MessageReceived;
use openclaw_agent::{AgentEvent, SentByTool, Turn};

use crate::account::AccountRt;
use crate::outbound::stream::{CardWriter, card_part, card_texts};
use crate::outbound::{self, WirePart};
use crate::runtime::Ctx;
use crate::store::StoredEvent;

/// Whether this chat's replies stream into a card: the group's setting, the account's,
/// `agent.streaming`, else on in DMs when the agent is an LLM.
pub(crate) fn streaming_on(ctx: &Ctx, account: &AccountRt, chat_id: &str, is_dm: bool) -> bool {
    account
        .cfg
        .group(chat_id)
        .and_then(|g| g.streaming)
        .or(account.cfg.streaming)
        .or(ctx.agent_config.streaming)
        .unwrap_or(is_dm && is_llm(&ctx.agent_config))
}

/// Runs the turn's agent and returns the outbox JSON.
pub(super) async fn respond(
    ctx: &Arc<Ctx>,
    account: &Arc<AccountRt>,
    ev: &StoredEvent,
    msg: &MessageReceived,
    turn: Turn,
    is_dm: bool,
) -> String {
    let acct = account.id();
    let chat = turn.chat_id.clone();
    let sender = turn.sender_open_id.clone();
    let writer =
        streaming_on(ctx, account, &chat, is_dm).then(|| CardWriter::start(ctx, account, ev, msg));
    let prefix = outbound::text::prefix(&account.cfg.openclaw, &ctx.agent_config);
    let prefix = prefix.as_deref();
    let (answer, sent, first_token) =
        collect(ctx, acct, msg.message_id.as_str(), turn, |answer, sent| {
            if let Some(w) = &writer
                && !starts_a_sent_message(answer, sent, &chat)
            {
                w.show(&outbound::text::with_prefix(prefix, answer));
            }
        })
        .await;
    let cards = match writer {
        Some(w) => w.end().await,
        None => Vec::new(),
    };
    if cards.is_empty() && repeats_sent(&answer, &sent, &chat) {
        tracing::info!(target: "lark", "[{acct}] the reply to {} repeats what the message tool already sent to {chat}; not sending it again", msg.message_id);
        return "[]".into();
    }
    // A command agent's send instructions become jobs (see `schedule::instructions`).
    let answer = if ctx.agent.name() == "command" {
        let origin = crate::schedule::instructions::Origin {
            account: acct,
            chat_id: &chat,
            sender: &sender,
            event_id: &ev.event_id,
        };
        crate::schedule::instructions::take(ctx.store.as_ref(), &origin, &answer).await
    } else {
        answer
    };
    let answer = outbound::text::with_prefix(prefix, &answer);
    let Some(first) = cards.first() else {
        return outbound::plan(account, &answer);
    };
    if ctx.verbose
        && let (Some(t), Some(shown)) = (first_token, first.first_shown)
    {
        tracing::info!(target: "lark", "[{acct}] card {} streamed: first text visible {:?} after the first token, {} update(s)", first.card_id, shown.saturating_duration_since(t), first.updates);
    }
    // Each card ends with exactly its share; what no card holds follows as messages.
    let texts = card_texts(&answer);
    let mut parts: Vec<WirePart> = cards
        .iter()
        .enumerate()
        // A card whose share a retried model call took back still needs a final text.
        .map(|(i, live)| card_part(live, texts.get(i).copied().unwrap_or("…")))
        .collect();
    let held: usize = texts.iter().take(cards.len()).map(|t| t.len()).sum();
    let rest = &answer[held..];
    if !rest.trim().is_empty() {
        let more: Vec<WirePart> =
            serde_json::from_str(&outbound::plan(account, rest)).unwrap_or_default();
        parts.extend(more);
    }
    serde_json::to_string(&parts).unwrap_or_else(|_| "[]".into())
}

/// Runs the turn's agent to its end: the answer (an error's sentence added to what was already
/// written), what its tools sent, and when the first text came. `each` sees the answer so far
/// after every event.
pub(super) async fn collect(
    ctx: &Ctx,
    acct: &str,
    what: &str,
    turn: Turn,
    mut each: impl FnMut(&str, &[SentByTool]),
) -> (String, Vec<SentByTool>, Option<Instant>) {
    let mut stream = ctx.agent.run(turn);
    let mut answer = String::new();
    let mut sent: Vec<SentByTool> = Vec::new();
    let mut first_token: Option<Instant> = None;
    let mut stop = super::control::stop_signal();
    loop {
        let item = tokio::select! {
            biased;
            reason = stopped(&mut stop) => Err(reason),
            item = stream.next() => Ok(item),
        };
        let item = match item {
            Ok(Some(item)) => item,
            Ok(None) => break,
            Err(reason) => {
                // Dropping the stream stops the agent now (the command's process group is
                // killed, an LLM turn's task aborted); what it wrote stays, with the note.
                drop(stream);
                tracing::info!(target: "lark", "[{acct}] the turn answering {what} was stopped: {}", reason.recorded());
                if !answer.trim().is_empty() {
                    answer.push_str("\n\n");
                }
                answer.push_str(reason.note());
                each(&answer, &sent);
                break;
            }
        };
        match item {
            Ok(AgentEvent::Text(delta)) => {
                first_token.get_or_insert_with(Instant::now);
                answer.push_str(&delta);
            }
            Ok(AgentEvent::Truncate(len)) => openclaw_agent::truncate(&mut answer, len),
            Ok(AgentEvent::Sent(s)) => sent.push(s),
            Ok(AgentEvent::Usage(u)) => ctx.metrics.tokens(acct, &u),
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(target: "lark", "[{acct}] agent {} failed on {what}: {e}", ctx.agent.name());
                ctx.metrics.turn(acct, "agent_error", Duration::ZERO);
                // What was already written stays; the sentence says why it stops there.
                if !answer.trim().is_empty() {
                    answer.push_str("\n\n");
                }
                answer.push_str(&e.user_message());
                break;
            }
        }
        each(&answer, &sent);
    }
    (answer, sent, first_token)
}

/// Resolves when the running turn is stopped (never, outside a turn's controller).
async fn stopped(stop: &mut Option<super::stop::StopSignal>) -> super::stop::StopReason {
    match stop {
        Some(s) => s.stopped().await,
        None => std::future::pending().await,
    }
}

/// Whitespace-insensitive form for comparing texts.
fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether the answer is what tools already sent to this chat (one message, or all of them).
pub(crate) fn repeats_sent(answer: &str, sent: &[SentByTool], chat: &str) -> bool {
    let a = norm(answer);
    if a.is_empty() {
        return false;
    }
    let to_chat: Vec<String> = sent
        .iter()
        .filter(|s| s.chat_id == chat)
        .map(|s| norm(&s.text))
        .collect();
    to_chat.contains(&a) || (to_chat.len() > 1 && norm(&to_chat.join(" ")) == a)
}

/// Whether the answer so far is the beginning of something tools sent to this chat (then no
/// card is shown yet: the answer may turn out to be a repeat).
fn starts_a_sent_message(answer: &str, sent: &[SentByTool], chat: &str) -> bool {
    let a = norm(answer);
    !a.is_empty()
        && sent
            .iter()
            .filter(|s| s.chat_id == chat)
            .any(|s| norm(&s.text).starts_with(&a))
}

/// Whether the configured agent is an LLM (its replies stream into cards by default in DMs).
fn is_llm(cfg: &openclaw_config::AgentConfig) -> bool {
    use openclaw_config::Provider;
    matches!(cfg.provider, Provider::Anthropic | Provider::OpenAi)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(chat: &str, text: &str) -> SentByTool {
        SentByTool {
            chat_id: chat.into(),
            message_id: "om_x".into(),
            text: text.into(),
        }
    }

    #[test]
    fn a_reply_repeating_a_tool_send_to_the_same_chat_is_a_repeat() {
        let s = vec![sent("oc_1", "Deploy  done.\n"), sent("oc_2", "Other")];
        assert!(repeats_sent("Deploy done.", &s, "oc_1"));
        assert!(!repeats_sent("Other", &s, "oc_1"));
        assert!(!repeats_sent("Deploy done. And more.", &s, "oc_1"));
        assert!(!repeats_sent("", &s, "oc_1"));
        assert!(starts_a_sent_message("Deploy", &s, "oc_1"));
        assert!(!starts_a_sent_message("Deploy done. And", &s, "oc_1"));
        let two = vec![sent("oc_1", "One."), sent("oc_1", "Two.")];
        assert!(repeats_sent("One.\nTwo.", &two, "oc_1"));
    }
}
