//! A comment on a document that @-mentions the bot, as a turn: judged as a DM from the
//! commenter (dmPolicy, allowFrom, an approved pairing), answered in the document's session
//! (`lark:<account>:doc:<file_token>`), and replied to in the comment's own thread.
//!
//! The same resumable states as a message: `received` → policy → `refused` | agent →
//! `answered` (the outbox) → `sent`. A refused commenter gets nothing posted in the document
//! (a pairing code there would be read by everyone with access to it); the log says why.

use std::sync::Arc;
use std::time::Duration;

use lark::api::comments::{Comment, CommentedFile, Reply};
use lark::model::event::CommentAdded;
use openclaw_agent::{ChatKind, DocComment, Turn};

use super::outcome::{Outcome, TurnError};
use super::policy::{self, Facts, Verdict};
use super::turn::{sender_ids, stale};
use crate::account::AccountRt;
use crate::outbound::comment as reply;
use crate::runtime::Ctx;
use crate::store::{EventStatus, StoredEvent, now_ms};

/// Earlier replies of the thread given to the agent, at most.
const THREAD_CONTEXT: usize = 20;

/// Runs one comment event as far as it goes (see the module doc).
pub(super) async fn run(
    ctx: &Arc<Ctx>,
    account: &Arc<AccountRt>,
    mut ev: StoredEvent,
    c: CommentAdded,
) -> Result<Outcome, TurnError> {
    let acct = account.id();
    if !c.is_mentioned {
        return Ok(Outcome::closed(
            EventStatus::Ignored,
            "a comment not mentioning the bot",
        ));
    }
    let bot = account.bot().await.map_err(TurnError::Identity)?;
    let bot = bot.open_id.to_string();
    let commenter = c
        .from
        .open_id
        .as_ref()
        .map_or("unknown", |o| o.as_str())
        .to_owned();
    // Parts recorded by an earlier run may have landed without their record.
    let resumed = ev.status != EventStatus::Received;
    if !resumed {
        if let Some(expired) = stale(account, &ev, &format!("comment {}", c.comment_id)) {
            return Ok(expired);
        }
        if let Some(reason) = admit(ctx, account, &c, &bot, &commenter).await? {
            ctx.metrics.refused(acct, reason);
            tracing::info!(target: "lark", "[{acct}] comment {} on {} by {commenter} not answered: {reason}", c.comment_id, c.file_token);
            return Ok(Outcome::closed(EventStatus::Refused, reason));
        }
        let parts = answer(ctx, account, &c, &bot, &commenter).await;
        ctx.store.record_reply(acct, &ev.event_id, &parts).await?;
        ev.parts = Some(parts);
    }
    let sent = reply::send_recorded(ctx, account, &ev, &c, &bot, resumed).await?;
    let latency = Duration::from_millis((now_ms() - ev.received_at_ms).max(0) as u64);
    ctx.metrics.turn(acct, "sent", latency);
    if ctx.verbose {
        tracing::info!(target: "lark", "[{acct}] answered comment {} on {} in {latency:?}", c.comment_id, c.file_token);
    }
    Ok(if sent {
        Outcome::Sent
    } else {
        Outcome::NothingToSend
    })
}

/// Policy as for a DM from the commenter: `None` admits, `Some(reason)` refuses. Under
/// `dmPolicy: pairing` an approved commenter is let in; anyone else is refused, and may DM
/// the bot for a code.
async fn admit(
    ctx: &Ctx,
    account: &AccountRt,
    c: &CommentAdded,
    bot: &str,
    commenter: &str,
) -> Result<Option<&'static str>, TurnError> {
    if commenter == bot {
        return Ok(Some("written by the bot"));
    }
    let facts = Facts {
        is_dm: true,
        chat_id: "",
        sender_ids: sender_ids(&c.from),
        mentions_bot: true,
    };
    Ok(match policy::judge(&account.cfg, &facts) {
        Verdict::Admit => None,
        Verdict::Refuse(reason) => Some(reason),
        Verdict::Pairing if ctx.store.is_approved(account.id(), commenter).await? => None,
        Verdict::Pairing => Some("commenter not paired (a DM to the bot gives a pairing code)"),
    })
}

/// Runs the agent on the comment and plans the reply; returns the outbox (the parts as JSON).
async fn answer(
    ctx: &Arc<Ctx>,
    account: &Arc<AccountRt>,
    c: &CommentAdded,
    bot: &str,
    commenter: &str,
) -> String {
    let acct = account.id();
    let name = account.names.name(commenter).await;
    let (quote, text) = match read_thread(account, c, bot).await {
        Ok(read) => read,
        Err(e) => (
            String::new(),
            format!("[the comment's text could not be read: {e}]"),
        ),
    };
    let head = format!(
        "[docComment docToken={} docType={} commentId={} sender={commenter}{}]",
        c.file_token,
        c.file_type,
        c.comment_id,
        name.as_deref()
            .map(|n| format!(" name={n}"))
            .unwrap_or_default()
    );
    let reply_id = c.reply_id.as_ref().map_or("", |r| r.as_str()).to_owned();
    let turn = Turn {
        account: acct.to_owned(),
        session_key: format!("lark:{acct}:doc:{}", c.file_token),
        chat_id: c.file_token.clone(),
        chat_type: ChatKind::DocComment,
        sender_open_id: commenter.to_owned(),
        sender_name: name,
        message_id: reply_id.clone(),
        thread_id: Some(c.comment_id.to_string()),
        text: format!("{head}\n{text}"),
        media: Vec::new(),
        media_errors: Vec::new(),
        system_prompt: None,
        tools: Default::default(),
        skills: None,
        doc_comment: Some(DocComment {
            file_token: c.file_token.clone(),
            file_type: c.file_type.clone(),
            comment_id: c.comment_id.to_string(),
            reply_id,
            quote,
        }),
        messages: Vec::new(),
        steer: Default::default(),
        history: Vec::new(),
        notes: Vec::new(),
        session_turns: None,
        card_action: None,
    };
    let what = format!("comment {}", c.comment_id);
    let (answer, ..) = super::reply::collect(ctx, acct, &what, turn, |_, _| {}).await;
    reply::plan(&answer)
}

/// The thread's quoted passage, and the text for the agent: the thread's earlier replies (as
/// `open_id: text` lines) and the comment itself, without the mention of the bot.
async fn read_thread(
    account: &AccountRt,
    c: &CommentAdded,
    bot: &str,
) -> lark::Result<(String, String)> {
    let file = CommentedFile {
        token: &c.file_token,
        file_type: &c.file_type,
    };
    let thread: Comment = account.client.get_comment(file, &c.comment_id).await?;
    let mut replies = thread.reply_list.replies;
    let wanted = c.reply_id.as_ref().map(|r| r.as_str());
    if wanted.is_some_and(|w| !replies.iter().any(|r| r.reply_id == w)) {
        // A long thread lists only its first replies: read on to the one at hand.
        replies.clear();
        let mut page_token: Option<String> = None;
        loop {
            let page = account
                .client
                .list_comment_replies_page(file, &c.comment_id, page_token.as_deref())
                .await?;
            replies.extend(page.items);
            match page.page_token.filter(|t| page.has_more && !t.is_empty()) {
                Some(t) if !replies.iter().any(|r| Some(r.reply_id.as_str()) == wanted) => {
                    page_token = Some(t)
                }
                _ => break,
            }
        }
    }
    let at = wanted
        .and_then(|w| replies.iter().position(|r| r.reply_id == w))
        .unwrap_or(replies.len().saturating_sub(1));
    let own = replies
        .get(at)
        .map(|r| without_bot(r, bot))
        .unwrap_or_default();
    let earlier = &replies[at.saturating_sub(THREAD_CONTEXT)..at];
    let mut text = String::new();
    if !thread.quote.is_empty() {
        text.push_str(&format!("On the passage: \"{}\"\n", thread.quote));
    }
    if !earlier.is_empty() {
        text.push_str("Earlier in this thread:\n");
        for r in earlier {
            let who = if r.user_id == bot { "you" } else { &r.user_id };
            text.push_str(&format!("{who}: {}\n", without_bot(r, bot)));
        }
        text.push_str("The comment:\n");
    }
    text.push_str(&own);
    Ok((thread.quote, text))
}

/// A reply's text with mentions of the bot left out; other people as `<at>` tags, the form
/// the agent writes them back in.
fn without_bot(r: &Reply, bot: &str) -> String {
    let text: String = r
        .content
        .elements
        .iter()
        .map(|e| match e.person.as_ref().filter(|_| e.kind == "person") {
            Some(p) if p.user_id == bot => String::new(),
            Some(p) => format!("<at user_id=\"{}\"></at>", p.user_id),
            None => e.plain(),
        })
        .collect();
    text.trim().to_owned()
}
