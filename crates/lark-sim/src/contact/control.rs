//! Control of the contact directory: create or rename users, grant or revoke the contact scopes.
//!
//! - `POST /_sim/apps/{app_id}/users` `{open_id, name, en_name?, union_id?, user_id?}` →
//!   the user as `contact/v3` shows it;
//! - `POST /_sim/apps/{app_id}/scopes` `{contact?, user_base?, group_msg?, docx?, drive?,
//!   bitable?, wiki?, calendar?, task?}` (each a bool; absent: unchanged) → the scopes now.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde::Deserialize;
use serde_json::Value;

use crate::control::SimError;
use crate::im::store::User;
use crate::state::SimState;

/// A user to create or rename.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct UserSpec {
    pub open_id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub en_name: Option<String>,
    /// Derived from the open id when absent.
    #[serde(default)]
    pub union_id: Option<String>,
    /// Derived from the open id when absent.
    #[serde(default)]
    pub user_id: Option<String>,
}

impl UserSpec {
    pub fn new(open_id: &str, name: &str) -> UserSpec {
        UserSpec {
            open_id: open_id.to_owned(),
            name: name.to_owned(),
            ..Default::default()
        }
    }
}

/// Scope changes; an absent field leaves that scope as it is.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
pub struct ScopeChange {
    /// The contact API scopes (`contact:contact.base:readonly` and its alternatives).
    #[serde(default)]
    pub contact: Option<bool>,
    /// `contact:user.base:readonly`: names and avatars in user answers.
    #[serde(default)]
    pub user_base: Option<bool>,
}

/// Changes to the workspace scope families (see [`crate::contact::Family`]); an absent field
/// leaves that family as it is.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
pub struct FamilyChange {
    /// `im:message.group_msg`: reading a group's history.
    #[serde(default)]
    pub group_msg: Option<bool>,
    /// `docx:document` (or its read-only twin for reads).
    #[serde(default)]
    pub docx: Option<bool>,
    /// `drive:drive`.
    #[serde(default)]
    pub drive: Option<bool>,
    /// `bitable:app`.
    #[serde(default)]
    pub bitable: Option<bool>,
    /// `wiki:wiki`.
    #[serde(default)]
    pub wiki: Option<bool>,
    /// `calendar:calendar`.
    #[serde(default)]
    pub calendar: Option<bool>,
    /// `task:task:write` (or `task:task:read` for reads).
    #[serde(default)]
    pub task: Option<bool>,
}

impl SimState {
    /// Creates the user, or renames an existing one; returns it.
    pub fn set_user(&self, app_id: &str, spec: UserSpec) -> Result<User, SimError> {
        let app = self.app_or_err(app_id)?;
        if spec.open_id.is_empty() {
            return Err(SimError::Invalid("open_id is required".into()));
        }
        let mut store = app.im.lock().expect("im lock");
        let clash = |pick: fn(&User) -> &str, want: &str| {
            store
                .users
                .values()
                .any(|u| u.open_id != spec.open_id && pick(u) == want)
        };
        if let Some(id) = spec.union_id.as_deref().filter(|s| !s.is_empty())
            && clash(|u| &u.union_id, id)
        {
            return Err(SimError::Invalid(format!(
                "union_id {id} belongs to another user"
            )));
        }
        if let Some(id) = spec.user_id.as_deref().filter(|s| !s.is_empty())
            && clash(|u| &u.user_id, id)
        {
            return Err(SimError::Invalid(format!(
                "user_id {id} belongs to another user"
            )));
        }
        store.ensure_user(&spec.open_id, Some(&spec.name));
        let user = store
            .users
            .get_mut(&spec.open_id)
            .ok_or_else(|| SimError::Invalid("user vanished".into()))?;
        if let Some(en) = spec.en_name {
            user.en_name = en;
        }
        if let Some(id) = spec.union_id.filter(|s| !s.is_empty()) {
            user.union_id = id;
        }
        if let Some(id) = spec.user_id.filter(|s| !s.is_empty()) {
            user.user_id = id;
        }
        Ok(user.clone())
    }

    /// Grants or revokes the app's contact scopes; returns them as they now are.
    pub fn set_scopes(&self, app_id: &str, change: ScopeChange) -> Result<Value, SimError> {
        let app = self.app_or_err(app_id)?;
        if let Some(c) = change.contact {
            app.scopes.set_contact(c);
        }
        if let Some(b) = change.user_base {
            app.scopes.set_user_base(b);
        }
        Ok(scopes_now(&app))
    }

    /// Grants or withholds the app's workspace scope families; returns every scope as it now is.
    pub fn set_scope_families(
        &self,
        app_id: &str,
        change: FamilyChange,
    ) -> Result<Value, SimError> {
        let app = self.app_or_err(app_id)?;
        let families = [
            ("group_msg", change.group_msg),
            ("docx", change.docx),
            ("drive", change.drive),
            ("bitable", change.bitable),
            ("wiki", change.wiki),
            ("calendar", change.calendar),
            ("task", change.task),
        ];
        for (name, granted) in families {
            if let (Some(f), Some(g)) = (super::families::named(name), granted) {
                app.families.set(f, g);
            }
        }
        Ok(scopes_now(&app))
    }
}

/// Every scope the control API can change, and whether the app holds it.
fn scopes_now(app: &crate::state::App) -> Value {
    let mut now = super::families::listing(app);
    now.insert("contact".into(), app.scopes.contact().into());
    now.insert("user_base".into(), app.scopes.user_base().into());
    Value::Object(now)
}

/// The body of `POST /_sim/apps/{app_id}/scopes`: contact and family changes side by side.
#[derive(Deserialize)]
struct ScopesBody {
    #[serde(flatten)]
    contact: ScopeChange,
    #[serde(flatten)]
    families: FamilyChange,
}

fn reply(r: Result<Value, SimError>) -> Response {
    match r {
        Ok(v) => axum::Json(v).into_response(),
        Err(e) => e.into_response(),
    }
}

fn body<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, SimError> {
    serde_json::from_slice(bytes).map_err(|e| SimError::Invalid(e.to_string()))
}

pub fn control_routes() -> Router<Arc<SimState>> {
    Router::new()
        .route("/_sim/apps/{app_id}/users", post(set_user))
        .route("/_sim/apps/{app_id}/scopes", post(set_scopes))
}

async fn set_user(
    State(s): State<Arc<SimState>>,
    Path(app_id): Path<String>,
    b: bytes::Bytes,
) -> Response {
    reply(
        body::<UserSpec>(&b)
            .and_then(|spec| s.set_user(&app_id, spec))
            .map(|u| super::view::user(&u, true)),
    )
}

async fn set_scopes(
    State(s): State<Arc<SimState>>,
    Path(app_id): Path<String>,
    b: bytes::Bytes,
) -> Response {
    reply(body::<ScopesBody>(&b).and_then(|c| {
        s.set_scopes(&app_id, c.contact)?;
        s.set_scope_families(&app_id, c.families)
    }))
}
