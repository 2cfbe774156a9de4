//! `openclaw message <action> --json '{...}' [--account NAME]`: any action of the `message` tool
//! from the command line, the result printed as JSON (`openclaw message send` keeps its flags).

use std::sync::Arc;

use anyhow::{Result, anyhow, bail};
use openclaw_config::Paths;
use openclaw_tools::progress::TerminalProgress;
use openclaw_tools::{ToolGroups, ToolSettings, Tools};
use serde_json::Value;

/// The tools on the chosen account; local files may come from the working directory and the
/// temp dir. `OPENCLAW_ALLOW_PRIVATE_URLS=1` lets document images come from private addresses.
pub fn tools_for(paths: &Paths, account: Option<&str>) -> Result<Tools> {
    let config = super::load(paths)?;
    let account = super::pick_account(&config, account)?;
    let client = openclaw_gateway::account::client_for(account).map_err(|e| anyhow!("{e}"))?;
    let mut roots = vec![std::env::temp_dir()];
    if let Ok(cwd) = std::env::current_dir() {
        roots.push(cwd);
    }
    let settings = ToolSettings {
        roots,
        allow_private_urls: std::env::var("OPENCLAW_ALLOW_PRIVATE_URLS").is_ok_and(|v| v == "1"),
        progress: Some(Arc::new(TerminalProgress)),
        // The account's `tools.<group>` switches hold at every door (this CLI and `mcp` too).
        groups: ToolGroups::from_switches(&account.openclaw.tools, account.openclaw.reactions),
        ..ToolSettings::default()
    };
    Ok(Tools::new(client, settings))
}

/// Runs `argv` = `[action, --json, JSON, --account, NAME]`.
pub async fn run(paths: &Paths, argv: Vec<String>) -> Result<()> {
    let mut it = argv.into_iter();
    let Some(action) = it.next() else {
        bail!("give an action: openclaw message <action> --json '{{...}}'");
    };
    let (mut json, mut account) = (None, None);
    while let Some(arg) = it.next() {
        match arg.split_once('=') {
            Some(("--json", v)) => json = Some(v.to_owned()),
            Some(("--account", v)) => account = Some(v.to_owned()),
            _ if arg == "--json" => json = it.next(),
            _ if arg == "--account" => account = it.next(),
            _ => bail!(
                "unexpected argument {arg:?}: use openclaw message {action} --json '{{...}}' [--account NAME]"
            ),
        }
    }
    let mut input: Value = match json.as_deref() {
        Some(j) => serde_json::from_str(j).map_err(|e| anyhow!("--json is not valid JSON: {e}"))?,
        None => Value::Object(Default::default()),
    };
    let Some(obj) = input.as_object_mut() else {
        bail!("--json must be a JSON object");
    };
    // The action on the command line wins, unless the JSON is the document's duplicated-key
    // permission call (`add`/`list`/`remove` with a docToken), which dispatch recognizes.
    if !(obj.contains_key("docToken") && obj.contains_key("action")) {
        obj.insert("action".into(), Value::String(action));
    }
    let tools = tools_for(paths, account.as_deref())?;
    let out = tools.dispatch(input).await;
    match out.result {
        Ok(v) => {
            println!(
                "{}",
                serde_json::to_string_pretty(&v).unwrap_or_else(|_| v.to_string())
            );
            Ok(())
        }
        Err(e) => bail!("{e}"),
    }
}
