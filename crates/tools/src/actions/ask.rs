//! `askUser`: the agent asks the user a question with a card (buttons for options, a form for
//! inputs) and ends its turn; the click or submit comes back as the session's next turn.
//!
//! The card is self-describing: every button carries an [`AskValue`] naming the question, its
//! options and its fields, so the gateway can answer the click within the platform's 3 s with
//! the card in its answered form (choice and clicker shown, buttons disabled) without any state
//! of its own, and can claim the answer once per question id across replicas.

use lark::model::ReceiveId;
use lark::model::content::Content;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::non_empty;
use crate::error::{ToolError, ToolResult};
use crate::p;
use crate::registry::ActionDef;
use crate::tools::Tools;

/// The marker in a button's value that makes it an answer to an `askUser` card.
pub const ASK_MARK: &str = "askUser";

/// At most this many options (buttons) and inputs on one card.
const MAX_OPTIONS: usize = 10;
const MAX_INPUTS: usize = 10;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AskArgs {
    /// `chat:oc_xxx` or `user:ou_xxx`; the agent's own chat when left out.
    #[serde(default)]
    pub to: Option<String>,
    #[serde(default)]
    pub question: String,
    #[serde(default)]
    pub options: Vec<String>,
    #[serde(default)]
    pub inputs: Vec<AskInput>,
    /// OpenClaw's Lark plugin's shape (`feishu_ask_user_question`): its first question is used.
    #[serde(default)]
    pub questions: Vec<PluginQuestion>,
    /// Whether the chat is a DM (set by the agent tool from its turn; decides the policy the
    /// clicker is judged by before the click counts).
    #[serde(default)]
    pub dm: Option<bool>,
}

/// One field of the form.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AskInput {
    pub name: String,
    #[serde(default)]
    pub label: String,
    /// `text` (default), `select` or `date`.
    #[serde(default, rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PluginQuestion {
    #[serde(default)]
    pub question: String,
    #[serde(default)]
    pub header: String,
    #[serde(default)]
    pub options: Vec<PluginOption>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PluginOption {
    #[serde(default)]
    pub label: String,
}

/// What `askUser` returns.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Asked {
    pub ok: bool,
    pub message_id: String,
    pub ask_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chat_id: Option<String>,
    /// Tells the model to stop here: the answer is its next turn.
    pub note: String,
}

/// The value every button of an ask card carries.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AskValue {
    /// Always [`ASK_MARK`].
    pub oc: String,
    /// The question's id: one answer per id.
    pub ask: String,
    pub q: String,
    /// The option this button stands for; `None` on a form's submit button.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub a: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub opts: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<AskInput>,
    #[serde(default)]
    pub dm: bool,
}

impl AskValue {
    /// The ask a card action's value stands for, if it is one.
    pub fn from_action(value: &Value) -> Option<AskValue> {
        let v: AskValue = serde_json::from_value(value.clone()).ok()?;
        (v.oc == ASK_MARK && !v.ask.is_empty()).then_some(v)
    }

    /// The answer in words: the option, or each field as `label: value`.
    pub fn answer_text(&self, form: Option<&Map<String, Value>>) -> String {
        if let Some(a) = &self.a {
            return a.clone();
        }
        let form = form.cloned().unwrap_or_default();
        self.fields
            .iter()
            .map(|f| {
                let v = match form.get(&f.name) {
                    Some(Value::String(s)) => s.clone(),
                    Some(Value::Null) | None => String::new(),
                    Some(other) => other.to_string(),
                };
                let label = if f.label.is_empty() {
                    &f.name
                } else {
                    &f.label
                };
                format!("{label}: {v}")
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn plain(text: &str) -> Value {
    json!({ "tag": "plain_text", "content": text })
}

fn header() -> Value {
    json!({ "title": plain("Question"), "template": "blue" })
}

/// The card asking `v.q`: a button per option, or a form of `v.fields` with a submit button.
pub fn ask_card(v: &AskValue) -> Value {
    let mut elements = vec![json!({ "tag": "markdown", "content": v.q })];
    for (i, o) in v.opts.iter().enumerate() {
        let value = AskValue {
            a: Some(o.clone()),
            ..v.clone()
        };
        elements.push(json!({
            "tag": "button",
            "element_id": format!("ask_opt_{i}"),
            "text": plain(o),
            "type": if i == 0 { "primary" } else { "default" },
            "behaviors": [{ "type": "callback", "value": value }],
        }));
    }
    if !v.fields.is_empty() {
        let mut form: Vec<Value> = v.fields.iter().map(field).collect();
        form.push(json!({
            "tag": "button",
            "name": format!("ask_submit_{}", v.ask),
            "text": plain("Submit"),
            "type": "primary",
            "form_action_type": "submit",
            "behaviors": [{ "type": "callback", "value": v }],
        }));
        elements.push(json!({ "tag": "form", "name": "ask_form", "elements": form }));
    }
    json!({
        "schema": "2.0",
        "config": { "update_multi": true },
        "header": header(),
        "body": { "elements": elements },
    })
}

fn field(f: &AskInput) -> Value {
    let label = if f.label.is_empty() {
        &f.name
    } else {
        &f.label
    };
    match f.kind.as_str() {
        "select" => json!({
            "tag": "select_static",
            "name": f.name,
            "placeholder": plain(label),
            "options": f.options.iter().map(|o| json!({ "text": plain(o), "value": o })).collect::<Vec<_>>(),
        }),
        "date" => json!({ "tag": "date_picker", "name": f.name, "placeholder": plain(label) }),
        _ => {
            json!({ "tag": "input", "name": f.name, "label": plain(label), "placeholder": plain(label) })
        }
    }
}

/// The card once answered: the question, what `by` chose, and the options as disabled buttons.
pub fn answered_card(v: &AskValue, form: Option<&Map<String, Value>>, by: &str) -> Value {
    let answer = v.answer_text(form);
    let mut elements = vec![
        json!({ "tag": "markdown", "content": v.q }),
        json!({ "tag": "markdown", "content": format!("✅ **{answer}** (answered by {by})") }),
    ];
    for o in &v.opts {
        let chosen = v.a.as_deref() == Some(o.as_str());
        elements.push(json!({
            "tag": "button",
            "text": plain(o),
            "type": if chosen { "primary" } else { "default" },
            "disabled": true,
        }));
    }
    json!({
        "schema": "2.0",
        "config": { "update_multi": true },
        "header": { "title": plain("Question (answered)"), "template": "green" },
        "body": { "elements": elements },
    })
}

/// A short random id for a question.
fn new_ask_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..16].to_owned()
}

fn value_of(args: AskArgs) -> ToolResult<AskValue> {
    let mut question = args.question.trim().to_owned();
    let mut opts: Vec<String> = args.options.iter().map(|o| o.trim().to_owned()).collect();
    if question.is_empty()
        && let Some(q) = args.questions.first()
    {
        question = if q.header.is_empty() {
            q.question.clone()
        } else {
            format!("**{}** {}", q.header, q.question)
        };
        opts = q
            .options
            .iter()
            .map(|o| o.label.trim().to_owned())
            .collect();
    }
    non_empty("question", &question)?;
    if opts.iter().any(String::is_empty) {
        return Err(ToolError::param(
            "options",
            "has an empty option; give each its text",
        ));
    }
    if opts.len() > MAX_OPTIONS || args.inputs.len() > MAX_INPUTS {
        return Err(ToolError::param(
            "options",
            format!("at most {MAX_OPTIONS} options and {MAX_INPUTS} inputs fit on one card"),
        ));
    }
    if opts.is_empty() && args.inputs.is_empty() {
        return Err(ToolError::param(
            "options",
            "give `options` (buttons) or `inputs` (form fields), or both",
        ));
    }
    for f in &args.inputs {
        non_empty("inputs[].name", &f.name)?;
        if !matches!(f.kind.as_str(), "" | "text" | "select" | "date") {
            return Err(ToolError::param(
                "inputs[].type",
                format!("{:?} is not a field type; use text, select or date", f.kind),
            ));
        }
        if f.kind == "select" && f.options.is_empty() {
            return Err(ToolError::param(
                "inputs[].options",
                format!("select field {:?} needs its options", f.name),
            ));
        }
    }
    Ok(AskValue {
        oc: ASK_MARK.to_owned(),
        ask: new_ask_id(),
        q: question,
        a: None,
        opts,
        fields: args.inputs,
        dm: args.dm.unwrap_or(false),
    })
}

impl Tools {
    /// `askUser`: sends the question card; the answer arrives as the next turn.
    pub async fn ask_user(&self, args: AskArgs) -> ToolResult<Asked> {
        let to = args.to.clone().unwrap_or_default();
        if to.trim().is_empty() {
            return Err(ToolError::param(
                "to",
                "is required outside a chat: give `chat:oc_xxx` or `user:ou_xxx`",
            ));
        }
        let to = ReceiveId::infer(&to);
        let v = value_of(args)?;
        let card = ask_card(&v);
        let uuid = self.post_uuid("askUser", &to.id, &v.q, 0);
        let m = self
            .client
            .send_message(&to, &Content::card(card), Some(&uuid))
            .await?;
        Ok(Asked {
            ok: true,
            message_id: m.message_id.as_str().to_owned(),
            ask_id: v.ask,
            chat_id: m.chat_id.as_ref().map(|c| c.as_str().to_owned()),
            note: "The question card was sent. End your turn now without asking again; the \
                   user's answer comes as your next message."
                .into(),
        })
    }
}

const PARAMS: &[crate::registry::Param] = &[
    p!(
        "to",
        Str,
        "`chat:oc_xxx` or `user:ou_xxx`; default: the current chat"
    ),
    p!("question", Str, "the question (markdown)"),
    p!("options", StrArray, "the answers offered, one button each"),
    p!(
        "inputs",
        Array,
        "form fields: [{name, label, type: text|select|date, options?}]"
    ),
];

pub(crate) fn defs() -> Vec<ActionDef> {
    vec![
        ActionDef {
            name: "askUser",
            takes_to: true,
            description: "Ask the user a question with a card (buttons for `options`, a form for `inputs`) and end your turn; their click or submit is your next message.",
            example: r#"{"action": "askUser", "question": "Deploy to production?", "options": ["Yes", "No"]}"#,
            params: PARAMS,
            required: &["question"],
            run: crate::handler!(ask_user),
        },
        ActionDef {
            name: "feishu_ask_user_question",
            takes_to: true,
            description: "askUser under the name OpenClaw's Lark plugin gives it (its `questions: [{question, header, options: [{label}]}]` shape is accepted; the first question is asked).",
            example: r#"{"action": "feishu_ask_user_question", "questions": [{"question": "Deploy?", "header": "Deploy", "options": [{"label": "Yes"}, {"label": "No"}]}]}"#,
            params: PARAMS,
            required: &[],
            run: crate::handler!(ask_user),
        },
    ]
}

/// An `askUser` call from the agent: `to` defaults to the turn's chat, and the card learns
/// whether that chat is a DM. Other calls pass unchanged.
pub(crate) fn in_chat(mut input: Value, ctx: &openclaw_agent::ToolContext) -> Value {
    let asks = input
        .get("action")
        .and_then(Value::as_str)
        .is_some_and(ends_turn);
    if let (true, Some(args)) = (asks, input.as_object_mut()) {
        if !args.contains_key("to") && ctx.chat_id.starts_with("oc_") {
            args.insert("to".into(), Value::String(format!("chat:{}", ctx.chat_id)));
        }
        let dm = ctx.chat_type == openclaw_agent::ChatKind::Dm;
        args.insert("dm".into(), Value::Bool(dm));
    }
    input
}

/// The actions that end the agent's turn once they succeed.
pub fn ends_turn(action: &str) -> bool {
    matches!(action, "askUser" | "feishu_ask_user_question")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_button_value_round_trips_and_answers_in_words() {
        let v = value_of(AskArgs {
            question: "Deploy?".into(),
            options: vec!["Yes".into(), "No".into()],
            ..Default::default()
        })
        .unwrap();
        let card = ask_card(&v);
        let value = &card["body"]["elements"][2]["behaviors"][0]["value"];
        let back = AskValue::from_action(value).unwrap();
        assert_eq!(back.a.as_deref(), Some("No"));
        assert_eq!(back.answer_text(None), "No");
        let done = answered_card(&back, None, "Ada");
        assert_eq!(done["body"]["elements"][2]["disabled"], true);
        assert!(done.to_string().contains("answered by Ada"));
        assert!(AskValue::from_action(&json!({"a": 1})).is_none());
    }

    #[test]
    fn a_form_answers_field_by_field_and_bad_calls_say_what_to_fix() {
        let v = value_of(AskArgs {
            question: "When?".into(),
            inputs: vec![AskInput {
                name: "day".into(),
                label: "Day".into(),
                kind: "date".into(),
                options: vec![],
            }],
            ..Default::default()
        })
        .unwrap();
        let form: Map<String, Value> = serde_json::from_str(r#"{"day":"2026-12-05"}"#).unwrap();
        assert_eq!(v.answer_text(Some(&form)), "Day: 2026-12-05");
        let e = value_of(AskArgs {
            question: "Q".into(),
            ..Default::default()
        })
        .unwrap_err();
        assert!(e.to_string().contains("options"), "{e}");
        let e = value_of(AskArgs {
            question: "Q".into(),
            inputs: vec![AskInput {
                name: "x".into(),
                kind: "color".into(),
                ..Default::default()
            }],
            ..Default::default()
        })
        .unwrap_err();
        assert!(e.to_string().contains("text, select or date"), "{e}");
    }
}
