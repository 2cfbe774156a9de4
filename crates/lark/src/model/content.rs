//! OUTBOUND message content: what a send, reply or edit carries, as Rust types with builders.
//!
//! Each [`Content`] knows its `msg_type` and encodes to the JSON *string* the platform expects in
//! `content` (PROTOCOL §6). Size limits are checked here, before anything is sent, so an oversized
//! message fails with a clear [`Error::InvalidArgument`] instead of an opaque 230001 from the server.
//! Inbound content (what users send) is parsed elsewhere (`model::received`).

use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::{ChatId, FileKey, ImageKey, OpenId};

/// Text bodies up to 150 KB are accepted (GO `CreateMessageReqBody`).
pub const TEXT_LIMIT: usize = 150 * 1024;
/// Post and card bodies up to 30 KB are accepted.
pub const POST_CARD_LIMIT: usize = 30 * 1024;

/// The content of a message.
#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    Text(Text),
    Post(Post),
    Image {
        image_key: ImageKey,
    },
    File {
        file_key: FileKey,
    },
    /// An opus file uploaded with `file_type=opus`.
    Audio {
        file_key: FileKey,
    },
    /// A video (mp4), with an optional cover image.
    Media {
        file_key: FileKey,
        image_key: Option<ImageKey>,
    },
    Sticker {
        file_key: FileKey,
    },
    Interactive(Card),
    ShareChat {
        chat_id: ChatId,
    },
    ShareUser {
        user_id: OpenId,
    },
}

impl Content {
    /// Plain text (may contain `<at user_id="...">name</at>` tags).
    pub fn text(text: impl Into<String>) -> Content {
        Content::Text(Text::new(text))
    }

    pub fn image(image_key: impl Into<ImageKey>) -> Content {
        Content::Image {
            image_key: image_key.into(),
        }
    }

    pub fn file(file_key: impl Into<FileKey>) -> Content {
        Content::File {
            file_key: file_key.into(),
        }
    }

    /// A card from user-supplied JSON (v1 `{header, elements}` or v2 `{schema:"2.0", body}`).
    pub fn card(card: serde_json::Value) -> Content {
        Content::Interactive(Card::Json(card))
    }

    /// The `msg_type` of a send.
    pub fn msg_type(&self) -> &'static str {
        match self {
            Content::Text(_) => "text",
            Content::Post(_) => "post",
            Content::Image { .. } => "image",
            Content::File { .. } => "file",
            Content::Audio { .. } => "audio",
            Content::Media { .. } => "media",
            Content::Sticker { .. } => "sticker",
            Content::Interactive(_) => "interactive",
            Content::ShareChat { .. } => "share_chat",
            Content::ShareUser { .. } => "share_user",
        }
    }

    /// The JSON string that goes in the request's `content` field.
    pub fn to_json_string(&self) -> String {
        #[derive(Serialize)]
        struct Key<'a> {
            #[serde(skip_serializing_if = "Option::is_none")]
            file_key: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            image_key: Option<&'a str>,
        }
        let key = |file: Option<&FileKey>, image: Option<&ImageKey>| {
            to_string(&Key {
                file_key: file.map(|k| k.as_str()),
                image_key: image.map(|k| k.as_str()),
            })
        };
        match self {
            Content::Text(t) => to_string(&serde_json::json!({ "text": t.as_str() })),
            Content::Post(p) => to_string(p),
            Content::Image { image_key } => key(None, Some(image_key)),
            Content::File { file_key }
            | Content::Audio { file_key }
            | Content::Sticker { file_key } => key(Some(file_key), None),
            Content::Media {
                file_key,
                image_key,
            } => key(Some(file_key), image_key.as_ref()),
            Content::Interactive(card) => card.to_json_string(),
            Content::ShareChat { chat_id } => {
                to_string(&serde_json::json!({ "chat_id": chat_id.as_str() }))
            }
            Content::ShareUser { user_id } => {
                to_string(&serde_json::json!({ "user_id": user_id.as_str() }))
            }
        }
    }

    /// Refuses content over the platform's body limits (text 150 KB, post and card 30 KB).
    ///
    /// The size counted is that of `content` as it travels inside the JSON body (escaped again),
    /// which is what the platform measures, give or take the few bytes of the other fields.
    pub fn check_size(&self) -> Result<()> {
        let limit = match self {
            Content::Text(_) => TEXT_LIMIT,
            Content::Post(_) | Content::Interactive(_) => POST_CARD_LIMIT,
            _ => return Ok(()),
        };
        let encoded = to_string(&self.to_json_string()).len();
        if encoded > limit {
            return Err(Error::InvalidArgument(format!(
                "{} content is {encoded} bytes; the platform's limit for {} messages is {} KB",
                self.msg_type(),
                self.msg_type(),
                limit / 1024
            )));
        }
        Ok(())
    }
}

impl From<&str> for Content {
    fn from(s: &str) -> Self {
        Content::text(s)
    }
}

impl From<String> for Content {
    fn from(s: String) -> Self {
        Content::text(s)
    }
}

impl From<Text> for Content {
    fn from(t: Text) -> Self {
        Content::Text(t)
    }
}

impl From<Post> for Content {
    fn from(p: Post) -> Self {
        Content::Post(p)
    }
}

impl From<Card> for Content {
    fn from(c: Card) -> Self {
        Content::Interactive(c)
    }
}

/// Our own types and `serde_json::Value` always serialize; a failure would be a bug here.
pub(crate) fn to_string<T: Serialize + ?Sized>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// A text message, built piece by piece with mentions.
///
/// ```
/// use lark::model::content::Text;
/// let t = Text::new("hi ").at("ou_1", "Ada").push(" and ").at_all();
/// assert_eq!(t.as_str(), r#"hi <at user_id="ou_1">Ada</at> and <at user_id="all"></at>"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Text(String);

impl Text {
    pub fn new(text: impl Into<String>) -> Text {
        Text(text.into())
    }

    /// Appends plain text.
    pub fn push(mut self, text: &str) -> Text {
        self.0.push_str(text);
        self
    }

    /// Appends a mention of `user_id` (an open id) shown as `name`.
    pub fn at(mut self, user_id: &str, name: &str) -> Text {
        self.0
            .push_str(&format!("<at user_id=\"{user_id}\">{name}</at>"));
        self
    }

    /// Appends a mention of everyone in the chat.
    pub fn at_all(mut self) -> Text {
        self.0.push_str("<at user_id=\"all\"></at>");
        self
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

mod card;
mod post;
#[cfg(test)]
mod tests;

pub use card::Card;
pub use post::{Post, PostElement, PostLocale, TextStyle};
