-- Queue modes: messages answered together in one turn name the batch they belong to, the
-- event id of its lead (the last message, the one the reply goes to). A restart re-runs the
-- same batch, and a member is closed with its lead. Status may now also be 'stopped'.
ALTER TABLE events ADD COLUMN batch TEXT;
CREATE INDEX events_batch ON events (account, batch) WHERE batch IS NOT NULL;
