//! `openclaw config set|get|unset|path|validate`.

use anyhow::{Result, anyhow};
use openclaw_config::{Paths, edit};

use crate::ConfigCmd;

pub fn run(paths: &Paths, cmd: ConfigCmd) -> Result<()> {
    let file = &paths.config_file;
    match cmd {
        ConfigCmd::Set { key, value } => {
            let v = edit::parse_cli_value(&value);
            edit::set(file, &key, v.clone()).map_err(|e| anyhow!("{e}"))?;
            let shown = edit::redact_for_display(&key, &v);
            println!("{key} = {shown} ({})", file.display());
        }
        ConfigCmd::Get { key } => match edit::get(file, &key).map_err(|e| anyhow!("{e}"))? {
            Some(v) => {
                let shown = edit::redact_for_display(&key, &v);
                match shown {
                    serde_json::Value::String(s) => println!("{s}"),
                    other => println!("{}", serde_json::to_string_pretty(&other)?),
                }
            }
            None => return Err(anyhow!("{key} is not set in {}", file.display())),
        },
        ConfigCmd::Unset { key } => {
            if edit::unset(file, &key).map_err(|e| anyhow!("{e}"))? {
                println!("removed {key} ({})", file.display());
            } else {
                println!("{key} was not set ({})", file.display());
            }
        }
        ConfigCmd::Path => println!("{}", file.display()),
        ConfigCmd::Validate => {
            let config = openclaw_config::validate(paths).map_err(|e| anyhow!("{e}"))?;
            let mut missing = Vec::new();
            for a in config.lark.accounts.iter().filter(|a| a.enabled) {
                if let Err(e) = a.credentials() {
                    missing.push(e.to_string());
                }
            }
            if missing.is_empty() {
                println!("OK: {} is valid", file.display());
            } else {
                println!("{} is valid, but not ready to run:", file.display());
                for m in &missing {
                    println!("  - {m}");
                }
                return Err(anyhow!("{} account(s) lack credentials", missing.len()));
            }
        }
    }
    Ok(())
}
