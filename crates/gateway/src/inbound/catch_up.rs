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

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use futures::StreamExt;
use lark::api::messages::{ListMessages, Message};
use lark::model::event::{Envelope, Event, MessageReceived};
use lark::model::{ChatId, ThreadId};
use serde_json::{Value, json};

use crate::account::AccountRt;
use crate::runtime::Ctx;
use crate::store::{EventStatus, StoredEvent, now_ms};

/// Slack on both ends of a gap, for the platform's clock against ours and for frames in flight.
const MARGIN_MS: i64 = 2_000;
/// An event whose message was created longer ago than this is a redelivery, not a fresh push.
const STALE_PUSH_MS: i64 = 1_000;
/// A gap concerns messages created until this long after it closed: by then what it lost has
/// been redelivered (the platform retries after 15 s).
const HORIZON_MS: i64 = 60_000;
/// How far back a gap opened by a connection loss may reach (a socket silent longer than this
/// was noticed by its ping deadline long before).
const MAX_SILENT_MS: i64 = 60_000;
/// How far back a replica that starts beside live ones looks: the replica it replaces died at
/// most this long ago, or its heartbeat lapsed and the survivors recorded that gap.
const RESTART_LOOKBACK_MS: i64 = 15_000;
/// With replicas, how far back before a message an earlier one of its chat is looked for when
/// the store knows of none settled since: one lost longer ago has been redelivered (after 15 s).
const ORDER_LOOKBACK_MS: i64 = HORIZON_MS;
/// Chats whose read spans are kept in memory before the oldest spans are forgotten.
const MAX_COVERED: usize = 10_000;
/// Shared gaps (several replicas) are read from the store at most this often.
const SHARED_FRESH: Duration = Duration::from_millis(100);
/// One read of history gives up after this long or this many pages (50 messages each).
const READ_TIMEOUT: Duration = Duration::from_secs(5);
/// A read failing for a reason that passes (5xx, rate limit, network) is tried again, waiting
/// from `RETRY_MIN` up to `RETRY_MAX` between tries, for at most `RETRY_FOR` in all.
const RETRY_MIN: Duration = Duration::from_millis(250);
const RETRY_MAX: Duration = Duration::from_secs(2);
const RETRY_FOR: Duration = Duration::from_secs(15);
const MAX_PAGES: usize = 20;

/// One account's gaps and what has been read since.
#[derive(Debug, Default)]
pub(crate) struct Gaps {
    inner: Mutex<Inner>,
    /// How far the platform's clock (message create times) ran ahead of ours on the last fresh
    /// event: a gap closes that much later in create-time terms.
    ahead_ms: AtomicI64,
}

#[derive(Debug, Default)]
struct Inner {
    /// `(from_ms, to_ms)` spans of platform time, this process's own.
    local: Vec<(i64, i64)>,
    /// The same, recorded by any replica (a shared store), and when they were read.
    shared: Vec<(i64, i64)>,
    shared_read: Option<Instant>,
    /// Per chat, the span of create times over which its history was last read.
    covered: HashMap<String, (i64, i64)>,
    /// A read failed once already (logged once, then quietly).
    warned: bool,
}

impl Gaps {
    /// An event pushed now carried a message created at `created_ms` (the platform's clock).
    pub(crate) fn platform_time(&self, created_ms: i64, received_ms: i64) {
        let ahead = created_ms - received_ms;
        // A redelivery's create time is old: it says nothing of the clocks.
        if ahead > -STALE_PUSH_MS {
            self.ahead_ms.store(ahead.max(0), Ordering::Relaxed);
        }
    }

    fn ahead(&self) -> i64 {
        self.ahead_ms.load(Ordering::Relaxed)
    }

    fn note(&self, from_ms: i64, to_ms: i64) {
        let mut g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let forget = to_ms - 2 * HORIZON_MS;
        g.local.retain(|w| w.1 >= forget);
        g.local.push((from_ms, to_ms));
        let oldest = g.local.iter().map(|w| w.0).min().unwrap_or(from_ms);
        g.covered.retain(|_, (_, b)| *b >= oldest - HORIZON_MS);
    }

    /// Where to start reading a chat's history before the turn of a message created at
    /// `created_ms`, or `None` when no gap concerns it (none, or the chat was read over them).
    fn read_from(&self, chat: &str, created_ms: i64) -> Option<i64> {
        let g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let read = g.covered.get(chat).copied();
        let from = g
            .local
            .iter()
            .chain(g.shared.iter())
            .filter(|(from, to)| *from < created_ms && created_ms <= to + HORIZON_MS)
            // Read already, as far as this message needs: what came after it may wait.
            .filter(|(from, to)| {
                !read.is_some_and(|(a, b)| a <= *from && (*to).min(created_ms) <= b)
            })
            .map(|w| w.0)
            .min()?;
        // What was read already need not be read again.
        Some(match read {
            Some((a, b)) if a <= from => from.max(b - MARGIN_MS),
            _ => from,
        })
    }

    /// The chat's history was read over `[from_ms, to_ms]`.
    fn covered(&self, chat: &str, from_ms: i64, to_ms: i64) {
        let mut g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let span = match g.covered.get(chat) {
            // Contiguous with what was read before: one longer span.
            Some(&(a, b)) if a <= from_ms && from_ms <= b => (a, b.max(to_ms)),
            _ => (from_ms, to_ms),
        };
        g.covered.insert(chat.to_owned(), span);
        if g.covered.len() > MAX_COVERED {
            let forget = to_ms - 2 * HORIZON_MS;
            g.covered.retain(|_, (_, b)| *b >= forget);
        }
    }

    /// Whether the chat's history was read over `[from_ms, to_ms]` already.
    fn read_over(&self, chat: &str, from_ms: i64, to_ms: i64) -> bool {
        let g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        g.covered
            .get(chat)
            .is_some_and(|&(a, b)| a <= from_ms && to_ms <= b)
    }

    /// Where to read the chat from when nothing before `from_ms` is wanted: where the last
    /// read ended, when it covered `from_ms`.
    fn continue_from(&self, chat: &str, from_ms: i64) -> i64 {
        let g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        match g.covered.get(chat) {
            Some(&(a, b)) if a <= from_ms && from_ms <= b => b,
            _ => from_ms,
        }
    }

    /// Whether the gaps every replica shares were read lately.
    fn shared_fresh(&self) -> bool {
        let g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        g.shared_read.is_some_and(|t| t.elapsed() < SHARED_FRESH)
    }

    fn set_shared(&self, shared: Vec<(i64, i64)>) {
        let mut g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        g.shared = shared;
        g.shared_read = Some(Instant::now());
    }

    fn first_failure(&self) -> bool {
        let mut g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        !std::mem::replace(&mut g.warned, true)
    }
}

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

/// Why a read of history failed, and whether waiting may help.
struct ReadError {
    transient: bool,
    why: String,
    retry_after: Option<Duration>,
}

impl ReadError {
    fn platform(e: lark::Error) -> ReadError {
        let (transient, retry_after) = match &e {
            lark::Error::RateLimited { retry_after, .. } => (true, Some(*retry_after)),
            lark::Error::Api(a) => (a.http_status >= 500 || a.is_rate_limited(), None),
            lark::Error::Network(_) => (true, None),
            _ => (false, None),
        };
        ReadError {
            transient,
            why: e.to_string(),
            retry_after,
        }
    }

    /// A failure that may pass (the store, a timeout).
    fn passing(e: impl std::fmt::Display) -> ReadError {
        ReadError {
            transient: true,
            why: e.to_string(),
            retry_after: None,
        }
    }

    fn wait_at_least(&self, wait: Duration) -> Duration {
        self.retry_after.map_or(wait, |r| r.max(wait))
    }
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

/// Reads one container's messages created in `[from_ms, upto_ms]` and records the users'
/// messages not seen yet.
async fn read_span(
    ctx: &Arc<Ctx>,
    account: &Arc<AccountRt>,
    current: &MessageReceived,
    query: ListMessages,
    from_ms: i64,
    upto_ms: i64,
) -> Result<(), ReadError> {
    // The API takes whole seconds: round outwards, then filter on milliseconds.
    let query = query
        .start_time(from_ms.div_euclid(1000))
        .end_time(upto_ms.div_euclid(1000) + 1)
        .page_size(50);
    let mut pages = Box::pin(account.client.list_messages(query));
    let mut missing = Vec::new();
    let mut seen = 0;
    while let Some(item) = pages.next().await {
        let m = item.map_err(ReadError::platform)?;
        seen += 1;
        if seen > MAX_PAGES * 50 {
            break;
        }
        let at = m.create_time.unwrap_or(i64::MAX);
        if m.message_id != current.message_id
            && !m.deleted
            && m.sender.sender_type == "user"
            && (from_ms..=upto_ms).contains(&at)
        {
            missing.push(m);
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    let ids: Vec<String> = missing.iter().map(|m| m.message_id.to_string()).collect();
    let known = ctx
        .store
        .known_messages(account.id(), &ids)
        .await
        .map_err(ReadError::passing)?;
    missing.retain(|m| !known.iter().any(|k| k == m.message_id.as_str()));
    let bot_open_id = account.bot_cached().map(|b| b.open_id.to_string());
    for m in &missing {
        let raw = envelope_of(account, current, m, bot_open_id.as_deref());
        crate::intake::recover(ctx, account, raw.to_string().as_bytes())
            .await
            .map_err(ReadError::passing)?;
    }
    Ok(())
}

/// The `im.message.receive_v1` event the platform would have pushed for `m`, a message of the
/// same chat as `current`.
fn envelope_of(
    account: &AccountRt,
    current: &MessageReceived,
    m: &Message,
    bot_open_id: Option<&str>,
) -> Value {
    let mut sender_id = json!({ "open_id": m.sender.id });
    // The same person as the current message's sender: their other ids are known too (an
    // allowlist may name a user id).
    if current
        .sender
        .sender_id
        .open_id
        .as_ref()
        .map(|o| o.as_str())
        == Some(m.sender.id.as_str())
    {
        if let Some(u) = &current.sender.sender_id.union_id {
            sender_id["union_id"] = json!(u.as_str());
        }
        if let Some(u) = &current.sender.sender_id.user_id {
            sender_id["user_id"] = json!(u.as_str());
        }
    }
    let mentions: Vec<Value> = m
        .mentions
        .iter()
        .map(|x| {
            // The REST shape names a bot by its app id; the event names it by open id.
            let open_id = match (x.id_type.as_str(), bot_open_id) {
                ("app_id", Some(bot)) if x.id == account.app_id => bot,
                _ => x.id.as_str(),
            };
            json!({ "key": x.key, "id": { "open_id": open_id }, "name": x.name, "tenant_key": x.tenant_key })
        })
        .collect();
    let opt = |v: Option<&str>| v.map_or(Value::Null, |s| json!(s));
    json!({
        "schema": "2.0",
        "header": {
            "event_id": format!("recovered:{}", m.message_id.as_str()),
            "event_type": "im.message.receive_v1",
            "create_time": m.create_time.unwrap_or_default().to_string(),
            "app_id": account.app_id,
            "tenant_key": m.sender.tenant_key,
        },
        "event": {
            "sender": {
                "sender_id": sender_id,
                "sender_type": "user",
                "tenant_key": m.sender.tenant_key,
            },
            "message": {
                "message_id": m.message_id.as_str(),
                "root_id": opt(m.root_id.as_ref().map(|i| i.as_str())),
                "parent_id": opt(m.parent_id.as_ref().map(|i| i.as_str())),
                "thread_id": opt(m.thread_id.as_ref().map(ThreadId::as_str)),
                "create_time": m.create_time.unwrap_or_default().to_string(),
                "chat_id": m.chat_id.as_ref().map_or(current.chat_id.as_str(), ChatId::as_str),
                "chat_type": current.chat_type.as_str(),
                "message_type": m.msg_type.as_str(),
                "content": m.content(),
                "mentions": mentions,
            },
        },
    })
}

fn to_ms(t: SystemTime) -> i64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gap_concerns_messages_created_in_it_or_soon_after_and_each_chat_once() {
        let gaps = Gaps::default();
        assert_eq!(gaps.read_from("oc_a", 10_000), None, "no gap, no read");
        gaps.note(5_000, 9_000);
        // Created before the gap opened: nothing it lost can be older.
        assert_eq!(gaps.read_from("oc_a", 4_000), None);
        assert_eq!(gaps.read_from("oc_a", 7_000), Some(5_000));
        assert_eq!(gaps.read_from("oc_a", 9_000 + HORIZON_MS), Some(5_000));
        assert_eq!(
            gaps.read_from("oc_a", 9_001 + HORIZON_MS),
            None,
            "long after: redelivered by then"
        );
        // Read up to a message created inside the gap: that message needs nothing more, the
        // next one reads on from there.
        gaps.covered("oc_a", 5_000, 7_000);
        assert_eq!(gaps.read_from("oc_a", 7_000), None);
        assert_eq!(gaps.read_from("oc_a", 6_000), None);
        assert_eq!(gaps.read_from("oc_a", 8_000), Some(7_000 - MARGIN_MS));
        gaps.covered("oc_a", 5_000, 10_000);
        assert_eq!(gaps.read_from("oc_a", 11_000), None, "read past the gap");
        assert_eq!(
            gaps.read_from("oc_b", 11_000),
            Some(5_000),
            "another chat was not"
        );
        // A new gap: read from where it opens, or from where the last read ended.
        gaps.note(20_000, 25_000);
        assert_eq!(gaps.read_from("oc_a", 26_000), Some(20_000));
        gaps.note(8_000, 30_000);
        assert_eq!(gaps.read_from("oc_a", 31_000), Some(10_000 - MARGIN_MS));
        // Learnt late, a gap opening before the span read is read from its start.
        gaps.note(1_000, 12_000);
        assert_eq!(gaps.read_from("oc_a", 31_000), Some(1_000));
    }

    #[test]
    fn a_span_read_for_order_is_read_once_and_the_next_read_goes_on_from_its_end() {
        let gaps = Gaps::default();
        assert!(!gaps.read_over("oc_a", 1_000, 5_000), "nothing read yet");
        assert_eq!(gaps.continue_from("oc_a", 1_000), 1_000);
        gaps.covered("oc_a", 1_000, 5_000);
        assert!(gaps.read_over("oc_a", 1_000, 5_000));
        assert!(gaps.read_over("oc_a", 3_000, 4_000), "inside what was read");
        assert!(
            !gaps.read_over("oc_a", 3_000, 6_000),
            "a message created later"
        );
        assert!(!gaps.read_over("oc_a", 500, 4_000), "from further back");
        assert_eq!(
            gaps.continue_from("oc_a", 3_000),
            5_000,
            "from where it ended"
        );
        assert_eq!(
            gaps.continue_from("oc_a", 7_000),
            7_000,
            "after a hole: from the start"
        );
        assert!(!gaps.read_over("oc_b", 3_000, 4_000), "another chat");
    }

    #[test]
    fn the_platform_clock_ahead_of_ours_is_measured_on_fresh_pushes_only() {
        let gaps = Gaps::default();
        gaps.platform_time(10_400, 10_000);
        assert_eq!(gaps.ahead(), 400);
        // A redelivery of an old message: no news about the clocks.
        gaps.platform_time(2_000, 20_000);
        assert_eq!(gaps.ahead(), 400);
        // Behind by less than the margin covers: counted as level.
        gaps.platform_time(29_700, 30_000);
        assert_eq!(gaps.ahead(), 0);
    }
}
