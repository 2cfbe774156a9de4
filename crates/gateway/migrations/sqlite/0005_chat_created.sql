-- A chat's events by creation time, as PostgreSQL has had since its 0005: every turn asks when
-- the chat's newest settled message was created (the order check and the typing decision), and
-- a group turn reads the chat's unaddressed messages since its last turn. Without it each of
-- those scans the account's events, and the cost of a turn grows with the table.
CREATE INDEX events_chat_created ON events (account, chat_key, created_at_ms);
