//! The spans of platform time in which an account may have missed events (its own and, with
//! replicas, everyone's), and the spans of each chat's history read since: pure bookkeeping,
//! no I/O, so the rules are tested on their own.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

/// Slack on both ends of a gap, for the platform's clock against ours and for frames in flight.
pub(crate) const MARGIN_MS: i64 = 2_000;
/// A gap concerns messages created until this long after it closed: by then what it lost has
/// been redelivered (the platform retries after 15 s).
pub(crate) const HORIZON_MS: i64 = 60_000;

/// An event whose message was created longer ago than this is a redelivery, not a fresh push.
const STALE_PUSH_MS: i64 = 1_000;
/// Chats whose read spans are kept in memory before the oldest spans are forgotten.
const MAX_COVERED: usize = 10_000;
/// Shared gaps (several replicas) are read from the store at most this often.
const SHARED_FRESH: Duration = Duration::from_millis(100);

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

    pub(super) fn ahead(&self) -> i64 {
        self.ahead_ms.load(Ordering::Relaxed)
    }

    pub(super) fn note(&self, from_ms: i64, to_ms: i64) {
        let mut g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let forget = to_ms - 2 * HORIZON_MS;
        g.local.retain(|w| w.1 >= forget);
        g.local.push((from_ms, to_ms));
        let oldest = g.local.iter().map(|w| w.0).min().unwrap_or(from_ms);
        g.covered.retain(|_, (_, b)| *b >= oldest - HORIZON_MS);
    }

    /// Where to start reading a chat's history before the turn of a message created at
    /// `created_ms`, or `None` when no gap concerns it (none, or the chat was read over them).
    pub(super) fn read_from(&self, chat: &str, created_ms: i64) -> Option<i64> {
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
    pub(super) fn covered(&self, chat: &str, from_ms: i64, to_ms: i64) {
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
    pub(super) fn read_over(&self, chat: &str, from_ms: i64, to_ms: i64) -> bool {
        let g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        g.covered
            .get(chat)
            .is_some_and(|&(a, b)| a <= from_ms && to_ms <= b)
    }

    /// Where to read the chat from when nothing before `from_ms` is wanted: where the last
    /// read ended, when it covered `from_ms`.
    pub(super) fn continue_from(&self, chat: &str, from_ms: i64) -> i64 {
        let g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        match g.covered.get(chat) {
            Some(&(a, b)) if a <= from_ms && from_ms <= b => b,
            _ => from_ms,
        }
    }

    /// Whether the gaps every replica shares were read lately.
    pub(super) fn shared_fresh(&self) -> bool {
        let g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        g.shared_read.is_some_and(|t| t.elapsed() < SHARED_FRESH)
    }

    pub(super) fn set_shared(&self, shared: Vec<(i64, i64)>) {
        let mut g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        g.shared = shared;
        g.shared_read = Some(Instant::now());
    }

    pub(super) fn first_failure(&self) -> bool {
        let mut g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        !std::mem::replace(&mut g.warned, true)
    }
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
