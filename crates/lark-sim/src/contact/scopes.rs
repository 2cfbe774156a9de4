//! The scopes an app has been granted. Every app starts with all of them; a test revokes one to
//! see how a client copes with the platform's 99991672 (a missing API scope) or with users
//! answered without the fields a missing field scope hides.

use std::sync::atomic::{AtomicBool, Ordering};

use axum::http::StatusCode;
use serde_json::json;

use crate::error::{ApiError, ApiResult};
use crate::state::App;

/// Granted scope groups of one app.
#[derive(Debug)]
pub struct Scopes {
    contact: AtomicBool,
    user_base: AtomicBool,
}

impl Default for Scopes {
    fn default() -> Self {
        Scopes {
            contact: AtomicBool::new(true),
            user_base: AtomicBool::new(true),
        }
    }
}

impl Scopes {
    /// Whether the contact API scopes (`contact:contact.base:readonly` and the like) are granted.
    pub fn contact(&self) -> bool {
        self.contact.load(Ordering::Relaxed)
    }

    /// Whether `contact:user.base:readonly` is granted.
    pub fn user_base(&self) -> bool {
        self.user_base.load(Ordering::Relaxed)
    }

    pub fn set_contact(&self, granted: bool) {
        self.contact.store(granted, Ordering::Relaxed);
    }

    pub fn set_user_base(&self, granted: bool) {
        self.user_base.store(granted, Ordering::Relaxed);
    }
}

/// 99991672 (HTTP 400) unless the app holds the contact scopes: the platform lists every scope
/// that would do in `msg` and in `error.permission_violations`, with a link to enable them.
pub(crate) fn require_contact(app: &App, any_of: &[&str]) -> ApiResult<()> {
    if app.scopes.contact() {
        return Ok(());
    }
    Err(missing_scope(&app.spec.app_id, any_of))
}

/// The platform's "Access denied" answer for an app that enabled none of `any_of`.
pub fn missing_scope(app_id: &str, any_of: &[&str]) -> ApiError {
    let list = any_of.join(",");
    let mut detail = serde_json::Map::new();
    detail.insert(
        "permission_violations".into(),
        json!(
            any_of
                .iter()
                .map(|s| json!({ "type": "action_scope_required", "subject": s }))
                .collect::<Vec<_>>()
        ),
    );
    detail.insert(
        "helps".into(),
        json!([{
            "url": format!("https://open.feishu.cn/app/{app_id}/auth?q={list}&op_from=openapi&token_type=tenant"),
            "description": format!("Learn more about scopes and how to add them: [{}]", any_of.join(", ")),
        }]),
    );
    ApiError::new(
        StatusCode::BAD_REQUEST,
        99991672,
        format!(
            "Access denied. One of the following scopes is required: [{}].",
            any_of.join(", ")
        ),
    )
    .with_detail(detail)
}
