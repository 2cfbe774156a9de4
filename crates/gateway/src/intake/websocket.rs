//! The long connections of a websocket account: each event parsed, claimed through
//! [`super::accept`], then acknowledged; a dropped socket noted as a gap for the catch-up.

use std::sync::Arc;

use lark::model::event::Envelope;
use lark::ws::{LongConnection, WsOptions};
use tokio::sync::watch;

use super::accept;
use crate::account::AccountRt;
use crate::runtime::{Ctx, stopped};

/// Runs an account's long connections until `stop`: `connections` of them (default 2), started
/// a little apart, each with its own state machine. The platform gives each event to one open
/// connection, so while one reconnects the others carry every new event at once; an event
/// redelivered on another socket meets the durable dedup and is answered once.
pub async fn run(ctx: Arc<Ctx>, account: Arc<AccountRt>, mut stop: watch::Receiver<bool>) {
    let n = account.cfg.connections.max(1) as usize;
    let mut running = tokio::task::JoinSet::new();
    for index in 0..n {
        if index > 0 {
            tokio::select! {
                _ = tokio::time::sleep(STAGGER) => {}
                _ = stopped(&mut stop) => break,
            }
        }
        running.spawn(run_connection(
            ctx.clone(),
            account.clone(),
            index,
            stop.clone(),
        ));
    }
    while running.join_next().await.is_some() {}
}

/// The pause between starting an account's connections, so they do not dial at the same instant.
const STAGGER: std::time::Duration = std::time::Duration::from_millis(300);

async fn run_connection(
    ctx: Arc<Ctx>,
    account: Arc<AccountRt>,
    index: usize,
    mut stop: watch::Receiver<bool>,
) {
    let options = WsOptions {
        pong_timeout: account.cfg.pong_timeout,
        max_ping_interval: account.cfg.ping_interval,
        ..WsOptions::default()
    };
    let (conn, mut events) = LongConnection::start(account.client.clone(), options);
    account
        .conns
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(conn.watch());
    let mut status = conn.watch();
    let acct = account.id().to_owned();
    // What was seen last: a new disconnect means the events pushed into the lost socket after
    // its last frame are gone until the platform redelivers them.
    let (mut disconnects, mut last_frame) = (0, None);
    loop {
        tokio::select! {
            _ = stopped(&mut stop) => break,
            changed = status.changed() => {
                if changed.is_err() { break; }
                let s = status.borrow().clone();
                if s.disconnects > disconnects {
                    let since = last_frame.or(s.last_frame_at).unwrap_or(s.since);
                    super::catch_up::connection_lost(&ctx, &account, since);
                }
                (disconnects, last_frame) = (s.disconnects, s.last_frame_at);
                ctx.metrics.connection_state(&acct, index, s.state.as_str());
                if let lark::ws::ConnState::Fatal(reason) = &s.state {
                    tracing::error!(target: "lark", "[{acct}] long connection {index} stopped for good: {reason}");
                }
            }
            ev = events.recv() => {
                let Some(ev) = ev else { break };
                match Envelope::parse(&ev.payload) {
                    Ok(envelope) if super::card::is_card(&envelope) => {
                        super::card::over_ws(&ctx, &account, &envelope, ev).await;
                    }
                    Ok(envelope) => match accept(&ctx, &account, &envelope, &ev.payload).await {
                        Ok(_) => {
                            ctx.metrics.event_acked(&acct);
                            ev.ack();
                        }
                        Err(e) => {
                            tracing::error!(target: "lark", "[{acct}] {e}; the platform will deliver it again");
                            ev.nack();
                        }
                    },
                    Err(e) => {
                        // It will never parse: acknowledge, so it is not pushed again forever.
                        tracing::warn!(target: "lark", "[{acct}] unreadable event acknowledged and dropped: {e}");
                        ev.ack();
                    }
                }
            }
        }
    }
    conn.stop().await;
}
