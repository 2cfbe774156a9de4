//! What goes wrong in an action, worded for a model to fix its call in one round.

/// An action's failure. A parameter error is completed by the dispatcher with a correct call of
/// the action, so the handler only says what was wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ToolError {
    /// A parameter is missing or wrong: names it and says why.
    #[error("parameter `{param}`: {problem}")]
    Param { param: String, problem: String },
    /// The call is understood but refused (a path outside the allowed roots, a private URL...).
    #[error("{0}")]
    Refused(String),
    /// The platform answered with an error.
    #[error("the Lark API call failed: {0}")]
    Api(String),
    /// A local file or URL could not be read.
    #[error("{0}")]
    Io(String),
}

impl ToolError {
    pub fn param(param: impl Into<String>, problem: impl Into<String>) -> ToolError {
        ToolError::Param {
            param: param.into(),
            problem: problem.into(),
        }
    }

    /// The parameter this error is about, if any.
    pub fn param_name(&self) -> Option<&str> {
        match self {
            ToolError::Param { param, .. } => Some(param),
            _ => None,
        }
    }
}

impl From<lark::Error> for ToolError {
    fn from(e: lark::Error) -> Self {
        ToolError::Api(e.to_string())
    }
}

pub type ToolResult<T> = std::result::Result<T, ToolError>;
