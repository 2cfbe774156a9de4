//! Which API scopes an account's app holds, learnt by one harmless read per feature (an id
//! nobody has, or a listing): the platform refuses a call with 99991672 / 99991676 when the app
//! lacks the scope, and answers anything else (data, "not found") when it holds it. A missing
//! scope is a warning with the scope to add and the `message` actions that need it: the
//! gateway still runs without it.

use lark::api::messages::ListMessages;
use lark::model::ChatId;

use super::Report;

/// A feature and the scope it needs.
pub(super) struct Feature {
    pub(super) what: &'static str,
    pub(super) scope: &'static str,
    /// The `message` tool's group that needs it (its actions are named in the fix).
    pub(super) group: Option<&'static str>,
}

const FEATURES: [Feature; 7] = [
    Feature {
        what: "group history (listMessages in groups, context before a mention)",
        scope: "im:message.group_msg",
        group: None,
    },
    Feature {
        what: "documents",
        scope: "docx:document",
        group: Some("doc"),
    },
    Feature {
        what: "drive",
        scope: "drive:drive",
        group: Some("drive"),
    },
    Feature {
        what: "bitable",
        scope: "bitable:app",
        group: Some("bitable"),
    },
    Feature {
        what: "wiki",
        scope: "wiki:wiki",
        group: Some("wiki"),
    },
    Feature {
        what: "calendar",
        scope: "calendar:calendar",
        group: Some("calendar"),
    },
    Feature {
        what: "tasks",
        scope: "task:task:write",
        group: Some("task"),
    },
];

/// An id no chat, document or base has: the answer is "not found" unless the scope is missing.
const PROBE_ID: &str = "openclaw_scope_probe";

/// Probes every feature's scope; returns the groups whose scope is missing.
pub(super) async fn check(
    client: &lark::Client,
    area: &str,
    report: &mut Report,
) -> Vec<&'static str> {
    let mut missing_groups = Vec::new();
    for f in &FEATURES {
        match holds(client, f.scope).await {
            Ok(true) => report.ok(area, format!("scope {} granted: {}", f.scope, f.what)),
            Ok(false) => {
                let needed_by = match f.group {
                    Some(g) => {
                        missing_groups.push(g);
                        format!("; the message actions {} need it", actions_of(g).join(", "))
                    }
                    None => "; the gateway reads group history with it".to_owned(),
                };
                report.warn(
                    area,
                    format!("the app lacks the scope {}: {} will be refused", f.scope, f.what),
                    format!(
                        "add the scope {} in the developer console (Permissions & Scopes) and publish a new version{needed_by}",
                        f.scope
                    ),
                );
            }
            Err(e) => report.warn(
                area,
                format!("scope {} not checked: {e}", f.scope),
                "run `openclaw doctor` again when the platform answers",
            ),
        }
    }
    missing_groups
}

/// Every action of a group of the `message` tool.
pub(super) fn actions_of(group: &str) -> Vec<&'static str> {
    openclaw_tools::registry::actions()
        .iter()
        .filter(|a| openclaw_tools::groups::group_of(a.name) == group)
        .map(|a| a.name)
        .collect()
}

/// Whether the app holds `scope`: `Err` when the platform could not be asked.
async fn holds(client: &lark::Client, scope: &str) -> Result<bool, lark::Error> {
    let answer = match scope {
        "im:message.group_msg" => client
            .list_messages_page(
                &ListMessages::chat(&ChatId::new(format!("oc_{PROBE_ID}"))),
                None,
            )
            .await
            .map(drop),
        "docx:document" => client
            .get_document(&format!("doxcn_{PROBE_ID}"))
            .await
            .map(drop),
        "drive:drive" => client.list_drive_page("", None).await.map(drop),
        "bitable:app" => client
            .list_tables_page(&format!("bascn_{PROBE_ID}"), None)
            .await
            .map(drop),
        "wiki:wiki" => client.list_wiki_spaces_page(None).await.map(drop),
        "calendar:calendar" => client.primary_calendar_id().await.map(drop),
        _ => client.list_tasks_page(None, None).await.map(drop),
    };
    match answer {
        Ok(()) => Ok(true),
        Err(e) if matches!(e.code(), Some(99991672 | 99991676)) => Ok(false),
        // Any other refusal ("not found", a bad id) came from past the scope check.
        Err(lark::Error::Api(_)) => Ok(true),
        Err(e) => Err(e),
    }
}
