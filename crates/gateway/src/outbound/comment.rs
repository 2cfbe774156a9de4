//! Replies in a document's comment thread: the answer planned as comment-reply parts of the
//! outbox, and sent part by part, each recorded as it lands.
//!
//! The platform's comment-reply call takes no idempotency key (unlike a message's `uuid`), so
//! exactly-once rests on the outbox: a part recorded as sent is never posted again, and a part
//! whose post may have landed unrecorded (a crash, a timeout, an error after the platform
//! acted) is looked for in the thread first. Only a resumed send reads the thread: among the
//! bot's replies after the comment answered and not recorded for this event, one with the
//! part's text is that part, recorded instead of posted again.

use std::sync::Arc;

use lark::api::comments::{CommentedFile, Reply, ReplyElement};
use lark::model::event::CommentAdded;

use super::{OutboundError, WirePart};
use crate::account::AccountRt;
use crate::runtime::Ctx;
use crate::store::StoredEvent;

/// The outbox part kind of a comment reply; its `content` is the reply's elements as JSON.
pub const PART_KIND: &str = "comment_reply";

/// The longest reply posted in one piece; a longer answer is split at line ends.
const MAX_CHARS: usize = 8000;

/// Pages of a thread read at most when looking for a reply that landed unrecorded.
const MAX_PAGES: usize = 20;

/// Plans an answer into comment-reply parts and returns the outbox JSON to record.
pub fn plan(answer: &str) -> String {
    let parts: Vec<WirePart> = chunks(answer.trim(), MAX_CHARS)
        .into_iter()
        .map(|text| WirePart {
            msg_type: PART_KIND.into(),
            content: serde_json::to_string(&ReplyElement::parse(&text))
                .unwrap_or_else(|_| "[]".into()),
            text,
        })
        .collect();
    serde_json::to_string(&parts).unwrap_or_else(|_| "[]".into())
}

/// `text` in pieces of at most `max` characters, cut after a line where one fits.
fn chunks(text: &str, max: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        if rest.chars().count() <= max {
            out.push(rest.to_owned());
            break;
        }
        let hard = rest.char_indices().nth(max).map_or(rest.len(), |(i, _)| i);
        let cut = rest[..hard].rfind('\n').filter(|&i| i > 0).unwrap_or(hard);
        out.push(rest[..cut].trim_end().to_owned());
        rest = rest[cut..].trim_start();
    }
    out
}

/// Posts the recorded parts not yet confirmed in the comment's thread, recording each as it
/// lands; the last one closes the event. `resumed` says the parts were recorded by an earlier
/// run (then the thread is read first, see the module doc); `bot` is the bot's open id.
/// `false` when there was nothing (left) to send.
pub(crate) async fn send_recorded(
    ctx: &Arc<Ctx>,
    account: &Arc<AccountRt>,
    ev: &StoredEvent,
    comment: &CommentAdded,
    bot: &str,
    resumed: bool,
) -> Result<bool, OutboundError> {
    let acct = account.id();
    let parts: Vec<WirePart> = match ev.parts.as_deref().map(serde_json::from_str).transpose() {
        Ok(parts) => parts.unwrap_or_default(),
        Err(e) => return Err(OutboundError::Unreadable(e.to_string())),
    };
    let first_unsent = ev.sent_ids.len();
    if first_unsent >= parts.len() {
        return Ok(false);
    }
    let file = CommentedFile {
        token: &comment.file_token,
        file_type: &comment.file_type,
    };
    let mut landed = if resumed {
        landed(account, file, comment, bot, &ev.sent_ids).await?
    } else {
        Vec::new()
    };
    let last = parts.len() - 1;
    for (i, part) in parts.iter().enumerate().skip(first_unsent) {
        let elements: Vec<ReplyElement> = serde_json::from_str(&part.content)
            .map_err(|e| OutboundError::Unreadable(e.to_string()))?;
        let text = norm(&elements.iter().map(ReplyElement::plain).collect::<String>());
        let id = match landed.iter().position(|r| norm(&r.text()) == text) {
            Some(at) => {
                let r = landed.remove(at);
                tracing::info!(target: "lark", "[{acct}] part {} of the reply to comment {} had landed as {} before a restart or error; not posting it again", i + 1, comment.comment_id, r.reply_id);
                r.reply_id
            }
            None => match account
                .client
                .reply_comment(file, &comment.comment_id, elements)
                .await
            {
                Ok(r) => {
                    ctx.metrics.send(acct, "ok");
                    r.reply_id
                }
                Err(source) => {
                    ctx.metrics.send(acct, "error");
                    return Err(OutboundError::Send {
                        what: format!(
                            "part {} of the reply to comment {}",
                            i + 1,
                            comment.comment_id
                        ),
                        source,
                    });
                }
            },
        };
        if ctx.verbose {
            tracing::info!(target: "lark", "[{acct}] replied in comment {} of {} as {id}", comment.comment_id, comment.file_token);
        }
        ctx.store
            .record_sent_part(acct, &ev.event_id, &id, i == last)
            .await?;
    }
    Ok(true)
}

/// The bot's replies in the thread after the comment answered, not recorded for this event.
async fn landed(
    account: &AccountRt,
    file: CommentedFile<'_>,
    comment: &CommentAdded,
    bot: &str,
    recorded: &[String],
) -> Result<Vec<Reply>, OutboundError> {
    let mut thread = Vec::new();
    let mut page_token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let page = account
            .client
            .list_comment_replies_page(file, &comment.comment_id, page_token.as_deref())
            .await
            .map_err(|source| OutboundError::Send {
                what: format!(
                    "reading comment {}'s thread before resending",
                    comment.comment_id
                ),
                source,
            })?;
        thread.extend(page.items);
        match page.page_token.filter(|t| page.has_more && !t.is_empty()) {
            Some(t) => page_token = Some(t),
            None => break,
        }
    }
    let after = comment
        .reply_id
        .as_ref()
        .and_then(|r| thread.iter().position(|t| t.reply_id == r.as_str()))
        .map_or(0, |i| i + 1);
    Ok(thread
        .into_iter()
        .skip(after)
        .filter(|r| r.user_id == bot && !recorded.contains(&r.reply_id))
        .collect())
}

/// Whitespace-insensitive form for comparing a planned part with a posted reply.
fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_answer_is_cut_at_line_ends_and_mentions_become_people() {
        let long = format!("{}\n{}", "a".repeat(6000), "b".repeat(6000));
        assert_eq!(
            chunks(&long, MAX_CHARS),
            vec!["a".repeat(6000), "b".repeat(6000)]
        );
        let one_line = "c".repeat(9000);
        let cut = chunks(&one_line, MAX_CHARS);
        assert_eq!(
            cut.iter().map(String::len).collect::<Vec<_>>(),
            [8000, 1000]
        );
        let parts: Vec<WirePart> =
            serde_json::from_str(&plan(r#"ask <at user_id="ou_bo">Bo</at> "#)).unwrap();
        assert_eq!(parts.len(), 1);
        assert_eq!(parts[0].msg_type, PART_KIND);
        let els: Vec<ReplyElement> = serde_json::from_str(&parts[0].content).unwrap();
        assert_eq!(
            els,
            vec![ReplyElement::text("ask "), ReplyElement::person("ou_bo")]
        );
        assert_eq!(plan("  \n"), "[]");
    }
}
