-- A chat's events by creation time: before a turn, a replica asks when the chat's newest
-- settled message was created, and reads the chat's history from there for a message still on
-- its way to another replica (crates/gateway/src/intake/catch_up/mod.rs).
CREATE INDEX events_chat_created ON events (account, chat_key, created_at_ms);
