//! Acting as users: seed chats, send messages, react, add the bot, enter a p2p chat, read, click
//! card buttons, inject raw events. Each produces the same state and events the platform would.

use std::sync::Arc;

use serde_json::{Value, json};

use super::{
    CardAction, CardOutcome, Injected, Person, SeedChat, SimError, UserMessage, UserReaction,
};
use crate::delivery::{self, DispatchCtx};
use crate::events;
use crate::ids;
use crate::im::store::{Chat, ChatMode, Mention, Message, Reaction, Resource, ResourceKind};
use crate::state::{App, SimState};

impl SimState {
    pub(crate) fn app_or_err(&self, app_id: &str) -> Result<Arc<App>, SimError> {
        self.app(app_id)
            .ok_or_else(|| SimError::UnknownApp(app_id.to_owned()))
    }

    fn start_delivery(
        &self,
        app: &Arc<App>,
        event_type: &str,
        event_id: String,
        body: Value,
        redeliver: bool,
    ) -> tokio::sync::oneshot::Receiver<Option<Value>> {
        let ctx: DispatchCtx = self.dispatch_ctx();
        delivery::dispatch(
            ctx,
            app.clone(),
            event_id,
            event_type.to_owned(),
            body,
            redeliver,
        )
    }

    pub(crate) fn emit(&self, app: &Arc<App>, event_type: &str, event: Value) -> String {
        let (event_id, body) = events::envelope(app, event_type, event);
        drop(self.start_delivery(app, event_type, event_id.clone(), body, true));
        event_id
    }

    /// Creates (or replaces) a chat with its members; returns its id.
    pub fn seed_chat(&self, app_id: &str, seed: SeedChat) -> Result<String, SimError> {
        let app = self.app_or_err(app_id)?;
        let mut store = app.im.lock().expect("im lock");
        for m in &seed.members {
            if m.open_id.is_empty() {
                return Err(SimError::Invalid("every member needs an open_id".into()));
            }
            store.ensure_user(&m.open_id, Some(&m.name));
        }
        let chat_id = seed
            .chat_id
            .filter(|c| !c.is_empty())
            .unwrap_or_else(ids::chat_id);
        let name = if seed.name.is_empty() && seed.chat_mode == ChatMode::P2p {
            seed.members
                .first()
                .map(|m| m.name.clone())
                .unwrap_or_default()
        } else {
            seed.name
        };
        let created_ms = store.tick();
        store.add_chat(Chat {
            chat_id: chat_id.clone(),
            name,
            description: seed.description,
            mode: seed.chat_mode,
            members: seed.members.iter().map(|m| m.open_id.clone()).collect(),
            owner_open_id: seed.owner,
            created_ms,
        });
        Ok(chat_id)
    }

    /// A user sends a message: it is stored in the chat and `im.message.receive_v1` is delivered.
    pub fn user_sends(&self, app_id: &str, msg: UserMessage) -> Result<Injected, SimError> {
        let app = self.app_or_err(app_id)?;
        if msg.sender.open_id.is_empty() {
            return Err(SimError::Invalid("sender.open_id is required".into()));
        }
        let (message, sender, chat_type, mention_ids) = {
            let mut store = app.im.lock().expect("im lock");
            let sender = store.ensure_user(&msg.sender.open_id, Some(&msg.sender.name));
            let chat_id = match msg.chat_id.as_deref().filter(|c| !c.is_empty()) {
                Some(id) if store.chats.contains_key(id) => id.to_owned(),
                Some(id) => {
                    let mode = match msg.chat_type.as_deref() {
                        Some("p2p") => ChatMode::P2p,
                        Some("topic_group") | Some("topic") => ChatMode::Topic,
                        _ => ChatMode::Group,
                    };
                    let created_ms = store.tick();
                    store.add_chat(Chat {
                        chat_id: id.to_owned(),
                        name: String::new(),
                        description: String::new(),
                        mode,
                        members: vec![sender.open_id.clone()],
                        owner_open_id: None,
                        created_ms,
                    });
                    id.to_owned()
                }
                None if matches!(msg.chat_type.as_deref(), None | Some("p2p")) => {
                    store.p2p_chat_with(&sender.open_id)
                }
                None => return Err(SimError::Invalid("chat_id is required outside p2p".into())),
            };
            let chat = store
                .chats
                .get_mut(&chat_id)
                .ok_or_else(|| SimError::UnknownChat(chat_id.clone()))?;
            if !chat.members.contains(&sender.open_id) {
                chat.members.push(sender.open_id.clone());
            }
            let mode = chat.mode;
            let chat_type = msg
                .chat_type
                .clone()
                .unwrap_or_else(|| mode.event_chat_type().to_owned());

            // Mentions: the bot first when mentioned, then the listed users.
            let mut mention_ids: Vec<(Mention, Value)> = Vec::new();
            if msg.mention_bot {
                mention_ids.push((
                    Mention {
                        key: String::new(),
                        open_id: app.bot_open_id.clone(),
                        name: app.bot_name.clone(),
                    },
                    events::bot_ids(&app),
                ));
            }
            for p in &msg.mentions {
                let u = store.ensure_user(&p.open_id, Some(&p.name));
                mention_ids.push((
                    Mention {
                        key: String::new(),
                        open_id: u.open_id.clone(),
                        name: u.name.clone(),
                    },
                    events::user_ids(&u),
                ));
            }
            for (i, (m, _)) in mention_ids.iter_mut().enumerate() {
                m.key = format!("@_user_{}", i + 1);
            }
            let (msg_type, content) = match (&msg.text, &msg.message_type) {
                (Some(text), _) => {
                    let text = if mention_ids.is_empty() || text.contains("@_user_") {
                        text.clone()
                    } else {
                        let keys: Vec<&str> =
                            mention_ids.iter().map(|(m, _)| m.key.as_str()).collect();
                        format!("{} {text}", keys.join(" "))
                    };
                    ("text".to_owned(), json!({ "text": text }).to_string())
                }
                (None, Some(t)) => {
                    let content = match &msg.content {
                        Some(Value::String(s)) => s.clone(),
                        Some(v) => v.to_string(),
                        None => {
                            return Err(SimError::Invalid(
                                "content is required with message_type".into(),
                            ));
                        }
                    };
                    (t.clone(), content)
                }
                (None, None) => {
                    return Err(SimError::Invalid(
                        "text or message_type + content is required".into(),
                    ));
                }
            };

            // Threading: a reply inherits its parent's root and thread; a top-level message in a
            // topic chat opens a topic.
            let mut root_id = msg.root_id.clone();
            let mut thread_id = msg.thread_id.clone();
            if let Some(pid) = &msg.parent_id {
                let parent = store
                    .message(pid)
                    .ok_or_else(|| SimError::UnknownMessage(pid.clone()))?;
                if root_id.is_none() {
                    root_id = Some(parent.root_id.clone().unwrap_or(parent.message_id.clone()));
                }
                if thread_id.is_none() {
                    thread_id = store.thread_for(pid, mode == ChatMode::Topic);
                }
            } else if let Some(t) = &thread_id {
                if root_id.is_none() {
                    root_id = store
                        .messages
                        .iter()
                        .find(|m| m.thread_id.as_deref() == Some(t) && m.root_id.is_none())
                        .map(|m| m.message_id.clone());
                }
            } else if mode == ChatMode::Topic {
                thread_id = Some(ids::thread_id());
            }
            let now = store.tick();
            let message = Message {
                message_id: ids::message_id(),
                chat_id,
                root_id,
                parent_id: msg.parent_id.clone(),
                thread_id,
                msg_type,
                content,
                create_ms: now,
                update_ms: now,
                deleted: false,
                updated: false,
                sender_id: sender.open_id.clone(),
                sender_is_bot: false,
                mentions: mention_ids.iter().map(|(m, _)| m.clone()).collect(),
                reactions: Vec::new(),
            };
            if !store.insert(message.clone()) {
                return Err(SimError::Invalid("message store is full".into()));
            }
            (message, sender, chat_type, mention_ids)
        };
        let event = events::message_received(&app, &sender, &message, &chat_type, &mention_ids);
        let event_id = self.emit(&app, "im.message.receive_v1", event);
        Ok(Injected {
            event_id,
            message_id: message.message_id,
        })
    }

    /// A user adds (or with `action: "deleted"` removes) a reaction; returns the event id.
    pub fn user_reacts(&self, app_id: &str, r: UserReaction) -> Result<String, SimError> {
        let app = self.app_or_err(app_id)?;
        let deleted = r.action.as_deref() == Some("deleted");
        let (user, at) = {
            let mut store = app.im.lock().expect("im lock");
            let user = store.ensure_user(&r.user.open_id, Some(&r.user.name));
            let at = store.tick();
            let m = store
                .message_mut(&r.message_id)
                .ok_or_else(|| SimError::UnknownMessage(r.message_id.clone()))?;
            if deleted {
                m.reactions
                    .retain(|x| !(x.operator_id == user.open_id && x.emoji_type == r.emoji_type));
            } else {
                m.reactions.push(Reaction {
                    reaction_id: ids::reaction_id(),
                    emoji_type: r.emoji_type.clone(),
                    operator_id: user.open_id.clone(),
                    operator_type: "user",
                    action_ms: at,
                });
            }
            (user, at)
        };
        let event_type = if deleted {
            "im.message.reaction.deleted_v1"
        } else {
            "im.message.reaction.created_v1"
        };
        Ok(self.emit(
            &app,
            event_type,
            events::reaction(&user, &r.message_id, &r.emoji_type, at),
        ))
    }

    /// `operator` adds the bot to a chat (created as a group when unknown); returns the event id.
    pub fn bot_added(
        &self,
        app_id: &str,
        chat_id: &str,
        operator: Person,
    ) -> Result<String, SimError> {
        let app = self.app_or_err(app_id)?;
        let (user, name) = {
            let mut store = app.im.lock().expect("im lock");
            let user = store.ensure_user(&operator.open_id, Some(&operator.name));
            if !store.chats.contains_key(chat_id) {
                let created_ms = store.tick();
                store.add_chat(Chat {
                    chat_id: chat_id.to_owned(),
                    name: String::new(),
                    description: String::new(),
                    mode: ChatMode::Group,
                    members: vec![user.open_id.clone()],
                    owner_open_id: Some(user.open_id.clone()),
                    created_ms,
                });
            }
            let name = store
                .chats
                .get(chat_id)
                .map(|c| c.name.clone())
                .unwrap_or_default();
            (user, name)
        };
        Ok(self.emit(
            &app,
            "im.chat.member.bot.added_v1",
            events::bot_added(&app, &user, chat_id, &name),
        ))
    }

    /// A user opens their p2p chat with the bot; returns the event id.
    pub fn p2p_entered(&self, app_id: &str, user: Person) -> Result<String, SimError> {
        let app = self.app_or_err(app_id)?;
        let event = {
            let mut store = app.im.lock().expect("im lock");
            let u = store.ensure_user(&user.open_id, Some(&user.name));
            let chat_id = store.p2p_chat_with(&u.open_id);
            let last = store.messages.iter().rev().find(|m| m.chat_id == chat_id);
            events::p2p_entered(&u, &chat_id, last)
        };
        Ok(self.emit(&app, "im.chat.access_event.bot_p2p_chat_entered_v1", event))
    }

    /// A user reads messages; returns the event id.
    pub fn message_read(
        &self,
        app_id: &str,
        reader: Person,
        message_ids: Vec<String>,
    ) -> Result<String, SimError> {
        let app = self.app_or_err(app_id)?;
        let event = {
            let mut store = app.im.lock().expect("im lock");
            let u = store.ensure_user(&reader.open_id, Some(&reader.name));
            let at = store.tick();
            events::message_read(&app, &u, &message_ids, at)
        };
        Ok(self.emit(&app, "im.message.message_read_v1", event))
    }

    /// A user clicks a card element; waits for the bot's callback response (it is never
    /// redelivered, as on the platform). When the answer carries a card (`{"card": {"type":
    /// "raw", "data": {...}}}`), the message shows that card from now on, as on the platform.
    pub async fn card_action(&self, app_id: &str, a: CardAction) -> Result<CardOutcome, SimError> {
        let app = self.app_or_err(app_id)?;
        let event = {
            let mut store = app.im.lock().expect("im lock");
            let u = store.ensure_user(&a.user.open_id, Some(&a.user.name));
            let chat_id = store
                .message(&a.message_id)
                .map(|m| m.chat_id.clone())
                .ok_or_else(|| SimError::UnknownMessage(a.message_id.clone()))?;
            let mut action = if a.action.is_object() {
                a.action.clone()
            } else {
                json!({ "value": a.action })
            };
            if action.get("tag").is_none() {
                action["tag"] = json!("button");
            }
            events::card_action(&app, &u, &a.message_id, &chat_id, action)
        };
        let (event_id, body) = events::envelope(&app, "card.action.trigger", event);
        let rx = self.start_delivery(&app, "card.action.trigger", event_id.clone(), body, false);
        let response = rx.await.ok().flatten().filter(|v| !v.is_null());
        if let Some(card) = response
            .as_ref()
            .and_then(|r| r.get("card"))
            .filter(|c| c["type"] == "raw")
            .and_then(|c| c.get("data"))
        {
            let mut store = app.im.lock().expect("im lock");
            let now = store.tick();
            if let Some(m) = store.message_mut(&a.message_id) {
                m.content = card.to_string();
                m.update_ms = now;
            }
        }
        Ok(CardOutcome { event_id, response })
    }

    /// Delivers any event body in a schema 2.0 envelope (`event_type` in its header).
    pub fn inject_event(
        &self,
        app_id: &str,
        event_type: &str,
        event: Value,
    ) -> Result<String, SimError> {
        let app = self.app_or_err(app_id)?;
        Ok(self.emit(&app, event_type, event))
    }

    /// Delivers `body` exactly as given (a v1 event, a malformed or unknown one); the event id is
    /// taken from `header.event_id` or `uuid` when present.
    pub fn inject_raw(&self, app_id: &str, body: Value) -> Result<String, SimError> {
        let app = self.app_or_err(app_id)?;
        let event_id = body
            .pointer("/header/event_id")
            .or_else(|| body.get("uuid"))
            .and_then(Value::as_str)
            .map(str::to_owned)
            .unwrap_or_else(ids::event_id);
        let event_type = body
            .pointer("/header/event_type")
            .or_else(|| body.pointer("/event/type"))
            .and_then(Value::as_str)
            .unwrap_or("unknown")
            .to_owned();
        drop(self.start_delivery(&app, &event_type, event_id.clone(), body, true));
        Ok(event_id)
    }

    /// Stores an image or file as a user upload (for user messages that carry media); returns
    /// the `img_...` / `file_...` key.
    pub fn upload_resource(
        &self,
        app_id: &str,
        image: bool,
        name: &str,
        bytes: Vec<u8>,
    ) -> Result<String, SimError> {
        let app = self.app_or_err(app_id)?;
        let (key, kind) = if image {
            (ids::image_key(), ResourceKind::Image)
        } else {
            (ids::file_key(), ResourceKind::File)
        };
        app.im.lock().expect("im lock").resources.insert(
            key.clone(),
            Resource {
                kind,
                name: name.to_owned(),
                file_type: "stream".into(),
                bytes: bytes.into(),
            },
        );
        Ok(key)
    }

    /// Sends the url_verification challenge to a webhook app now.
    pub async fn verify_webhook(&self, app_id: &str) -> Result<(), SimError> {
        let app = self.app_or_err(app_id)?;
        delivery::webhook::verify(&self.dispatch_ctx(), &app)
            .await
            .map_err(SimError::Webhook)
    }
}
