-- A streamed reply longer than one card continues in more cards; each one after the first is
-- recorded as it is created (JSON list of {card_id, seq}), so a resumed turn continues them.
ALTER TABLE events ADD COLUMN more_cards TEXT NOT NULL DEFAULT '[]';
