-- The email delivery page and erasure: dead letters listed newest first, sent counts over a day, an
-- address's emails found without a scan; the profile search's exact phone match.
CREATE INDEX email_outbox_dead ON email_outbox (id) WHERE dead_at IS NOT NULL;
CREATE INDEX email_outbox_sent ON email_outbox (sent_at) WHERE sent_at IS NOT NULL;
CREATE INDEX email_outbox_recipient ON email_outbox (recipient);
CREATE INDEX profiles_phone ON profiles (phone) WHERE phone IS NOT NULL;
