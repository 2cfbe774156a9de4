//! Catching a chat up from its history when the platform may have lost one of its messages.
//!
//! The platform pushes each event into one open long connection. When that socket dies (a
//! network cut, a half-open connection, a gateway killed), what was pushed into it after its
//! last frame is lost until the platform redelivers it: 15 s later on Lark, after the chat's
//! next message has been answered. Waiting that long before every turn would be a poor trade,
//! so the gateway remembers the spans in which it may have missed events (*gaps*: a dropped
//! connection, a start after a crash, a replica that stopped beating) and, before the turn of a
//! message created in or shortly after a gap, reads that span of the chat's history. A message
//! found there and not yet recorded is claimed like a pushed one (same dedup on the message id,
//! so the redelivery later is a duplicate) and, being older, is answered first.
//!
//! Each chat is read at most once per gap (the span read is remembered) and a read is bounded
//! in time and pages. A read failing for a passing reason (5xx, rate limit, network) holds the
//! turn while it is tried again, for 15 s at most; one that cannot pass (a missing scope) lets
//! the turn go on at once. Either way the platform's redelivery still comes.

pub(crate) mod gaps;
mod read;

pub(crate) use read::envelope_of;

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use lark::api::messages::ListMessages;
use lark::model::event::{Envelope, Event};

use crate::account::AccountRt;
use crate::runtime::Ctx;
use crate::store::{EventStatus, StoredEvent, now_ms};

use gaps::{HORIZON_MS, MARGIN_MS};
use read::{ReadError, read_span};

/// How far back a gap opened by a connection loss may reach (a socket silent longer than this
/// was noticed by its ping deadline long before).
const MAX_SILENT_MS: i64 = 60_000;
/// How far back a replica that starts beside live ones looks: the replica it replaces died at
/// most this long ago, or its heartbeat lapsed and the survivors recorded that gap.
const RESTART_LOOKBACK_MS: i64 = 15_000;
/// With replicas, how far back before a message an earlier one of its chat is looked for when
/// the store knows of none settled since: one lost longer ago has been redelivered (after 15 s).
const ORDER_LOOKBACK_MS: i64 = HORIZON_MS;
/// One read of history gives up after this long or this many pages (50 messages each).
const READ_TIMEOUT: Duration = Duration::from_secs(5);
/// A read failing for a reason that passes (5xx, rate limit, network) is tried again, waiting
/// from `RETRY_MIN` up to `RETRY_MAX` between tries, for at most `RETRY_FOR` in all.
const RETRY_MIN: Duration = Duration::from_millis(250);
const RETRY_MAX: Duration = Duration::from_secs(2);
const RETRY_FOR: Duration = Duration::from_secs(15);
pub(super) const MAX_PAGES: usize = 20;

/// A long connection of the account dropped; its last frame came at `last_frame`.
pub(crate) fn connection_lost(ctx: &Arc<Ctx>, account: &Arc<AccountRt>, last_frame: SystemTime) {
    let now = now_ms();
    let from = to_ms(last_frame).clamp(now - MAX_SILENT_MS, now);
    let to = now + account.gaps.ahead();
    gap(ctx, account, from - MARGIN_MS, to + MARGIN_MS, true);
}

/// At start: what arrived after the last recorded event may have been pushed into the
/// previous process's sockets (beside live replicas, the last few seconds only), and the chats
/// with unfinished turns were not read back yet for the gaps that process knew of.
pub(crate) async fn started(ctx: &Arc<Ctx>, account: &Arc<AccountRt>) {
    let now = now_ms();
    let (last, oldest_open) = match ctx.store.restart_marks(account.id()).await {
        Ok(t) => t,
        Err(e) => {
            tracing::warn!(target: "lark", "[{}] cannot read when the last event came: {e}", account.id());
            (Some(now), None)
        }
    };
    // Never received anything: nothing can have been missed that a redelivery would not bring
    // in order.
    let Some(last) = last else { return };
    let mut from = last.min(now).min(oldest_open.unwrap_or(i64::MAX));
    if ctx.store.shared() {
        from = from.min(now - RESTART_LOOKBACK_MS);
    }
    let from = from.max(now - account.cfg.max_event_age.as_millis() as i64);
    gap(ctx, account, from - MARGIN_MS, now + MARGIN_MS, true);
}

/// A replica last beat at `seen_ms` and then stopped: its sockets' events are lost. Every
/// replica sees the lapse in its own sweep, so this gap is not shared.
pub(crate) fn replica_lapsed(ctx: &Arc<Ctx>, seen_ms: i64) {
    let now = now_ms();
    for account in &ctx.accounts {
        gap(
            ctx,
            account,
            seen_ms - 2 * MARGIN_MS,
            now + MARGIN_MS,
            false,
        );
    }
}

/// Notes a gap, and with `share` tells the other replicas of it (a shared store).
fn gap(ctx: &Arc<Ctx>, account: &Arc<AccountRt>, from_ms: i64, to_ms: i64, share: bool) {
    if !account.cfg.catch_up {
        return;
    }
    account.gaps.note(from_ms, to_ms);
    if share && ctx.store.shared() {
        let (ctx, acct) = (ctx.clone(), account.id().to_owned());
        tokio::spawn(async move {
            if let Err(e) = ctx.store.record_gap(&acct, from_ms, to_ms).await {
                tracing::warn!(target: "lark", "[{acct}] cannot share a connection gap with the other replicas: {e}");
            }
        });
    }
}

/// Before the turn of `ev`: reads the chat's history over any gap that concerns it, and with
/// replicas over the span in which an earlier message of the chat may still be on its way to
/// another replica (see [`order_span`]), and records the messages no connection delivered here.
/// `true` when it read (the queue may have an older event now: read it again; the chat is not
/// read twice over the same span).
pub(crate) async fn before_turn(
    ctx: &Arc<Ctx>,
    account: &Arc<AccountRt>,
    ev: &StoredEvent,
) -> bool {
    if !account.cfg.catch_up || ev.status != EventStatus::Received {
        return false;
    }
    let (Some(created), Some(chat)) = (ev.created_at_ms, ev.chat_key.as_deref()) else {
        return false;
    };
    if ctx.store.shared() {
        refresh_shared(ctx, account).await;
    }
    let gap = account
        .gaps
        .read_from(chat, created)
        .map(|from| (from, created));
    let order = if ctx.store.shared() {
        order_span(ctx, account, chat, created).await
    } else {
        None
    };
    let (from, upto) = match (gap, order) {
        (None, None) => return false,
        (Some(span), None) | (None, Some(span)) => span,
        (Some((g, _)), Some((o, upto))) => (g.min(o), upto),
    };
    let Ok(envelope) = Envelope::parse(ev.payload.as_bytes()) else {
        return false;
    };
    let Event::MessageReceived(msg) = &envelope.event else {
        return false;
    };
    let acct = account.id();
    // A busy or failing platform is waited out, within a bound: the turn is held meanwhile, as
    // answering now could answer out of order. Anything else (a missing scope) will not pass
    // by waiting, and the turn goes on.
    let started = Instant::now();
    let mut wait = RETRY_MIN;
    let read = loop {
        let attempt = tokio::time::timeout(READ_TIMEOUT, async {
            let thread = msg.thread_id.as_ref().map(ListMessages::thread);
            for query in std::iter::once(ListMessages::chat(&msg.chat_id)).chain(thread) {
                read_span(ctx, account, msg, query, from, upto).await?;
            }
            Ok(())
        })
        .await
        .unwrap_or_else(|_| Err(ReadError::passing(format!("no answer in {READ_TIMEOUT:?}"))));
        match attempt {
            Err(e) if e.transient && started.elapsed() + wait < RETRY_FOR => {
                ctx.sleep_unless_stopping(e.wait_at_least(wait)).await;
                wait = (wait * 2).min(RETRY_MAX);
            }
            other => break other,
        }
    };
    match read {
        Ok(()) => {
            account.gaps.covered(chat, from, upto);
            // Read the queue again even when nothing was missing: while the read ran, an
            // earlier message may have come the usual way (a redelivery) and must go first.
            true
        }
        Err(e) => {
            if account.gaps.first_failure() {
                tracing::warn!(target: "lark", "[{acct}] cannot read the history of chat {chat} to find messages a lost connection or another replica has not recorded yet (they are answered when they arrive, maybe out of order): {}", e.why);
            }
            false
        }
    }
}

/// With replicas, the span of create times to read before the turn of a message of `chat`
/// created at `created_ms`, or `None` when a read already covered it.
///
/// The platform pushes each message to one connection of any replica, so an earlier message of
/// the chat may be on its way to another replica (its claim not yet written, or lost with a
/// replica killed before it wrote it) when this one's turn comes. The store cannot tell such a
/// message from none at all; the chat's history can, as the earlier message was created before
/// this one was pushed. So the read starts at the newest message of the chat the store has
/// settled (nothing older can be answered in order any more) or [`ORDER_LOOKBACK_MS`] back,
/// and goes on to the newest open one, so one read vouches for the whole backlog.
async fn order_span(
    ctx: &Arc<Ctx>,
    account: &Arc<AccountRt>,
    chat: &str,
    created_ms: i64,
) -> Option<(i64, i64)> {
    let span = match ctx.store.chat_span(account.id(), chat, created_ms).await {
        Ok(span) => span,
        Err(e) => {
            tracing::debug!(target: "lark", "[{}] chat span of {chat}: {e}", account.id());
            Default::default()
        }
    };
    let floor = created_ms - ORDER_LOOKBACK_MS;
    let from = span.last_closed_ms.map_or(floor, |t| t.max(floor));
    if account.gaps.read_over(chat, from, created_ms) {
        return None;
    }
    let from = account.gaps.continue_from(chat, from);
    let upto = span
        .newest_open_ms
        .map_or(created_ms, |t| t.max(created_ms));
    Some((from, upto))
}

async fn refresh_shared(ctx: &Arc<Ctx>, account: &Arc<AccountRt>) {
    if account.gaps.shared_fresh() {
        return;
    }
    let since = now_ms() - 2 * HORIZON_MS;
    if let Ok(shared) = ctx.store.gaps(account.id(), since).await {
        account.gaps.set_shared(shared);
    }
}

fn to_ms(t: SystemTime) -> i64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
