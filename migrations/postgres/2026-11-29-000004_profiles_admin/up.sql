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
    SELECT coalesce(sum(1::bigint << a.mask_bit), 0)::bigint FROM consents c JOIN agreements a ON a.id = c.agreement_id
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
    id BIGSERIAL PRIMARY KEY,
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
CREATE OR REPLACE FUNCTION consent_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE'
       OR (NEW.id, NEW.profile_id, NEW.agreement_id, NEW.agreement_key, NEW.value, NEW.previous, NEW.version,
           NEW.text_sha256, NEW.source, NEW.occurred_at, NEW.recorded_at, NEW.email_digest, NEW.ip_digest,
           NEW.user_agent_digest, NEW.language, NEW.prev_hash, NEW.hash, NEW.reason_digest)
          IS DISTINCT FROM
          (OLD.id, OLD.profile_id, OLD.agreement_id, OLD.agreement_key, OLD.value, OLD.previous, OLD.version,
           OLD.text_sha256, OLD.source, OLD.occurred_at, OLD.recorded_at, OLD.email_digest, OLD.ip_digest,
           OLD.user_agent_digest, OLD.language, OLD.prev_hash, OLD.hash, OLD.reason_digest)
       OR (NEW.ip IS DISTINCT FROM OLD.ip AND NEW.ip IS NOT NULL)
       OR (NEW.user_agent IS DISTINCT FROM OLD.user_agent AND NEW.user_agent IS NOT NULL)
       OR (NEW.reason IS DISTINCT FROM OLD.reason AND NEW.reason IS NOT NULL) THEN
        RAISE EXCEPTION 'consent_events is append-only';
    END IF;
    RETURN NEW;
END $$;
