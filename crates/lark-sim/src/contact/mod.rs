//! `contact/v3`: reading the tenant's users, as a bot does to put a name on an open id.
//!
//! - `GET /open-apis/contact/v3/users/:user_id?user_id_type=&department_id_type=` → `data.user`;
//! - `GET /open-apis/contact/v3/users/batch?user_ids=a&user_ids=b&user_id_type=` → `data.items`
//!   (the ids repeat the key; the platform has no POST form of this call).
//!
//! Users are the IM store's: every chat member, sender and mentioned user, plus those created with
//! `POST /_sim/apps/{app_id}/users`. `user_id_type` is `open_id` (the default), `union_id` or
//! `user_id`. An id that names no user is refused with HTTP 400: 99992351 for open and union ids,
//! 99992360 for user ids (one bad id fails the whole batch, as the platform does). An app whose
//! contact scope was revoked gets 99991672 with the scopes it could enable in
//! `error.permission_violations`; one without `contact:user.base:readonly` gets users without
//! `name`, `en_name`, `nickname` and `avatar`.

mod control;
mod families;
mod scopes;
mod view;

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use serde_json::json;

use crate::auth::Tenant;
use crate::error::{ApiError, ApiResult, ok};
use crate::state::SimState;
pub use control::{FamilyChange, ScopeChange, UserSpec, control_routes};
pub use families::{Families, Family, enforce as enforce_scopes};
pub use scopes::Scopes;

/// Scopes of which any one lets an app call `GET /contact/v3/users/:user_id`.
const GET_SCOPES: &[&str] = &[
    "contact:contact.base:readonly",
    "contact:contact:access_as_app",
    "contact:contact:readonly",
    "contact:contact:readonly_as_app",
];
/// Scopes of which any one lets an app call `GET /contact/v3/users/batch`.
const BATCH_SCOPES: &[&str] = &["contact:contact.base:readonly"];

pub fn routes() -> Router<Arc<SimState>> {
    Router::new()
        .route("/open-apis/contact/v3/users/batch", get(batch))
        .route("/open-apis/contact/v3/users/{user_id}", get(get_user))
}

/// Which id a request names users by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdType {
    OpenId,
    UnionId,
    UserId,
}

impl IdType {
    fn parse(v: Option<&str>) -> ApiResult<IdType> {
        match v.unwrap_or("") {
            "" | "open_id" => Ok(IdType::OpenId),
            "union_id" => Ok(IdType::UnionId),
            "user_id" => Ok(IdType::UserId),
            other => Err(invalid_field(
                "user_id_type",
                &format!("{other:?} is not one of open_id, union_id, user_id"),
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            IdType::OpenId => "open_id",
            IdType::UnionId => "union_id",
            IdType::UserId => "user_id",
        }
    }
}

/// Every `key=value` pair of the query, repeated keys kept.
fn pairs(raw: Option<String>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

fn first<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// Checks `user_id_type` and `department_id_type`.
fn id_type(pairs: &[(String, String)]) -> ApiResult<IdType> {
    match first(pairs, "department_id_type") {
        None | Some("" | "open_department_id" | "department_id") => {}
        Some(other) => {
            return Err(invalid_field(
                "department_id_type",
                &format!("{other:?} is not one of open_department_id, department_id"),
            ));
        }
    }
    IdType::parse(first(pairs, "user_id_type"))
}

/// 99992402 with the offending field in `field_violations`.
fn invalid_field(field: &str, why: &str) -> ApiError {
    let mut detail = serde_json::Map::new();
    detail.insert(
        "field_violations".into(),
        json!([{ "field": field, "description": why }]),
    );
    ApiError::new(StatusCode::BAD_REQUEST, 99992402, "field validation failed").with_detail(detail)
}

/// The platform's answer to ids that name no user.
fn unknown_ids(kind: IdType, ids: &[&str]) -> ApiError {
    let code = match kind {
        IdType::UserId => 99992360,
        IdType::OpenId | IdType::UnionId => 99992351,
    };
    let mut detail = serde_json::Map::new();
    detail.insert(
        "field_violations".into(),
        json!(
            ids.iter()
                .map(
                    |id| json!({ "field": kind.as_str(), "value": id, "description": "not exists" })
                )
                .collect::<Vec<_>>()
        ),
    );
    ApiError::new(
        StatusCode::BAD_REQUEST,
        code,
        format!(
            "The request you send is not a valid {{{}}} or not exists. Invalid ids: [{}]",
            kind.as_str(),
            ids.join(", ")
        ),
    )
    .with_detail(detail)
}

/// `GET /open-apis/contact/v3/users/{user_id}`
async fn get_user(
    State(_): State<Arc<SimState>>,
    Tenant(app): Tenant,
    Path(user_id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    scopes::require_contact(&app, GET_SCOPES)?;
    let kind = id_type(&pairs(raw))?;
    let base = app.scopes.user_base();
    let store = app.im.lock().expect("im lock");
    let user = view::find(&store, kind, &user_id).ok_or_else(|| unknown_ids(kind, &[&user_id]))?;
    Ok(ok(json!({ "user": view::user(user, base) })))
}

/// `GET /open-apis/contact/v3/users/batch?user_ids=...`
async fn batch(
    State(_): State<Arc<SimState>>,
    Tenant(app): Tenant,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    scopes::require_contact(&app, BATCH_SCOPES)?;
    let pairs = pairs(raw);
    let kind = id_type(&pairs)?;
    let mut ids: Vec<&str> = Vec::new();
    for (_, v) in pairs.iter().filter(|(k, _)| k == "user_ids") {
        if !v.is_empty() && !ids.contains(&v.as_str()) {
            ids.push(v);
        }
    }
    if ids.is_empty() {
        return Err(invalid_field("user_ids", "user_ids is required"));
    }
    let base = app.scopes.user_base();
    let store = app.im.lock().expect("im lock");
    let missing: Vec<&str> = ids
        .iter()
        .copied()
        .filter(|id| view::find(&store, kind, id).is_none())
        .collect();
    if !missing.is_empty() {
        return Err(unknown_ids(kind, &missing));
    }
    let items: Vec<_> = ids
        .iter()
        .filter_map(|id| view::find(&store, kind, id))
        .map(|u| view::user(u, base))
        .collect();
    Ok(ok(json!({ "items": items })))
}
