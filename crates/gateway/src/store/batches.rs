//! What queue modes need of the store: a chat's open events at once, batches (several
//! messages answered by one recorded turn, named by its lead), and closing several events in
//! one step (a stopped turn with the `/stop` that stopped it).

use async_trait::async_trait;

use super::{EventStatus, Result, StoredEvent};

/// The batch and stop records, a part of every [`super::Store`].
#[async_trait]
pub trait BatchStore {
    /// The open events of a chat queue in the order they are taken, at most `limit`.
    async fn open_events(
        &self,
        account: &str,
        chat_key: &str,
        limit: u32,
    ) -> Result<Vec<StoredEvent>>;

    /// Makes the still-open `members` one batch led by `lead` (see [`StoredEvent::batch`]), in
    /// one step.
    async fn set_batch(&self, account: &str, lead: &str, members: &[String]) -> Result<()>;

    /// The events of the batch `lead` leads, whatever their status, in the order they are
    /// taken.
    async fn batch_events(&self, account: &str, lead: &str) -> Result<Vec<StoredEvent>>;

    /// Closes those of `event_ids` still open with `status` and `reason`, in one step; returns
    /// how many it closed.
    async fn close_events(
        &self,
        account: &str,
        event_ids: &[String],
        status: EventStatus,
        reason: &str,
    ) -> Result<u64>;
}
