//! A click or form submit on a card, as a turn in the session of the card's chat: the clicker
//! judged by policy as a sender there (a DM's pairing, a group's allowlists; a click needs no
//! mention), the agent told what was clicked, and its answer sent as a reply to the card.
//!
//! The turn goes through the message pipeline as a message of type `card_action` from the
//! clicker: its text is the line the LLM reads ("[card action] Ada clicked Approve on om_…
//! (value: {...})") and its content the [`CardActionTurn`] a `command` agent gets as JSON.
//! The callback itself was answered at intake (`intake::card`), before this runs.

use std::sync::Arc;
use std::time::Instant;

use lark::model::event::{CardAction, ChatType, MessageReceived, Sender};
use lark::model::received::ReceivedContent;
use lark::model::{ChatId, MessageId};
use openclaw_agent::{CardActionInput, CardActionTurn, CardOperator, TurnKind};
use openclaw_tools::actions::ask::AskValue;
use serde_json::Value;

use super::outcome::{Outcome, TurnError};
use super::policy::{self, Facts, Verdict};
use super::turn::{sender_ids, stale};
use crate::account::AccountRt;
use crate::runtime::Ctx;
use crate::store::{EventStatus, StoredEvent};

/// The `message_type` of the message a card action becomes.
pub(crate) const CARD_ACTION_TYPE: &str = "card_action";

/// Runs one card action as far as it goes (see the module doc).
pub(super) async fn run(
    ctx: &Arc<Ctx>,
    account: &Arc<AccountRt>,
    ev: StoredEvent,
    c: CardAction,
) -> Result<Outcome, TurnError> {
    let started = Instant::now();
    let acct = account.id();
    let (Some(card_id), Some(chat_id)) = (c.open_message_id(), c.open_chat_id()) else {
        return Ok(Outcome::closed(
            EventStatus::Ignored,
            "a card action without its card or chat",
        ));
    };
    let clicker = c.operator.ids.open_id.as_ref().map_or("", |o| o.as_str());
    if clicker.is_empty() {
        return Ok(Outcome::closed(
            EventStatus::Ignored,
            "a card action by nobody",
        ));
    }
    let where_ = match locate(account, card_id, chat_id).await {
        Ok(w) => w,
        Err(e) if e.code().is_some_and(|c| NOT_FOUND.contains(&c)) => {
            return Ok(Outcome::closed(
                EventStatus::Ignored,
                "the clicked card is gone",
            ));
        }
        Err(e) => return Err(TurnError::Card(e)),
    };
    let name = if account.cfg.openclaw.resolve_sender_names {
        account.names.name(clicker).await
    } else {
        None
    };
    let msg = message(&c, card_id, chat_id, &where_, name);
    let mut status = ev.status;
    if status == EventStatus::Received {
        if let Some(expired) = stale(account, &ev, &format!("card action on {card_id}")) {
            return Ok(expired);
        }
        if let Some(reason) = admit(ctx, account, &msg).await? {
            ctx.metrics.refused(acct, reason);
            tracing::info!(target: "lark", "[{acct}] card action on {card_id} by {clicker} not answered: {reason}");
            return Ok(Outcome::closed(EventStatus::Refused, reason));
        }
        status = EventStatus::Admitted;
    }
    super::turn::reply_admitted(ctx, account, ev, &msg, status, started).await
}

/// Error codes of a message that no longer exists (deleted or recalled).
const NOT_FOUND: [i64; 2] = [230011, 231003];

/// Where the card is: its chat's kind, its thread, and the card JSON (for the clicked label).
struct Located {
    chat_type: ChatType,
    thread_id: Option<lark::model::ThreadId>,
    card: Value,
}

async fn locate(account: &AccountRt, card: &MessageId, chat: &ChatId) -> lark::Result<Located> {
    let items = account.client.get_message(card).await?;
    let m = items.into_iter().find(|m| &m.message_id == card);
    let info = account.client.get_chat(chat).await?;
    let chat_type = match info.chat_mode.as_str() {
        "p2p" => ChatType::P2p,
        _ if info.is_topic() => ChatType::TopicGroup,
        _ => ChatType::Group,
    };
    Ok(Located {
        chat_type,
        thread_id: m.as_ref().and_then(|m| m.thread_id.clone()),
        card: m
            .and_then(|m| serde_json::from_str(m.content()).ok())
            .unwrap_or(Value::Null),
    })
}

/// The card action as a message from the clicker, replying to the card.
fn message(
    c: &CardAction,
    card_id: &MessageId,
    chat_id: &ChatId,
    at: &Located,
    name: Option<String>,
) -> MessageReceived {
    let a = &c.action;
    let label = label_of(&at.card, &a.value, a.name.as_deref());
    let clicker = c.operator.ids.open_id.as_ref().map_or("", |o| o.as_str());
    let turn = CardActionTurn {
        kind: TurnKind::CardAction,
        action: CardActionInput {
            tag: a.tag.clone(),
            value: a.value.clone(),
            form_value: a.form_value.clone(),
            option: a.option.clone().or_else(|| a.options.first().cloned()),
            name: a.name.clone(),
            input_value: a.input_value.clone(),
            label,
        },
        operator: CardOperator {
            open_id: clicker.to_owned(),
            name,
        },
        card_message_id: card_id.to_string(),
    };
    let text = describe(&turn);
    MessageReceived {
        sender: Sender {
            sender_id: c.operator.ids.clone(),
            sender_type: "user".into(),
            tenant_key: c.operator.tenant_key.clone(),
        },
        message_id: card_id.clone(),
        root_id: None,
        parent_id: None,
        thread_id: at.thread_id.clone(),
        chat_id: chat_id.clone(),
        chat_type: at.chat_type.clone(),
        message_type: CARD_ACTION_TYPE.into(),
        create_time_ms: None,
        update_time_ms: None,
        raw_content: serde_json::to_string(&turn).unwrap_or_default(),
        content: ReceivedContent::Text { text },
        mentions: Vec::new(),
        user_agent: None,
    }
}

/// The card action a message stands for, when it is one (for the turn's `cardAction` fields).
pub(super) fn action_of(msg: &MessageReceived) -> Option<CardActionTurn> {
    (msg.message_type == CARD_ACTION_TYPE)
        .then(|| serde_json::from_str(&msg.raw_content).ok())
        .flatten()
}

/// The line the LLM reads: who clicked what on which card, with the value and form.
fn describe(t: &CardActionTurn) -> String {
    let who = t.operator.name.as_deref().unwrap_or(&t.operator.open_id);
    let a = &t.action;
    if let Some(ask) = AskValue::from_action(&a.value) {
        return format!(
            "[card action] {who} answered your question \"{}\" on {}: {}",
            ask.q,
            t.card_message_id,
            ask.answer_text(a.form_value.as_ref())
        );
    }
    let what = a
        .label
        .clone()
        .or_else(|| a.option.clone())
        .or_else(|| a.name.clone())
        .unwrap_or_else(|| a.tag.clone());
    let verb = if a.form_value.is_some() {
        "submitted"
    } else {
        "clicked"
    };
    let mut details = vec![format!("value: {}", a.value)];
    if let Some(o) = &a.option {
        details.push(format!("option: {o}"));
    }
    if let Some(f) = &a.form_value {
        details.push(format!("form: {}", Value::Object(f.clone())));
    }
    if let Some(i) = &a.input_value {
        details.push(format!("input: {i}"));
    }
    format!(
        "[card action] {who} {verb} {what} on {} ({})",
        t.card_message_id,
        details.join(", ")
    )
}

/// The text of the component clicked: the element whose value (or name) is the action's.
fn label_of(card: &Value, value: &Value, name: Option<&str>) -> Option<String> {
    match card {
        Value::Object(o) => {
            let own = o.get("value").or_else(|| {
                o.get("behaviors")
                    .and_then(|b| b.get(0))
                    .and_then(|b| b.get("value"))
            });
            let hit = (own.is_some_and(|v| v == value) && !value.is_null())
                || name.is_some_and(|n| o.get("name").and_then(Value::as_str) == Some(n));
            if hit
                && let Some(t) = o
                    .get("text")
                    .and_then(|t| t.get("content"))
                    .and_then(Value::as_str)
                && !t.is_empty()
            {
                return Some(t.to_owned());
            }
            o.values().find_map(|v| label_of(v, value, name))
        }
        Value::Array(a) => a.iter().find_map(|v| label_of(v, value, name)),
        _ => None,
    }
}

/// Policy for the clicker as a sender of the chat: `None` admits. Under `dmPolicy: pairing`
/// an approved clicker is let in; anyone else is refused (a DM to the bot gives a code).
async fn admit(
    ctx: &Ctx,
    account: &AccountRt,
    msg: &MessageReceived,
) -> Result<Option<&'static str>, TurnError> {
    let bot = account.bot().await.map_err(TurnError::Identity)?;
    let clicker = msg.sender.sender_id.open_id.as_ref();
    if clicker == Some(&bot.open_id) {
        return Ok(Some("clicked by the bot"));
    }
    let facts = Facts {
        is_dm: msg.chat_type == ChatType::P2p,
        chat_id: msg.chat_id.as_str(),
        sender_ids: sender_ids(&msg.sender.sender_id),
        mentions_bot: true,
    };
    Ok(match policy::judge(&account.cfg, &facts) {
        Verdict::Admit => None,
        Verdict::Refuse(reason) => Some(reason),
        Verdict::Pairing
            if ctx
                .store
                .is_approved(account.id(), clicker.map_or("", |o| o.as_str()))
                .await? =>
        {
            None
        }
        Verdict::Pairing => Some("clicker not paired (a DM to the bot gives a pairing code)"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_label_is_found_by_value_or_name_and_the_line_says_what_was_clicked() {
        let card = json!({"body": {"elements": [
            {"tag": "button", "text": {"content": "Reject"}, "value": {"v": "no"}},
            {"tag": "button", "text": {"content": "Approve"}, "behaviors": [{"type": "callback", "value": {"v": "yes"}}]},
        ]}});
        assert_eq!(
            label_of(&card, &json!({"v": "yes"}), None).as_deref(),
            Some("Approve")
        );
        assert_eq!(label_of(&card, &json!({"v": "maybe"}), None), None);
        let t = CardActionTurn {
            kind: TurnKind::CardAction,
            action: CardActionInput {
                tag: "button".into(),
                value: json!({"v": "yes"}),
                label: Some("Approve".into()),
                ..Default::default()
            },
            operator: CardOperator {
                open_id: "ou_ada".into(),
                name: Some("Ada".into()),
            },
            card_message_id: "om_1".into(),
        };
        assert_eq!(
            describe(&t),
            r#"[card action] Ada clicked Approve on om_1 (value: {"v":"yes"})"#
        );
    }
}
