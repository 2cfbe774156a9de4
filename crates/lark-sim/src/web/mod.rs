//! The chat page: a Lark-like web client over the simulator, served at `/`.
//!
//! A person picks who they are, chats with the bot in DMs, groups and topic groups, clicks card
//! buttons, reacts, uploads images and files, and sees what the bot made (documents, sheets,
//! bitables) and did (event deliveries with their ACKs, API calls). The page is plain HTML, CSS
//! and JavaScript from `crates/lark-sim/web/`, embedded in the binary: no build step, no CDN.
//!
//! It acts through the control API (`/_sim/apps/...`) like any test would, plus a few routes of
//! its own under `/_sim/page/...` ([`api`]) and a server-sent event stream ([`live`]) that says
//! "something changed" whenever a request altered the simulator or a delivery moved on, so the
//! page refreshes what it shows without polling.

mod api;
mod live;

use std::sync::Arc;

use axum::Router;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::state::SimState;
pub use live::{Changes, track_changes};

/// The embedded files: (path, content type, body).
const ASSETS: &[(&str, &str, &str)] = &[
    (
        "/",
        "text/html; charset=utf-8",
        include_str!("../../web/index.html"),
    ),
    (
        "/web/style.css",
        "text/css; charset=utf-8",
        include_str!("../../web/style.css"),
    ),
    (
        "/web/app.js",
        "text/javascript; charset=utf-8",
        include_str!("../../web/app.js"),
    ),
    (
        "/web/render.js",
        "text/javascript; charset=utf-8",
        include_str!("../../web/render.js"),
    ),
    (
        "/web/panel.js",
        "text/javascript; charset=utf-8",
        include_str!("../../web/panel.js"),
    ),
];

const FAVICON: &str = "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'>\
<rect width='16' height='16' rx='4' fill='#3370ff'/></svg>";

fn asset(path: &'static str) -> Response {
    let (_, kind, body) = ASSETS
        .iter()
        .find(|(p, _, _)| *p == path)
        .expect("embedded asset");
    (
        [
            (header::CONTENT_TYPE, *kind),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        *body,
    )
        .into_response()
}

/// The page, its files and its routes. `changes` is the notifier [`Changes::layer`] feeds.
pub fn routes(changes: Changes) -> Router<Arc<SimState>> {
    let mut r = Router::new();
    for (path, _, _) in ASSETS {
        r = r.route(path, get(move || async move { asset(path) }));
    }
    r.route(
        "/favicon.ico",
        get(|| async { ([(header::CONTENT_TYPE, "image/svg+xml")], FAVICON) }),
    )
    .merge(api::routes())
    .merge(live::routes(changes))
}
