//! Inspecting what the bot did (chat messages, deliveries and ACKs, API calls, connections) and
//! injecting faults (dropped or silent connections, withheld or delayed ACKs, failing calls).

use std::sync::atomic::Ordering;
use std::time::Duration;

use serde_json::Value;

use super::SimError;
use crate::calls::{CallRecord, FailRule};
use crate::delivery::{self, DeliveryRecord};
use crate::im::view::sim_message;
use crate::state::{SimConfig, SimState};

impl SimState {
    /// Every message of a chat, users' and the bot's, oldest first, with sender, type, content,
    /// thread ids, deleted/updated flags, mentions and reactions.
    pub fn chat_messages(&self, app_id: &str, chat_id: &str) -> Result<Vec<Value>, SimError> {
        let app = self.app_or_err(app_id)?;
        let store = app.im.lock().expect("im lock");
        if !store.chats.contains_key(chat_id) {
            return Err(SimError::UnknownChat(chat_id.to_owned()));
        }
        Ok(store
            .messages
            .iter()
            .filter(|m| m.chat_id == chat_id)
            .map(|m| sim_message(m, &store, &app))
            .collect())
    }

    /// Every event delivered (or being delivered) to the app, with its attempts and ACKs.
    pub fn deliveries(&self, app_id: &str) -> Result<Vec<DeliveryRecord>, SimError> {
        Ok(self.app_or_err(app_id)?.runtime.deliveries())
    }

    /// Waits until the event is acknowledged or has failed every attempt (or `timeout` passes),
    /// and returns its record.
    pub async fn wait_delivery(
        &self,
        app_id: &str,
        event_id: &str,
        timeout: Duration,
    ) -> Result<DeliveryRecord, SimError> {
        let app = self.app_or_err(app_id)?;
        delivery::wait_settled(&app.runtime, event_id, timeout)
            .await
            .ok_or_else(|| SimError::Invalid(format!("no delivery {event_id}")))
    }

    /// Every API call made with the app's token or credentials, oldest first.
    pub fn calls(&self, app_id: &str) -> Vec<CallRecord> {
        self.calls
            .lock()
            .expect("calls lock")
            .iter()
            .filter(|c| c.app_id.as_deref() == Some(app_id))
            .cloned()
            .collect()
    }

    /// Every API call, whatever app it was for.
    pub fn all_calls(&self) -> Vec<CallRecord> {
        self.calls
            .lock()
            .expect("calls lock")
            .iter()
            .cloned()
            .collect()
    }

    /// Open long connections of the app.
    pub fn connection_count(&self, app_id: &str) -> usize {
        self.app(app_id)
            .map(|a| delivery::connection_count(&a.runtime))
            .unwrap_or(0)
    }

    /// Waits until the app has at least `n` open connections; false on timeout.
    pub async fn wait_connections(&self, app_id: &str, n: usize, timeout: Duration) -> bool {
        let Some(app) = self.app(app_id) else {
            return false;
        };
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = app.runtime.conns_changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if delivery::connection_count(&app.runtime) >= n {
                return true;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return delivery::connection_count(&app.runtime) >= n;
            }
        }
    }

    /// Pings received on each open connection of the app.
    pub fn pings(&self, app_id: &str) -> Vec<u64> {
        self.app(app_id)
            .map(|a| a.runtime.connections().iter().map(|c| c.pings()).collect())
            .unwrap_or_default()
    }

    /// Waits until the app has exactly `n` open connections, at most `timeout`.
    pub async fn wait_connections_exactly(
        &self,
        app_id: &str,
        n: usize,
        timeout: Duration,
    ) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        while tokio::time::Instant::now() < deadline {
            if self.connection_count(app_id) == n {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        self.connection_count(app_id) == n
    }

    /// Drops every websocket connection of the app now (no close frame, like a network cut);
    /// returns how many there were.
    pub fn drop_connections(&self, app_id: &str) -> Result<usize, SimError> {
        let app = self.app_or_err(app_id)?;
        let conns = app.runtime.connections();
        for c in &conns {
            c.kill.notify_one();
        }
        Ok(conns.len())
    }

    /// The ids of the app's open connections, oldest first.
    pub fn connection_ids(&self, app_id: &str) -> Vec<u64> {
        self.app(app_id)
            .map(|a| a.runtime.connections().iter().map(|c| c.id).collect())
            .unwrap_or_default()
    }

    /// Drops one connection (the one with `id`, else the oldest) now, like a network cut;
    /// returns its id, or `None` when there was no such connection.
    pub fn drop_connection(&self, app_id: &str, id: Option<u64>) -> Result<Option<u64>, SimError> {
        let app = self.app_or_err(app_id)?;
        let conns = app.runtime.connections();
        let target = conns.iter().find(|c| id.is_none_or(|id| c.id == id));
        Ok(target.map(|c| {
            c.kill.notify_one();
            c.id
        }))
    }

    /// Makes one connection (the one with `id`, else the oldest) silent or talkative again;
    /// returns its id.
    pub fn set_silent_connection(
        &self,
        app_id: &str,
        id: Option<u64>,
        silent: bool,
    ) -> Result<Option<u64>, SimError> {
        let app = self.app_or_err(app_id)?;
        let conns = app.runtime.connections();
        let target = conns.iter().find(|c| id.is_none_or(|id| c.id == id));
        Ok(target.map(|c| {
            c.silent.store(silent, Ordering::Relaxed);
            c.id
        }))
    }

    /// Makes the app's current connections silent (open, but no pongs and no events), or all of
    /// them talkative again. Connections opened later are healthy, as after a real reconnect.
    pub fn set_silent(&self, app_id: &str, silent: bool) -> Result<(), SimError> {
        let app = self.app_or_err(app_id)?;
        for c in app.runtime.connections() {
            c.silent.store(silent, Ordering::Relaxed);
        }
        Ok(())
    }

    /// Ignores every ACK from now on (events time out and are redelivered), or stops ignoring.
    pub fn withhold_acks(&self, app_id: &str, withhold: bool) -> Result<(), SimError> {
        self.app_or_err(app_id)?
            .runtime
            .withhold_acks
            .store(withhold, Ordering::Relaxed);
        Ok(())
    }

    /// Acts on ACKs only after `delay` (longer than the ACK timeout means redelivery).
    pub fn delay_acks(&self, app_id: &str, delay: Duration) -> Result<(), SimError> {
        let ms = delay.as_millis().min(u64::MAX as u128) as u64;
        self.app_or_err(app_id)?
            .runtime
            .ack_delay_ms
            .store(ms, Ordering::Relaxed);
        Ok(())
    }

    /// Answers the next `n` calls whose path matches `pattern` with `status` and `code` (see
    /// [`FailRule`] for the pattern syntax).
    pub fn fail_next(&self, pattern: &str, n: u32, status: u16, code: i64) {
        if n == 0 {
            return;
        }
        self.faults.lock().expect("faults lock").push(FailRule {
            pattern: pattern.to_owned(),
            remaining: n,
            status,
            code,
        });
    }

    /// Drops every pending fail rule: the platform is healthy again.
    pub fn clear_faults(&self) {
        self.faults.lock().expect("faults lock").clear();
    }

    /// Changes settings at run time (token lifetime, redelivery, fragment size, rate limit...).
    /// Deliveries already under way keep the settings they started with.
    pub fn configure(&self, f: impl FnOnce(&mut SimConfig)) {
        f(&mut self.config.write().expect("config lock"));
    }
}
