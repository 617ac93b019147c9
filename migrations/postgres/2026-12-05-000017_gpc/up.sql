-- Global Privacy Control. An agreement may say "a GPC signal means no" (gpc), with the time that flag
-- last changed (for /.well-known/gpc.json); a ledger event records whether the request that made it
-- carried Sec-GPC: 1 (covered by the event's hash when it did); an opt-in request records whether the
-- sign-up carried it, so its confirmation can say the person agreed knowing their browser's signal.
ALTER TABLE agreements ADD COLUMN gpc BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE agreements ADD COLUMN gpc_changed_at TIMESTAMP;
ALTER TABLE optin_requests ADD COLUMN gpc BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE consent_events ADD COLUMN gpc BOOLEAN NOT NULL DEFAULT false;
CREATE OR REPLACE FUNCTION consent_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE'
       OR (NEW.id, NEW.profile_id, NEW.agreement_id, NEW.agreement_key, NEW.value, NEW.previous, NEW.version,
           NEW.text_sha256, NEW.source, NEW.occurred_at, NEW.recorded_at, NEW.email_digest, NEW.ip_digest,
           NEW.user_agent_digest, NEW.language, NEW.prev_hash, NEW.hash, NEW.reason_digest, NEW.origin, NEW.gpc)
          IS DISTINCT FROM
          (OLD.id, OLD.profile_id, OLD.agreement_id, OLD.agreement_key, OLD.value, OLD.previous, OLD.version,
           OLD.text_sha256, OLD.source, OLD.occurred_at, OLD.recorded_at, OLD.email_digest, OLD.ip_digest,
           OLD.user_agent_digest, OLD.language, OLD.prev_hash, OLD.hash, OLD.reason_digest, OLD.origin, OLD.gpc)
       OR (NEW.ip IS DISTINCT FROM OLD.ip AND NEW.ip IS NOT NULL)
       OR (NEW.user_agent IS DISTINCT FROM OLD.user_agent AND NEW.user_agent IS NOT NULL)
       OR (NEW.reason IS DISTINCT FROM OLD.reason AND NEW.reason IS NOT NULL) THEN
        RAISE EXCEPTION 'consent_events is append-only';
    END IF;
    RETURN NEW;
END $$;
