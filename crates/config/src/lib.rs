//! `openclaw-config`: OpenClaw's configuration.
//!
//! - [`Paths`] finds the config file and state directory (`--config`, `OPENCLAW_CONFIG_PATH`,
//!   `OPENCLAW_STATE_DIR`, `~/.openclaw`).
//! - [`load`] / [`parse`] read the file (JSON5, or YAML for `.yaml` / `.yml`), refuse unknown
//!   keys and wrong types with the full dotted key, apply defaults, account inheritance,
//!   credential files and the `LARK_APP_ID` / `LARK_APP_SECRET` environment variables, and
//!   return a typed [`Config`].
//! - [`edit`] changes one key of the file for `openclaw config set/get/unset`, keeping every
//!   other byte of a JSON5 file (comments included).
//!
//! The environment is passed in as a lookup function wherever it matters (`*_with`), so tests
//! never touch the process environment.

mod accounts;
mod agent_ext;
mod build;
pub mod edit;
mod error;
mod extras;
mod keypath;
mod model;
mod paths;
mod schema;
mod schema_openclaw;
mod secret_ref;
mod suggest;
mod tree;
mod types;
mod view;

use std::path::Path;

pub use agent_ext::{McpServer, McpTransport, SkillsConfig};
pub use error::ConfigError;
pub use paths::{Format, Paths};
pub use types::{
    Account, AccountExtras, AgentConfig, AllowBots, AuthMode, ChunkMode, Config, CronConfig,
    DmConfig, DmPolicy, DmScope, GatewayAuth, GatewayConfig, GroupConfig, GroupPolicy, LarkConfig,
    MessagesConfig, Mode, Provider, QueueConfig, QueueDrop, QueueMode, QueueOverride,
    ReactionNotifications, RenderMode, ReplyToMode, SessionConfig, SessionScope, StoreConfig,
};

/// The id of the top-level account; no named account may use it.
pub const DEFAULT_ACCOUNT: &str = "default";

/// An environment lookup: the process environment or a test's map.
pub(crate) type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The real process environment, for the functions without `_with`.
pub(crate) fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// Loads the config file with the real process environment. A missing file is an empty config.
pub fn load(paths: &Paths) -> Result<Config, ConfigError> {
    load_with(paths, &process_env)
}

/// Loads the config file with an injected environment lookup.
pub fn load_with(
    paths: &Paths,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Config, ConfigError> {
    let file = &paths.config_file;
    let text = match std::fs::read_to_string(file) {
        Ok(text) => text,
        // No file yet: every default applies, credentials may still come from the environment.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => {
            return Err(ConfigError::Read {
                path: file.clone(),
                reason: e.to_string(),
            });
        }
    };
    let base_dir = file.parent().unwrap_or(Path::new("."));
    parse(&text, paths.format(), env, base_dir).map_err(|e| e.in_file(file))
}

/// Parses config text. `base_dir` is where relative `appIdFile` / `appSecretFile` / download
/// paths start (the config file's directory).
pub fn parse(
    text: &str,
    format: Format,
    env: &dyn Fn(&str) -> Option<String>,
    base_dir: &Path,
) -> Result<Config, ConfigError> {
    let root = tree::parse_text(text, format).map_err(|message| ConfigError::Syntax {
        file: None,
        format,
        message,
    })?;
    build::config(&root, env, base_dir)
}

/// What `openclaw config validate` runs: exactly [`load`], so "OK" means the gateway will start
/// with this file (credentials aside, which are checked per account when it connects).
pub fn validate(paths: &Paths) -> Result<Config, ConfigError> {
    load(paths)
}

/// Every key the file accepts, as dotted paths with `<name>` (account) and `<chat_id>` (group)
/// placeholders, in schema order.
pub fn known_keys() -> Vec<&'static str> {
    schema::all_paths()
        .iter()
        .filter(|(_, leaf)| *leaf)
        .map(|(path, _)| path.as_str())
        .collect()
}
