//! One budget of the platform's: at most `cap` calls in any `span` (a sliding window, the
//! strictest way to read "N per second"). A call holds its slot from the moment it starts until
//! `span` after its answer came back, so however long the request spent on the way, the platform
//! has already counted a call before the slot it held opens again: the window the client keeps
//! always contains the window the platform counts, and no timing is bet on.

use std::collections::VecDeque;

use tokio::time::{Duration, Instant};

/// A budget larger than this is treated as none: it can only be an override meaning "no limit",
/// and keeping that many timestamps would cost memory for nothing.
pub(crate) const UNLIMITED_ABOVE: u64 = 100_000;

/// What a full window waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Wait {
    /// A slot opens after this long.
    For(Duration),
    /// Every slot is held by a call still on its way: one opens `span` after the first answer.
    Answer,
}

pub(crate) struct Window {
    cap: usize,
    span: Duration,
    in_flight: usize,
    /// When the answers of the calls still counted came back, oldest first.
    answered: VecDeque<Instant>,
}

impl Window {
    /// `None` when the figure means no limit at all.
    pub(crate) fn new(cap: u64, span: Duration) -> Option<Window> {
        (cap <= UNLIMITED_ABOVE).then(|| Window {
            cap: cap.max(1) as usize,
            span,
            in_flight: 0,
            answered: VecDeque::new(),
        })
    }

    fn forget_old(&mut self, now: Instant) {
        while self.answered.front().is_some_and(|t| *t + self.span <= now) {
            self.answered.pop_front();
        }
    }

    /// `None` if a call may start now, else what it has to wait for.
    pub(crate) fn wait(&mut self, now: Instant) -> Option<Wait> {
        self.forget_old(now);
        if self.in_flight + self.answered.len() < self.cap {
            return None;
        }
        Some(match self.answered.front() {
            Some(t) => Wait::For(*t + self.span - now),
            None => Wait::Answer,
        })
    }

    /// How many calls may start now, and the window's cap.
    pub(crate) fn room(&mut self, now: Instant) -> (usize, usize) {
        self.forget_old(now);
        let used = self.in_flight + self.answered.len();
        (self.cap.saturating_sub(used), self.cap)
    }

    pub(crate) fn start(&mut self) {
        self.in_flight += 1;
    }

    /// The call that started last came back (or was abandoned) at `now`.
    pub(crate) fn finish(&mut self, now: Instant) {
        self.in_flight = self.in_flight.saturating_sub(1);
        self.answered.push_back(now);
    }

    /// Nothing in flight and nothing counted: the window can be forgotten.
    pub(crate) fn idle(&mut self, now: Instant) -> bool {
        self.forget_old(now);
        self.in_flight == 0 && self.answered.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_up_to_the_cap_then_a_slot_a_span_after_the_first_answer() {
        let t0 = Instant::now();
        let mut w = Window::new(3, Duration::from_secs(1)).unwrap();
        for _ in 0..3 {
            assert_eq!(w.wait(t0), None, "the burst goes at once");
            w.start();
        }
        assert_eq!(
            w.wait(t0),
            Some(Wait::Answer),
            "all three still on their way"
        );
        w.finish(t0 + Duration::from_millis(10));
        assert_eq!(
            w.wait(t0 + Duration::from_millis(10)),
            Some(Wait::For(Duration::from_secs(1)))
        );
        assert_eq!(w.wait(t0 + Duration::from_millis(1010)), None);
    }

    #[test]
    fn room_counts_calls_in_flight_and_answers_still_in_the_span() {
        let t0 = Instant::now();
        let mut w = Window::new(4, Duration::from_secs(1)).unwrap();
        assert_eq!(w.room(t0), (4, 4));
        w.start();
        w.start();
        w.finish(t0);
        assert_eq!(w.room(t0), (2, 4), "one in flight, one answered");
        assert_eq!(
            w.room(t0 + Duration::from_secs(1)),
            (3, 4),
            "the answer aged out"
        );
    }

    #[test]
    fn huge_figures_are_no_window_and_idle_windows_say_so() {
        assert!(Window::new(UNLIMITED_ABOVE + 1, Duration::from_secs(1)).is_none());
        let t0 = Instant::now();
        let mut w = Window::new(0, Duration::from_secs(1)).unwrap();
        assert!(w.idle(t0));
        w.start();
        assert!(!w.idle(t0));
        w.finish(t0);
        assert!(!w.idle(t0));
        assert!(w.idle(t0 + Duration::from_secs(1)));
    }
}
