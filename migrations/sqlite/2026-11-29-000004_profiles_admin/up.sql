-- A staff member's reason for a change they made. The chain covers its digest, so erasure can blank the
-- text and the ledger still verifies.
ALTER TABLE consent_events ADD COLUMN reason TEXT;
ALTER TABLE consent_events ADD COLUMN reason_digest TEXT;
CREATE INDEX consent_events_recorded ON consent_events (recorded_at);
-- The open confirmation requests (pending counts of the agreements list).
CREATE INDEX optin_requests_open ON optin_requests (expires_at) WHERE confirmed_at IS NULL AND cancelled_at IS NULL;

-- Right to erasure: when the profile's personal data was blanked.
ALTER TABLE profiles ADD COLUMN erased_at TIMESTAMP;
-- Bit `agreements.mask_bit` is set while that agreement is enabled. Kept by consent::apply under the profile's
-- lock; the overview, audiences and exports by audience count and filter on it.
ALTER TABLE profiles ADD COLUMN consent_mask BIGINT NOT NULL DEFAULT 0;
ALTER TABLE agreements ADD COLUMN mask_bit INTEGER NOT NULL DEFAULT 0;
UPDATE agreements SET mask_bit = (SELECT count(*) FROM agreements a2 WHERE a2.id < agreements.id);
CREATE UNIQUE INDEX agreements_bit ON agreements (mask_bit);
UPDATE profiles SET consent_mask = (
    SELECT coalesce(sum(1 << a.mask_bit), 0) FROM consents c JOIN agreements a ON a.id = c.agreement_id
    WHERE c.profile_id = profiles.id AND c.value = 'enabled');
CREATE INDEX profiles_live_mask ON profiles (consent_mask) WHERE erased_at IS NULL;

-- What an erased profile was known by (SHA-256 of `email` or `customId:ID`, as in the ledger), so a late
-- import or integration cannot bring the person back.
CREATE TABLE erasures (
    identity_digest TEXT PRIMARY KEY,
    profile_id BIGINT NOT NULL,
    erased_at TIMESTAMP NOT NULL
);

-- Named combinations of agreements: profiles with all of, any of, or none of them enabled.
CREATE TABLE audiences (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    rule TEXT NOT NULL,
    agreements TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- Opt-ins and opt-outs recorded per closed UTC day and agreement (the overview chart); days still open
-- are counted from consent_events.
CREATE TABLE consent_daily (
    day TEXT NOT NULL,
    agreement_id BIGINT NOT NULL,
    opt_ins BIGINT NOT NULL,
    opt_outs BIGINT NOT NULL,
    PRIMARY KEY (day, agreement_id)
);

-- The ledger stays append-only with the new columns: a reason may only be blanked (erasure), its digest
-- never changes.
DROP TRIGGER consent_events_append_only_update;
CREATE TRIGGER consent_events_append_only_update BEFORE UPDATE ON consent_events
WHEN NEW.id IS NOT OLD.id OR NEW.profile_id IS NOT OLD.profile_id OR NEW.agreement_id IS NOT OLD.agreement_id
  OR NEW.agreement_key IS NOT OLD.agreement_key OR NEW.value IS NOT OLD.value OR NEW.previous IS NOT OLD.previous
  OR NEW.version IS NOT OLD.version OR NEW.text_sha256 IS NOT OLD.text_sha256 OR NEW.source IS NOT OLD.source
  OR NEW.occurred_at IS NOT OLD.occurred_at OR NEW.recorded_at IS NOT OLD.recorded_at
  OR NEW.email_digest IS NOT OLD.email_digest OR NEW.ip_digest IS NOT OLD.ip_digest
  OR NEW.user_agent_digest IS NOT OLD.user_agent_digest OR NEW.language IS NOT OLD.language
  OR NEW.prev_hash IS NOT OLD.prev_hash OR NEW.hash IS NOT OLD.hash
  OR NEW.reason_digest IS NOT OLD.reason_digest
  OR (NEW.ip IS NOT OLD.ip AND NEW.ip IS NOT NULL)
  OR (NEW.user_agent IS NOT OLD.user_agent AND NEW.user_agent IS NOT NULL)
  OR (NEW.reason IS NOT OLD.reason AND NEW.reason IS NOT NULL)
BEGIN
    SELECT RAISE(ABORT, 'consent_events is append-only');
END;
