//! From a raw call (`{"action": ..., ...}`) to an action's result: the rules of the document
//! that hold for every door. Nested-string arguments are refused with the right form, `to` on a
//! custom action is refused with the `chatId` form, the document's duplicated-`action`
//! permission call is recognized, and every parameter error ends with a correct call.

use serde_json::{Map, Value};

use crate::error::ToolError;
use crate::registry::{ActionDef, action, actions};
use crate::tools::Tools;

/// What a call produced: the action that ran and its JSON result, or an error for the model.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub action: Option<String>,
    pub result: Result<Value, String>,
}

/// The actions on permissions the document writes as a second `action` key.
const PERM_ACTIONS: [&str; 3] = ["add", "list", "remove"];

impl Tools {
    /// Runs one call as a model writes it.
    pub async fn dispatch(&self, input: Value) -> Outcome {
        let (def, args) = match resolve(input) {
            Ok(x) => x,
            Err(msg) => {
                return Outcome {
                    action: None,
                    result: Err(msg),
                };
            }
        };
        if !self.settings.groups.allows(def.name) {
            let group = crate::groups::group_of(def.name);
            // Reactions have OpenClaw's own switch; every other group is `tools.<group>`.
            let key = match group {
                "reaction" => "actions.reactions".to_owned(),
                g => format!("tools.{g}"),
            };
            return Outcome {
                action: Some(def.name.to_owned()),
                result: Err(format!(
                    "{}: the {group} actions are switched off for this bot; set {key} to true in the config to use them",
                    def.name
                )),
            };
        }
        let result = (def.run)(self.clone(), Value::Object(args)).await;
        Outcome {
            action: Some(def.name.to_owned()),
            result: result.map_err(|e| explain(&def, &e)),
        }
    }
}

/// The error text: what was wrong, and for a parameter error a correct call.
pub fn explain(def: &ActionDef, e: &ToolError) -> String {
    match e {
        ToolError::Param { .. } => {
            format!("{}: {e}. A correct call: {}", def.name, example_call(def))
        }
        _ => format!("{}: {e}", def.name),
    }
}

fn example_call(def: &ActionDef) -> String {
    format!("message({})", def.example)
}

/// Finds the action and checks the rules that do not depend on it; returns the arguments
/// without `action`.
pub fn resolve(input: Value) -> Result<(ActionDef, Map<String, Value>), String> {
    let Value::Object(mut args) = input else {
        return Err(format!(
            "the arguments must be a JSON object with `action` at the top level, e.g. {}",
            crate::actions::messages::SEND_EXAMPLE
        ));
    };
    if let Some(msg) = nested_string(&args) {
        return Err(msg);
    }
    let name = match args.remove("action") {
        Some(Value::String(s)) => s,
        Some(other) => return Err(format!("`action` must be a string, not {other}")),
        None => {
            return Err(format!(
                "parameter `action` is required: one of {}. Example: {}",
                names().join(", "),
                crate::actions::messages::SEND_EXAMPLE
            ));
        }
    };
    // The document's permission example repeats `action`; JSON parsing keeps the last one, so
    // `{"docToken": .., "action": "add"}` is that call.
    let name = if PERM_ACTIONS.contains(&name.as_str()) && args.contains_key("docToken") {
        args.entry("permAction")
            .or_insert_with(|| Value::String(name.clone()));
        "manageDocPermission".to_owned()
    } else {
        name
    };
    let Some(def) = action(&name) else {
        let hint = names()
            .into_iter()
            .find(|n| n.eq_ignore_ascii_case(&name))
            .map(|n| format!(" (action names are case-sensitive: did you mean `{n}`?)"))
            .unwrap_or_default();
        return Err(format!(
            "unknown action `{name}`{hint}; the actions are: {}",
            names().join(", ")
        ));
    };
    if !def.takes_to && args.contains_key("to") {
        return Err(to_on_custom(&def, &args));
    }
    Ok((def, args))
}

fn names() -> Vec<&'static str> {
    actions().iter().map(|a| a.name).collect()
}

/// `to` belongs to the framework actions; custom actions take `chatId` (`oc_xxx`).
fn to_on_custom(def: &ActionDef, args: &Map<String, Value>) -> String {
    let to = args.get("to").and_then(Value::as_str).unwrap_or("");
    let chat = to.strip_prefix("chat:").unwrap_or(to);
    let mut fixed = Map::new();
    fixed.insert("action".into(), Value::String(def.name.to_owned()));
    let takes_chat = def.params.iter().any(|p| p.name == "chatId");
    for (k, v) in args {
        if k == "to" {
            if takes_chat && !args.contains_key("chatId") {
                fixed.insert("chatId".into(), Value::String(chat.to_owned()));
            }
        } else {
            fixed.insert(k.clone(), v.clone());
        }
    }
    let fix = if takes_chat {
        format!(
            "pass `chatId` instead (`oc_xxx`, without `chat:`): {}",
            Value::Object(fixed)
        )
    } else {
        format!("remove `to`; a correct call: {}", example_call(def))
    };
    format!(
        "{}: `to` is only for the framework actions send, reply, react and sendAttachment; \
         custom actions must not get `to`. {fix}",
        def.name
    )
}

/// The document's "wrong" form: the whole call nested as a string in one parameter
/// (`path='{"action": "react", ...}'`).
fn nested_string(args: &Map<String, Value>) -> Option<String> {
    for (k, v) in args {
        let Some(s) = v.as_str() else { continue };
        let t = s.trim();
        if !t.starts_with('{') {
            continue;
        }
        let Ok(Value::Object(inner)) = serde_json::from_str::<Value>(t) else {
            continue;
        };
        if inner.contains_key("action") && (k != "action") && !args.contains_key("action")
            || inner.contains_key("action") && args.len() == 1
        {
            return Some(format!(
                "the arguments were nested as a JSON string in `{k}`; pass them at the top level \
                 instead: message({}) (not message({k}='{{\"action\": ...}}'))",
                Value::Object(inner)
            ));
        }
    }
    None
}
