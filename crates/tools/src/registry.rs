//! The action registry: every action's name, parameters (its JSON schema), a correct example
//! call and its handler. The four doors (agent tool, CLI, MCP, Rust) all go through it, so an
//! action behaves the same wherever it is called from.

use futures::future::BoxFuture;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use crate::error::{ToolError, ToolResult};
use crate::tools::Tools;

/// A parameter's JSON type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    Str,
    Int,
    Num,
    Bool,
    /// An array of strings.
    StrArray,
    /// An array of anything (rows of a sheet, options).
    Array,
    Object,
    /// A string (a filter) or anything else.
    Any,
}

impl Ty {
    fn schema(self) -> Value {
        match self {
            Ty::Str => json!({ "type": "string" }),
            Ty::Int => json!({ "type": "integer" }),
            Ty::Num => json!({ "type": "number" }),
            Ty::Bool => json!({ "type": "boolean" }),
            Ty::StrArray => json!({ "type": "array", "items": { "type": "string" } }),
            Ty::Array => json!({ "type": "array" }),
            Ty::Object => json!({ "type": "object" }),
            Ty::Any => json!({}),
        }
    }
}

/// One parameter of an action.
#[derive(Debug, Clone, Copy)]
pub struct Param {
    pub name: &'static str,
    pub ty: Ty,
    pub desc: &'static str,
}

/// Shorthand for a parameter (a struct literal, so parameter lists can be `'static`).
#[macro_export]
#[doc(hidden)]
macro_rules! p {
    ($name:expr, $ty:ident, $desc:expr) => {
        $crate::registry::Param {
            name: $name,
            ty: $crate::registry::Ty::$ty,
            desc: $desc,
        }
    };
}

/// What runs an action: a clone of the tools and the arguments without `action`.
pub type Handler = fn(Tools, Value) -> BoxFuture<'static, ToolResult<Value>>;

/// One action of the `message` tool.
#[derive(Clone, Copy)]
pub struct ActionDef {
    pub name: &'static str,
    /// Framework actions (`send`, `reply`, `react`, `sendAttachment`) address a chat with `to`;
    /// every other action refuses `to`.
    pub takes_to: bool,
    pub description: &'static str,
    /// A correct call, shown with every parameter error.
    pub example: &'static str,
    pub params: &'static [Param],
    pub required: &'static [&'static str],
    pub run: Handler,
}

impl std::fmt::Debug for ActionDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ActionDef")
            .field("name", &self.name)
            .finish()
    }
}

impl ActionDef {
    /// The JSON schema of this action's arguments (without `action`), for MCP.
    pub fn input_schema(&self) -> Value {
        let mut props = Map::new();
        for p in self.params {
            let mut s = p.ty.schema();
            s["description"] = Value::String(p.desc.to_owned());
            props.insert(p.name.to_owned(), s);
        }
        json!({ "type": "object", "properties": props, "required": self.required })
    }
}

/// Builds a handler from a typed `Tools` method: parses the arguments into its argument type
/// (naming the parameter on failure) and serializes its result.
#[macro_export]
#[doc(hidden)]
macro_rules! handler {
    ($method:ident) => {
        |tools: $crate::Tools,
         input: serde_json::Value|
         -> futures::future::BoxFuture<'static, $crate::ToolResult<serde_json::Value>> {
            Box::pin(async move {
                let args = $crate::registry::parse(input)?;
                let out = tools.$method(args).await?;
                $crate::registry::to_value(&out)
            })
        }
    };
}

/// Arguments as the typed struct of an action; an error names the parameter.
pub fn parse<T: DeserializeOwned>(input: Value) -> ToolResult<T> {
    serde_path_to_error::deserialize(input).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        // serde says "missing field `x`" at the parent: name the field itself.
        let param = match inner.split('`').nth(1) {
            Some(f) if inner.starts_with("missing field") => {
                if path == "." {
                    f.to_owned()
                } else {
                    format!("{path}.{f}")
                }
            }
            _ => path,
        };
        let problem = match inner.strip_prefix("missing field") {
            Some(_) => "is required".to_owned(),
            None => inner,
        };
        ToolError::param(param, problem)
    })
}

pub fn to_value<T: Serialize>(out: &T) -> ToolResult<Value> {
    serde_json::to_value(out).map_err(|e| ToolError::Io(format!("encoding the result: {e}")))
}

/// Every action, in the order of the document.
pub fn actions() -> Vec<ActionDef> {
    let mut all = Vec::new();
    all.extend(crate::actions::messages::defs());
    all.extend(crate::actions::ask::defs());
    all.extend(crate::actions::threads::defs());
    all.extend(crate::actions::chats::defs());
    all.extend(crate::actions::docs::defs());
    all.extend(crate::actions::perms::defs());
    all.extend(crate::actions::sheets::defs());
    all.extend(crate::actions::bitable::defs());
    all.extend(crate::actions::records::defs());
    all.extend(crate::actions::drive::defs());
    all.extend(crate::actions::folders::defs());
    all.extend(crate::actions::lookups::defs());
    all.extend(crate::actions::edit::defs());
    all.extend(crate::actions::wiki::defs());
    all.extend(crate::actions::comments::defs());
    all.extend(crate::actions::calendar::defs());
    all.extend(crate::actions::tasks::defs());
    all
}

/// The action of that name.
pub fn action(name: &str) -> Option<ActionDef> {
    actions().into_iter().find(|a| a.name == name)
}
