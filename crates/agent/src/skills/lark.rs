//! Our shipped skill for the `message` tool's Lark actions, written from the action registry
//! (the caller passes each action's name, description, example and JSON schema), so it never
//! drifts from what the tool accepts: every action with its parameters, the `to` vs `chatId`
//! rule, and the document workflow.

use serde_json::Value;

use super::ShippedSkill;

/// The skill's name; a user's skill of this name replaces ours.
pub const NAME: &str = "lark-message";

/// One action of the `message` tool, as the registry describes it.
#[derive(Debug, Clone)]
pub struct ActionDoc {
    pub name: String,
    pub description: String,
    /// Whether it addresses a chat with `to` (`send`, `reply`, `react`, `sendAttachment`).
    pub takes_to: bool,
    /// A correct call, as JSON.
    pub example: String,
    /// Its arguments' JSON schema (`properties`, `required`).
    pub input_schema: Value,
}

const RULES: &str = "\
# The `message` tool (Lark / Feishu)

Every Lark/Feishu action goes through one tool, `message`. Put `action` and the action's \
parameters at the top level of the call, never nested in a JSON string:
`message(action=\"react\", to=\"chat:oc_xxx\", messageId=\"om_xxx\", emoji=\"THUMBSUP\")`.

## The `to` vs `chatId` rule

- `to` (`chat:oc_xxx`, or `user:ou_xxx` for a person) is only for the actions marked **uses \
`to`** below: send, reply, react, sendAttachment.
- Every other action takes `chatId` (`oc_xxx`, without `chat:`); never pass `to` to them.
- Take the ids from the header of the user's message, `[messageId=om_xxx chatId=oc_xxx ...]`: \
`chat:oc_xxx` for `to`, `oc_xxx` for `chatId`, `om_xxx` for `messageId`, the sender's `ou_xxx` \
for people.

Your final answer is posted to the chat as a reply by itself; do not send it again with \
`send`.

## Sharing documents: the workflow

Users cannot see your local files, and a document nobody may open is useless:
1. `createDocument` with a title (it returns the document id and url).
2. `appendDocument` with markdown (tables and images work), about 5000 characters a call.
3. `manageDocPermission` to grant the user access (`memberId` = the sender's ou_ id).
4. Send the document's url in your answer (never only its id, never a local path).
For a file, use `sendAttachment` with its local `path`. Spreadsheets and bitables work the same \
way: create, write, grant, share the link.

## Actions
";

/// The skill's `SKILL.md`.
pub fn skill(actions: &[ActionDoc]) -> ShippedSkill {
    let names: Vec<&str> = actions.iter().map(|a| a.name.as_str()).collect();
    let description = format!(
        "How to use the `message` tool for Lark/Feishu: every action ({}) with its parameters, \
         the `to` vs `chatId` rule, and how to share documents. Read it before any Lark action \
         beyond a plain answer.",
        names.join(", ")
    );
    // A JSON string is a valid YAML double-quoted scalar: colons and backticks stay text.
    let mut text = format!(
        "---\nname: {NAME}\ndescription: {}\n---\n\n{RULES}",
        serde_json::Value::String(description)
    );
    for a in actions {
        text.push_str(&action_section(a));
    }
    ShippedSkill {
        name: NAME.to_owned(),
        text,
    }
}

fn action_section(a: &ActionDoc) -> String {
    let addressing = if a.takes_to { " (uses `to`)" } else { "" };
    let mut out = format!(
        "\n### {}{addressing}\n\n{}\n\n",
        a.name,
        a.description.trim()
    );
    let required: Vec<&str> = a.input_schema["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    match a.input_schema["properties"].as_object() {
        Some(props) if !props.is_empty() => {
            out.push_str("Parameters:\n");
            for (name, schema) in props {
                let ty = schema["type"].as_str().unwrap_or("any");
                let need = if required.contains(&name.as_str()) {
                    ", required"
                } else {
                    ""
                };
                let desc = schema["description"].as_str().unwrap_or("").trim();
                out.push_str(&format!("- `{name}` ({ty}{need}): {desc}\n"));
            }
        }
        _ => out.push_str("No parameters.\n"),
    }
    out.push_str(&format!(
        "\nExample: `{{\"action\":\"{}\",{}`\n",
        a.name,
        a.example.trim().trim_start_matches('{')
    ));
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn every_action_its_parameters_and_the_rules() {
        let actions = vec![
            ActionDoc {
                name: "react".into(),
                description: "Add a reaction.".into(),
                takes_to: true,
                example: r#"{"to":"chat:oc_1","messageId":"om_1","emoji":"OK"}"#.into(),
                input_schema: json!({"type":"object","properties":{
                    "to":{"type":"string","description":"chat:oc_xxx"},
                    "emoji":{"type":"string","description":"case-sensitive"}},
                    "required":["to","emoji"]}),
            },
            ActionDoc {
                name: "getChatInfo".into(),
                description: "A chat's info.".into(),
                takes_to: false,
                example: r#"{"chatId":"oc_1"}"#.into(),
                input_schema: json!({"type":"object","properties":{"chatId":{"type":"string","description":"oc_xxx"}},"required":["chatId"]}),
            },
        ];
        let s = skill(&actions);
        let (name, desc) = super::super::parse_front_matter(&s.text, "x").unwrap();
        assert_eq!(name, NAME);
        assert!(desc.contains("react, getChatInfo"));
        assert!(s.text.contains("### react (uses `to`)"));
        assert!(s.text.contains("### getChatInfo\n"));
        assert!(
            s.text
                .contains("- `emoji` (string, required): case-sensitive")
        );
        assert!(
            s.text
                .contains(r#"Example: `{"action":"getChatInfo","chatId":"oc_1"}`"#)
        );
        assert!(s.text.contains("manageDocPermission") && s.text.contains("`to` vs `chatId`"));
    }
}
