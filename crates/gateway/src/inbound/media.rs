//! Attachments a user sent (images, files, voice, video, post-embedded media) are downloaded
//! before the turn, so the agent gets local paths. DMs go to `chatdownload/` in the workspace,
//! groups to a temporary folder per chat; both are settable. A failed download is told to the
//! agent in words, never dropped silently.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use lark::api::resources::ResourceType;
use lark::model::event::MessageReceived;
use lark::model::received::{Resource, ResourceKind};
use openclaw_agent::MediaFile;

use crate::account::AccountRt;
use crate::runtime::Ctx;

/// The folder a chat's downloads go to.
pub fn download_dir(ctx: &Ctx, account: &AccountRt, is_dm: bool, chat_id: &str) -> PathBuf {
    if is_dm {
        account.cfg.dm_download_dir.clone().unwrap_or_else(|| {
            crate::runtime::workspace(&ctx.agent_config, &ctx.state_dir).join("chatdownload")
        })
    } else {
        account
            .cfg
            .group_download_dir
            .clone()
            .unwrap_or_else(|| std::env::temp_dir().join("openclaw").join("chatdownload"))
            .join(safe(chat_id))
    }
}

/// Keeps ids and file names to characters that are safe in a path.
fn safe(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    cleaned.trim_start_matches('.').chars().take(120).collect()
}

/// The extension a file's first bytes say it has, for images that come without a name.
fn sniff(path: &Path) -> Option<&'static str> {
    use std::io::Read;
    let mut head = [0u8; 12];
    let n = std::fs::File::open(path).ok()?.read(&mut head).ok()?;
    let h = &head[..n];
    Some(if h.starts_with(b"\x89PNG") {
        "png"
    } else if h.starts_with(b"\xff\xd8\xff") {
        "jpg"
    } else if h.starts_with(b"GIF8") {
        "gif"
    } else if h.len() >= 12 && &h[..4] == b"RIFF" && &h[8..12] == b"WEBP" {
        "webp"
    } else {
        return None;
    })
}

fn kind_name(kind: ResourceKind) -> &'static str {
    match kind {
        ResourceKind::Image => "image",
        ResourceKind::File => "file",
        ResourceKind::Audio => "audio",
        ResourceKind::Media => "video",
    }
}

/// Downloads every resource of the message; returns the files and the failures in words.
pub async fn download_all(
    ctx: &Arc<Ctx>,
    account: &Arc<AccountRt>,
    msg: &MessageReceived,
    is_dm: bool,
    resources: &[Resource],
) -> (Vec<MediaFile>, Vec<String>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    if resources.is_empty() {
        return (files, errors);
    }
    let dir = download_dir(ctx, account, is_dm, msg.chat_id.as_str());
    if let Err(e) = tokio::fs::create_dir_all(&dir).await {
        errors.push(format!(
            "the attachments could not be saved: cannot create {}: {e}",
            dir.display()
        ));
        return (files, errors);
    }
    for r in resources {
        let kind = kind_name(r.kind);
        let name = match &r.file_name {
            Some(n) => format!("{}_{}", safe(msg.message_id.as_str()), safe(n)),
            None => format!("{}_{}", safe(msg.message_id.as_str()), safe(&r.key)),
        };
        let mut path = dir.join(name);
        let ty = match r.kind {
            ResourceKind::Image => ResourceType::Image,
            _ => ResourceType::File,
        };
        match account
            .client
            .download_resource_to_file(&msg.message_id, &r.key, ty, &path)
            .await
        {
            Ok(size) if size > account.cfg.media_max_bytes => {
                let _ = tokio::fs::remove_file(&path).await;
                errors.push(format!(
                    "the {kind} {} is {size} bytes, over the {} MB limit (channels.lark.mediaMaxMb), and was not downloaded",
                    r.file_name.as_deref().unwrap_or(&r.key),
                    account.cfg.media_max_bytes / (1024 * 1024)
                ));
            }
            Ok(_) => {
                if r.file_name.is_none()
                    && let Some(ext) = sniff(&path)
                {
                    let named = path.with_extension(ext);
                    if tokio::fs::rename(&path, &named).await.is_ok() {
                        path = named;
                    }
                }
                files.push(MediaFile {
                    path,
                    kind: kind.to_owned(),
                    file_name: r.file_name.clone(),
                });
            }
            Err(e) => {
                tracing::warn!(target: "lark", "[{}] download of {kind} {} failed: {e}", account.id(), r.key);
                errors.push(format!(
                    "the {kind} {} could not be downloaded: {e}",
                    r.file_name.as_deref().unwrap_or(&r.key)
                ));
            }
        }
    }
    (files, errors)
}
