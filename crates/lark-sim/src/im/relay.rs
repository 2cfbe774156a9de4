//! Bots hearing bots: a bot's message in a group is delivered to the other apps in that group,
//! as `im.message.receive_v1` with `sender_type: "app"` and the sending bot's ids.
//!
//! Each app keeps its own view of the IM world; an app is a member of a group when that chat
//! exists in its view. Like a user's message, a bot's message reaches another app when it
//! @mentions that app's bot, or, with `im:message.group_msg` (the scope to read all group
//! messages), whether it mentions it or not. A bot never receives its own messages, and p2p
//! chats have no other bots in them. The message keeps its id everywhere (message ids are
//! global on the platform), so the receiving app can reply to it.

use serde_json::{Value, json};

use super::store::{ChatMode, Mention, Message};
use crate::contact::Family;
use crate::events;
use crate::state::{App, SimState};

/// Delivers `msg`, just posted by `from`'s bot, to every other app of the group that may hear it.
pub(crate) fn to_other_bots(state: &SimState, from: &App, msg: &Message) {
    let apps = state.apps_snapshot();
    for app in apps.iter().filter(|a| a.spec.app_id != from.spec.app_id) {
        let mentioned = msg.mentions.iter().any(|m| m.open_id == app.bot_open_id);
        if !mentioned && !app.families.granted(Family::GroupMsg) {
            continue;
        }
        let (chat_type, mention_ids) = {
            let mut store = app.im.lock().expect("im lock");
            let Some(mode) = store.chats.get(&msg.chat_id).map(|c| c.mode) else {
                continue;
            };
            if mode == ChatMode::P2p || store.message(&msg.message_id).is_some() {
                continue;
            }
            let mention_ids: Vec<(Mention, Value)> = msg
                .mentions
                .iter()
                .filter(|m| m.open_id != "all")
                .map(|m| {
                    let id = match apps.iter().find(|a| a.bot_open_id == m.open_id) {
                        Some(bot) => events::bot_ids(bot),
                        None => match store.users.get(&m.open_id) {
                            Some(u) => events::user_ids(u),
                            None => json!({ "open_id": m.open_id, "union_id": "", "user_id": "" }),
                        },
                    };
                    (m.clone(), id)
                })
                .collect();
            store
                .other_bots
                .insert(from.spec.app_id.clone(), from.bot_name.clone());
            if !store.insert(msg.clone()) {
                continue;
            }
            (mode.event_chat_type(), mention_ids)
        };
        let event = events::bot_message_received(app, from, msg, chat_type, &mention_ids);
        state.emit(app, "im.message.receive_v1", event);
    }
}
