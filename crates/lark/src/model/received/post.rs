//! Received rich text (`post`). It arrives either flat (`{"title","content"}`) or wrapped in a
//! locale (`{"zh_cn":{...}}`); both are unwrapped, preferring zh_cn, then en_us, then ja_jp.

use serde_json::{Map, Value};

use crate::model::{FileKey, ImageKey};

/// A post: a title and paragraphs of inline elements.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Post {
    pub title: Option<String>,
    /// The locale it was wrapped in, if it was.
    pub locale: Option<String>,
    pub paragraphs: Vec<Vec<PostElement>>,
}

/// One inline element of a post.
#[derive(Debug, Clone, PartialEq)]
pub enum PostElement {
    /// `style` holds `bold`, `italic`, `underline`, `lineThrough`.
    Text {
        text: String,
        style: Vec<String>,
    },
    Link {
        text: String,
        href: String,
    },
    /// `user_id` is an open id, a placeholder (`@_user_1`) or `all`.
    At {
        user_id: String,
        user_name: Option<String>,
    },
    Image {
        image_key: ImageKey,
    },
    Media {
        file_key: FileKey,
        image_key: Option<ImageKey>,
    },
    CodeBlock {
        language: String,
        text: String,
    },
    Hr,
    Emotion {
        emoji_type: String,
    },
    Markdown {
        text: String,
    },
    /// A tag this crate does not know, kept whole.
    Other {
        tag: String,
        raw: Value,
    },
}

const LOCALES: [&str; 3] = ["zh_cn", "en_us", "ja_jp"];

impl Post {
    /// Parses flat or locale-wrapped post JSON; `None` if it is neither.
    pub fn from_value(v: &Value) -> Option<Post> {
        let obj = v.as_object()?;
        if obj.contains_key("content") || obj.contains_key("title") {
            return Some(Post::from_body(obj, None));
        }
        let (locale, body) = LOCALES
            .iter()
            .find_map(|l| Some((*l, obj.get(*l)?.as_object()?)))
            .or_else(|| {
                obj.iter()
                    .find_map(|(k, v)| Some((k.as_str(), v.as_object()?)))
            })?;
        Some(Post::from_body(body, Some(locale.to_owned())))
    }

    fn from_body(body: &Map<String, Value>, locale: Option<String>) -> Post {
        let title = str_field(body, "title").filter(|t| !t.is_empty());
        let paragraphs = body
            .get("content")
            .and_then(Value::as_array)
            .map(|ps| {
                ps.iter()
                    .filter_map(Value::as_array)
                    .map(|p| p.iter().filter_map(PostElement::from_value).collect())
                    .collect()
            })
            .unwrap_or_default();
        Post {
            title,
            locale,
            paragraphs,
        }
    }

    pub fn elements(&self) -> impl Iterator<Item = &PostElement> {
        self.paragraphs.iter().flatten()
    }
}

fn str_field(o: &Map<String, Value>, k: &str) -> Option<String> {
    o.get(k).and_then(Value::as_str).map(str::to_owned)
}

impl PostElement {
    fn from_value(v: &Value) -> Option<PostElement> {
        let o = v.as_object()?;
        let tag = o.get("tag").and_then(Value::as_str).unwrap_or_default();
        let s = |k: &str| str_field(o, k).unwrap_or_default();
        let other = || PostElement::Other {
            tag: tag.to_owned(),
            raw: v.clone(),
        };
        Some(match tag {
            "text" => PostElement::Text {
                text: s("text"),
                style: o
                    .get("style")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(|x| x.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default(),
            },
            "a" => PostElement::Link {
                text: s("text"),
                href: s("href"),
            },
            "at" => PostElement::At {
                user_id: s("user_id"),
                user_name: str_field(o, "user_name").filter(|n| !n.is_empty()),
            },
            "img" => match str_field(o, "image_key") {
                Some(k) if !k.is_empty() => PostElement::Image {
                    image_key: k.into(),
                },
                _ => other(),
            },
            "media" => match str_field(o, "file_key") {
                Some(k) if !k.is_empty() => PostElement::Media {
                    file_key: k.into(),
                    image_key: str_field(o, "image_key")
                        .filter(|k| !k.is_empty())
                        .map(ImageKey::from),
                },
                _ => other(),
            },
            "code_block" => PostElement::CodeBlock {
                language: s("language"),
                text: s("text"),
            },
            "hr" => PostElement::Hr,
            "emotion" => PostElement::Emotion {
                emoji_type: s("emoji_type"),
            },
            "md" => PostElement::Markdown { text: s("text") },
            _ => other(),
        })
    }
}
