-- Every dashboard or command-line action that changes something: who, what, when, from where.
CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT,
    ip TEXT,
    at TIMESTAMP NOT NULL
);
