//! Inbound message content: the `content` JSON string of a received message, typed by its
//! `message_type` (PROTOCOL §2.4), rendered as text for an agent, with the files it references.
//!
//! Parsing never fails: content this crate cannot read (an unknown type, or JSON that does not
//! fit its type) becomes [`ReceivedContent::Other`] with the raw string, so a new message type
//! on the platform degrades to a placeholder instead of a lost message.

mod card;
mod forward;
mod post;
mod render;

use serde_json::Value;

pub use forward::{ForwardedMessage, render_forwarded};
pub use post::{Post, PostElement};

use crate::model::{ChatId, FileKey, ImageKey};

/// A received message's content.
#[derive(Debug, Clone, PartialEq)]
pub enum ReceivedContent {
    /// Mentions appear as `@_user_N` placeholders; resolve them with the event's mentions.
    Text {
        text: String,
    },
    Post(Post),
    Image {
        image_key: ImageKey,
    },
    File {
        file_key: FileKey,
        file_name: Option<String>,
    },
    /// A voice message (opus).
    Audio {
        file_key: FileKey,
        duration_ms: Option<u64>,
    },
    /// A video, with its cover image.
    Media {
        file_key: FileKey,
        image_key: Option<ImageKey>,
        file_name: Option<String>,
        duration_ms: Option<u64>,
    },
    Sticker {
        file_key: FileKey,
    },
    /// A card; `title` and `text` are what a reader sees, `card` the card JSON.
    Interactive {
        title: Option<String>,
        text: Vec<String>,
        card: Value,
    },
    ShareChat {
        chat_id: ChatId,
    },
    ShareUser {
        user_id: String,
    },
    Location {
        name: Option<String>,
        latitude: Option<String>,
        longitude: Option<String>,
    },
    /// A system notice; `text` is the template with its `{placeholders}` filled.
    System {
        text: String,
        raw: Value,
    },
    /// Merged and forwarded messages. The children are not in the event: fetch them with
    /// `GET /im/v1/messages/:message_id` and render them with [`render_forwarded`].
    MergeForward {
        raw: String,
    },
    /// Any other type (todo, vote, calendar, hongbao, ...) or content that did not parse.
    Other {
        msg_type: String,
        raw: String,
    },
}

/// What a download of a resource needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResourceKind {
    Image,
    File,
    Audio,
    Media,
}

impl ResourceKind {
    /// The `type` query parameter of `GET /im/v1/messages/:id/resources/:key`: images are
    /// `image`, and files, audio and video are all `file`.
    pub fn download_type(self) -> &'static str {
        match self {
            ResourceKind::Image => "image",
            _ => "file",
        }
    }
}

/// A file or image a message references, to download with the message id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    /// The `image_key` or `file_key`.
    pub key: String,
    pub kind: ResourceKind,
    pub file_name: Option<String>,
}

impl ReceivedContent {
    /// Parses `content` for `message_type`. Never fails; see the module docs.
    pub fn parse(message_type: &str, content: &str) -> ReceivedContent {
        let other = || ReceivedContent::Other {
            msg_type: message_type.to_owned(),
            raw: content.to_owned(),
        };
        if message_type == "merge_forward" {
            return ReceivedContent::MergeForward {
                raw: content.to_owned(),
            };
        }
        let Ok(v) = serde_json::from_str::<Value>(content) else {
            return other();
        };
        parse_value(message_type, v).unwrap_or_else(other)
    }

    /// The content as readable text for an agent: posts as markdown-ish lines with links,
    /// media as `[image img_xxx]`-style references. `@_user_N` placeholders are left as they
    /// are; [`crate::model::event::MessageReceived::text_with_mentions_resolved`] resolves them.
    pub fn to_agent_text(&self) -> String {
        self.render(&|user_id: &str, name: Option<&str>| {
            if user_id == "all" || user_id == "all_members" {
                "@all".to_owned()
            } else if user_id.starts_with("@_") {
                user_id.to_owned()
            } else {
                format!("@{}", name.filter(|n| !n.is_empty()).unwrap_or(user_id))
            }
        })
    }

    /// Every image and file the message references, in order.
    pub fn resources(&self) -> Vec<Resource> {
        let res = |key: &str, kind, file_name: &Option<String>| Resource {
            key: key.to_owned(),
            kind,
            file_name: file_name.clone(),
        };
        match self {
            ReceivedContent::Image { image_key } => {
                vec![res(image_key.as_str(), ResourceKind::Image, &None)]
            }
            ReceivedContent::File {
                file_key,
                file_name,
            } => {
                vec![res(file_key.as_str(), ResourceKind::File, file_name)]
            }
            ReceivedContent::Audio { file_key, .. } => {
                vec![res(file_key.as_str(), ResourceKind::Audio, &None)]
            }
            ReceivedContent::Media {
                file_key,
                file_name,
                ..
            } => vec![res(file_key.as_str(), ResourceKind::Media, file_name)],
            ReceivedContent::Post(p) => p
                .elements()
                .filter_map(|e| match e {
                    PostElement::Image { image_key } => {
                        Some(res(image_key.as_str(), ResourceKind::Image, &None))
                    }
                    PostElement::Media { file_key, .. } => {
                        Some(res(file_key.as_str(), ResourceKind::Media, &None))
                    }
                    _ => None,
                })
                .collect(),
            // Stickers cannot be downloaded through the resource API.
            _ => Vec::new(),
        }
    }

    /// The `user_id` of every post `at` element (open ids, placeholders or `all`).
    pub(crate) fn at_user_ids(&self) -> impl Iterator<Item = &str> {
        let post = match self {
            ReceivedContent::Post(p) => Some(p),
            _ => None,
        };
        post.into_iter()
            .flat_map(|p| p.elements())
            .filter_map(|e| match e {
                PostElement::At { user_id, .. } => Some(user_id.as_str()),
                _ => None,
            })
    }
}

fn s(v: &Value, k: &str) -> Option<String> {
    match v.get(k)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn ms(v: &Value, k: &str) -> Option<u64> {
    match v.get(k)? {
        Value::Number(n) => n.as_u64().or_else(|| n.as_f64().map(|f| f as u64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// `None` when the JSON does not fit the type; the caller keeps it as `Other`.
fn parse_value(message_type: &str, v: Value) -> Option<ReceivedContent> {
    Some(match message_type {
        "text" => ReceivedContent::Text {
            text: v.get("text")?.as_str()?.to_owned(),
        },
        "post" => ReceivedContent::Post(Post::from_value(&v)?),
        "image" => ReceivedContent::Image {
            image_key: s(&v, "image_key")?.into(),
        },
        "file" => ReceivedContent::File {
            file_key: s(&v, "file_key")?.into(),
            file_name: s(&v, "file_name"),
        },
        "audio" => ReceivedContent::Audio {
            file_key: s(&v, "file_key")?.into(),
            duration_ms: ms(&v, "duration"),
        },
        "media" | "video" => ReceivedContent::Media {
            file_key: s(&v, "file_key")?.into(),
            image_key: s(&v, "image_key").map(ImageKey::from),
            file_name: s(&v, "file_name"),
            duration_ms: ms(&v, "duration"),
        },
        "sticker" => ReceivedContent::Sticker {
            file_key: s(&v, "file_key")?.into(),
        },
        "interactive" => {
            // The new form nests the card as a JSON string in `json_card`.
            let card = match v.get("json_card").and_then(Value::as_str) {
                Some(inner) => serde_json::from_str(inner).ok()?,
                None => v,
            };
            if !card.is_object() {
                return None;
            }
            let (title, text) = card::card_text(&card);
            ReceivedContent::Interactive { title, text, card }
        }
        "share_chat" => ReceivedContent::ShareChat {
            chat_id: s(&v, "chat_id")?.into(),
        },
        "share_user" => ReceivedContent::ShareUser {
            user_id: s(&v, "user_id")?,
        },
        "location" => ReceivedContent::Location {
            name: s(&v, "name"),
            latitude: s(&v, "latitude"),
            longitude: s(&v, "longitude"),
        },
        "system" => ReceivedContent::System {
            text: render::fill_template(&v)?,
            raw: v,
        },
        _ => return None,
    })
}
