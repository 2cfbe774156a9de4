//! One module per command group.

pub mod channels;
pub mod config;
pub mod cron;
pub mod doctor;
pub mod gateway;
pub mod login;
pub mod logs;
pub mod mcp;
pub mod message;
pub mod pairing;
pub mod service;
mod sim;
pub mod tool_cli;

use anyhow::{Context, Result, anyhow};
use openclaw_config::{Account, Config, Paths};

/// Loads the config, with the file's path in any error.
pub fn load(paths: &Paths) -> Result<Config> {
    openclaw_config::load(paths).map_err(|e| anyhow!("{e}"))
}

/// The account named `name`, or the default one (`defaultAccount`, else the first enabled).
pub fn pick_account<'a>(config: &'a Config, name: Option<&str>) -> Result<&'a Account> {
    let accounts = &config.lark.accounts;
    match name {
        Some(n) => accounts.iter().find(|a| a.id == n).with_context(|| {
            let known: Vec<&str> = accounts.iter().map(|a| a.id.as_str()).collect();
            format!("no account named {n:?} (configured: {})", known.join(", "))
        }),
        None => accounts
            .iter()
            .find(|a| config.lark.default_account.as_deref() == Some(a.id.as_str()))
            .or_else(|| accounts.iter().find(|a| a.enabled))
            .or_else(|| accounts.first())
            .context("no Lark account is configured: set channels.lark.appId and channels.lark.appSecret (or LARK_APP_ID and LARK_APP_SECRET)"),
    }
}
