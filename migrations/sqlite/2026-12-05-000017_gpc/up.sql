-- Global Privacy Control. An agreement may say "a GPC signal means no" (gpc), with the time that flag
-- last changed (for /.well-known/gpc.json); a ledger event records whether the request that made it
-- carried Sec-GPC: 1 (covered by the event's hash when it did); an opt-in request records whether the
-- sign-up carried it, so its confirmation can say the person agreed knowing their browser's signal.
ALTER TABLE agreements ADD COLUMN gpc BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE agreements ADD COLUMN gpc_changed_at TIMESTAMP;
ALTER TABLE optin_requests ADD COLUMN gpc BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE consent_events ADD COLUMN gpc BOOLEAN NOT NULL DEFAULT 0;
DROP TRIGGER consent_events_append_only_update;
CREATE TRIGGER consent_events_append_only_update BEFORE UPDATE ON consent_events
WHEN NEW.id IS NOT OLD.id OR NEW.profile_id IS NOT OLD.profile_id OR NEW.agreement_id IS NOT OLD.agreement_id
  OR NEW.agreement_key IS NOT OLD.agreement_key OR NEW.value IS NOT OLD.value OR NEW.previous IS NOT OLD.previous
  OR NEW.version IS NOT OLD.version OR NEW.text_sha256 IS NOT OLD.text_sha256 OR NEW.source IS NOT OLD.source
  OR NEW.occurred_at IS NOT OLD.occurred_at OR NEW.recorded_at IS NOT OLD.recorded_at
  OR NEW.email_digest IS NOT OLD.email_digest OR NEW.ip_digest IS NOT OLD.ip_digest
  OR NEW.user_agent_digest IS NOT OLD.user_agent_digest OR NEW.language IS NOT OLD.language
  OR NEW.prev_hash IS NOT OLD.prev_hash OR NEW.hash IS NOT OLD.hash
  OR NEW.reason_digest IS NOT OLD.reason_digest OR NEW.origin IS NOT OLD.origin OR NEW.gpc IS NOT OLD.gpc
  OR (NEW.ip IS NOT OLD.ip AND NEW.ip IS NOT NULL)
  OR (NEW.user_agent IS NOT OLD.user_agent AND NEW.user_agent IS NOT NULL)
  OR (NEW.reason IS NOT OLD.reason AND NEW.reason IS NOT NULL)
BEGIN
    SELECT RAISE(ABORT, 'consent_events is append-only');
END;
