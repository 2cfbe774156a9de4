//! `openclaw message send`: one message to a chat or a user, as text, markdown (a post), a
//! card, an image or a file; prints the message id (or JSON with `--json`).

use anyhow::{Context, Result, anyhow, bail};
use lark::api::files::UploadFile;
use lark::api::images::ImageType;
use lark::model::ReceiveId;
use lark::model::content::Content;
use openclaw_config::Paths;
use serde_json::json;

use crate::SendArgs;

pub async fn send(paths: &Paths, args: SendArgs) -> Result<()> {
    if let Some(Some(params)) = &args.json {
        if args.to.is_some() || args.message.is_some() {
            bail!(
                "give either --json '{{...}}' (the send action's parameters) or --to/--message, not both"
            );
        }
        let mut argv = vec!["send".to_owned(), "--json".to_owned(), params.clone()];
        if let Some(account) = &args.account {
            argv.extend(["--account".to_owned(), account.clone()]);
        }
        return super::tool_cli::run(paths, argv).await;
    }
    let Some(to_text) = args.to.clone() else {
        bail!("give --to (a chat or user) and --message, or --json '{{...}}'");
    };
    let config = super::load(paths)?;
    let account = super::pick_account(&config, args.account.as_deref())?;
    let client = openclaw_gateway::account::client_for(account).map_err(|e| anyhow!("{e}"))?;
    let kinds = [
        args.card.is_some(),
        args.image.is_some(),
        args.file.is_some(),
    ]
    .iter()
    .filter(|k| **k)
    .count();
    if kinds > 1 {
        bail!("choose one of --card, --image and --file");
    }
    let content = if let Some(card) = &args.card {
        let text = std::fs::read_to_string(card)
            .with_context(|| format!("cannot read the card file {}", card.display()))?;
        let value: serde_json::Value = serde_json::from_str(&text)
            .with_context(|| format!("{} is not JSON", card.display()))?;
        Content::card(value)
    } else if let Some(image) = &args.image {
        let key = client
            .upload_image(image.as_path(), ImageType::Message)
            .await
            .map_err(|e| anyhow!("uploading {} failed: {e}", image.display()))?;
        Content::image(key)
    } else if let Some(file) = &args.file {
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "file".into());
        let key = client
            .upload_file(UploadFile::new(file.as_path()).file_name(name))
            .await
            .map_err(|e| anyhow!("uploading {} failed: {e}", file.display()))?;
        Content::file(key)
    } else {
        let Some(text) = &args.message else {
            bail!("nothing to send: give --message TEXT (or --card, --image, --file)");
        };
        if args.markdown {
            Content::Post(openclaw_format::outbound::markdown_post(text))
        } else {
            Content::text(text.as_str())
        }
    };
    let to = ReceiveId::infer(&to_text);
    // One uuid per invocation: the client's retries can never post the message twice.
    let uuid = uuid::Uuid::new_v4().to_string();
    let sent = client
        .send_message(&to, &content, Some(&uuid))
        .await
        .map_err(|e| {
            anyhow!(
                "sending to {} failed: {e}{}",
                to_text,
                openclaw_gateway::probe::explain(&e)
            )
        })?;
    if args.json.is_some() {
        println!(
            "{}",
            json!({
                "ok": true,
                "messageId": sent.message_id.to_string(),
                "chatId": sent.chat_id.as_ref().map(|c| c.to_string()),
                "account": account.id,
            })
        );
    } else {
        println!("{}", sent.message_id);
    }
    Ok(())
}
