//! Document comments (`drive/v1/files/{file_token}/comments`): threads on a docx, sheet or
//! file, each a list of replies (the first reply is the comment itself), resolved or open.

use futures::Stream;
use serde::{Deserialize, Serialize};

use crate::api::page::{Page, paginate};
use crate::error::Result;
use crate::http::{Client, Req};
use crate::model::event::de;
use crate::model::{CommentId, ReplyId};
use crate::routes::Route;
use crate::routes::workspace::WorkspaceRoute as W;

/// One piece of a reply: text, a link to a document, or a mention.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReplyElement {
    /// `text_run`, `docs_link` or `person`.
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_run: Option<CommentText>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub docs_link: Option<DocsLink>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person: Option<CommentPerson>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CommentText {
    pub text: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DocsLink {
    pub url: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CommentPerson {
    pub user_id: String,
}

impl ReplyElement {
    pub fn text(text: impl Into<String>) -> ReplyElement {
        ReplyElement {
            kind: "text_run".into(),
            text_run: Some(CommentText { text: text.into() }),
            ..ReplyElement::default()
        }
    }

    pub fn person(open_id: impl Into<String>) -> ReplyElement {
        ReplyElement {
            kind: "person".into(),
            person: Some(CommentPerson {
                user_id: open_id.into(),
            }),
            ..ReplyElement::default()
        }
    }

    /// Text with `<at user_id="ou_xxx">Name</at>` mentions as comment elements.
    pub fn parse(text: &str) -> Vec<ReplyElement> {
        let mut out = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find("<at ") {
            let Some(end) = rest[start..].find("</at>").map(|e| start + e + 5) else {
                break;
            };
            let tag = &rest[start..end];
            let id = tag
                .split(['"', '\''])
                .nth(1)
                .filter(|_| tag.contains("user_id="))
                .unwrap_or("");
            if id.is_empty() {
                break;
            }
            if start > 0 {
                out.push(ReplyElement::text(&rest[..start]));
            }
            out.push(ReplyElement::person(id));
            rest = &rest[end..];
        }
        if !rest.is_empty() {
            out.push(ReplyElement::text(rest));
        }
        out
    }

    /// The element as text: mentions as `@open_id`, links as their URL.
    pub fn plain(&self) -> String {
        match self.kind.as_str() {
            "person" => format!(
                "@{}",
                self.person
                    .as_ref()
                    .map(|p| p.user_id.as_str())
                    .unwrap_or("")
            ),
            "docs_link" => self
                .docs_link
                .as_ref()
                .map(|l| l.url.clone())
                .unwrap_or_default(),
            _ => self
                .text_run
                .as_ref()
                .map(|t| t.text.clone())
                .unwrap_or_default(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReplyContent {
    #[serde(deserialize_with = "crate::api::de::null_as_default")]
    pub elements: Vec<ReplyElement>,
}

/// One reply of a thread.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Reply {
    #[serde(deserialize_with = "de::string")]
    pub reply_id: String,
    /// The author's open id.
    #[serde(deserialize_with = "de::string")]
    pub user_id: String,
    #[serde(deserialize_with = "crate::api::de::opt_i64")]
    pub create_time: Option<i64>,
    pub content: ReplyContent,
}

impl Reply {
    pub fn id(&self) -> ReplyId {
        ReplyId::new(self.reply_id.clone())
    }

    /// The reply's text.
    pub fn text(&self) -> String {
        self.content
            .elements
            .iter()
            .map(ReplyElement::plain)
            .collect()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct ReplyList {
    #[serde(deserialize_with = "crate::api::de::null_as_default")]
    pub replies: Vec<Reply>,
}

/// A comment thread.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Comment {
    #[serde(deserialize_with = "de::string")]
    pub comment_id: String,
    #[serde(deserialize_with = "de::string")]
    pub user_id: String,
    #[serde(deserialize_with = "crate::api::de::opt_i64")]
    pub create_time: Option<i64>,
    pub is_solved: bool,
    /// A comment on the whole document rather than on a quoted passage.
    pub is_whole: bool,
    #[serde(deserialize_with = "de::string")]
    pub quote: String,
    pub reply_list: ReplyList,
}

impl Comment {
    pub fn id(&self) -> CommentId {
        CommentId::new(self.comment_id.clone())
    }
}

/// Which document a comment call is about: its token and type (`docx`, `sheet`, `file`, `doc`).
#[derive(Debug, Clone, Copy)]
pub struct CommentedFile<'a> {
    pub token: &'a str,
    pub file_type: &'a str,
}

impl Client {
    /// One page of a document's comment threads.
    pub async fn list_comments_page(
        &self,
        file: CommentedFile<'_>,
        page_token: Option<&str>,
    ) -> Result<Page<Comment>> {
        let req = Req::route(Route::Workspace(W::CommentList {
            file_token: file.token.to_owned(),
        }))
        .query("file_type", file.file_type)
        .query("user_id_type", "open_id")
        .query("page_size", 100)
        .query_opt("page_token", page_token.filter(|t| !t.is_empty()));
        self.call(req).await
    }

    /// Every comment thread of a document.
    pub fn list_comments(
        &self,
        file: CommentedFile<'_>,
    ) -> impl Stream<Item = Result<Comment>> + Send {
        let client = self.clone();
        let (token, kind) = (file.token.to_owned(), file.file_type.to_owned());
        paginate(move |page| {
            let (client, token, kind) = (client.clone(), token.clone(), kind.clone());
            async move {
                let file = CommentedFile {
                    token: &token,
                    file_type: &kind,
                };
                client.list_comments_page(file, page.as_deref()).await
            }
        })
    }

    /// One page of a thread's replies (a thread with many replies lists only its first ones).
    pub async fn list_comment_replies_page(
        &self,
        file: CommentedFile<'_>,
        comment_id: &CommentId,
        page_token: Option<&str>,
    ) -> Result<Page<Reply>> {
        let req = Req::route(Route::Workspace(W::CommentReplyList {
            file_token: file.token.to_owned(),
            comment_id: comment_id.0.clone(),
        }))
        .query("file_type", file.file_type)
        .query("user_id_type", "open_id")
        .query("page_size", 100)
        .query_opt("page_token", page_token.filter(|t| !t.is_empty()));
        self.call(req).await
    }

    /// A new thread on the whole document.
    pub async fn create_comment(
        &self,
        file: CommentedFile<'_>,
        elements: Vec<ReplyElement>,
    ) -> Result<Comment> {
        let body = serde_json::json!({
            "reply_list": { "replies": [ { "content": ReplyContent { elements } } ] }
        });
        let req = Req::route(Route::Workspace(W::CommentCreate {
            file_token: file.token.to_owned(),
        }))
        .query("file_type", file.file_type)
        .query("user_id_type", "open_id")
        .json(&body)
        .not_retry_safe();
        self.call(req).await
    }

    /// One thread with its first replies and the passage it quotes.
    pub async fn get_comment(
        &self,
        file: CommentedFile<'_>,
        comment_id: &CommentId,
    ) -> Result<Comment> {
        let req = Req::route(Route::Workspace(W::CommentGet {
            file_token: file.token.to_owned(),
            comment_id: comment_id.0.clone(),
        }))
        .query("file_type", file.file_type)
        .query("user_id_type", "open_id");
        self.call(req).await
    }

    /// A reply in a thread.
    pub async fn reply_comment(
        &self,
        file: CommentedFile<'_>,
        comment_id: &CommentId,
        elements: Vec<ReplyElement>,
    ) -> Result<Reply> {
        let body = serde_json::json!({ "content": ReplyContent { elements } });
        let req = Req::route(Route::Workspace(W::CommentReplyCreate {
            file_token: file.token.to_owned(),
            comment_id: comment_id.0.clone(),
        }))
        .query("file_type", file.file_type)
        .query("user_id_type", "open_id")
        .json(&body)
        .not_retry_safe();
        self.call(req).await
    }

    /// Resolves a thread (`solved`), or reopens it.
    pub async fn resolve_comment(
        &self,
        file: CommentedFile<'_>,
        comment_id: &CommentId,
        solved: bool,
    ) -> Result<()> {
        let req = Req::route(Route::Workspace(W::CommentPatch {
            file_token: file.token.to_owned(),
            comment_id: comment_id.0.clone(),
        }))
        .query("file_type", file.file_type)
        .json(&serde_json::json!({ "is_solved": solved }));
        let _: serde::de::IgnoredAny = self.call(req).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reply_text_joins_its_elements() {
        let r: Reply = serde_json::from_str(
            r#"{"reply_id":"r1","user_id":"ou_a","create_time":1700000000,"content":{"elements":[
                {"type":"text_run","text_run":{"text":"see "}},
                {"type":"person","person":{"user_id":"ou_bot"}},
                {"type":"docs_link","docs_link":{"url":"https://x/docx/1"}}]}}"#,
        )
        .unwrap();
        assert_eq!(r.text(), "see @ou_bothttps://x/docx/1");
        assert_eq!(
            serde_json::to_string(&ReplyElement::text("hi")).unwrap(),
            r#"{"type":"text_run","text_run":{"text":"hi"}}"#
        );
    }
}
