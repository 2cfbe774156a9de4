//! Other bots' messages (`allowBots`) and the loop guard (`botTurnsPerMinute`).
//!
//! Messages from apps are refused unless `allowBots` is `true` (any) or `"mentions"` (only
//! those that @mention this bot); the bot's own messages never start a turn. Admitted bot
//! messages start at most `botTurnsPerMinute` turns per chat in any minute (a sliding window):
//! past that one log line says so, and the chat's bot messages are refused silently until the
//! window has room again. The window lives in this process: with replicas each counts the
//! turns it runs, and since a chat's queue is drained by one replica at a time (its lease),
//! the cap holds per chat unless the lease moves within the minute.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use lark::model::OpenId;
use lark::model::event::MessageReceived;
use openclaw_config::{AccountExtras, AllowBots};
use tokio::time::Instant;

const WINDOW: Duration = Duration::from_secs(60);

/// Whether a message from an app may go on to the policy: `Some(reason)` refuses it.
pub(super) fn judge(
    x: &AccountExtras,
    msg: &MessageReceived,
    bot: &OpenId,
) -> Option<&'static str> {
    if msg.sender.sender_id.open_id.as_ref() == Some(bot) {
        return Some("sent by this bot");
    }
    match x.allow_bots {
        AllowBots::Off => Some("sent by a bot"),
        AllowBots::Mentions if !msg.mentions_open_id(bot) => {
            Some("sent by a bot without a mention")
        }
        AllowBots::On | AllowBots::Mentions => None,
    }
}

/// The bot-started turns of each chat within the last minute.
#[derive(Debug, Default)]
pub(crate) struct BotTurns {
    chats: Mutex<HashMap<String, Chat>>,
}

#[derive(Debug, Default)]
struct Chat {
    started: VecDeque<Instant>,
    /// Whether the cap was logged since the window last had room.
    told: bool,
}

impl BotTurns {
    /// Takes one of the chat's `cap` turns per minute; `false` when none is left (logged once
    /// per stretch of silence).
    pub(super) fn take(&self, acct: &str, chat: &str, cap: u32) -> bool {
        let now = Instant::now();
        let mut chats = self.chats.lock().unwrap_or_else(|p| p.into_inner());
        // Chats whose window emptied are forgotten, so the map stays as small as the chats
        // bots talk in.
        chats.retain(|_, c| {
            while c.started.front().is_some_and(|t| now - *t >= WINDOW) {
                c.started.pop_front();
            }
            !c.started.is_empty() || c.told
        });
        let c = chats.entry(chat.to_owned()).or_default();
        if c.started.len() < cap as usize {
            c.started.push_back(now);
            c.told = false;
            return true;
        }
        if !c.told {
            c.told = true;
            tracing::warn!(target: "lark", "[{acct}] {cap} turns started by bots in chat {chat} within a minute (botTurnsPerMinute); not answering bots there until the minute has passed");
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lark::model::event::{Envelope, Event};

    fn from_app(open_id: &str, mentions: &[&str]) -> MessageReceived {
        let mentions: Vec<serde_json::Value> = mentions
            .iter()
            .enumerate()
            .map(|(i, id)| serde_json::json!({"key": format!("@_user_{}", i + 1), "id": {"open_id": id}, "name": "x"}))
            .collect();
        let raw = serde_json::json!({
            "schema": "2.0",
            "header": {"event_id": "e1", "event_type": "im.message.receive_v1", "create_time": "1", "app_id": "cli_a"},
            "event": {
                "sender": {"sender_id": {"open_id": open_id}, "sender_type": "app"},
                "message": {"message_id": "om_1", "create_time": "1", "chat_id": "oc_1", "chat_type": "group",
                            "message_type": "text", "content": "{\"text\":\"@_user_1 hi\"}", "mentions": mentions}
            }
        });
        match Envelope::parse(raw.to_string().as_bytes()).unwrap().event {
            Event::MessageReceived(m) => *m,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn allow_bots_says_which_bots_may_go_on_and_the_own_never() {
        let me = OpenId::new("ou_me");
        let mut x = AccountExtras::default();
        let other = from_app("ou_other", &[]);
        let mentioning = from_app("ou_other", &["ou_me"]);
        let own = from_app("ou_me", &["ou_me"]);
        assert_eq!(judge(&x, &other, &me), Some("sent by a bot"));
        x.allow_bots = AllowBots::Mentions;
        assert_eq!(
            judge(&x, &other, &me),
            Some("sent by a bot without a mention")
        );
        assert_eq!(judge(&x, &mentioning, &me), None);
        x.allow_bots = AllowBots::On;
        assert_eq!(judge(&x, &other, &me), None);
        assert_eq!(judge(&x, &own, &me), Some("sent by this bot"));
    }

    #[tokio::test(start_paused = true)]
    async fn the_cap_holds_per_chat_until_the_minute_has_passed() {
        let turns = BotTurns::default();
        for _ in 0..3 {
            assert!(turns.take("a", "oc_1", 3));
        }
        assert!(!turns.take("a", "oc_1", 3));
        assert!(
            turns.take("a", "oc_2", 3),
            "another chat has its own window"
        );
        tokio::time::advance(Duration::from_secs(59)).await;
        assert!(!turns.take("a", "oc_1", 3));
        tokio::time::advance(Duration::from_secs(1)).await;
        assert!(turns.take("a", "oc_1", 3));
        assert!(turns.take("a", "oc_1", 3));
        assert!(turns.take("a", "oc_1", 3));
        assert!(!turns.take("a", "oc_1", 3));
    }
}
