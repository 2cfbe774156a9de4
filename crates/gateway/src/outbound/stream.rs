//! Replies that stream into a CardKit card as the model writes them.
//!
//! The card is created (streaming mode, one markdown element) when the answer's first text is
//! there, recorded on the event, and sent as the reply with the part-0 uuid, so a replay finds
//! the same message rather than posting a second card. Text then flows through a `watch`
//! channel, which keeps only the latest: updates are coalesced and spaced at least
//! [`MIN_INTERVAL`] apart (under the platform's 10 changes per second per card), each with a
//! growing sequence. The final text is recorded in the outbox first; [`finish_part`] then writes
//! it and closes streaming. Each writer takes its own range of sequences above the last
//! recorded one, so a turn resumed after a crash continues the same card.

use std::sync::Arc;
use std::time::{Duration, Instant};

use lark::api::cardkit::{CardStream, streaming_card};
use lark::api::messages::ReplyOptions;
use lark::model::event::MessageReceived;
use serde::{Deserialize, Serialize};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::OutboundError;
use super::parts::{WirePart, send_uuid};
use crate::account::AccountRt;
use crate::runtime::Ctx;
use crate::store::StoredEvent;

/// The outbox kind of a part that is a streamed card.
pub const PART_KIND: &str = "cardkit";
/// The markdown element the answer streams into.
const ELEMENT: &str = "answer";
/// At most ten changes a second per card.
pub const MIN_INTERVAL: Duration = Duration::from_millis(100);
/// Sequences one writer may use; the next writer (after a restart) starts above them.
const SEQ_RANGE: i64 = 100_000;
/// Text one card holds: the 30 KB card limit, less room for the card's JSON and escapes.
pub const CARD_TEXT_MAX: usize = 20 * 1024;
/// "Card streaming closed" (already finished, e.g. before a crash).
const STREAMING_CLOSED: i64 = 300309;

/// The outbox content of a streamed card part.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CardPart {
    pub card_id: String,
    pub message_id: String,
}

/// A card that was created and sent as the reply.
#[derive(Debug, Clone)]
pub struct LiveCard {
    pub card_id: String,
    pub message_id: String,
    /// When the card first showed text (for the latency figure).
    pub first_shown: Option<Instant>,
    /// Changes sent while streaming (creation excluded).
    pub updates: u32,
}

/// The first card's share of an answer: up to [`CARD_TEXT_MAX`] bytes, cut at a paragraph or
/// line end near the limit when there is one, always on a char boundary.
pub fn first_card_text(text: &str) -> &str {
    if text.len() <= CARD_TEXT_MAX {
        return text;
    }
    let mut end = CARD_TEXT_MAX;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = &text[..end];
    let floor = end.saturating_sub(4096);
    let cut = head
        .rfind("\n\n")
        .filter(|&i| i > floor)
        .or_else(|| head.rfind('\n').filter(|&i| i > floor))
        .unwrap_or(end);
    &text[..cut]
}

/// The short text chat lists show for a card.
fn summary(text: &str) -> String {
    let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let mut s: String = line.trim().chars().take(60).collect();
    if s.is_empty() {
        s = "…".into();
    }
    s
}

/// Streams one turn's answer into a card, in the background.
pub struct CardWriter {
    tx: watch::Sender<String>,
    task: JoinHandle<Option<LiveCard>>,
}

impl CardWriter {
    /// Starts a writer; it creates (or, after a crash, resumes) the card when text comes.
    pub fn start(
        ctx: &Arc<Ctx>,
        account: &Arc<AccountRt>,
        ev: &StoredEvent,
        msg: &MessageReceived,
    ) -> CardWriter {
        let (tx, rx) = watch::channel(String::new());
        let task = tokio::spawn(write(
            ctx.clone(),
            account.clone(),
            ev.clone(),
            msg.clone(),
            rx,
        ));
        CardWriter { tx, task }
    }

    /// Shows `text` (the answer so far); cheap, coalesced with whatever comes next.
    pub fn show(&self, text: &str) {
        let text = first_card_text(text);
        self.tx.send_if_modified(|cur| {
            if cur == text {
                return false;
            }
            text.clone_into(cur);
            true
        });
    }

    /// Ends streaming: returns the card if one was created and sent, `None` if there was
    /// never text to show or CardKit failed (the reply then goes out as a normal message).
    pub async fn end(self) -> Option<LiveCard> {
        drop(self.tx);
        self.task.await.ok().flatten()
    }
}

async fn write(
    ctx: Arc<Ctx>,
    account: Arc<AccountRt>,
    ev: StoredEvent,
    msg: MessageReceived,
    mut rx: watch::Receiver<String>,
) -> Option<LiveCard> {
    let acct = account.id().to_owned();
    let mut card: Option<(CardStream, LiveCard)> = None;
    let mut broken = false;
    let mut shown = String::new();
    while rx.changed().await.is_ok() {
        let text = rx.borrow_and_update().clone();
        if text.trim().is_empty() || text == shown || broken {
            continue;
        }
        match card.as_mut() {
            None => match open(&ctx, &account, &ev, &msg, &text).await {
                Ok(c) => card = Some(c),
                Err(e) => {
                    tracing::warn!(target: "lark", "[{acct}] streaming card failed ({e}); the reply goes out as a normal message");
                    return None;
                }
            },
            Some((stream, live)) => match stream.stream_text(ELEMENT, &text).await {
                Ok(()) => {
                    live.updates += 1;
                    live.first_shown.get_or_insert_with(Instant::now);
                }
                Err(e) => {
                    // The card keeps what it shows; the final text is written at the end.
                    tracing::warn!(target: "lark", "[{acct}] streaming into card {} failed: {e}", live.card_id);
                    broken = true;
                }
            },
        }
        shown = text;
        tokio::time::sleep(MIN_INTERVAL).await;
    }
    card.map(|(_, live)| live)
}

/// Creates the card with the first text (or takes the one a previous run created), records it,
/// and sends it as the reply under the part-0 uuid.
async fn open(
    ctx: &Arc<Ctx>,
    account: &Arc<AccountRt>,
    ev: &StoredEvent,
    msg: &MessageReceived,
    text: &str,
) -> Result<(CardStream, LiveCard), String> {
    let acct = account.id();
    let client = &account.client;
    let (mut stream, resumed) = match &ev.card_id {
        Some(id) => {
            let base = ev.card_seq + SEQ_RANGE;
            ctx.store
                .set_card(acct, &ev.event_id, id, base)
                .await
                .map_err(|e| e.to_string())?;
            (CardStream::resume(client, id.clone(), base as u64), true)
        }
        None => {
            let card = streaming_card(ELEMENT, text, &summary(text));
            let stream = CardStream::create(client, &card)
                .await
                .map_err(|e| e.to_string())?;
            ctx.store
                .set_card(acct, &ev.event_id, stream.card_id(), 0)
                .await
                .map_err(|e| e.to_string())?;
            (stream, false)
        }
    };
    let uuid = send_uuid(acct, super::parts::reply_seed(ev, msg), "0");
    let opts = ReplyOptions {
        reply_in_thread: super::placement::in_thread(account, msg),
        uuid: Some(uuid),
    };
    let content = lark::model::content::Content::Interactive(stream.card());
    let sent = client
        .reply_message(&msg.message_id, &content, &opts)
        .await
        .map_err(|e| e.to_string())?;
    let mut live = LiveCard {
        card_id: stream.card_id().to_owned(),
        message_id: sent.message_id.to_string(),
        first_shown: Some(Instant::now()),
        updates: 0,
    };
    if resumed {
        stream
            .stream_text(ELEMENT, text)
            .await
            .map_err(|e| e.to_string())?;
        live.updates += 1;
    }
    ctx.metrics.send(acct, "ok");
    Ok((stream, live))
}

/// The outbox part for a streamed card holding `text`.
pub fn card_part(live: &LiveCard, text: &str) -> WirePart {
    let content = serde_json::to_string(&CardPart {
        card_id: live.card_id.clone(),
        message_id: live.message_id.clone(),
    })
    .unwrap_or_default();
    WirePart {
        msg_type: PART_KIND.to_owned(),
        content,
        text: text.to_owned(),
    }
}

/// Writes a recorded card part's final text and closes streaming; returns the card message's
/// id. Safe to repeat: a card already closed keeps its (same) final text.
pub async fn finish_part(
    ctx: &Arc<Ctx>,
    account: &Arc<AccountRt>,
    ev: &StoredEvent,
    part: &WirePart,
) -> Result<String, OutboundError> {
    let acct = account.id();
    let c: CardPart = serde_json::from_str(&part.content)
        .map_err(|e| OutboundError::Unreadable(format!("its card part: {e}")))?;
    // A fresh range above anything a writer of this turn used, recorded before it is used.
    let base = ev.card_seq.max(0) + SEQ_RANGE * 2;
    ctx.store
        .set_card(acct, &ev.event_id, &c.card_id, base)
        .await?;
    let mut stream = CardStream::resume(&account.client, c.card_id.clone(), base as u64);
    match stream.stream_text(ELEMENT, &part.text).await {
        Ok(()) => {}
        Err(e) if e.code() == Some(STREAMING_CLOSED) => {}
        Err(source) => {
            return Err(OutboundError::Card {
                what: "writing the final text",
                card_id: c.card_id,
                source,
            });
        }
    }
    stream
        .finish(&summary(&part.text))
        .await
        .map_err(|source| OutboundError::Card {
            what: "closing",
            card_id: c.card_id.clone(),
            source,
        })?;
    Ok(c.message_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_card_is_cut_at_a_line_end_within_the_limit() {
        let short = "hello";
        assert_eq!(first_card_text(short), short);
        let para = format!("{}\n\n{}", "a".repeat(CARD_TEXT_MAX - 100), "b".repeat(500));
        assert_eq!(first_card_text(&para).len(), CARD_TEXT_MAX - 100);
        let wide = "漢".repeat(CARD_TEXT_MAX);
        let cut = first_card_text(&wide);
        assert!(cut.len() <= CARD_TEXT_MAX && wide.starts_with(cut));
        assert_eq!(summary("\n  # Title line  \nrest"), "# Title line");
    }
}
