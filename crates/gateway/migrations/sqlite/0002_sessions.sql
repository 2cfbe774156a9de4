-- Conversation history per session key (lark:<account>:dm:<open_id>, ...:group:<chat_id>,
-- ...:thread:<thread_id>): the agent's JSON document, so a conversation survives restarts.
CREATE TABLE sessions (
    key           TEXT    PRIMARY KEY,
    data          TEXT    NOT NULL,
    updated_at_ms INTEGER NOT NULL
);

-- A reply streaming into a CardKit card: the card (so a turn resumed after a crash finishes it
-- instead of making a second one) and the sequence its current writer starts above.
ALTER TABLE events ADD COLUMN card_id TEXT;
ALTER TABLE events ADD COLUMN card_seq INTEGER NOT NULL DEFAULT 0;
