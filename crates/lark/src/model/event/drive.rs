//! `drive.notice.comment_add_v1`: a user commented on a document, or replied in a comment
//! thread. Shape from the official SDK model (`P2DriveNoticeCommentAddV1`): the document and the
//! people are in `notice_meta`, the thread and reply ids beside it.

use serde::Deserialize;

use super::de;
use super::message::UserIds;
use crate::model::{CommentId, ReplyId};

/// A new comment or reply on a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentAdded {
    pub comment_id: CommentId,
    /// The new reply; for a new thread, its first reply.
    pub reply_id: Option<ReplyId>,
    /// Whether the comment @-mentions the receiving app's bot.
    pub is_mentioned: bool,
    pub file_token: String,
    /// `docx`, `sheet`, `file`, `doc`, ...
    pub file_type: String,
    /// Who wrote it.
    pub from: UserIds,
    /// Whom the notice is for (the bot when it is mentioned).
    pub to: UserIds,
    /// `add_comment` (a new thread) or `add_reply`.
    pub notice_type: String,
}

impl CommentAdded {
    /// A new thread rather than a reply in an existing one.
    pub fn is_new_thread(&self) -> bool {
        self.notice_type == "add_comment"
    }
}

#[derive(Deserialize, Default)]
pub(super) struct Wire {
    #[serde(default, deserialize_with = "de::opt_id")]
    comment_id: Option<CommentId>,
    #[serde(default, deserialize_with = "de::opt_id")]
    reply_id: Option<ReplyId>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    is_mentioned: Option<bool>,
    #[serde(default)]
    notice_meta: WireMeta,
}

#[derive(Deserialize, Default)]
struct WireMeta {
    #[serde(default, deserialize_with = "de::string")]
    file_token: String,
    #[serde(default, deserialize_with = "de::string")]
    file_type: String,
    #[serde(default)]
    from_user_id: UserIds,
    #[serde(default)]
    to_user_id: UserIds,
    #[serde(default, deserialize_with = "de::string")]
    notice_type: String,
}

impl CommentAdded {
    /// The typed event, or the name of the required field it lacks.
    pub(super) fn from_wire(w: Wire) -> Result<CommentAdded, &'static str> {
        let comment_id = w.comment_id.ok_or("comment_id")?;
        if w.notice_meta.file_token.is_empty() {
            return Err("notice_meta.file_token");
        }
        Ok(CommentAdded {
            comment_id,
            reply_id: w.reply_id,
            is_mentioned: w.is_mentioned.unwrap_or(false),
            file_token: w.notice_meta.file_token,
            file_type: w.notice_meta.file_type,
            from: w.notice_meta.from_user_id,
            to: w.notice_meta.to_user_id,
            notice_type: w.notice_meta.notice_type,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Envelope, Event, EventError};

    fn body(event: &str) -> Vec<u8> {
        format!(
            r#"{{"schema":"2.0","header":{{"event_id":"e1","event_type":"drive.notice.comment_add_v1","create_time":"1700000000000","token":"t","app_id":"cli_a","tenant_key":"tk"}},"event":{event}}}"#
        )
        .into_bytes()
    }

    #[test]
    fn a_mention_in_a_comment_is_typed() {
        let env = Envelope::parse(&body(
            r#"{"comment_id":"7001","reply_id":"7002","is_mentioned":true,"notice_meta":{"file_token":"doxcn1","file_type":"docx","from_user_id":{"open_id":"ou_ada","union_id":"on_ada"},"to_user_id":{"open_id":"ou_bot"},"from_user_type":"user","notice_type":"add_comment"}}"#,
        ))
        .unwrap();
        let Event::CommentAdded(c) = env.event else {
            panic!("not typed: {:?}", env.event)
        };
        assert_eq!(c.comment_id.as_str(), "7001");
        assert_eq!(c.reply_id.as_ref().map(|r| r.as_str()), Some("7002"));
        assert!(c.is_mentioned && c.is_new_thread());
        assert_eq!(
            (c.file_token.as_str(), c.file_type.as_str()),
            ("doxcn1", "docx")
        );
        assert_eq!(c.from.open_id.as_ref().map(|o| o.as_str()), Some("ou_ada"));
    }

    #[test]
    fn a_comment_without_its_document_names_the_field() {
        let err = Envelope::parse(&body(r#"{"comment_id":"7001","notice_meta":{}}"#)).unwrap_err();
        assert_eq!(
            err,
            EventError::MissingField {
                event_type: "drive.notice.comment_add_v1".into(),
                field: "notice_meta.file_token"
            }
        );
    }
}
