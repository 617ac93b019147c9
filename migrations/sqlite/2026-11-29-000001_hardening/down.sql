ALTER TABLE email_outbox DROP COLUMN claimed_by;
ALTER TABLE optin_requests DROP COLUMN cancelled_at;
