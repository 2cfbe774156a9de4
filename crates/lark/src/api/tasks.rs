//! Tasks (`task/v2`): create, list, update (naming the fields changed) and comment.

use futures::Stream;
use serde::{Deserialize, Serialize};

use crate::api::page::{Page, paginate};
use crate::error::Result;
use crate::http::{Client, Req};
use crate::model::event::de;
use crate::routes::Route;
use crate::routes::workspace::WorkspaceRoute as W;

/// A due time: milliseconds since the epoch.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Due {
    #[serde(
        deserialize_with = "crate::api::de::opt_i64",
        serialize_with = "ms_string"
    )]
    pub timestamp: Option<i64>,
    pub is_all_day: bool,
}

fn ms_string<S: serde::Serializer>(v: &Option<i64>, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(&v.unwrap_or(0).to_string())
}

/// A member of a task: an assignee or a follower.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TaskMember {
    #[serde(deserialize_with = "de::string")]
    pub id: String,
    #[serde(rename = "type", deserialize_with = "de::string")]
    pub kind: String,
    #[serde(deserialize_with = "de::string")]
    pub role: String,
}

impl TaskMember {
    pub fn assignee(open_id: &str) -> TaskMember {
        TaskMember {
            id: open_id.to_owned(),
            kind: "user".into(),
            role: "assignee".into(),
        }
    }
}

/// A task.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Task {
    #[serde(deserialize_with = "de::string")]
    pub guid: String,
    #[serde(deserialize_with = "de::string")]
    pub summary: String,
    #[serde(deserialize_with = "de::string")]
    pub description: String,
    pub due: Option<Due>,
    #[serde(deserialize_with = "crate::api::de::null_as_default")]
    pub members: Vec<TaskMember>,
    /// Milliseconds; `0` while open.
    #[serde(deserialize_with = "crate::api::de::opt_i64")]
    pub completed_at: Option<i64>,
    #[serde(deserialize_with = "de::string")]
    pub url: String,
}

impl Task {
    pub fn completed(&self) -> bool {
        self.completed_at.is_some_and(|t| t > 0)
    }
}

/// Fields of a task to write; on update only the named ones change.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TaskFields {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due: Option<Due>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub members: Option<Vec<TaskMember>>,
    /// Milliseconds as a string; `"0"` reopens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<String>,
}

impl TaskFields {
    /// The names of the fields set, for `update_fields`.
    fn names(&self) -> Vec<&'static str> {
        let mut v = Vec::new();
        for (set, name) in [
            (self.summary.is_some(), "summary"),
            (self.description.is_some(), "description"),
            (self.due.is_some(), "due"),
            (self.members.is_some(), "members"),
            (self.completed_at.is_some(), "completed_at"),
        ] {
            if set {
                v.push(name);
            }
        }
        v
    }
}

#[derive(Deserialize)]
struct TaskAnswer {
    task: Task,
}

impl Client {
    pub async fn create_task(&self, fields: &TaskFields) -> Result<Task> {
        let mut body = serde_json::to_value(fields).unwrap_or_default();
        // The platform keeps one task per client token, so a retried create makes one task.
        body["client_token"] = crate::api::docx::client_token().into();
        let req = Req::route(Route::Workspace(W::TaskCreate))
            .query("user_id_type", "open_id")
            .json(&body);
        let a: TaskAnswer = self.call(req).await?;
        Ok(a.task)
    }

    /// One page of the app's tasks, all or only (un)completed ones.
    pub async fn list_tasks_page(
        &self,
        completed: Option<bool>,
        page_token: Option<&str>,
    ) -> Result<Page<Task>> {
        let req = Req::route(Route::Workspace(W::TaskList))
            .query("user_id_type", "open_id")
            .query("page_size", 100)
            .query_opt("completed", completed)
            .query_opt("page_token", page_token.filter(|t| !t.is_empty()));
        self.call(req).await
    }

    pub fn list_tasks(&self, completed: Option<bool>) -> impl Stream<Item = Result<Task>> + Send {
        let client = self.clone();
        paginate(move |token| {
            let client = client.clone();
            async move { client.list_tasks_page(completed, token.as_deref()).await }
        })
    }

    /// Changes the fields set in `fields`.
    pub async fn update_task(&self, guid: &str, fields: &TaskFields) -> Result<Task> {
        let body = serde_json::json!({ "task": fields, "update_fields": fields.names() });
        let req = Req::route(Route::Workspace(W::TaskPatch {
            task_guid: guid.to_owned(),
        }))
        .query("user_id_type", "open_id")
        .json(&body);
        let a: TaskAnswer = self.call(req).await?;
        Ok(a.task)
    }

    /// A comment on a task; returns the comment's id.
    pub async fn comment_task(&self, guid: &str, content: &str) -> Result<String> {
        #[derive(Deserialize)]
        struct C {
            #[serde(default, deserialize_with = "de::string")]
            id: String,
        }
        #[derive(Deserialize)]
        struct A {
            comment: C,
        }
        let body =
            serde_json::json!({ "content": content, "resource_type": "task", "resource_id": guid });
        let req = Req::route(Route::Workspace(W::TaskCommentCreate))
            .json(&body)
            .not_retry_safe();
        let a: A = self.call(req).await?;
        Ok(a.comment.id)
    }
}
