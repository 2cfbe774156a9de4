-- Conversation history per session key, and the card a reply streams into, as in
-- migrations/sqlite/0002_sessions.sql.
CREATE TABLE sessions (
    key           TEXT    PRIMARY KEY,
    data          TEXT    NOT NULL,
    updated_at_ms BIGINT  NOT NULL
);

ALTER TABLE events ADD COLUMN card_id TEXT;
ALTER TABLE events ADD COLUMN card_seq BIGINT NOT NULL DEFAULT 0;
