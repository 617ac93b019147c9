-- One outbox for every delivery channel: emails and outgoing webhooks share the table, the lease
-- machinery and the retry bookkeeping; `channel` says which deliverer takes a row.
ALTER TABLE email_outbox RENAME TO outbox;
ALTER TABLE outbox ADD COLUMN channel TEXT NOT NULL DEFAULT 'email';
-- Webhook rows: the endpoint they go to, and the profile they are about (deliveries of one profile to
-- one endpoint go out in order).
ALTER TABLE outbox ADD COLUMN endpoint_id INTEGER;
ALTER TABLE outbox ADD COLUMN profile_id INTEGER;
-- What the receiver answered on the last attempt, for the delivery log.
ALTER TABLE outbox ADD COLUMN response_code INTEGER;
ALTER TABLE outbox ADD COLUMN latency_ms INTEGER;
ALTER TABLE outbox ADD COLUMN response_start TEXT;
DROP INDEX email_outbox_due;
DROP INDEX email_outbox_dead;
DROP INDEX email_outbox_sent;
DROP INDEX email_outbox_recipient;
CREATE INDEX outbox_due ON outbox (channel, endpoint_id, next_attempt_at) WHERE sent_at IS NULL AND dead_at IS NULL;
CREATE INDEX outbox_order ON outbox (endpoint_id, profile_id, id) WHERE sent_at IS NULL AND dead_at IS NULL;
CREATE INDEX outbox_dead ON outbox (channel, endpoint_id, id) WHERE dead_at IS NOT NULL;
CREATE INDEX outbox_sent ON outbox (channel, endpoint_id, sent_at) WHERE sent_at IS NOT NULL;
CREATE INDEX outbox_recipient ON outbox (recipient);
CREATE INDEX outbox_profile ON outbox (profile_id) WHERE profile_id IS NOT NULL;

-- Where every change is pushed: Standard Webhooks endpoints.
CREATE TABLE webhook_endpoints (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    url TEXT NOT NULL,
    -- Comma-separated event types: profile.created, profile.updated, consent.changed.
    events TEXT NOT NULL,
    -- Comma-separated agreement keys consent.changed is limited to; empty: every agreement.
    agreements TEXT NOT NULL DEFAULT '',
    -- Comma-separated sources never sent (`import` for every import, `api:crm` for one key).
    exclude_sources TEXT NOT NULL DEFAULT '',
    -- The incoming integration of the same external system: what it sent is never echoed back.
    integration_id INTEGER REFERENCES integrations (id) ON DELETE SET NULL,
    -- whsec_<base64>; kept as given, since signing needs it. The previous secret also signs until
    -- previous_until (rotation grace).
    secret TEXT NOT NULL,
    previous_secret TEXT,
    previous_until TIMESTAMP,
    paused_at TIMESTAMP,
    -- Why it stopped by itself (the receiver answered 410 Gone); cleared by resuming.
    disabled_reason TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
