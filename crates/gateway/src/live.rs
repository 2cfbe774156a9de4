//! A value a config reload replaces while readers keep reading it: `Live<Account>` reads as
//! the `Account` it holds (`account.cfg.dm_policy`), so the code reading it needs no change,
//! and the next read after [`Live::replace`] sees the new value.
//!
//! A reader may hold a reference across the swap (a turn in flight keeps the settings it
//! started with), so the earlier versions are kept, not freed: one per accepted config edit,
//! a few kilobytes each, for the life of the process.

use std::ops::Deref;
use std::sync::atomic::{AtomicUsize, Ordering};

use elsa::sync::FrozenVec;

pub struct Live<T> {
    versions: FrozenVec<Box<T>>,
    current: AtomicUsize,
}

impl<T> Live<T> {
    pub fn new(value: T) -> Live<T> {
        let versions = FrozenVec::new();
        versions.push(Box::new(value));
        Live {
            versions,
            current: AtomicUsize::new(0),
        }
    }

    /// Makes `value` what every later read sees.
    pub fn replace(&self, value: T) {
        let at = self.versions.push_get_index(Box::new(value));
        self.current.store(at, Ordering::Release);
    }

    /// How many versions there have been (1 before any reload).
    pub fn versions(&self) -> usize {
        self.versions.len()
    }
}

impl<T> Deref for Live<T> {
    type Target = T;

    fn deref(&self) -> &T {
        let at = self.current.load(Ordering::Acquire);
        // `current` only ever names a version already pushed, and none is ever removed.
        self.versions
            .get(at)
            .unwrap_or_else(|| unreachable!("version {at} was pushed before it was named"))
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for Live<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (**self).fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reference_taken_before_the_swap_stays_valid() {
        let live = Live::new(String::from("old"));
        let before: &str = &live;
        live.replace(String::from("new"));
        assert_eq!(before, "old");
        assert_eq!(&*live, "new");
        assert_eq!(live.versions(), 2);
    }
}
