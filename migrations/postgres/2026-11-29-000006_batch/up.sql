-- Answers of batch requests sent with an Idempotency-Key, per API key, kept 24 hours: a retried
-- request gets the first answer back instead of being applied twice.
CREATE TABLE idempotency_keys (
    id BIGSERIAL PRIMARY KEY,
    api_key TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    request_sha256 TEXT NOT NULL,
    response TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (api_key, idempotency_key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
