-- A sign-up's email names its profile (erasure finds it by `outbox_profile`, which grows at its end),
-- so only emails queued without a profile are indexed by address: every indexed address is a random
-- page of the index written with each commit, and that was the sign-ups' largest cost in writes.
DROP INDEX outbox_recipient;
CREATE INDEX outbox_recipient ON outbox (recipient) WHERE profile_id IS NULL;
-- Per-profile order matters for webhook rows only: emails stay out of this index.
DROP INDEX outbox_order;
CREATE INDEX outbox_order ON outbox (endpoint_id, profile_id, id)
    WHERE sent_at IS NULL AND dead_at IS NULL AND endpoint_id IS NOT NULL;
