//! Rich-text posts: locales, a title, paragraphs of elements (PROTOCOL §6, GO `ext_model.go`).
//!
//! ```
//! use lark::model::content::{Post, PostElement as E, PostLocale, TextStyle};
//! let post = Post::new().zh_cn(
//!     PostLocale::new("Release")
//!         .paragraph(vec![E::text("v1 is "), E::styled("out", &[TextStyle::Bold])])
//!         .paragraph(vec![E::link("notes", "https://example.com"), E::at("ou_1", "Ada")]),
//! );
//! assert!(post.to_json_string().starts_with(r#"{"zh_cn":{"title":"Release","content":[["#));
//! ```

use serde::{Deserialize, Serialize};

/// A post in one or more languages; the client shows the one matching the reader's language.
/// Deserializable too, so a recorded reply (an outbox) can be read back and sent as it was.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Post {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zh_cn: Option<PostLocale>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub en_us: Option<PostLocale>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ja_jp: Option<PostLocale>,
}

impl Post {
    pub fn new() -> Post {
        Post::default()
    }

    pub fn zh_cn(mut self, locale: PostLocale) -> Post {
        self.zh_cn = Some(locale);
        self
    }

    pub fn en_us(mut self, locale: PostLocale) -> Post {
        self.en_us = Some(locale);
        self
    }

    pub fn ja_jp(mut self, locale: PostLocale) -> Post {
        self.ja_jp = Some(locale);
        self
    }

    /// One locale (zh_cn, which every client falls back to) with a title and paragraphs.
    pub fn single(title: impl Into<String>, paragraphs: Vec<Vec<PostElement>>) -> Post {
        Post::new().zh_cn(PostLocale {
            title: title.into(),
            content: paragraphs,
        })
    }

    /// Markdown in one `md` element, the way the official channel sends formatted replies.
    pub fn markdown(markdown: impl Into<String>) -> Post {
        Post::single("", vec![vec![PostElement::md(markdown)]])
    }

    pub fn to_json_string(&self) -> String {
        super::to_string(self)
    }
}

/// The post in one language.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PostLocale {
    #[serde(default)]
    pub title: String,
    /// Paragraphs; each is a line of elements.
    pub content: Vec<Vec<PostElement>>,
}

impl PostLocale {
    pub fn new(title: impl Into<String>) -> PostLocale {
        PostLocale {
            title: title.into(),
            content: Vec::new(),
        }
    }

    pub fn paragraph(mut self, elements: Vec<PostElement>) -> PostLocale {
        self.content.push(elements);
        self
    }
}

/// A text style of `text` and `a` elements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TextStyle {
    #[serde(rename = "bold")]
    Bold,
    #[serde(rename = "italic")]
    Italic,
    #[serde(rename = "underline")]
    Underline,
    #[serde(rename = "lineThrough")]
    LineThrough,
}

/// One element of a post paragraph, tagged by `tag`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "tag", rename_all = "snake_case")]
pub enum PostElement {
    Text {
        text: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        style: Vec<TextStyle>,
        /// Sends `&lt;` and friends unescaped when true.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        un_escape: Option<bool>,
    },
    A {
        text: String,
        href: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        style: Vec<TextStyle>,
    },
    At {
        /// An open id, or `all`.
        user_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        user_name: Option<String>,
    },
    Img {
        image_key: String,
    },
    Media {
        file_key: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        image_key: Option<String>,
    },
    /// Markdown, rendered by the client (NODE `to-post.ts`).
    Md {
        text: String,
    },
    CodeBlock {
        language: String,
        text: String,
    },
    Hr,
    Emotion {
        emoji_type: String,
    },
}

impl PostElement {
    pub fn text(text: impl Into<String>) -> PostElement {
        PostElement::styled(text, &[])
    }

    pub fn styled(text: impl Into<String>, style: &[TextStyle]) -> PostElement {
        PostElement::Text {
            text: text.into(),
            style: style.to_vec(),
            un_escape: None,
        }
    }

    pub fn link(text: impl Into<String>, href: impl Into<String>) -> PostElement {
        PostElement::A {
            text: text.into(),
            href: href.into(),
            style: Vec::new(),
        }
    }

    pub fn at(user_id: impl Into<String>, user_name: impl Into<String>) -> PostElement {
        PostElement::At {
            user_id: user_id.into(),
            user_name: Some(user_name.into()),
        }
    }

    pub fn at_all() -> PostElement {
        PostElement::At {
            user_id: "all".to_owned(),
            user_name: None,
        }
    }

    pub fn img(image_key: impl Into<String>) -> PostElement {
        PostElement::Img {
            image_key: image_key.into(),
        }
    }

    pub fn media(file_key: impl Into<String>, cover: Option<String>) -> PostElement {
        PostElement::Media {
            file_key: file_key.into(),
            image_key: cover,
        }
    }

    pub fn md(markdown: impl Into<String>) -> PostElement {
        PostElement::Md {
            text: markdown.into(),
        }
    }

    pub fn code_block(language: impl Into<String>, code: impl Into<String>) -> PostElement {
        PostElement::CodeBlock {
            language: language.into(),
            text: code.into(),
        }
    }

    pub fn hr() -> PostElement {
        PostElement::Hr
    }

    pub fn emotion(emoji_type: impl Into<String>) -> PostElement {
        PostElement::Emotion {
            emoji_type: emoji_type.into(),
        }
    }
}
