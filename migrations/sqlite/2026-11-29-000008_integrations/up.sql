-- Other systems that push profiles to /integrations/{name}/webhook, each with its own way to prove a
-- request is theirs.
CREATE TABLE integrations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    -- hs256, rs256, es256 (a JWT in Authorization), hmac_sha256 (X-Hub-Signature-256) or
    -- standard_webhooks (webhook-id, webhook-timestamp, webhook-signature).
    auth TEXT NOT NULL,
    -- The shared secret (hs256, hmac_sha256, standard_webhooks) or the public key as PEM (rs256, es256).
    key TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    disabled_at TIMESTAMP
);

-- Token ids (JWT jti) and message ids (Standard Webhooks) already accepted, kept while they could
-- still be valid, so a replayed request is refused.
CREATE TABLE integration_replays (
    integration_id BIGINT NOT NULL REFERENCES integrations (id),
    message_id TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    PRIMARY KEY (integration_id, message_id)
);
CREATE INDEX integration_replays_expiry ON integration_replays (expires_at);
