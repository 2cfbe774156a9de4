//! Document comments (`drive/v1/files/{file_token}/comments`): threads of replies on a docx,
//! sheet, bitable or file, resolved and reopened. Users comment through the control API
//! ([`SimState::user_comments`]); a comment that @-mentions the bot pushes
//! `drive.notice.comment_add_v1` to the app, as the platform does.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, RawQuery};
use axum::response::Response;
use axum::routing::get;
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::Workspace;
use super::util::{bad, json_body, now_ms, numeric_id, page_size, paginate, query_map, ws};
use crate::auth::Tenant;
use crate::control::{Person, SimError};
use crate::error::{ApiError, ok};
use crate::state::SimState;

const PARAM: i64 = 1069302;
const NOT_EXIST: i64 = 1069307;

fn param(msg: impl Into<String>) -> ApiError {
    bad(PARAM, format!("param error: {}", msg.into()))
}

/// One reply of a thread.
#[derive(Debug, Clone, Serialize)]
pub struct CommentReply {
    pub reply_id: String,
    pub user_id: String,
    pub created_ms: i64,
    /// `elements` as the API takes and returns them.
    pub elements: Value,
}

/// A comment thread.
#[derive(Debug, Clone, Serialize)]
pub struct Thread {
    pub comment_id: String,
    pub file_type: String,
    pub user_id: String,
    pub created_ms: i64,
    pub is_solved: bool,
    pub solver_user_id: String,
    pub quote: String,
    pub replies: Vec<CommentReply>,
}

/// The text of reply elements: mentions as `@open_id`.
pub fn elements_text(elements: &Value) -> String {
    let mut s = String::new();
    for e in elements.as_array().into_iter().flatten() {
        if let Some(t) = e.pointer("/text_run/text").and_then(Value::as_str) {
            s.push_str(t);
        } else if let Some(u) = e.pointer("/person/user_id").and_then(Value::as_str) {
            s.push('@');
            s.push_str(u);
        } else if let Some(u) = e.pointer("/docs_link/url").and_then(Value::as_str) {
            s.push_str(u);
        }
    }
    s
}

impl CommentReply {
    fn json(&self) -> Value {
        json!({
            "reply_id": self.reply_id, "user_id": self.user_id,
            "create_time": self.created_ms / 1000, "update_time": self.created_ms / 1000,
            "content": { "elements": self.elements },
        })
    }
}

impl Thread {
    fn json(&self) -> Value {
        json!({
            "comment_id": self.comment_id, "user_id": self.user_id,
            "create_time": self.created_ms / 1000, "update_time": self.created_ms / 1000,
            "is_solved": self.is_solved, "solver_user_id": self.solver_user_id,
            "is_whole": self.quote.is_empty(), "quote": self.quote, "has_more": false,
            "reply_list": { "replies": self.replies.iter().map(CommentReply::json).collect::<Vec<_>>() },
        })
    }

    /// The thread as the control API shows it.
    pub fn view(&self) -> Value {
        json!({
            "comment_id": self.comment_id, "file_type": self.file_type, "solved": self.is_solved,
            "quote": self.quote,
            "replies": self.replies.iter().map(|r| json!({
                "reply_id": r.reply_id, "user_id": r.user_id, "text": elements_text(&r.elements),
            })).collect::<Vec<_>>(),
        })
    }
}

/// Checks reply elements: a non-empty list of `text_run`, `docs_link` or `person`.
fn check_elements(v: Option<&Value>) -> Result<Value, ApiError> {
    let els = v
        .and_then(Value::as_array)
        .filter(|a| !a.is_empty())
        .ok_or_else(|| param("content.elements must hold at least one element"))?;
    for (i, e) in els.iter().enumerate() {
        let kind = e.get("type").and_then(Value::as_str).unwrap_or("");
        let ok = match kind {
            "text_run" => e.pointer("/text_run/text").is_some_and(Value::is_string),
            "docs_link" => e.pointer("/docs_link/url").is_some_and(Value::is_string),
            "person" => e.pointer("/person/user_id").is_some_and(Value::is_string),
            _ => false,
        };
        if !ok {
            return Err(param(format!(
                "elements[{i}] must be a text_run {{text}}, docs_link {{url}} or person {{user_id}}"
            )));
        }
    }
    Ok(Value::Array(els.clone()))
}

impl Workspace {
    /// Whether the tenant has a commentable object `token` of `file_type`.
    fn commentable(&self, token: &str, file_type: &str) -> bool {
        match file_type {
            "docx" | "doc" => self.docs.contains_key(token),
            "sheet" => self.sheets.contains_key(token),
            "bitable" => self.bitables.contains_key(token),
            "file" => self.files.contains_key(token),
            _ => false,
        }
    }

    fn threads_of(
        &mut self,
        token: &str,
        q: &HashMap<String, String>,
    ) -> Result<&mut Vec<Thread>, ApiError> {
        let kind = q.get("file_type").map(String::as_str).unwrap_or("");
        if kind.is_empty() {
            return Err(param(
                "file_type is required (docx, sheet, bitable, file, doc)",
            ));
        }
        if !self.commentable(token, kind) {
            return Err(bad(
                NOT_EXIST,
                format!("file {token} of type {kind} does not exist"),
            ));
        }
        Ok(self.comments.entry(token.to_owned()).or_default())
    }

    fn thread_mut(
        &mut self,
        token: &str,
        id: &str,
        q: &HashMap<String, String>,
    ) -> Result<&mut Thread, ApiError> {
        self.threads_of(token, q)?
            .iter_mut()
            .find(|t| t.comment_id == id)
            .ok_or_else(|| bad(NOT_EXIST, format!("comment {id} does not exist")))
    }

    /// Every thread of a document, oldest first, as the control API shows them.
    pub fn comment_view(&self, token: &str) -> Vec<Value> {
        self.comments
            .get(token)
            .into_iter()
            .flatten()
            .map(Thread::view)
            .collect()
    }
}

fn new_reply(user: &str, elements: Value) -> CommentReply {
    CommentReply {
        reply_id: numeric_id(),
        user_id: user.to_owned(),
        created_ms: now_ms(),
        elements,
    }
}

/// `GET .../comments?file_type=&is_solved=`
async fn list(
    Tenant(app): Tenant,
    Path(token): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let q = query_map(q);
    let size = page_size(&q, 50, 100).map_err(param)?;
    let mut w = ws(&app);
    let solved = q.get("is_solved").map(|s| s == "true");
    let items: Vec<Value> = w
        .threads_of(&token, &q)?
        .iter()
        .filter(|t| solved.is_none_or(|s| t.is_solved == s))
        .map(Thread::json)
        .collect();
    let page = paginate(&items, size, q.get("page_token").map(String::as_str))
        .ok_or_else(|| param("page_token is not one this API returned"))?;
    Ok(ok(
        json!({ "items": page.items, "has_more": page.has_more, "page_token": page.page_token }),
    ))
}

#[derive(Deserialize)]
struct NewComment {
    reply_list: Option<Value>,
}

/// `POST .../comments`: a new thread on the whole document, written by the bot.
async fn create(
    Tenant(app): Tenant,
    Path(token): Path<String>,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    let q = query_map(q);
    let b: NewComment = json_body(&body, param)?;
    let first = b
        .reply_list
        .as_ref()
        .and_then(|r| r.pointer("/replies/0/content/elements"));
    let elements = check_elements(first)?;
    let bot = app.bot_open_id.clone();
    let mut w = ws(&app);
    let kind = q.get("file_type").cloned().unwrap_or_default();
    let threads = w.threads_of(&token, &q)?;
    let t = Thread {
        comment_id: numeric_id(),
        file_type: kind,
        user_id: bot.clone(),
        created_ms: now_ms(),
        is_solved: false,
        solver_user_id: String::new(),
        quote: String::new(),
        replies: vec![new_reply(&bot, elements)],
    };
    let out = t.json();
    threads.push(t);
    Ok(ok(out))
}

/// `GET .../comments/{comment_id}`
async fn get_one(
    Tenant(app): Tenant,
    Path((token, id)): Path<(String, String)>,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let q = query_map(q);
    let mut w = ws(&app);
    Ok(ok(w.thread_mut(&token, &id, &q)?.json()))
}

#[derive(Deserialize)]
struct Solve {
    is_solved: Option<bool>,
}

/// `PATCH .../comments/{comment_id}`: resolve or reopen.
async fn patch(
    Tenant(app): Tenant,
    Path((token, id)): Path<(String, String)>,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    let q = query_map(q);
    let b: Solve = json_body(&body, param)?;
    let solved = b.is_solved.ok_or_else(|| param("is_solved is required"))?;
    let bot = app.bot_open_id.clone();
    let mut w = ws(&app);
    let t = w.thread_mut(&token, &id, &q)?;
    t.is_solved = solved;
    t.solver_user_id = if solved { bot } else { String::new() };
    Ok(ok(json!({})))
}

/// `GET .../comments/{comment_id}/replies`
async fn list_replies(
    Tenant(app): Tenant,
    Path((token, id)): Path<(String, String)>,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let q = query_map(q);
    let size = page_size(&q, 50, 100).map_err(param)?;
    let mut w = ws(&app);
    let items: Vec<Value> = w
        .thread_mut(&token, &id, &q)?
        .replies
        .iter()
        .map(CommentReply::json)
        .collect();
    let page = paginate(&items, size, q.get("page_token").map(String::as_str))
        .ok_or_else(|| param("page_token is not one this API returned"))?;
    Ok(ok(
        json!({ "items": page.items, "has_more": page.has_more, "page_token": page.page_token }),
    ))
}

#[derive(Deserialize)]
struct NewReply {
    content: Option<Value>,
}

/// `POST .../comments/{comment_id}/replies`: the bot replies in a thread.
async fn reply(
    Tenant(app): Tenant,
    Path((token, id)): Path<(String, String)>,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    let q = query_map(q);
    let b: NewReply = json_body(&body, param)?;
    let elements = check_elements(b.content.as_ref().and_then(|c| c.get("elements")))?;
    let bot = app.bot_open_id.clone();
    let mut w = ws(&app);
    let t = w.thread_mut(&token, &id, &q)?;
    let r = new_reply(&bot, elements);
    let out = r.json();
    t.replies.push(r);
    Ok(ok(out))
}

pub(super) fn routes() -> Router<Arc<SimState>> {
    let base = "/open-apis/drive/v1/files/{file_token}/comments";
    Router::new()
        .route(base, get(list).post(create))
        .route(&format!("{base}/{{comment_id}}"), get(get_one).patch(patch))
        .route(
            &format!("{base}/{{comment_id}}/replies"),
            get(list_replies).post(reply),
        )
}

/// A user's comment through the control API: a new thread, or a reply in `comment_id`'s.
#[derive(Debug, Clone, Deserialize)]
pub struct UserComment {
    pub file_token: String,
    #[serde(default = "docx")]
    pub file_type: String,
    pub user: Person,
    pub text: String,
    #[serde(default)]
    pub mention_bot: bool,
    #[serde(default)]
    pub comment_id: Option<String>,
    /// The quoted passage of a new thread (empty: a comment on the whole document).
    #[serde(default)]
    pub quote: Option<String>,
}

fn docx() -> String {
    "docx".into()
}

/// What a user's comment made.
#[derive(Debug, Clone, Serialize)]
pub struct CommentPosted {
    pub comment_id: String,
    pub reply_id: String,
    /// The `drive.notice.comment_add_v1` pushed to the app, when the bot was mentioned.
    pub event_id: Option<String>,
}

impl SimState {
    /// `user` comments on a document (a new thread, or a reply in `comment_id`'s); pushes
    /// `drive.notice.comment_add_v1` to the app when the comment mentions the bot.
    pub fn user_comments(&self, app_id: &str, c: UserComment) -> Result<CommentPosted, SimError> {
        let app = self.app_or_err(app_id)?;
        let user = {
            let mut im = app.im.lock().unwrap_or_else(|e| e.into_inner());
            im.ensure_user(&c.user.open_id, Some(&c.user.name))
        };
        let mut elements = Vec::new();
        if c.mention_bot {
            elements.push(json!({ "type": "person", "person": { "user_id": app.bot_open_id } }));
        }
        let text = if c.mention_bot {
            format!(" {}", c.text)
        } else {
            c.text.clone()
        };
        elements.push(json!({ "type": "text_run", "text_run": { "text": text } }));
        let r = new_reply(&user.open_id, Value::Array(elements));
        let reply_id = r.reply_id.clone();
        let (comment_id, new_thread) = {
            let mut w = ws(&app);
            if !w.commentable(&c.file_token, &c.file_type) {
                return Err(SimError::Invalid(format!(
                    "no {} {} to comment on",
                    c.file_type, c.file_token
                )));
            }
            let threads = w.comments.entry(c.file_token.clone()).or_default();
            match &c.comment_id {
                Some(id) => {
                    let t = threads
                        .iter_mut()
                        .find(|t| &t.comment_id == id)
                        .ok_or_else(|| {
                            SimError::Invalid(format!("no comment {id} on {}", c.file_token))
                        })?;
                    t.replies.push(r);
                    (id.clone(), false)
                }
                None => {
                    let id = numeric_id();
                    threads.push(Thread {
                        comment_id: id.clone(),
                        file_type: c.file_type.clone(),
                        user_id: user.open_id.clone(),
                        created_ms: now_ms(),
                        is_solved: false,
                        solver_user_id: String::new(),
                        quote: c.quote.clone().unwrap_or_default(),
                        replies: vec![r],
                    });
                    (id, true)
                }
            }
        };
        let event_id = if c.mention_bot {
            let event = json!({
                "comment_id": comment_id,
                "reply_id": reply_id,
                "is_mentioned": true,
                "notice_meta": {
                    "file_token": c.file_token,
                    "file_type": c.file_type,
                    "from_user_id": crate::events::user_ids(&user),
                    "to_user_id": crate::events::bot_ids(&app),
                    "from_user_type": "user",
                    "notice_type": if new_thread { "add_comment" } else { "add_reply" },
                },
            });
            Some(self.inject_event(app_id, "drive.notice.comment_add_v1", event)?)
        } else {
            None
        };
        Ok(CommentPosted {
            comment_id,
            reply_id,
            event_id,
        })
    }

    /// Every comment thread of a document with its replies.
    pub fn file_comments(&self, app_id: &str, file_token: &str) -> Result<Vec<Value>, SimError> {
        let app = self.app_or_err(app_id)?;
        Ok(ws(&app).comment_view(file_token))
    }
}
