DROP INDEX outbox_order;
CREATE INDEX outbox_order ON outbox (endpoint_id, profile_id, id) WHERE sent_at IS NULL AND dead_at IS NULL;
DROP INDEX outbox_recipient;
CREATE INDEX outbox_recipient ON outbox (recipient);
