-- The inbound record, as in migrations/sqlite/0001_init.sql; only the dialect differs
-- (BIGSERIAL, BIGINT milliseconds, JSONB for the sent ids).
CREATE TABLE events (
    seq             BIGSERIAL PRIMARY KEY,
    account         TEXT    NOT NULL,
    event_id        TEXT    NOT NULL,
    message_id      TEXT,
    event_type      TEXT    NOT NULL,
    chat_key        TEXT,
    payload         TEXT    NOT NULL,
    received_at_ms  BIGINT  NOT NULL,
    created_at_ms   BIGINT,
    -- received | admitted | answered | sent | refused | ignored | expired | failed
    status          TEXT    NOT NULL,
    reason          TEXT,
    -- the outbox: the reply's planned parts (JSON), recorded before anything is sent
    parts           TEXT,
    -- the platform message ids of the parts sent so far
    sent_ids        JSONB   NOT NULL DEFAULT '[]'::jsonb,
    typing_reaction TEXT,
    attempts        BIGINT  NOT NULL DEFAULT 0,
    updated_at_ms   BIGINT  NOT NULL
);
CREATE UNIQUE INDEX events_event_id ON events (account, event_id);
CREATE UNIQUE INDEX events_message_id ON events (account, message_id) WHERE message_id IS NOT NULL;
CREATE INDEX events_open ON events (account, chat_key, seq)
    WHERE status IN ('received', 'admitted', 'answered');
CREATE INDEX events_age ON events (received_at_ms);

-- DM pairing: a code per unknown sender, approved or rejected from the CLI.
CREATE TABLE pairing (
    account        TEXT    NOT NULL,
    open_id        TEXT    NOT NULL,
    code           TEXT    NOT NULL,
    chat_id        TEXT,
    name           TEXT,
    -- pending | approved | rejected
    status         TEXT    NOT NULL,
    created_at_ms  BIGINT  NOT NULL,
    expires_at_ms  BIGINT  NOT NULL,
    decided_at_ms  BIGINT,
    PRIMARY KEY (account, open_id)
);
CREATE UNIQUE INDEX pairing_code ON pairing (code);
