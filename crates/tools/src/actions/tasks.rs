//! Tasks: `createTask`, `listTasks`, `updateTask`, `addTaskComment`. A due time is RFC 3339 or
//! a wall-clock time in `timeZone`; a date alone makes an all-day due date.

use futures::TryStreamExt;
use lark::api::tasks::{Due, Task, TaskFields, TaskMember};
use serde::{Deserialize, Serialize};

use super::non_empty;
use crate::error::{ToolError, ToolResult};
use crate::registry::ActionDef;
use crate::times;
use crate::tools::Tools;
use crate::{handler, p};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateTaskArgs {
    #[serde(alias = "title")]
    pub summary: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub due: Option<String>,
    /// Open ids (`ou_…`).
    #[serde(default)]
    pub assignees: Vec<String>,
    #[serde(default, alias = "timezone")]
    pub time_zone: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct TaskSaved {
    pub ok: bool,
    pub task_id: String,
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub url: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListTasksArgs {
    #[serde(default)]
    pub completed: Option<bool>,
    #[serde(default, alias = "timezone")]
    pub time_zone: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct TaskOut {
    pub task_id: String,
    pub summary: String,
    pub completed: bool,
    /// RFC 3339, or null without a due time.
    pub due: Option<String>,
    pub assignees: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct TaskList {
    pub ok: bool,
    pub tasks: Vec<TaskOut>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateTaskArgs {
    #[serde(alias = "guid")]
    pub task_id: String,
    #[serde(default)]
    pub completed: Option<bool>,
    #[serde(default, alias = "title")]
    pub summary: Option<String>,
    #[serde(default)]
    pub due: Option<String>,
    #[serde(default, alias = "timezone")]
    pub time_zone: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddTaskCommentArgs {
    #[serde(alias = "guid")]
    pub task_id: String,
    #[serde(alias = "text")]
    pub content: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct TaskCommented {
    pub ok: bool,
    pub task_id: String,
    pub comment_id: String,
}

fn due(v: Option<&str>, tz: Option<&jiff::tz::TimeZone>) -> ToolResult<Option<Due>> {
    let Some(v) = v.filter(|v| !v.trim().is_empty()) else {
        return Ok(None);
    };
    let (t, whole_day) = times::parse("due", v, tz)?;
    Ok(Some(Due {
        timestamp: Some(t.as_millisecond()),
        is_all_day: whole_day,
    }))
}

fn task_out(t: Task, tz: Option<&jiff::tz::TimeZone>) -> TaskOut {
    TaskOut {
        completed: t.completed(),
        due: t
            .due
            .as_ref()
            .and_then(|d| d.timestamp)
            .filter(|ms| *ms > 0)
            .and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok())
            .map(|ts| times::show(ts, tz)),
        assignees: t
            .members
            .iter()
            .filter(|m| m.role == "assignee")
            .map(|m| m.id.clone())
            .collect(),
        task_id: t.guid,
        summary: t.summary,
    }
}

fn now_ms() -> String {
    jiff::Timestamp::now().as_millisecond().to_string()
}

impl Tools {
    /// `createTask`: a task with a due time and assignees; returns its id and link.
    pub async fn create_task(&self, args: CreateTaskArgs) -> ToolResult<TaskSaved> {
        let summary = non_empty("summary", &args.summary)?;
        let tz = times::zone(args.time_zone.as_deref())?;
        let mut members = Vec::new();
        for a in &args.assignees {
            let a = a.trim();
            if !a.starts_with("ou_") {
                return Err(ToolError::param(
                    "assignees",
                    format!("{a:?} is not an open id; give users as ou_xxx"),
                ));
            }
            members.push(TaskMember::assignee(a));
        }
        let fields = TaskFields {
            summary: Some(summary.to_owned()),
            description: args.description.clone(),
            due: due(args.due.as_deref(), tz.as_ref())?,
            members: (!members.is_empty()).then_some(members),
            completed_at: None,
        };
        let t = self.client.create_task(&fields).await?;
        Ok(TaskSaved {
            ok: true,
            task_id: t.guid,
            url: t.url,
        })
    }

    /// `listTasks`: the bot's tasks, all or only (un)completed ones.
    pub async fn list_tasks(&self, args: ListTasksArgs) -> ToolResult<TaskList> {
        let tz = times::zone(args.time_zone.as_deref())?;
        let all: Vec<_> = self.client.list_tasks(args.completed).try_collect().await?;
        Ok(TaskList {
            ok: true,
            tasks: all.into_iter().map(|t| task_out(t, tz.as_ref())).collect(),
        })
    }

    /// `updateTask`: completes or reopens a task, renames it, moves its due time.
    pub async fn update_task(&self, args: UpdateTaskArgs) -> ToolResult<TaskOut> {
        let id = non_empty("taskId", &args.task_id)?;
        let tz = times::zone(args.time_zone.as_deref())?;
        let fields = TaskFields {
            summary: args.summary.clone().filter(|s| !s.trim().is_empty()),
            description: None,
            due: due(args.due.as_deref(), tz.as_ref())?,
            members: None,
            completed_at: args
                .completed
                .map(|c| if c { now_ms() } else { "0".into() }),
        };
        if fields.summary.is_none() && fields.due.is_none() && fields.completed_at.is_none() {
            return Err(ToolError::param(
                "completed",
                "nothing to change: give completed, summary or due",
            ));
        }
        let t = self.client.update_task(id, &fields).await?;
        Ok(task_out(t, tz.as_ref()))
    }

    /// `addTaskComment`
    pub async fn add_task_comment(&self, args: AddTaskCommentArgs) -> ToolResult<TaskCommented> {
        let id = non_empty("taskId", &args.task_id)?;
        let content = non_empty("content", &args.content)?;
        let comment_id = self.client.comment_task(id, content).await?;
        Ok(TaskCommented {
            ok: true,
            task_id: id.to_owned(),
            comment_id,
        })
    }
}

pub(crate) fn defs() -> Vec<ActionDef> {
    const TZ: crate::registry::Param = p!(
        "timeZone",
        Str,
        "IANA zone for a wall-clock due, e.g. Asia/Shanghai"
    );
    vec![
        ActionDef {
            name: "createTask",
            takes_to: false,
            description: "Create a task with an optional due time (RFC 3339, or \"2026-12-05 18:00\" with timeZone; a date alone is all-day) and assignees (open ids); returns {taskId, url}.",
            example: r#"{"action": "createTask", "summary": "提交周报", "due": "2026-12-05 18:00", "timeZone": "Asia/Shanghai", "assignees": ["ou_xxx"]}"#,
            params: &[
                p!("summary", Str, "the task"),
                p!("due", Str, "optional due time"),
                p!("assignees", StrArray, "open ids ou_xxx"),
                p!("description", Str, "optional"),
                TZ,
            ],
            required: &["summary"],
            run: handler!(create_task),
        },
        ActionDef {
            name: "listTasks",
            takes_to: false,
            description: "List the bot's tasks: {tasks: [{taskId, summary, completed, due, assignees}]}.",
            example: r#"{"action": "listTasks", "completed": false}"#,
            params: &[
                p!(
                    "completed",
                    Bool,
                    "only completed (true) or open (false) tasks"
                ),
                TZ,
            ],
            required: &[],
            run: handler!(list_tasks),
        },
        ActionDef {
            name: "updateTask",
            takes_to: false,
            description: "Complete (completed: true) or reopen a task, rename it or move its due time.",
            example: r#"{"action": "updateTask", "taskId": "xxx", "completed": true}"#,
            params: &[
                p!("taskId", Str, "from createTask or listTasks"),
                p!("completed", Bool, "true completes, false reopens"),
                p!("summary", Str, "new summary"),
                p!("due", Str, "new due time"),
                TZ,
            ],
            required: &["taskId"],
            run: handler!(update_task),
        },
        ActionDef {
            name: "addTaskComment",
            takes_to: false,
            description: "Comment on a task; returns {commentId}.",
            example: r#"{"action": "addTaskComment", "taskId": "xxx", "content": "已完成初稿"}"#,
            params: &[
                p!("taskId", Str, "the task"),
                p!("content", Str, "the comment"),
            ],
            required: &["taskId", "content"],
            run: handler!(add_task_comment),
        },
    ]
}
