//! Reassembly of events split across several data frames. Fragments share the frame-level
//! `message_id`; `sum` says how many there are and `seq` where each goes. Incomplete events
//! expire, so a lost fragment cannot hold memory forever (the platform redelivers the event).

use std::collections::HashMap;
use std::time::{Duration, Instant};

/// The most fragments one event may claim; a larger `sum` is refused rather than allocated.
const MAX_FRAGMENTS: usize = 1024;

struct Partial {
    parts: Vec<Option<Vec<u8>>>,
    touched: Instant,
}

pub(crate) struct Reassembler {
    partial: HashMap<String, Partial>,
    ttl: Duration,
}

/// What a fragment did.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Fragment {
    /// The event is complete: here is the whole payload.
    Complete(Vec<u8>),
    /// More fragments are needed.
    Pending,
    /// The fragment's `sum`/`seq` make no sense; it is dropped.
    Invalid(&'static str),
}

impl Reassembler {
    pub(crate) fn new(ttl: Duration) -> Self {
        Reassembler {
            partial: HashMap::new(),
            ttl,
        }
    }

    /// Adds fragment `seq` of `sum` for `message_id`.
    pub(crate) fn add(
        &mut self,
        message_id: &str,
        sum: usize,
        seq: usize,
        payload: Vec<u8>,
    ) -> Fragment {
        self.expire(Instant::now());
        if sum <= 1 {
            return Fragment::Complete(payload);
        }
        if sum > MAX_FRAGMENTS {
            return Fragment::Invalid("sum is larger than any event needs");
        }
        if seq >= sum {
            return Fragment::Invalid("seq is not below sum");
        }
        let entry = self
            .partial
            .entry(message_id.to_owned())
            .or_insert_with(|| Partial {
                parts: vec![None; sum],
                touched: Instant::now(),
            });
        if entry.parts.len() != sum {
            // The same id with another sum: start over with what this fragment says.
            entry.parts = vec![None; sum];
        }
        entry.parts[seq] = Some(payload);
        entry.touched = Instant::now();
        if entry.parts.iter().all(Option::is_some) {
            let parts = self
                .partial
                .remove(message_id)
                .map(|p| p.parts)
                .unwrap_or_default();
            Fragment::Complete(parts.into_iter().flatten().flatten().collect())
        } else {
            Fragment::Pending
        }
    }

    fn expire(&mut self, now: Instant) {
        let ttl = self.ttl;
        self.partial
            .retain(|_, p| now.duration_since(p.touched) < ttl);
    }

    #[cfg(test)]
    pub(crate) fn pending(&self) -> usize {
        self.partial.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragments_in_any_order_make_one_payload() {
        let mut r = Reassembler::new(Duration::from_secs(5));
        assert_eq!(r.add("m", 3, 2, b"c".to_vec()), Fragment::Pending);
        assert_eq!(r.add("m", 3, 0, b"a".to_vec()), Fragment::Pending);
        assert_eq!(
            r.add("m", 3, 1, b"b".to_vec()),
            Fragment::Complete(b"abc".to_vec())
        );
        assert_eq!(r.pending(), 0);
    }

    #[test]
    fn nonsense_fragments_are_refused() {
        let mut r = Reassembler::new(Duration::from_secs(5));
        assert!(matches!(r.add("m", 2, 2, vec![]), Fragment::Invalid(_)));
        assert!(matches!(
            r.add("m", 1 << 20, 0, vec![]),
            Fragment::Invalid(_)
        ));
    }

    #[test]
    fn incomplete_events_expire() {
        let mut r = Reassembler::new(Duration::from_millis(0));
        assert_eq!(r.add("m", 2, 0, b"a".to_vec()), Fragment::Pending);
        // The next call expires the stale partial, so the second half alone is pending again.
        assert_eq!(r.add("m", 2, 1, b"b".to_vec()), Fragment::Pending);
    }
}
