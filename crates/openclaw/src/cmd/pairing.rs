//! `openclaw pairing list|approve|reject lark`: DM pairing requests in the gateway's store
//! (shared with a running gateway through SQLite's WAL, or PostgreSQL).

use std::sync::Arc;

use anyhow::{Result, anyhow, bail};
use lark::model::ReceiveId;
use lark::model::content::Content;
use openclaw_config::Paths;
use openclaw_gateway::store::{Store, now_ms};
use serde_json::json;

use crate::PairingCmd;

fn check_channel(channel: &str) -> Result<()> {
    if channel != "lark" && channel != "feishu" {
        bail!("unknown channel {channel:?}: this gateway pairs on \"lark\"");
    }
    Ok(())
}

/// The gateway's store: PostgreSQL when `store.url` (or `OPENCLAW_DATABASE_URL`) says so, else
/// the SQLite file in the state dir.
async fn open_store(paths: &Paths) -> Result<Arc<dyn Store>> {
    // A config that does not load still leaves the SQLite file (and the env URL) usable.
    let url = super::load(paths).ok().and_then(|c| c.store.url);
    openclaw_gateway::store::open(url.as_deref(), &paths.state_dir)
        .await
        .map_err(|e| anyhow!("{e}"))
}

pub async fn run(paths: &Paths, cmd: PairingCmd) -> Result<()> {
    match cmd {
        PairingCmd::List {
            channel,
            json: as_json,
        } => {
            check_channel(&channel)?;
            let pending = open_store(paths)
                .await?
                .pending_pairings(None, now_ms())
                .await
                .map_err(|e| anyhow!("{e}"))?;
            if as_json {
                let items: Vec<_> = pending
                    .iter()
                    .map(|p| json!({"code": p.code, "account": p.account, "openId": p.open_id,
                        "chatId": p.chat_id, "createdAtMs": p.created_at_ms, "expiresAtMs": p.expires_at_ms}))
                    .collect();
                println!("{}", serde_json::to_string_pretty(&items)?);
            } else if pending.is_empty() {
                println!("No pending pairing requests.");
            } else {
                println!("Pending pairing requests:");
                for p in &pending {
                    let mins = ((p.expires_at_ms - now_ms()) / 60_000).max(0);
                    println!(
                        "  {}  account {}  user {}  (expires in {mins} min)",
                        p.code, p.account, p.open_id
                    );
                }
                println!("Approve one with: openclaw pairing approve lark <CODE>");
            }
        }
        PairingCmd::Approve {
            channel,
            code,
            notify,
        } => {
            check_channel(&channel)?;
            let Some(p) = open_store(paths)
                .await?
                .decide_pairing(&code, true, now_ms())
                .await
                .map_err(|e| anyhow!("{e}"))?
            else {
                bail!(
                    "no pending pairing request with code {code} (expired, already decided, or mistyped; see openclaw pairing list lark)"
                );
            };
            println!("Approved {} on account {}.", p.open_id, p.account);
            if notify {
                let config = super::load(paths)?;
                let account = super::pick_account(&config, Some(&p.account))?;
                let client =
                    openclaw_gateway::account::client_for(account).map_err(|e| anyhow!("{e}"))?;
                let to = ReceiveId::infer(p.chat_id.as_deref().unwrap_or(&p.open_id));
                let uuid = openclaw_gateway::outbound::send_uuid(&p.account, &p.code, "approved");
                client
                    .send_message(
                        &to,
                        &Content::text("You're in: your pairing was approved. Write me anytime."),
                        Some(&uuid),
                    )
                    .await
                    .map_err(|e| anyhow!("approved, but telling the user failed: {e}"))?;
                println!("Told them they are in.");
            }
        }
        PairingCmd::Reject { channel, code } => {
            check_channel(&channel)?;
            let Some(p) = open_store(paths)
                .await?
                .decide_pairing(&code, false, now_ms())
                .await
                .map_err(|e| anyhow!("{e}"))?
            else {
                bail!("no pending pairing request with code {code}");
            };
            println!("Rejected {} on account {}.", p.open_id, p.account);
        }
    }
    Ok(())
}
