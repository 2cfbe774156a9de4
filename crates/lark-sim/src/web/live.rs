//! Live updates for the page: `GET /_sim/page/events`, a server-sent event stream with one
//! `change` event whenever the simulator may look different: after any request that can alter
//! it (every non-GET, and every platform call, which lands in the call log), whenever an
//! app's deliveries or connections change (ACKs arrive over the websocket, not as requests),
//! and when what a gateway tells the page (its jobs) changes.
//! The page then re-reads what it shows; bursts are coalesced into one event.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::get;
use futures::Stream;
use tokio::sync::{mpsc, watch};

use crate::state::SimState;

/// Changes are gathered this long before one event goes out, so a streamed card or a burst of
/// calls costs the page one refresh, not dozens.
const COALESCE: Duration = Duration::from_millis(40);

/// A counter bumped on every change; each page subscribes to it.
#[derive(Clone)]
pub struct Changes(Arc<watch::Sender<u64>>);

impl Default for Changes {
    fn default() -> Self {
        Changes(Arc::new(watch::channel(0).0))
    }
}

impl Changes {
    pub fn bump(&self) {
        self.0.send_modify(|n| *n = n.wrapping_add(1));
    }
}

/// Middleware that bumps `changes` after each request that may have changed something:
/// `.layer(from_fn_with_state(changes, track_changes))` around every route.
pub async fn track_changes(State(changes): State<Changes>, req: Request, next: Next) -> Response {
    let changing = (req.method() != Method::GET && req.method() != Method::HEAD)
        || req.uri().path().starts_with("/open-apis");
    let resp = next.run(req).await;
    if changing {
        changes.bump();
    }
    resp
}

pub(super) fn routes(changes: Changes) -> Router<Arc<SimState>> {
    Router::new().route(
        "/_sim/page/events",
        get(move |state: State<Arc<SimState>>| events(state, changes.clone())),
    )
}

async fn events(
    State(state): State<Arc<SimState>>,
    changes: Changes,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let (tx, rx) = mpsc::channel::<()>(1);
    tokio::spawn(watch_changes(state, changes.0.subscribe(), tx));
    let first = Event::default().event("change").data("0");
    let stream =
        futures::stream::unfold((rx, Some(first), 0u64), |(mut rx, first, n)| async move {
            if let Some(ev) = first {
                return Some((Ok(ev), (rx, None, n)));
            }
            rx.recv().await?;
            tokio::time::sleep(COALESCE).await;
            while rx.try_recv().is_ok() {}
            let n = n + 1;
            let ev = Event::default().event("change").data(n.to_string());
            Some((Ok(ev), (rx, None, n)))
        });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// Forwards every change (request, delivery, connection) into `tx` until the page goes away.
async fn watch_changes(state: Arc<SimState>, mut rx: watch::Receiver<u64>, tx: mpsc::Sender<()>) {
    let mut notes = state.page_notes_rev.subscribe();
    loop {
        let apps = state.apps_snapshot();
        {
            let mut waits: Vec<Pin<Box<dyn Future<Output = ()> + Send + '_>>> =
                vec![Box::pin(async {
                    if rx.changed().await.is_err() {
                        std::future::pending::<()>().await;
                    }
                })];
            waits.push(Box::pin(tx.closed()));
            waits.push(Box::pin(async {
                if notes.changed().await.is_err() {
                    std::future::pending::<()>().await;
                }
            }));
            for app in &apps {
                waits.push(Box::pin(app.runtime.delivery_changed.notified()));
                waits.push(Box::pin(app.runtime.conns_changed.notified()));
            }
            futures::future::select_all(waits).await;
        }
        if let Err(mpsc::error::TrySendError::Closed(())) = tx.try_send(()) {
            return;
        }
    }
}
