-- Scheduled jobs: what to post (or which prompt to run) where, and when. `next_run_ms` is the
-- firing the scheduler takes next; a firing is claimed as an event (`job:<id>:<ms>`), so of
-- several replicas exactly one runs it.
CREATE TABLE jobs (
    id            TEXT    PRIMARY KEY,
    account       TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    kind          TEXT    NOT NULL,
    expr          TEXT    NOT NULL,
    tz            TEXT    NOT NULL,
    target        TEXT    NOT NULL,
    action        TEXT    NOT NULL,
    body          TEXT    NOT NULL,
    format        TEXT    NOT NULL,
    scope_chat    TEXT,
    created_by    TEXT,
    enabled       INTEGER NOT NULL DEFAULT 1,
    next_run_ms   INTEGER,
    last_run_ms   INTEGER,
    last_outcome  TEXT,
    created_at_ms INTEGER NOT NULL
);
CREATE INDEX jobs_due ON jobs (enabled, next_run_ms);

-- One row per firing: claimed, then how it ended (sent, failed, missed).
CREATE TABLE job_runs (
    job_id        TEXT    NOT NULL,
    scheduled_ms  INTEGER NOT NULL,
    outcome       TEXT    NOT NULL,
    detail        TEXT,
    updated_at_ms INTEGER NOT NULL,
    PRIMARY KEY (job_id, scheduled_ms)
);
