-- A confirmation request that the person ended by saying no (unsubscribe, one-click, preference centre).
-- Kept apart from expiry: an ended request can never be confirmed or renewed, an expired one can be renewed.
ALTER TABLE optin_requests ADD COLUMN cancelled_at TIMESTAMP;
-- Which process start holds the lease of an outbox row ("NODE_NAME#START_ID"), so a node that restarts
-- takes back its own earlier claims at once instead of waiting out their leases.
ALTER TABLE email_outbox ADD COLUMN claimed_by TEXT;
