-- Times when a replica may have missed events: a long connection of the account dropped (what
-- the platform pushed into it is lost until redelivered), or a replica started after a crash.
-- Every replica reads them before a chat's turn and catches the chat up from its history, so a
-- lost message is answered first and in its place. Times are the platform's clock (message
-- create times), with margins for skew.
CREATE TABLE gaps (
    account   TEXT   NOT NULL,
    from_ms   BIGINT NOT NULL,
    to_ms     BIGINT NOT NULL
);
CREATE INDEX gaps_recent ON gaps (account, to_ms);
