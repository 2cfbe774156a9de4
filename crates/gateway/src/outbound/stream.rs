//! Replies that stream into CardKit cards as the model writes them.
//!
//! A card is created (streaming mode, one markdown element) when its share of the answer has
//! text: the first when the answer starts, the next each time the answer outgrows the cards so
//! far (see [`card_texts`]). Each is recorded on the event as it is created and sent as a reply
//! under its part's uuid, so a replay finds the same messages rather than posting more. Text then flows through a `watch`
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
/// Text one card holds, counted as it is written in the card's JSON (escapes included): the
/// 30 KB card limit less room for the rest of the card, and under the element's 30 000 chars.
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

/// The bytes `c` takes inside a JSON string.
fn escaped_len(c: char) -> usize {
    match c {
        '"' | '\\' | '\n' | '\r' | '\t' | '\u{8}' | '\u{c}' => 2,
        c if (c as u32) < 0x20 => 6,
        c => c.len_utf8(),
    }
}

/// The first card's share of an answer: up to [`CARD_TEXT_MAX`] (escaped), cut at a paragraph
/// or line end near the limit when there is one, always on a char boundary. The cut depends
/// only on the text up to the limit, so it stays put while the answer grows.
pub fn first_card_text(text: &str) -> &str {
    let mut size = 0;
    let Some(end) = text.char_indices().find_map(|(i, c)| {
        size += escaped_len(c);
        (size > CARD_TEXT_MAX).then_some(i)
    }) else {
        return text;
    };
    let head = &text[..end];
    let floor = end.saturating_sub(4096);
    let cut = head
        .rfind("\n\n")
        .filter(|&i| i > floor)
        .or_else(|| head.rfind('\n').filter(|&i| i > floor))
        .unwrap_or(end);
    &text[..cut]
}

/// Each card's share of an answer, in order; concatenated they are the answer.
pub fn card_texts(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let head = first_card_text(rest);
        out.push(head);
        rest = &rest[head.len()..];
    }
    out
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

/// Streams one turn's answer into cards, in the background.
pub struct CardWriter {
    tx: watch::Sender<String>,
    task: JoinHandle<Vec<LiveCard>>,
}

impl CardWriter {
    /// Starts a writer; it creates (or, after a crash, resumes) each card when its text comes.
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
        self.tx.send_if_modified(|cur| {
            if cur == text {
                return false;
            }
            text.clone_into(cur);
            true
        });
    }

    /// Ends streaming: returns the cards created and sent, in order; none if there was never
    /// text to show or CardKit failed (the reply then goes out as normal messages). The answer
    /// past the last card (one CardKit refused) goes out as normal messages after the cards.
    pub async fn end(self) -> Vec<LiveCard> {
        drop(self.tx);
        self.task.await.unwrap_or_default()
    }
}

/// One card being written: its stream, what it shows, and whether writing into it failed.
struct Open {
    stream: CardStream,
    live: LiveCard,
    shown: String,
    broken: bool,
}

async fn write(
    ctx: Arc<Ctx>,
    account: Arc<AccountRt>,
    ev: StoredEvent,
    msg: MessageReceived,
    mut rx: watch::Receiver<String>,
) -> Vec<LiveCard> {
    let acct = account.id().to_owned();
    let mut cards: Vec<Open> = Vec::new();
    // No more cards once CardKit refused one: the rest goes out as messages.
    let mut full = false;
    while rx.changed().await.is_ok() {
        let text = rx.borrow_and_update().clone();
        for (i, piece) in card_texts(&text).into_iter().enumerate() {
            if let Some(card) = cards.get_mut(i) {
                if card.shown == piece || card.broken {
                    continue;
                }
                match card.stream.stream_text(ELEMENT, piece).await {
                    Ok(()) => {
                        card.live.updates += 1;
                        card.live.first_shown.get_or_insert_with(Instant::now);
                    }
                    Err(e) => {
                        // The card keeps what it shows; the final text is written at the end.
                        tracing::warn!(target: "lark", "[{acct}] streaming into card {} failed: {e}", card.live.card_id);
                        card.broken = true;
                    }
                }
                piece.clone_into(&mut card.shown);
                continue;
            }
            if full || piece.trim().is_empty() {
                break;
            }
            match open(&ctx, &account, &ev, &msg, i, piece).await {
                Ok((stream, live)) => cards.push(Open {
                    stream,
                    live,
                    shown: piece.to_owned(),
                    broken: false,
                }),
                Err(e) if i == 0 => {
                    tracing::warn!(target: "lark", "[{acct}] streaming card failed ({e}); the reply goes out as a normal message");
                    return Vec::new();
                }
                Err(e) => {
                    tracing::warn!(target: "lark", "[{acct}] card {} of the reply failed ({e}); the rest goes out as messages", i + 1);
                    full = true;
                }
            }
        }
        tokio::time::sleep(MIN_INTERVAL).await;
    }
    cards.into_iter().map(|c| c.live).collect()
}

/// Records card `i` of the event's reply and its writer's sequence base.
async fn record(
    ctx: &Ctx,
    acct: &str,
    ev: &StoredEvent,
    i: usize,
    card_id: &str,
    base: i64,
) -> crate::store::Result<()> {
    match i {
        0 => ctx.store.set_card(acct, &ev.event_id, card_id, base).await,
        _ => {
            ctx.store
                .set_more_card(acct, &ev.event_id, i, card_id, base)
                .await
        }
    }
}

/// Creates card `i` with its first text (or takes the one a previous run created), records it,
/// and sends it as a reply under part `i`'s uuid.
async fn open(
    ctx: &Arc<Ctx>,
    account: &Arc<AccountRt>,
    ev: &StoredEvent,
    msg: &MessageReceived,
    i: usize,
    text: &str,
) -> Result<(CardStream, LiveCard), String> {
    let acct = account.id();
    let client = &account.client;
    let (mut stream, resumed) = match ev.card(i) {
        Some((id, seq)) => {
            let base = seq + SEQ_RANGE;
            record(ctx, acct, ev, i, id, base)
                .await
                .map_err(|e| e.to_string())?;
            (CardStream::resume(client, id.to_owned(), base as u64), true)
        }
        None => {
            let card = streaming_card(ELEMENT, text, &summary(text));
            let stream = CardStream::create(client, &card)
                .await
                .map_err(|e| e.to_string())?;
            record(ctx, acct, ev, i, stream.card_id(), 0)
                .await
                .map_err(|e| e.to_string())?;
            (stream, false)
        }
    };
    let uuid = send_uuid(acct, super::parts::reply_seed(ev, msg), &i.to_string());
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

/// Writes recorded card part `i`'s final text and closes streaming; returns the card message's
/// id. Safe to repeat: a card already closed keeps its (same) final text.
pub async fn finish_part(
    ctx: &Arc<Ctx>,
    account: &Arc<AccountRt>,
    ev: &StoredEvent,
    i: usize,
    part: &WirePart,
) -> Result<String, OutboundError> {
    let acct = account.id();
    let c: CardPart = serde_json::from_str(&part.content)
        .map_err(|e| OutboundError::Unreadable(format!("its card part: {e}")))?;
    // A fresh range above anything a writer of this turn used, recorded before it is used.
    let seq = ev.card(i).map_or(0, |(_, seq)| seq);
    let base = seq.max(0) + SEQ_RANGE * 2;
    record(ctx, acct, ev, i, &c.card_id, base).await?;
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
        // Escapes count: 20 KB of quotes is 40 KB of JSON.
        let quotes = "\"".repeat(CARD_TEXT_MAX);
        assert_eq!(first_card_text(&quotes).len(), CARD_TEXT_MAX / 2);
    }

    #[test]
    fn the_cards_shares_are_the_answer_in_order_each_within_the_limit() {
        let text: String = (0..9000).map(|i| format!("row {i} \"x\"\n")).collect();
        let parts = card_texts(&text);
        assert!(parts.len() > 3);
        assert_eq!(parts.concat(), text);
        for p in &parts {
            let json = serde_json::to_string(p).unwrap();
            assert!(json.len() - 2 <= CARD_TEXT_MAX, "{}", json.len());
        }
        // Growing the answer never moves a full card's cut.
        let more = format!("{text}tail");
        assert_eq!(
            card_texts(&more)[..parts.len() - 1],
            parts[..parts.len() - 1]
        );
        assert!(card_texts("").is_empty());
    }
}
