//! Conversation history per session key (`lark:<account>:dm:<open_id>`, `...:group:<chat_id>`,
//! `...:thread:<thread_id>`), kept by whoever implements [`SessionStore`] (the gateway's
//! database; [`MemorySessions`] for tests) as one JSON document per key.
//!
//! History is a list of turns, each tagged with the message it answered, so a turn run again
//! after a crash replaces its own record instead of adding a second one. It is trimmed to a
//! token budget: images become notes, old tool results are summarized, then the oldest turns go.

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::message::{Block, Message, Usage};
use crate::tool::ToolContent;

/// Where sessions live. Values are opaque JSON documents.
#[async_trait]
pub trait SessionStore: Send + Sync + 'static {
    async fn load(&self, key: &str) -> Result<Option<String>, String>;
    async fn save(&self, key: &str, data: &str) -> Result<(), String>;
    async fn delete(&self, key: &str) -> Result<(), String>;
}

/// Sessions in memory (tests; a gateway without a database).
#[derive(Debug, Default)]
pub struct MemorySessions(Mutex<HashMap<String, String>>);

#[async_trait]
impl SessionStore for MemorySessions {
    async fn load(&self, key: &str) -> Result<Option<String>, String> {
        Ok(self.lock().get(key).cloned())
    }

    async fn save(&self, key: &str, data: &str) -> Result<(), String> {
        self.lock().insert(key.to_owned(), data.to_owned());
        Ok(())
    }

    async fn delete(&self, key: &str) -> Result<(), String> {
        self.lock().remove(key);
        Ok(())
    }
}

impl MemorySessions {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, String>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// One answered message: the user's message, the tool rounds and the answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TurnRecord {
    pub message_id: String,
    pub messages: Vec<Message>,
    #[serde(default)]
    pub usage: Usage,
}

/// A session's history and what it cost so far.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub turns: Vec<TurnRecord>,
    #[serde(default)]
    pub usage: Usage,
}

/// Tool results longer than this are cut to a summary once their turn is not the latest.
const RESULT_KEEP: usize = 400;
/// A rough price of one image in tokens (Anthropic: about width×height/750, ~1.6k for 1 MP).
const IMAGE_TOKENS: usize = 1600;

impl Session {
    /// Reads a stored document; an unreadable one starts afresh rather than failing the chat.
    pub fn parse(data: Option<&str>) -> Session {
        data.and_then(|d| serde_json::from_str(d).ok())
            .unwrap_or_default()
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
    }

    /// The history as one list of messages.
    pub fn messages(&self) -> Vec<Message> {
        self.turns
            .iter()
            .flat_map(|t| t.messages.iter().cloned())
            .collect()
    }

    /// The last `turns` turns as one list of messages (`None`: all of them).
    pub fn recent(&self, turns: Option<u32>) -> Vec<Message> {
        let skip = turns.map_or(0, |n| self.turns.len().saturating_sub(n as usize));
        self.turns[skip..]
            .iter()
            .flat_map(|t| t.messages.iter().cloned())
            .collect()
    }

    /// Forgets the record of `message_id` (it is being answered again).
    pub fn forget(&mut self, message_id: &str) {
        self.turns.retain(|t| t.message_id != message_id);
    }

    /// Adds a turn (replacing an earlier record of the same message), then trims to `budget`.
    pub fn record(&mut self, mut turn: TurnRecord, budget: usize) {
        self.forget(&turn.message_id);
        self.usage.add(&turn.usage);
        // Stored images would be paid for on every later call; the `read` tool can show the
        // file again when the model needs it.
        for m in &mut turn.messages {
            for b in &mut m.content {
                if let Block::Image { .. } = b {
                    *b = Block::text("[an image the user sent was shown here]");
                }
            }
        }
        self.turns.push(turn);
        self.trim(budget);
    }

    pub fn estimate_tokens(&self) -> usize {
        estimate(&self.messages())
    }

    /// Summarizes old tool results, then drops the oldest turns until the history fits.
    pub fn trim(&mut self, budget: usize) {
        if self.estimate_tokens() <= budget {
            return;
        }
        let last = self.turns.len().saturating_sub(1);
        for turn in &mut self.turns[..last] {
            for m in &mut turn.messages {
                for b in &mut m.content {
                    if let Block::ToolResult { content, .. } = b {
                        summarize(content);
                    }
                }
            }
        }
        while self.turns.len() > 1 && self.estimate_tokens() > budget {
            self.turns.remove(0);
        }
    }
}

fn summarize(content: &mut Vec<ToolContent>) {
    let text: String = content
        .iter()
        .map(|c| match c {
            ToolContent::Text { text } => text.clone(),
            ToolContent::Image { .. } => "[image]".into(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    if text.chars().count() <= RESULT_KEEP
        && content
            .iter()
            .all(|c| matches!(c, ToolContent::Text { .. }))
    {
        return;
    }
    let head: String = text.chars().take(RESULT_KEEP).collect();
    let total = text.chars().count();
    *content = vec![ToolContent::Text {
        text: format!("{head}… [tool result summarized: {total} characters in all]"),
    }];
}

/// About four characters per token, images at a flat price.
pub fn estimate(messages: &[Message]) -> usize {
    let mut chars = 0usize;
    let mut images = 0usize;
    for m in messages {
        for b in &m.content {
            match b {
                Block::Text { text } => chars += text.len(),
                Block::Image { .. } => images += 1,
                Block::ToolUse { name, input, .. } => chars += name.len() + input.to_string().len(),
                Block::ToolResult { content, .. } => {
                    for c in content {
                        match c {
                            ToolContent::Text { text } => chars += text.len(),
                            ToolContent::Image { .. } => images += 1,
                        }
                    }
                }
            }
        }
    }
    chars / 4 + images * IMAGE_TOKENS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn turn(id: &str, text: &str, result: &str) -> TurnRecord {
        TurnRecord {
            message_id: id.into(),
            messages: vec![
                Message::user(vec![Block::text(text)]),
                Message::assistant(vec![Block::ToolUse {
                    id: "t".into(),
                    name: "read".into(),
                    input: serde_json::json!({}),
                }]),
                Message::user(vec![Block::ToolResult {
                    tool_use_id: "t".into(),
                    content: vec![ToolContent::Text {
                        text: result.into(),
                    }],
                    is_error: false,
                }]),
                Message::assistant(vec![Block::text("ok")]),
            ],
            usage: Usage {
                input_tokens: 10,
                ..Usage::default()
            },
        }
    }

    #[test]
    fn recent_keeps_the_last_turns() {
        let mut s = Session::default();
        for i in 0..3 {
            s.record(turn(&format!("om_{i}"), &format!("q{i}"), "r"), usize::MAX);
        }
        assert_eq!(s.recent(None), s.messages());
        let per_turn = s.turns[0].messages.len();
        assert_eq!(s.recent(Some(1)), s.turns[2].messages);
        assert_eq!(s.recent(Some(2)).len(), 2 * per_turn);
        assert!(s.recent(Some(0)).is_empty());
        assert_eq!(s.recent(Some(9)).len(), 3 * per_turn);
    }

    #[test]
    fn a_replayed_message_replaces_its_record_and_old_turns_go_first() {
        let mut s = Session::default();
        s.record(turn("om_1", "first", "r"), 10_000);
        s.record(turn("om_2", "second", "r"), 10_000);
        s.record(turn("om_2", "second again", "r"), 10_000);
        assert_eq!(s.turns.len(), 2);
        assert_eq!(s.turns[1].messages[0].text(), "second again");
        assert_eq!(s.usage.input_tokens, 30);

        let big = "x".repeat(8_000);
        s.record(turn("om_3", "third", &big), 1_000);
        // The big result of the latest turn stays whole; older turns went to make room.
        assert_eq!(s.turns.last().unwrap().message_id, "om_3");
        s.record(turn("om_4", "fourth", "r"), 1_000);
        let summarized = s.turns.iter().find(|t| t.message_id == "om_3");
        if let Some(t) = summarized {
            let Block::ToolResult { content, .. } = &t.messages[2].content[0] else {
                panic!()
            };
            assert!(
                matches!(&content[0], ToolContent::Text { text } if text.contains("summarized"))
            );
        }
        assert!(s.estimate_tokens() <= 1_000);
        assert_eq!(s.turns.last().unwrap().message_id, "om_4");
    }
}
