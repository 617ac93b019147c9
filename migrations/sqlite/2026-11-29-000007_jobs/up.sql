-- Long work that must survive a crash or restart (imports now; send-file runs later): one row per job,
-- claimed by one process at a time with a lease, its progress committed with the work it describes.
CREATE TABLE jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    -- What to do, as JSON (for an import: file, format, delimiter, mapping, fixed time, dry run).
    params TEXT NOT NULL,
    -- draft (waiting for its mapping), queued, running, done, failed, cancelled.
    status TEXT NOT NULL,
    -- The node that holds the job's file, when only that one can run it.
    node TEXT,
    claimed_by TEXT,
    locked_until TIMESTAMP,
    -- Rows in all, when counted, and rows whose work is committed.
    total BIGINT,
    done BIGINT NOT NULL DEFAULT 0,
    -- created, updated, unchanged, stale, rejected so far, as JSON.
    counts TEXT NOT NULL DEFAULT '{}',
    error TEXT,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    started_at TIMESTAMP,
    updated_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP
);
CREATE INDEX jobs_open ON jobs (kind, status);

-- Rows a job refused or found stale, with the reason: the job's error report.
CREATE TABLE job_rows (
    job_id BIGINT NOT NULL REFERENCES jobs (id),
    row_number BIGINT NOT NULL,
    outcome TEXT NOT NULL,
    message TEXT NOT NULL,
    PRIMARY KEY (job_id, row_number, outcome)
);
