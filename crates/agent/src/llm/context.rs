//! What the model reads before the message it answers: the group's messages that did not
//! address the bot since its previous turn (one line each, with sender and time), and notes of
//! what happened meanwhile (reactions to its messages). Both are context, marked as such, so
//! the model answers the message and not the history.

use std::time::{Duration, UNIX_EPOCH};

use crate::Turn;

/// The block (empty when there is nothing to tell), ending in a newline.
pub(super) fn block(turn: &Turn) -> String {
    let mut out = String::new();
    if !turn.history.is_empty() {
        out.push_str("[Chat messages since your last reply, for context]\n");
        for h in &turn.history {
            let who = h.sender_name.as_deref().unwrap_or(&h.sender_open_id);
            out.push_str(&format!("[{}] {who}: {}\n", time(h.create_time), h.text));
        }
        out.push_str("[End of context; the message to answer follows]\n");
    }
    for n in &turn.notes {
        out.push_str(&format!("[note: {n}]\n"));
    }
    out
}

/// An RFC 7231 date (UTC), e.g. `Fri, 04 Dec 2026 20:41:07 GMT`.
fn time(ms: i64) -> String {
    let at = UNIX_EPOCH + Duration::from_millis(ms.max(0) as u64);
    httpdate::fmt_http_date(at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::HistoryEntry;

    #[test]
    fn history_lines_name_the_sender_and_time_oldest_first() {
        let mut turn: Turn = serde_json::from_value(serde_json::json!({
            "account": "default", "sessionKey": "k", "chatId": "oc_1", "chatType": "group",
            "senderOpenId": "ou_b", "senderName": null, "messageId": "om_3", "threadId": null,
            "text": "what do you think?", "media": [], "mediaErrors": [], "systemPrompt": null
        }))
        .unwrap();
        assert_eq!(block(&turn), "");
        turn.history = vec![
            HistoryEntry {
                message_id: "om_1".into(),
                sender_open_id: "ou_a".into(),
                sender_name: Some("Ada".into()),
                text: "my plan: ship friday".into(),
                create_time: 0,
            },
            HistoryEntry {
                message_id: "om_2".into(),
                sender_open_id: "ou_c".into(),
                sender_name: None,
                text: "[image]".into(),
                create_time: 61_000,
            },
        ];
        turn.notes = vec!["Ada reacted THUMBSUP to your message om_0".into()];
        assert_eq!(
            block(&turn),
            "[Chat messages since your last reply, for context]\n\
             [Thu, 01 Jan 1970 00:00:00 GMT] Ada: my plan: ship friday\n\
             [Thu, 01 Jan 1970 00:01:01 GMT] ou_c: [image]\n\
             [End of context; the message to answer follows]\n\
             [note: Ada reacted THUMBSUP to your message om_0]\n"
        );
    }
}
