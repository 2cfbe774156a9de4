//! The agent's door: [`MessageTool`], the `message` tool with one JSON schema for every action.

use std::collections::HashMap;
use std::path::PathBuf;

use async_trait::async_trait;
use openclaw_agent::{SentByTool, Tool, ToolContext, ToolOutput, ToolSpec};
use serde_json::{Map, Value, json};

use crate::registry::actions;
use crate::settings::ToolSettings;
use crate::tools::Tools;

/// The `message` tool: every action of the skill document, on the account of the turn.
#[derive(Debug, Clone)]
pub struct MessageTool {
    tools: HashMap<String, Tools>,
}

impl MessageTool {
    /// One Lark client per account id; `roots` are the folders local files may come from (the
    /// turn's own `allowed_roots` are added to them).
    pub fn new(clients: HashMap<String, lark::Client>, roots: Vec<PathBuf>) -> MessageTool {
        MessageTool::with_settings(clients, ToolSettings::with_roots(roots))
    }

    pub fn with_settings(
        clients: HashMap<String, lark::Client>,
        settings: ToolSettings,
    ) -> MessageTool {
        let tools = clients
            .into_iter()
            .map(|(id, c)| (id, Tools::new(c, settings.clone())))
            .collect();
        MessageTool { tools }
    }

    /// Each account with its own settings (its `tools.<group>` switches).
    pub fn per_account(accounts: Vec<(String, lark::Client, ToolSettings)>) -> MessageTool {
        let tools = accounts
            .into_iter()
            .map(|(id, c, settings)| (id, Tools::new(c, settings)))
            .collect();
        MessageTool { tools }
    }

    fn tools_for(&self, account: &str) -> Result<&Tools, String> {
        if let Some(t) = self.tools.get(account) {
            return Ok(t);
        }
        // One account: whatever the turn calls it, it is that one.
        if self.tools.len() == 1
            && let Some(t) = self.tools.values().next()
        {
            return Ok(t);
        }
        let mut ids: Vec<&str> = self.tools.keys().map(String::as_str).collect();
        ids.sort_unstable();
        Err(format!(
            "no Lark account {account:?} for the message tool (accounts: {})",
            ids.join(", ")
        ))
    }
}

/// The one schema of the `message` tool: `action` plus the union of every action's parameters.
pub fn message_schema() -> Value {
    message_schema_for(&crate::groups::ToolGroups::default())
}

/// [`message_schema`] with only the actions of the groups switched on.
pub fn message_schema_for(groups: &crate::groups::ToolGroups) -> Value {
    let defs: Vec<_> = actions()
        .into_iter()
        .filter(|a| groups.allows(a.name))
        .collect();
    let mut props = Map::new();
    props.insert(
        "action".into(),
        json!({
            "type": "string",
            "enum": defs.iter().map(|d| d.name).collect::<Vec<_>>(),
            "description": "the action to run; its parameters go at the top level next to it",
        }),
    );
    for d in &defs {
        for p in d.params {
            let entry = props.entry(p.name.to_owned()).or_insert_with(|| {
                let mut s = match p.ty {
                    crate::registry::Ty::Any => json!({}),
                    _ => d.input_schema()["properties"][p.name].clone(),
                };
                s["description"] = Value::String(String::new());
                s
            });
            let desc = entry["description"].as_str().unwrap_or("").to_owned();
            let line = format!("{}: {}", d.name, p.desc);
            entry["description"] = Value::String(if desc.is_empty() {
                line
            } else {
                format!("{desc}; {line}")
            });
        }
    }
    json!({ "type": "object", "properties": props, "required": ["action"] })
}

const DESCRIPTION: &str = "Lark/Feishu: messages, reactions, pins, threads and topic posts, chat \
info, documents (create, append markdown with images, read, edit in place, comments, \
permissions), the wiki, spreadsheets, bitables, drive folders and files, the calendar (events, \
free/busy) and tasks. Put `action` and its parameters at the top level (never nested in a string). `to` \
(`chat:oc_xxx`) is only for send, reply, react and sendAttachment; every other action takes \
`chatId` (`oc_xxx`). After creating a document, grant the user access with manageDocPermission \
and send its url.";

#[async_trait]
impl Tool for MessageTool {
    fn spec(&self) -> ToolSpec {
        ToolSpec {
            name: "message".into(),
            description: DESCRIPTION.into(),
            input_schema: self
                .tools
                .values()
                .next()
                .map(|t| message_schema_for(&t.settings().groups))
                .unwrap_or_else(message_schema),
        }
    }

    async fn call(&self, ctx: &ToolContext, input: Value) -> ToolOutput {
        let tools = match self.tools_for(&ctx.account) {
            // Posts get uuids derived from the turn: a re-run turn does not post twice.
            Ok(t) => t
                .with_extra_roots(&ctx.allowed_roots)
                .for_turn(&ctx.account, &ctx.message_id),
            Err(e) => return ToolOutput::error(e),
        };
        let text = input
            .get("text")
            .or_else(|| input.get("content"))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        let input = crate::actions::ask::in_chat(input, ctx);
        let out = tools.dispatch(input).await;
        match out.result {
            Ok(value) => {
                record(ctx, out.action.as_deref(), &value, &text);
                let output = ToolOutput::json(&value);
                match out.action.as_deref() {
                    Some(a) if crate::actions::ask::ends_turn(a) => output.ending_turn(),
                    _ => output,
                }
            }
            Err(e) => ToolOutput::error(e),
        }
    }
}

/// Notes what was posted to a chat, so the final reply does not repeat it.
fn record(ctx: &ToolContext, action: Option<&str>, value: &Value, text: &str) {
    let posts = matches!(
        action,
        Some("send" | "reply" | "sendAttachment" | "replyInThread" | "createTopicPost")
    );
    if !posts {
        return;
    }
    let (Some(chat), Some(id)) = (
        value.get("chatId").and_then(Value::as_str),
        value.get("messageId").and_then(Value::as_str),
    ) else {
        return;
    };
    if !chat.starts_with("oc_") {
        return;
    }
    ctx.record_sent(SentByTool {
        chat_id: chat.to_owned(),
        message_id: id.to_owned(),
        text: text.to_owned(),
    });
}
