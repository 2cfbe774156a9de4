//! Collaborators of cloud objects (`drive/v1/permissions/{token}/members`): add, list, update
//! and remove members of documents, sheets, bitables and files. The `type` query must name the
//! object's real kind, as on the platform, so a bitable shared as `docx` is an error.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, RawQuery};
use axum::response::Response;
use axum::routing::{delete, post};
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::util::{bad, json_body, query_map, ws};
use super::{ObjKind, Workspace};
use crate::auth::Tenant;
use crate::error::{ApiError, ok};
use crate::state::SimState;

const INVALID: i64 = 1063001;

const TYPES: &[&str] = &[
    "doc", "sheet", "file", "wiki", "bitable", "docx", "folder", "mindnote", "minutes", "slides",
];
const MEMBER_TYPES: &[&str] = &[
    "email",
    "openid",
    "unionid",
    "openchat",
    "opendepartmentid",
    "userid",
    "groupid",
    "wikispaceid",
];
const PERMS: &[&str] = &["view", "edit", "full_access"];

fn invalid(msg: impl Into<String>) -> ApiError {
    bad(INVALID, format!("Invalid parameter: {}", msg.into()))
}

/// A collaborator of a cloud object.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Member {
    pub member_type: String,
    pub member_id: String,
    pub perm: String,
    pub perm_type: String,
    #[serde(rename = "type")]
    pub kind: String,
}

/// The member `type` implied by a `member_type` when the caller leaves it out.
fn default_kind(member_type: &str) -> &'static str {
    match member_type {
        "openchat" => "chat",
        "opendepartmentid" => "department",
        "groupid" => "group",
        "wikispaceid" => "wiki_space_member",
        _ => "user",
    }
}

impl Workspace {
    /// The collaborators of `token` (empty when it has none or does not exist).
    pub fn permission_members(&self, token: &str) -> Vec<Member> {
        self.permissions.get(token).cloned().unwrap_or_default()
    }

    /// Checks that `token` exists and is of the `type` the caller named.
    fn check_object(&self, token: &str, ty: Option<&String>) -> Result<ObjKind, ApiError> {
        let ty = ty
            .map(String::as_str)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| invalid("query parameter type is required"))?;
        if !TYPES.contains(&ty) {
            return Err(invalid(format!(
                "type {ty:?} is not one of {}",
                TYPES.join(", ")
            )));
        }
        let kind = self
            .object_kind(token)
            .ok_or_else(|| invalid(format!("the cloud document {token} does not exist")))?;
        if kind.perm_type() != ty {
            return Err(invalid(format!(
                "the token and type do not match: {token} is a {}, not a {ty}",
                kind.perm_type()
            )));
        }
        Ok(kind)
    }
}

#[derive(Deserialize)]
struct MemberBody {
    member_type: Option<String>,
    member_id: Option<String>,
    perm: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    perm_type: Option<String>,
}

fn check_member(b: MemberBody) -> Result<Member, ApiError> {
    let member_type = b.member_type.unwrap_or_default();
    if !MEMBER_TYPES.contains(&member_type.as_str()) {
        return Err(invalid(format!(
            "member_type {member_type:?} is not one of {}",
            MEMBER_TYPES.join(", ")
        )));
    }
    let member_id = b.member_id.unwrap_or_default();
    if member_id.trim().is_empty() {
        return Err(invalid("member_id is required"));
    }
    let prefix_ok = match member_type.as_str() {
        "openid" => member_id.starts_with("ou_"),
        "unionid" => member_id.starts_with("on_"),
        "openchat" => member_id.starts_with("oc_"),
        "email" => member_id.contains('@'),
        _ => true,
    };
    if !prefix_ok {
        return Err(invalid(format!(
            "member_id {member_id:?} does not match member_type {member_type}"
        )));
    }
    let perm = b.perm.unwrap_or_default();
    if !PERMS.contains(&perm.as_str()) {
        return Err(invalid(format!(
            "perm {perm:?} is not one of view, edit, full_access"
        )));
    }
    let kind = b
        .kind
        .filter(|k| !k.is_empty())
        .unwrap_or_else(|| default_kind(&member_type).to_owned());
    Ok(Member {
        perm_type: b.perm_type.unwrap_or_else(|| "container".into()),
        member_type,
        member_id,
        perm,
        kind,
    })
}

/// `POST /drive/v1/permissions/{token}/members?type=&need_notification=`: adds a member, or
/// changes the permission of one already there.
async fn create(
    Tenant(app): Tenant,
    Path(token): Path<String>,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    let q = query_map(q);
    let b: MemberBody = json_body(&body, invalid)?;
    let mut w = ws(&app);
    w.check_object(&token, q.get("type"))?;
    let m = check_member(b)?;
    let list = w.permissions.entry(token).or_default();
    match list
        .iter_mut()
        .find(|x| x.member_type == m.member_type && x.member_id == m.member_id)
    {
        Some(x) => *x = m.clone(),
        None => list.push(m.clone()),
    }
    Ok(ok(json!({ "member": m })))
}

/// `GET /drive/v1/permissions/{token}/members?type=`
async fn list(
    Tenant(app): Tenant,
    Path(token): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let q = query_map(q);
    let w = ws(&app);
    w.check_object(&token, q.get("type"))?;
    Ok(ok(json!({ "items": w.permission_members(&token) })))
}

/// `PUT /drive/v1/permissions/{token}/members/{member_id}?type=`
async fn update(
    Tenant(app): Tenant,
    Path((token, member_id)): Path<(String, String)>,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    let q = query_map(q);
    let mut b: MemberBody = json_body(&body, invalid)?;
    b.member_id = Some(member_id);
    let mut w = ws(&app);
    w.check_object(&token, q.get("type"))?;
    let m = check_member(b)?;
    let x = w
        .permissions
        .get_mut(&token)
        .and_then(|l| {
            l.iter_mut()
                .find(|x| x.member_type == m.member_type && x.member_id == m.member_id)
        })
        .ok_or_else(|| invalid(format!("{} is not a collaborator of {token}", m.member_id)))?;
    *x = m.clone();
    Ok(ok(json!({ "member": m })))
}

/// `DELETE /drive/v1/permissions/{token}/members/{member_id}?type=&member_type=`
async fn remove(
    Tenant(app): Tenant,
    Path((token, member_id)): Path<(String, String)>,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let q = query_map(q);
    let mut w = ws(&app);
    w.check_object(&token, q.get("type"))?;
    let member_type = q
        .get("member_type")
        .filter(|s| !s.is_empty())
        .ok_or_else(|| invalid("query parameter member_type is required"))?;
    let list = w.permissions.entry(token.clone()).or_default();
    let before = list.len();
    list.retain(|x| !(x.member_id == member_id && &x.member_type == member_type));
    if list.len() == before {
        return Err(invalid(format!(
            "{member_id} is not a collaborator of {token}"
        )));
    }
    Ok(ok(json!({})))
}

pub(super) fn routes() -> Router<Arc<SimState>> {
    Router::new()
        .route(
            "/open-apis/drive/v1/permissions/{token}/members",
            post(create).get(list),
        )
        .route(
            "/open-apis/drive/v1/permissions/{token}/members/{member_id}",
            delete(remove).put(update),
        )
}
