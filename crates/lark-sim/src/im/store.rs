//! The IM state of one tenant: users, chats, messages with their reactions, pins, and uploaded
//! images and files. REST handlers and the control API both go through these methods, so a
//! message sent by the bot is the same record a test later reads back.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use bytes::Bytes;
use serde::{Deserialize, Serialize};

use crate::ids;

/// How long a send `uuid` deduplicates (1 hour on the platform).
pub const UUID_WINDOW: Duration = Duration::from_secs(3600);
/// At most this many messages are kept per tenant; sends beyond it are refused, never unbounded.
pub const MAX_MESSAGES: usize = 200_000;

#[derive(Debug, Clone, Serialize)]
pub struct User {
    pub open_id: String,
    pub union_id: String,
    pub user_id: String,
    pub name: String,
    /// The English name (`en_name`), empty when unset.
    pub en_name: String,
    pub email: String,
}

/// `chat_mode` of a chat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ChatMode {
    P2p,
    #[default]
    Group,
    Topic,
}

impl ChatMode {
    pub fn as_str(self) -> &'static str {
        match self {
            ChatMode::P2p => "p2p",
            ChatMode::Group => "group",
            ChatMode::Topic => "topic",
        }
    }

    /// `chat_type` of a message event in a chat of this mode.
    pub fn event_chat_type(self) -> &'static str {
        match self {
            ChatMode::P2p => "p2p",
            ChatMode::Group => "group",
            ChatMode::Topic => "topic_group",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Chat {
    pub chat_id: String,
    pub name: String,
    pub description: String,
    pub mode: ChatMode,
    /// Open ids of the human members, in join order (the bot is not listed).
    pub members: Vec<String>,
    pub owner_open_id: Option<String>,
    pub created_ms: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Mention {
    pub key: String,
    pub open_id: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Reaction {
    pub reaction_id: String,
    pub emoji_type: String,
    /// The app id for the bot, the open id for a user.
    pub operator_id: String,
    /// `app` or `user`.
    pub operator_type: &'static str,
    pub action_ms: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Message {
    pub message_id: String,
    pub chat_id: String,
    pub root_id: Option<String>,
    pub parent_id: Option<String>,
    pub thread_id: Option<String>,
    pub msg_type: String,
    /// The content JSON string.
    pub content: String,
    pub create_ms: u64,
    pub update_ms: u64,
    pub deleted: bool,
    pub updated: bool,
    /// The bot's app id, or the user's open id.
    pub sender_id: String,
    pub sender_is_bot: bool,
    pub mentions: Vec<Mention>,
    pub reactions: Vec<Reaction>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Pin {
    pub message_id: String,
    pub chat_id: String,
    pub operator_id: String,
    pub create_ms: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourceKind {
    Image,
    File,
}

#[derive(Debug, Clone)]
pub struct Resource {
    pub kind: ResourceKind,
    pub name: String,
    /// `file_type` of a file upload, `image_type` of an image.
    pub file_type: String,
    pub bytes: Bytes,
}

/// Chats, messages, reactions, pins and uploaded images and files of one app.
#[derive(Default)]
pub struct ImStore {
    pub users: HashMap<String, User>,
    pub chats: HashMap<String, Chat>,
    /// Chat ids in creation order (for listing).
    pub chat_order: Vec<String>,
    pub messages: Vec<Message>,
    /// Other apps whose bots posted in this app's chats: app id → bot name.
    pub other_bots: HashMap<String, String>,
    index: HashMap<String, usize>,
    /// Send/reply `uuid` → the message it created and when.
    uuids: HashMap<String, (String, Instant)>,
    pub pins: Vec<Pin>,
    pub resources: HashMap<String, Resource>,
    /// Recent bot sends per chat, for the 5-per-second limit.
    sends: HashMap<String, VecDeque<Instant>>,
    last_ms: u64,
}

impl ImStore {
    /// A strictly increasing timestamp, so "sent later" always sorts later.
    pub fn tick(&mut self) -> u64 {
        let now = ids::now_ms().max(self.last_ms + 1);
        self.last_ms = now;
        now
    }

    /// The user with this open id, registered on first sight.
    pub fn ensure_user(&mut self, open_id: &str, name: Option<&str>) -> User {
        let user = self
            .users
            .entry(open_id.to_owned())
            .or_insert_with(|| User {
                open_id: open_id.to_owned(),
                union_id: ids::union_id_for(open_id),
                user_id: ids::user_id_for(open_id),
                name: String::new(),
                en_name: String::new(),
                email: String::new(),
            });
        if let Some(n) = name.filter(|n| !n.is_empty()) {
            user.name = n.to_owned();
        }
        if user.name.is_empty() {
            user.name = format!("User {}", &user.user_id);
        }
        if user.email.is_empty() {
            user.email = format!("{}@example.com", user.user_id);
        }
        user.clone()
    }

    /// Resolves a `receive_id` of `user_id`, `union_id` or `email` type to an open id.
    pub fn find_user(&self, id_type: &str, id: &str) -> Option<String> {
        self.users
            .values()
            .find(|u| match id_type {
                "open_id" => u.open_id == id,
                "user_id" => u.user_id == id,
                "union_id" => u.union_id == id,
                "email" => u.email.eq_ignore_ascii_case(id),
                _ => false,
            })
            .map(|u| u.open_id.clone())
    }

    pub fn add_chat(&mut self, chat: Chat) {
        if !self.chats.contains_key(&chat.chat_id) {
            self.chat_order.push(chat.chat_id.clone());
        }
        self.chats.insert(chat.chat_id.clone(), chat);
    }

    /// The p2p chat between the bot and `open_id`, created on first use.
    pub fn p2p_chat_with(&mut self, open_id: &str) -> String {
        if let Some(c) = self.chats.values().find(|c| {
            c.mode == ChatMode::P2p && c.members.first().map(String::as_str) == Some(open_id)
        }) {
            return c.chat_id.clone();
        }
        let user = self.ensure_user(open_id, None);
        let chat = Chat {
            chat_id: ids::chat_id(),
            name: user.name.clone(),
            description: String::new(),
            mode: ChatMode::P2p,
            members: vec![open_id.to_owned()],
            owner_open_id: None,
            created_ms: self.tick(),
        };
        let id = chat.chat_id.clone();
        self.add_chat(chat);
        id
    }

    pub fn message(&self, id: &str) -> Option<&Message> {
        self.index.get(id).and_then(|&i| self.messages.get(i))
    }

    pub fn message_mut(&mut self, id: &str) -> Option<&mut Message> {
        match self.index.get(id) {
            Some(&i) => self.messages.get_mut(i),
            None => None,
        }
    }

    pub fn insert(&mut self, msg: Message) -> bool {
        if self.messages.len() >= MAX_MESSAGES {
            return false;
        }
        self.index
            .insert(msg.message_id.clone(), self.messages.len());
        self.messages.push(msg);
        true
    }

    /// The message an earlier send with this `uuid` created, within the dedup window.
    pub fn dedup(&mut self, uuid: &str) -> Option<String> {
        self.uuids.retain(|_, (_, at)| at.elapsed() < UUID_WINDOW);
        self.uuids.get(uuid).map(|(id, _)| id.clone())
    }

    pub fn remember_uuid(&mut self, uuid: &str, message_id: &str) {
        self.uuids
            .insert(uuid.to_owned(), (message_id.to_owned(), Instant::now()));
    }

    /// Counts a bot send to `chat_id`; false when it is the 6th within one second.
    pub fn admit_send(&mut self, chat_id: &str) -> bool {
        let now = Instant::now();
        let q = self.sends.entry(chat_id.to_owned()).or_default();
        while q
            .front()
            .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(1))
        {
            q.pop_front();
        }
        if q.len() >= 5 {
            return false;
        }
        q.push_back(now);
        true
    }

    /// The thread a message belongs to, creating one rooted at it when asked.
    pub fn thread_for(&mut self, message_id: &str, create: bool) -> Option<String> {
        let msg = self.message(message_id)?;
        if let Some(t) = &msg.thread_id {
            return Some(t.clone());
        }
        if let Some(root) = msg.root_id.clone()
            && let Some(t) = self.message(&root).and_then(|m| m.thread_id.clone())
        {
            return Some(t);
        }
        if !create {
            return None;
        }
        let root = msg.root_id.clone().unwrap_or_else(|| message_id.to_owned());
        let thread = ids::thread_id();
        if let Some(m) = self.message_mut(&root) {
            m.thread_id = Some(thread.clone());
        }
        Some(thread)
    }
}
