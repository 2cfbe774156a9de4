//! [`ConfigError`]: everything that can go wrong while finding, reading, validating or editing
//! the configuration. Every message is a sentence a user can act on: it names the file and the
//! dotted key, says what was found and what is accepted. No message ever carries a secret value:
//! values of secret keys are described by their type only, and credential files are named by
//! path, never by content.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::paths::Format;

/// An error in the configuration or while editing it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// The config file exists but could not be read.
    #[error("Could not read the config file {}: {reason}.", path.display())]
    Read { path: PathBuf, reason: String },

    /// The config file could not be written (by `config set` / `config unset`).
    #[error("Could not write the config file {}: {reason}.", path.display())]
    Write { path: PathBuf, reason: String },

    /// The text is not valid JSON5 / YAML.
    #[error(
        "{}the config is not valid {format}: {message}. Fix the syntax and try again.",
        At(file)
    )]
    Syntax {
        file: Option<PathBuf>,
        format: Format,
        message: String,
    },

    /// A key that OpenClaw does not know, with the nearest known key when one is close.
    #[error("{}unknown key {key}{}", At(file), Hint(suggestion))]
    UnknownKey {
        file: Option<PathBuf>,
        key: String,
        suggestion: Option<String>,
    },

    /// A value of the wrong type or outside the accepted values.
    #[error("{}{key} is {got}, but it must be {expected}.", At(file))]
    InvalidValue {
        file: Option<PathBuf>,
        key: String,
        got: String,
        expected: String,
    },

    /// Any other rule about one key (reserved names, a missing companion key).
    #[error("{}{key}: {message}.", At(file))]
    Invalid {
        file: Option<PathBuf>,
        key: String,
        message: String,
    },

    /// Two keys that say the same thing in different ways (`appId` and `appIdFile`).
    #[error(
        "{}both {first} and {second} are set; keep only one of them.",
        At(file)
    )]
    Conflict {
        file: Option<PathBuf>,
        first: String,
        second: String,
    },

    /// An `appIdFile` / `appSecretFile` that cannot be read or is empty. Names the path only.
    #[error("Could not read {key} {}: {reason}.", path.display())]
    CredentialFile {
        key: String,
        path: PathBuf,
        reason: String,
    },

    /// `Account::credentials` on an account without an app ID.
    #[error(
        "App ID not configured for account {account}: set {}",
        credential_hint(account, channel, "appId")
    )]
    MissingAppId {
        account: String,
        channel: &'static str,
    },

    /// `Account::credentials` on an account without an app secret.
    #[error(
        "App secret not configured for account {account}: set {}",
        credential_hint(account, channel, "appSecret")
    )]
    MissingAppSecret {
        account: String,
        channel: &'static str,
    },

    /// A key path given to `config get/set/unset` that cannot be parsed.
    #[error("{key:?} is not a valid key path: {reason}.")]
    BadKeyPath { key: String, reason: String },

    /// `config set a.b.c` where the file has a non-object value at `a.b`.
    #[error(
        "{}{key} is not an object, so {child} cannot be set inside it; unset {key} first.",
        At(file)
    )]
    NotAnObject {
        file: Option<PathBuf>,
        key: String,
        child: String,
    },
}

impl ConfigError {
    /// Names the file in messages about its content; errors that already name one keep theirs.
    pub(crate) fn in_file(mut self, path: &Path) -> Self {
        match &mut self {
            ConfigError::Syntax { file, .. }
            | ConfigError::UnknownKey { file, .. }
            | ConfigError::InvalidValue { file, .. }
            | ConfigError::Invalid { file, .. }
            | ConfigError::Conflict { file, .. }
            | ConfigError::NotAnObject { file, .. }
                if file.is_none() =>
            {
                *file = Some(path.to_path_buf());
            }
            _ => {}
        }
        self
    }
}

/// The exact wording the gateway's status output relies on: the default account can also take
/// its credentials from the environment, named accounts cannot.
fn credential_hint(account: &str, channel: &str, key: &str) -> String {
    let file_key = format!("{key}File");
    if account == crate::DEFAULT_ACCOUNT {
        let prefix = if channel == "channels.feishu" {
            "FEISHU"
        } else {
            "LARK"
        };
        let env = if key == "appId" {
            format!("the {prefix}_APP_ID environment variable")
        } else {
            format!("{prefix}_APP_SECRET")
        };
        format!("{channel}.{key} (or {file_key}, or {env})")
    } else {
        format!("{channel}.accounts.{account}.{key} (or {file_key})")
    }
}

/// `"<file>: "` in front of a message about the file's content, or nothing for bare text.
struct At<'a>(&'a Option<PathBuf>);

impl fmt::Display for At<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(path) => write!(f, "{}: ", path.display()),
            None => Ok(()),
        }
    }
}

/// The "did you mean" tail of an unknown-key message.
struct Hint<'a>(&'a Option<String>);

impl fmt::Display for Hint<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(near) => write!(f, " (did you mean {near}?)"),
            None => f.write_str("; remove it or check its spelling"),
        }
    }
}
