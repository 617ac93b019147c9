-- Scheduled CSV send-files: the export CSV for a filter, sent to an HTTP endpoint (or an SFTP server)
-- on a schedule. Each run is a job (`jobs.kind = 'sendfile'`), so one process runs it under a lease.
CREATE TABLE sendfiles (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    -- https://…, http://… or sftp://USER@HOST[:PORT]/PATH
    target TEXT NOT NULL,
    -- POST or PUT (HTTP targets).
    method TEXT NOT NULL DEFAULT 'POST',
    -- Which profiles: agreement and status, or a saved audience, or none (everyone).
    agreement TEXT,
    status TEXT,
    audience TEXT,
    -- The schedule, UTC: every `every_minutes`, on the grid that starts at `at_minute` after midnight.
    every_minutes INTEGER NOT NULL,
    at_minute INTEGER,
    -- Only profiles changed since the start of the last successful run.
    changed_only BOOLEAN NOT NULL DEFAULT FALSE,
    next_run_at TIMESTAMP NOT NULL,
    -- Failed runs in a row; the next try waits longer with each.
    failures INTEGER NOT NULL DEFAULT 0,
    -- The start of the last successful run ("changed since" for the next one).
    last_success_at TIMESTAMP,
    paused_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX sendfiles_due ON sendfiles (next_run_at) WHERE paused_at IS NULL;
