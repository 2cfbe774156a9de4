//! Tasks (`task/v2`): tasks the bot creates, with a due time, assignees and completion, and
//! comments on them. Patches name the fields they change (`update_fields`), as on the platform.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, RawQuery};
use axum::response::Response;
use axum::routing::{get, post};
use bytes::Bytes;
use serde::Deserialize;
use serde_json::{Value, json};

use super::util::{
    WEB_HOST, bad, json_body, now_ms, numeric_id, page_size, paginate, query_map, ws,
};
use crate::auth::Tenant;
use crate::error::{ApiError, ok};
use crate::state::SimState;

const PARAM: i64 = 1470400;
const NOT_FOUND: i64 = 1470404;

fn param(msg: impl Into<String>) -> ApiError {
    bad(PARAM, format!("param error: {}", msg.into()))
}

/// A task.
#[derive(Debug, Clone)]
pub struct Task {
    pub guid: String,
    pub summary: String,
    pub description: String,
    /// Milliseconds since the epoch; 0 for none.
    pub due_ms: i64,
    pub all_day: bool,
    /// Open ids of the assignees.
    pub assignees: Vec<String>,
    /// Milliseconds; 0 while open.
    pub completed_ms: i64,
    pub created_ms: i64,
    pub comments: Vec<String>,
    creator: String,
}

/// The tenant's tasks.
#[derive(Debug, Default)]
pub struct Tasks {
    pub tasks: BTreeMap<String, Task>,
    /// The task made for each `client_token`, so a retried create makes one task.
    tokens: BTreeMap<String, String>,
}

impl Task {
    fn json(&self) -> Value {
        let mut members: Vec<Value> = self
            .assignees
            .iter()
            .map(|a| json!({ "id": a, "type": "user", "role": "assignee" }))
            .collect();
        members.push(json!({ "id": self.creator, "type": "app", "role": "follower" }));
        let mut v = json!({
            "guid": self.guid, "summary": self.summary, "description": self.description,
            "creator": { "id": self.creator, "type": "app" }, "members": members,
            "completed_at": self.completed_ms.to_string(),
            "created_at": self.created_ms.to_string(), "updated_at": self.created_ms.to_string(),
            "status": if self.completed_ms > 0 { "done" } else { "todo" },
            "url": format!("{WEB_HOST}/client/todo/detail?guid={}", self.guid),
            "task_id": format!("t{}", &self.guid[..8]),
        });
        if self.due_ms > 0 {
            v["due"] = json!({ "timestamp": self.due_ms.to_string(), "is_all_day": self.all_day });
        }
        v
    }

    /// Applies the fields of an input task named in `fields` (all given fields when `None`).
    fn apply(&mut self, t: &Value, fields: Option<&[String]>) -> Result<(), ApiError> {
        let wants =
            |f: &str| fields.is_none_or(|fs| fs.iter().any(|x| x == f)) && t.get(f).is_some();
        if let Some(fs) = fields {
            for f in fs {
                if !["summary", "description", "due", "completed_at", "members"]
                    .contains(&f.as_str())
                {
                    return Err(param(format!("update_fields: {f} cannot be updated here")));
                }
            }
        }
        if wants("summary") {
            let s = t["summary"].as_str().unwrap_or("");
            if s.trim().is_empty() {
                return Err(param("summary must not be empty"));
            }
            self.summary = s.to_owned();
        }
        if wants("description") {
            self.description = t["description"].as_str().unwrap_or("").to_owned();
        }
        if wants("due") {
            let due = &t["due"];
            self.due_ms = match &due["timestamp"] {
                Value::String(s) => s
                    .parse()
                    .map_err(|_| param("due.timestamp must be milliseconds"))?,
                Value::Number(n) => n.as_i64().unwrap_or(0),
                Value::Null => 0,
                _ => return Err(param("due.timestamp must be milliseconds")),
            };
            self.all_day = due["is_all_day"].as_bool().unwrap_or(false);
        }
        if wants("completed_at") {
            self.completed_ms = match &t["completed_at"] {
                Value::String(s) => s
                    .parse()
                    .map_err(|_| param("completed_at must be milliseconds"))?,
                Value::Number(n) => n.as_i64().unwrap_or(0),
                _ => 0,
            };
        }
        if wants("members") {
            let mut out = Vec::new();
            for (i, m) in t["members"].as_array().into_iter().flatten().enumerate() {
                match (m["id"].as_str(), m["role"].as_str()) {
                    (Some(id), Some("assignee")) if !id.is_empty() => out.push(id.to_owned()),
                    (Some(_), Some("follower")) => {}
                    _ => {
                        return Err(param(format!(
                            "members[{i}] needs an id and role assignee or follower"
                        )));
                    }
                }
            }
            self.assignees = out;
        }
        Ok(())
    }
}

/// `POST /task/v2/tasks`
async fn create(Tenant(app): Tenant, body: Bytes) -> Result<Response, ApiError> {
    let t: Value = json_body(&body, param)?;
    if t["summary"].as_str().is_none_or(|s| s.trim().is_empty()) {
        return Err(param("summary is required"));
    }
    let client_token = t["client_token"]
        .as_str()
        .filter(|c| !c.is_empty())
        .map(str::to_owned);
    if let Some(c) = &client_token {
        let w = ws(&app);
        if let Some(t) = w.tasks.tokens.get(c).and_then(|g| w.tasks.tasks.get(g)) {
            return Ok(ok(json!({ "task": t.json() })));
        }
    }
    let mut task = Task {
        guid: uuid::Uuid::new_v4().to_string(),
        summary: String::new(),
        description: String::new(),
        due_ms: 0,
        all_day: false,
        assignees: Vec::new(),
        completed_ms: 0,
        created_ms: now_ms(),
        comments: Vec::new(),
        creator: app.spec.app_id.clone(),
    };
    task.apply(&t, None)?;
    let out = task.json();
    let mut w = ws(&app);
    if let Some(c) = client_token {
        w.tasks.tokens.insert(c, task.guid.clone());
    }
    w.tasks.tasks.insert(task.guid.clone(), task);
    Ok(ok(json!({ "task": out })))
}

/// `GET /task/v2/tasks?completed=`: the tasks the app made.
async fn list(Tenant(app): Tenant, RawQuery(q): RawQuery) -> Result<Response, ApiError> {
    let q = query_map(q);
    // The official Python SDK sends Python's `True` / `False`.
    let done = match q
        .get("completed")
        .map(|s| s.to_ascii_lowercase())
        .as_deref()
    {
        None | Some("") => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(o) => return Err(param(format!("completed must be true or false, got {o:?}"))),
    };
    let size = page_size(&q, 50, 100).map_err(param)?;
    let w = ws(&app);
    let mut tasks: Vec<&Task> = w
        .tasks
        .tasks
        .values()
        .filter(|t| done.is_none_or(|d| (t.completed_ms > 0) == d))
        .collect();
    tasks.sort_by_key(|t| (t.created_ms, t.guid.clone()));
    let items: Vec<Value> = tasks.iter().map(|t| t.json()).collect();
    let page = paginate(&items, size, q.get("page_token").map(String::as_str))
        .ok_or_else(|| param("page_token is not one this API returned"))?;
    Ok(ok(
        json!({ "items": page.items, "has_more": page.has_more, "page_token": page.page_token }),
    ))
}

fn task_mut<'a>(w: &'a mut super::Workspace, guid: &str) -> Result<&'a mut Task, ApiError> {
    w.tasks
        .tasks
        .get_mut(guid)
        .ok_or_else(|| bad(NOT_FOUND, format!("task not found: {guid}")))
}

/// `GET /task/v2/tasks/{guid}`
async fn get_one(Tenant(app): Tenant, Path(guid): Path<String>) -> Result<Response, ApiError> {
    let mut w = ws(&app);
    Ok(ok(json!({ "task": task_mut(&mut w, &guid)?.json() })))
}

#[derive(Deserialize)]
struct Patch {
    task: Option<Value>,
    update_fields: Option<Vec<String>>,
}

/// `PATCH /task/v2/tasks/{guid}`
async fn update(
    Tenant(app): Tenant,
    Path(guid): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let b: Patch = json_body(&body, param)?;
    let fields = b
        .update_fields
        .filter(|f| !f.is_empty())
        .ok_or_else(|| param("update_fields is required"))?;
    let t = b.task.unwrap_or(json!({}));
    let mut w = ws(&app);
    let task = task_mut(&mut w, &guid)?;
    let mut draft = task.clone();
    draft.apply(&t, Some(&fields))?;
    *task = draft;
    Ok(ok(json!({ "task": task.json() })))
}

#[derive(Deserialize)]
struct NewComment {
    content: Option<String>,
    resource_type: Option<String>,
    resource_id: Option<String>,
}

/// `POST /task/v2/comments`
async fn comment(Tenant(app): Tenant, body: Bytes) -> Result<Response, ApiError> {
    let b: NewComment = json_body(&body, param)?;
    let content = b
        .content
        .filter(|c| !c.trim().is_empty())
        .ok_or_else(|| param("content is required"))?;
    if b.resource_type.as_deref().unwrap_or("task") != "task" {
        return Err(param("resource_type must be task"));
    }
    let guid = b
        .resource_id
        .ok_or_else(|| param("resource_id is required"))?;
    let mut w = ws(&app);
    task_mut(&mut w, &guid)?.comments.push(content.clone());
    let id = numeric_id();
    Ok(ok(json!({ "comment": {
        "id": id, "content": content, "resource_type": "task", "resource_id": guid,
        "creator": { "id": app.spec.app_id, "type": "app" }, "created_at": now_ms().to_string(),
    }})))
}

impl super::Workspace {
    /// Every task, oldest first, for the control API and the chat page.
    pub fn task_view(&self) -> Vec<Value> {
        let mut tasks: Vec<&Task> = self.tasks.tasks.values().collect();
        tasks.sort_by_key(|t| t.created_ms);
        tasks
            .iter()
            .map(|t| {
                let mut v = t.json();
                v["comments"] = json!(t.comments);
                v
            })
            .collect()
    }
}

pub(super) fn routes() -> Router<Arc<SimState>> {
    Router::new()
        .route("/open-apis/task/v2/tasks", get(list).post(create))
        .route(
            "/open-apis/task/v2/tasks/{task_guid}",
            get(get_one).patch(update),
        )
        .route("/open-apis/task/v2/comments", post(comment))
}
