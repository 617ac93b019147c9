ALTER TABLE consent_events DROP COLUMN gpc;
ALTER TABLE optin_requests DROP COLUMN gpc;
ALTER TABLE agreements DROP COLUMN gpc_changed_at;
ALTER TABLE agreements DROP COLUMN gpc;
CREATE OR REPLACE FUNCTION consent_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE'
       OR (NEW.id, NEW.profile_id, NEW.agreement_id, NEW.agreement_key, NEW.value, NEW.previous, NEW.version,
           NEW.text_sha256, NEW.source, NEW.occurred_at, NEW.recorded_at, NEW.email_digest, NEW.ip_digest,
           NEW.user_agent_digest, NEW.language, NEW.prev_hash, NEW.hash, NEW.reason_digest, NEW.origin)
          IS DISTINCT FROM
          (OLD.id, OLD.profile_id, OLD.agreement_id, OLD.agreement_key, OLD.value, OLD.previous, OLD.version,
           OLD.text_sha256, OLD.source, OLD.occurred_at, OLD.recorded_at, OLD.email_digest, OLD.ip_digest,
           OLD.user_agent_digest, OLD.language, OLD.prev_hash, OLD.hash, OLD.reason_digest, OLD.origin)
       OR (NEW.ip IS DISTINCT FROM OLD.ip AND NEW.ip IS NOT NULL)
       OR (NEW.user_agent IS DISTINCT FROM OLD.user_agent AND NEW.user_agent IS NOT NULL)
       OR (NEW.reason IS DISTINCT FROM OLD.reason AND NEW.reason IS NOT NULL) THEN
        RAISE EXCEPTION 'consent_events is append-only';
    END IF;
    RETURN NEW;
END $$;
