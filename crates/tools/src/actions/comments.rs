//! Document comments: `listDocComments`, `addDocComment`, `replyDocComment`,
//! `resolveDocComment`. A comment's text may mention people as `<at user_id="ou_xxx">Name</at>`,
//! as in messages.

use futures::TryStreamExt;
use lark::api::comments::{CommentedFile, ReplyElement};
use lark::model::CommentId;
use serde::{Deserialize, Serialize};

use super::non_empty;
use crate::error::{ToolError, ToolResult};
use crate::registry::ActionDef;
use crate::tools::Tools;
use crate::{handler, links, p};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListDocCommentsArgs {
    /// The document token or link (a `/wiki/` link is resolved).
    #[serde(alias = "documentId", alias = "fileToken")]
    pub doc_token: String,
    /// `docx` (default), `sheet`, `bitable`, `file`; taken from the link when it is one.
    #[serde(default, alias = "fileType")]
    pub doc_type: Option<String>,
    /// Only resolved (`true`) or open (`false`) threads.
    #[serde(default, alias = "solved")]
    pub resolved: Option<bool>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ReplyOut {
    pub reply_id: String,
    pub user_id: String,
    pub content: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct CommentOut {
    pub comment_id: String,
    pub solved: bool,
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub quote: String,
    pub replies: Vec<ReplyOut>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct DocComments {
    pub ok: bool,
    pub comments: Vec<CommentOut>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddDocCommentArgs {
    #[serde(alias = "documentId", alias = "fileToken")]
    pub doc_token: String,
    #[serde(default, alias = "fileType")]
    pub doc_type: Option<String>,
    #[serde(alias = "text")]
    pub content: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct CommentAdded {
    pub ok: bool,
    pub comment_id: String,
    pub reply_id: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplyDocCommentArgs {
    #[serde(default, alias = "documentId", alias = "fileToken")]
    pub doc_token: String,
    #[serde(default, alias = "fileType")]
    pub doc_type: Option<String>,
    pub comment_id: String,
    #[serde(alias = "text")]
    pub content: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct CommentReplied {
    pub ok: bool,
    pub comment_id: String,
    pub reply_id: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResolveDocCommentArgs {
    #[serde(default, alias = "documentId", alias = "fileToken")]
    pub doc_token: String,
    #[serde(default, alias = "fileType")]
    pub doc_type: Option<String>,
    pub comment_id: String,
    /// `true` (default) resolves, `false` reopens.
    #[serde(default, alias = "solved")]
    pub resolved: Option<bool>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct CommentResolved {
    pub ok: bool,
    pub comment_id: String,
    pub solved: bool,
}

/// The comment API's `file_type` for a link kind or a `docType` given by the caller.
fn file_type(param: &str, given: Option<&str>, link_kind: &str) -> ToolResult<String> {
    let t = given.map(str::trim).filter(|t| !t.is_empty());
    let t = t.unwrap_or(match link_kind {
        "sheets" | "sheet" => "sheet",
        "base" => "bitable",
        "file" => "file",
        "doc" | "docs" => "doc",
        _ => "docx",
    });
    match t {
        "docx" | "sheet" | "bitable" | "file" | "doc" => Ok(t.to_owned()),
        "sheets" => Ok("sheet".into()),
        other => Err(ToolError::param(
            param,
            format!("{other:?} is not a document type; use docx, sheet, bitable or file"),
        )),
    }
}

impl Tools {
    /// The commented file behind `input` and `doc_type`: a `/wiki/` link becomes the object its
    /// node holds.
    async fn commented(&self, input: &str, doc_type: Option<&str>) -> ToolResult<(String, String)> {
        if input.trim().is_empty() {
            return Err(ToolError::param(
                "docToken",
                "is required: the document's token or link (comments belong to a document)",
            ));
        }
        let link = links::parse(input);
        if link.kind == "wiki" {
            let n = self.client.get_wiki_node(&link.token, None).await?;
            let kind = file_type("docType", doc_type.or(Some(&n.obj_type)), "")?;
            return Ok((n.obj_token, kind));
        }
        Ok((link.token, file_type("docType", doc_type, &link.kind)?))
    }

    /// `listDocComments`: every comment thread of a document with its replies.
    pub async fn list_doc_comments(&self, args: ListDocCommentsArgs) -> ToolResult<DocComments> {
        let (token, kind) = self
            .commented(&args.doc_token, args.doc_type.as_deref())
            .await?;
        let file = CommentedFile {
            token: &token,
            file_type: &kind,
        };
        let all: Vec<_> = self.client.list_comments(file).try_collect().await?;
        let comments = all
            .into_iter()
            .filter(|c| args.resolved.is_none_or(|r| c.is_solved == r))
            .map(|c| CommentOut {
                replies: c
                    .reply_list
                    .replies
                    .iter()
                    .map(|r| ReplyOut {
                        reply_id: r.reply_id.clone(),
                        user_id: r.user_id.clone(),
                        content: r.text(),
                    })
                    .collect(),
                comment_id: c.comment_id,
                solved: c.is_solved,
                quote: c.quote,
            })
            .collect();
        Ok(DocComments { ok: true, comments })
    }

    /// `addDocComment`: a new comment on the whole document.
    pub async fn add_doc_comment(&self, args: AddDocCommentArgs) -> ToolResult<CommentAdded> {
        let text = non_empty("content", &args.content)?;
        let (token, kind) = self
            .commented(&args.doc_token, args.doc_type.as_deref())
            .await?;
        let file = CommentedFile {
            token: &token,
            file_type: &kind,
        };
        let c = self
            .client
            .create_comment(file, ReplyElement::parse(text))
            .await?;
        Ok(CommentAdded {
            ok: true,
            reply_id: c
                .reply_list
                .replies
                .first()
                .map(|r| r.reply_id.clone())
                .unwrap_or_default(),
            comment_id: c.comment_id,
        })
    }

    /// `replyDocComment`: a reply in a comment thread.
    pub async fn reply_doc_comment(&self, args: ReplyDocCommentArgs) -> ToolResult<CommentReplied> {
        let id = CommentId::new(non_empty("commentId", &args.comment_id)?);
        let text = non_empty("content", &args.content)?;
        let (token, kind) = self
            .commented(&args.doc_token, args.doc_type.as_deref())
            .await?;
        let file = CommentedFile {
            token: &token,
            file_type: &kind,
        };
        let r = self
            .client
            .reply_comment(file, &id, ReplyElement::parse(text))
            .await?;
        Ok(CommentReplied {
            ok: true,
            comment_id: id.0,
            reply_id: r.reply_id,
        })
    }

    /// `resolveDocComment`: resolves a thread, or reopens it with `resolved: false`.
    pub async fn resolve_doc_comment(
        &self,
        args: ResolveDocCommentArgs,
    ) -> ToolResult<CommentResolved> {
        let id = CommentId::new(non_empty("commentId", &args.comment_id)?);
        let (token, kind) = self
            .commented(&args.doc_token, args.doc_type.as_deref())
            .await?;
        let solved = args.resolved.unwrap_or(true);
        let file = CommentedFile {
            token: &token,
            file_type: &kind,
        };
        self.client.resolve_comment(file, &id, solved).await?;
        Ok(CommentResolved {
            ok: true,
            comment_id: id.0,
            solved,
        })
    }
}

pub(crate) fn defs() -> Vec<ActionDef> {
    const DOC: crate::registry::Param = p!(
        "docToken",
        Str,
        "the document token or link (docx, sheet, wiki)"
    );
    const KIND: crate::registry::Param =
        p!("docType", Str, "docx (default), sheet, bitable or file");
    vec![
        ActionDef {
            name: "listDocComments",
            takes_to: false,
            description: "List a document's comment threads: {comments: [{commentId, solved, quote, replies: [{replyId, userId, content}]}]}.",
            example: r#"{"action": "listDocComments", "docToken": "doxcnXXX"}"#,
            params: &[
                DOC,
                KIND,
                p!(
                    "resolved",
                    Bool,
                    "only resolved (true) or open (false) threads"
                ),
            ],
            required: &["docToken"],
            run: handler!(list_doc_comments),
        },
        ActionDef {
            name: "addDocComment",
            takes_to: false,
            description: "Comment on a whole document; returns {commentId}. Mention people with <at user_id=\"ou_xxx\">Name</at>.",
            example: r#"{"action": "addDocComment", "docToken": "doxcnXXX", "content": "请看第二节"}"#,
            params: &[DOC, KIND, p!("content", Str, "the comment text")],
            required: &["docToken", "content"],
            run: handler!(add_doc_comment),
        },
        ActionDef {
            name: "replyDocComment",
            takes_to: false,
            description: "Reply in a document's comment thread; returns {replyId}.",
            example: r#"{"action": "replyDocComment", "docToken": "doxcnXXX", "commentId": "7001", "content": "已修改"}"#,
            params: &[
                DOC,
                KIND,
                p!("commentId", Str, "the thread (from listDocComments)"),
                p!("content", Str, "the reply text"),
            ],
            required: &["docToken", "commentId", "content"],
            run: handler!(reply_doc_comment),
        },
        ActionDef {
            name: "resolveDocComment",
            takes_to: false,
            description: "Resolve a document's comment thread (resolved: false reopens it).",
            example: r#"{"action": "resolveDocComment", "docToken": "doxcnXXX", "commentId": "7001", "resolved": true}"#,
            params: &[
                DOC,
                KIND,
                p!("commentId", Str, "the thread"),
                p!("resolved", Bool, "true (default) or false"),
            ],
            required: &["docToken", "commentId"],
            run: handler!(resolve_doc_comment),
        },
    ]
}
