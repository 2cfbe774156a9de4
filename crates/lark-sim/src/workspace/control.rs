//! `/_sim/apps/{app_id}/...` readers of the workspace, so tests in any language can assert what
//! a bot wrote: documents, sheets, bitables, drive files, permissions and cards. No auth: the
//! control API acts as the test harness, not as an app.

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;

use super::util::ws;
use crate::state::{App, SimState};

fn missing(what: String) -> Response {
    (StatusCode::NOT_FOUND, Json(json!({ "error": what }))).into_response()
}

fn app_of(state: &SimState, app_id: &str) -> Result<Arc<App>, Box<Response>> {
    state
        .app(app_id)
        .ok_or_else(|| Box::new(missing(format!("no app {app_id}"))))
}

async fn docs(State(s): State<Arc<SimState>>, Path(app_id): Path<String>) -> Response {
    match app_of(&s, &app_id) {
        Ok(app) => Json(json!({ "documents": ws(&app).document_ids() })).into_response(),
        Err(r) => *r,
    }
}

async fn doc(
    State(s): State<Arc<SimState>>,
    Path((app_id, id)): Path<(String, String)>,
) -> Response {
    match app_of(&s, &app_id) {
        Ok(app) => match ws(&app).doc_view(&id) {
            Some(v) => Json(v).into_response(),
            None => missing(format!("no document {id}")),
        },
        Err(r) => *r,
    }
}

async fn sheet(
    State(s): State<Arc<SimState>>,
    Path((app_id, token)): Path<(String, String)>,
) -> Response {
    match app_of(&s, &app_id) {
        Ok(app) => match ws(&app).sheet_view(&token) {
            Some(v) => Json(v).into_response(),
            None => missing(format!("no spreadsheet {token}")),
        },
        Err(r) => *r,
    }
}

async fn bitable(
    State(s): State<Arc<SimState>>,
    Path((app_id, token)): Path<(String, String)>,
) -> Response {
    match app_of(&s, &app_id) {
        Ok(app) => match ws(&app).bitable_view(&token) {
            Some(v) => Json(v).into_response(),
            None => missing(format!("no bitable {token}")),
        },
        Err(r) => *r,
    }
}

async fn files(State(s): State<Arc<SimState>>, Path(app_id): Path<String>) -> Response {
    match app_of(&s, &app_id) {
        Ok(app) => {
            let w = ws(&app);
            Json(json!({ "files": w.drive_files(), "medias": w.drive_medias() })).into_response()
        }
        Err(r) => *r,
    }
}

async fn permissions(
    State(s): State<Arc<SimState>>,
    Path((app_id, token)): Path<(String, String)>,
) -> Response {
    match app_of(&s, &app_id) {
        Ok(app) => {
            let w = ws(&app);
            let kind = w.object_kind(&token).map(|k| k.perm_type());
            Json(json!({ "token": token, "type": kind, "members": w.permission_members(&token) }))
                .into_response()
        }
        Err(r) => *r,
    }
}

async fn card(
    State(s): State<Arc<SimState>>,
    Path((app_id, id)): Path<(String, String)>,
) -> Response {
    match app_of(&s, &app_id) {
        Ok(app) => match ws(&app).card_view(&id) {
            Some(v) => Json(v).into_response(),
            None => missing(format!("no card {id}")),
        },
        Err(r) => *r,
    }
}

async fn post_comment(
    State(s): State<Arc<SimState>>,
    Path(app_id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let c: super::UserComment = match serde_json::from_slice(&body) {
        Ok(c) => c,
        Err(e) => return crate::control::SimError::Invalid(e.to_string()).into_response(),
    };
    match s.user_comments(&app_id, c) {
        Ok(p) => Json(p).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn file_comments(
    State(s): State<Arc<SimState>>,
    Path((app_id, token)): Path<(String, String)>,
) -> Response {
    match s.file_comments(&app_id, &token) {
        Ok(c) => Json(json!({ "file_token": token, "comments": c })).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn seed_space(
    State(s): State<Arc<SimState>>,
    Path(app_id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let name = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v["name"].as_str().map(str::to_owned))
        .unwrap_or_default();
    match s.seed_wiki_space(&app_id, &name) {
        Ok(id) => Json(json!({ "space_id": id })).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn wiki(State(s): State<Arc<SimState>>, Path(app_id): Path<String>) -> Response {
    match app_of(&s, &app_id) {
        Ok(app) => Json(ws(&app).wiki_view()).into_response(),
        Err(r) => *r,
    }
}

pub(super) fn routes() -> Router<Arc<SimState>> {
    Router::new()
        .route("/_sim/apps/{app_id}/docs", get(docs))
        .route("/_sim/apps/{app_id}/docs/{document_id}", get(doc))
        .route("/_sim/apps/{app_id}/sheets/{token}", get(sheet))
        .route("/_sim/apps/{app_id}/bitables/{app_token}", get(bitable))
        .route("/_sim/apps/{app_id}/drive/files", get(files))
        .route("/_sim/apps/{app_id}/permissions/{token}", get(permissions))
        .route("/_sim/apps/{app_id}/cards/{card_id}", get(card))
        .route(
            "/_sim/apps/{app_id}/comments",
            axum::routing::post(post_comment),
        )
        .route(
            "/_sim/apps/{app_id}/files/{file_token}/comments",
            get(file_comments),
        )
        .route("/_sim/apps/{app_id}/wiki", get(wiki))
        .route(
            "/_sim/apps/{app_id}/wiki/spaces",
            axum::routing::post(seed_space),
        )
}
