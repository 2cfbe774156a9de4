-- Several gateway replicas on one database (PostgreSQL only: SQLite serves one process).

-- A chat's queue is drained by one replica at a time: the holder renews its lease while it
-- works; a replica that dies stops renewing, the lease expires and another one takes over.
-- Times are the database's clock, so replicas' clocks need not agree.
CREATE TABLE chat_leases (
    account     TEXT   NOT NULL,
    chat_key    TEXT   NOT NULL,
    holder      TEXT   NOT NULL,
    until_ms    BIGINT NOT NULL,
    PRIMARY KEY (account, chat_key)
);

-- One row per running replica, touched every few seconds: `channels status` counts the live ones.
CREATE TABLE replicas (
    id             TEXT   PRIMARY KEY,
    host           TEXT   NOT NULL,
    pid            BIGINT NOT NULL,
    started_at_ms  BIGINT NOT NULL,
    seen_at_ms     BIGINT NOT NULL
);

