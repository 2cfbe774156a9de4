//! Scopes of the workspace APIs an app may lack: group history (`im:message.group_msg`),
//! documents, drive, bitable, wiki, calendar and tasks. Every app holds them all until a test
//! withholds one (`POST /_sim/apps/{app_id}/scopes`); a call into a withheld family is then
//! refused before its handler runs, as the platform's gateway does, with 99991672 naming the
//! scopes that would do (reads accept the read-only scope too).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::extract::{MatchedPath, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::im::store::ChatMode;
use crate::state::{App, SimState};

/// A family of APIs behind one scope (and its read-only twin).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    GroupMsg,
    Docx,
    Drive,
    Bitable,
    Wiki,
    Calendar,
    Task,
}

impl Family {
    const ALL: [Family; 7] = [
        Family::GroupMsg,
        Family::Docx,
        Family::Drive,
        Family::Bitable,
        Family::Wiki,
        Family::Calendar,
        Family::Task,
    ];

    fn index(self) -> usize {
        Family::ALL.iter().position(|f| *f == self).unwrap_or(0)
    }

    /// The scopes that let a call through: a write needs the full scope, a read either.
    fn scopes(self, read: bool) -> &'static [&'static str] {
        match (self, read) {
            (Family::GroupMsg, _) => &["im:message.group_msg"],
            (Family::Docx, true) => &["docx:document", "docx:document:readonly"],
            (Family::Docx, false) => &["docx:document"],
            (Family::Drive, true) => &["drive:drive", "drive:drive:readonly"],
            (Family::Drive, false) => &["drive:drive"],
            (Family::Bitable, true) => &["bitable:app", "bitable:app:readonly"],
            (Family::Bitable, false) => &["bitable:app"],
            (Family::Wiki, true) => &["wiki:wiki", "wiki:wiki:readonly"],
            (Family::Wiki, false) => &["wiki:wiki"],
            (Family::Calendar, true) => &["calendar:calendar", "calendar:calendar:readonly"],
            (Family::Calendar, false) => &["calendar:calendar"],
            (Family::Task, true) => &["task:task:read", "task:task:write"],
            (Family::Task, false) => &["task:task:write"],
        }
    }

    /// The family of a platform route, if it is one of these. Comments and permissions live
    /// under `drive/` but answer to the document scopes, so they are left out.
    fn of_route(route: &str) -> Option<Family> {
        let rest = route.strip_prefix("/open-apis/")?;
        let family = match rest.split('/').next()? {
            "docx" => Family::Docx,
            "drive" if !rest.contains("/comments") && !rest.contains("/permissions") => {
                Family::Drive
            }
            "bitable" => Family::Bitable,
            "wiki" => Family::Wiki,
            "calendar" => Family::Calendar,
            "task" => Family::Task,
            _ => return None,
        };
        Some(family)
    }
}

/// Which families an app holds (all, by default).
#[derive(Debug)]
pub struct Families([AtomicBool; 7]);

impl Default for Families {
    fn default() -> Self {
        Families(std::array::from_fn(|_| AtomicBool::new(true)))
    }
}

impl Families {
    pub fn granted(&self, f: Family) -> bool {
        self.0[f.index()].load(Ordering::Relaxed)
    }

    pub fn set(&self, f: Family, granted: bool) {
        self.0[f.index()].store(granted, Ordering::Relaxed);
    }
}

/// Refuses a call into a family the calling app lacks. Calls without a valid token go on to
/// their handler, which refuses the token first, as the platform does.
pub async fn enforce(State(state): State<Arc<SimState>>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned());
    let app = crate::calls::bearer(req.headers()).and_then(|t| state.app_for_token(t).ok());
    let (Some(route), Some(app)) = (route, app) else {
        return next.run(req).await;
    };
    let family = if route == "/open-apis/im/v1/messages" && req.method() == Method::GET {
        reads_group_history(&app, req.uri().query().unwrap_or("")).then_some(Family::GroupMsg)
    } else {
        Family::of_route(&route)
    };
    match family {
        Some(f) if !app.families.granted(f) => {
            let read = req.method() == Method::GET;
            super::scopes::missing_scope(&app.spec.app_id, f.scopes(read)).into_response()
        }
        _ => next.run(req).await,
    }
}

/// Whether a message listing reads a chat other than a p2p one (an unknown chat counts: the
/// scope is checked before the chat is looked up).
fn reads_group_history(app: &App, query: &str) -> bool {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    if get("container_id_type") != Some("chat") {
        return false;
    }
    let Some(chat) = get("container_id") else {
        return false;
    };
    let store = app.im.lock().expect("im lock");
    store
        .chats
        .get(chat)
        .is_none_or(|c| c.mode != ChatMode::P2p)
}

/// The family named in the control API.
pub(crate) fn named(name: &str) -> Option<Family> {
    Some(match name {
        "group_msg" => Family::GroupMsg,
        "docx" => Family::Docx,
        "drive" => Family::Drive,
        "bitable" => Family::Bitable,
        "wiki" => Family::Wiki,
        "calendar" => Family::Calendar,
        "task" => Family::Task,
        _ => return None,
    })
}

/// Every family's name and whether `app` holds it.
pub(crate) fn listing(app: &App) -> serde_json::Map<String, serde_json::Value> {
    [
        "group_msg",
        "docx",
        "drive",
        "bitable",
        "wiki",
        "calendar",
        "task",
    ]
    .into_iter()
    .filter_map(|n| named(n).map(|f| (n.to_owned(), app.families.granted(f).into())))
    .collect()
}
