-- Assent schema, SQLite flavour. Keep in step with migrations/postgres.
CREATE TABLE profiles (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT UNIQUE,
    custom_id TEXT UNIQUE,
    phone TEXT,
    first_name TEXT,
    last_name TEXT,
    attributes TEXT NOT NULL DEFAULT '{}',
    email_confirmed_at TIMESTAMP,
    -- Emails the public forms made us send to this address in the current window (see consent/throttle.rs).
    form_mails INTEGER NOT NULL DEFAULT 0,
    form_mail_window TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE agreements (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'push', 'other')),
    position INTEGER NOT NULL,
    current_version INTEGER NOT NULL,
    archived_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE agreement_versions (
    agreement_id BIGINT NOT NULL REFERENCES agreements (id),
    version INTEGER NOT NULL,
    language TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (agreement_id, version)
);

CREATE TABLE consents (
    profile_id BIGINT NOT NULL REFERENCES profiles (id),
    agreement_id BIGINT NOT NULL REFERENCES agreements (id),
    value TEXT NOT NULL CHECK (value IN ('enabled', 'disabled')),
    version INTEGER NOT NULL,
    occurred_at TIMESTAMP NOT NULL,
    PRIMARY KEY (profile_id, agreement_id)
);
CREATE INDEX consents_by_agreement ON consents (agreement_id, value);

CREATE TABLE consent_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    profile_id BIGINT NOT NULL REFERENCES profiles (id),
    agreement_id BIGINT NOT NULL REFERENCES agreements (id),
    agreement_key TEXT NOT NULL,
    value TEXT NOT NULL,
    previous TEXT NOT NULL,
    version INTEGER NOT NULL,
    text_sha256 TEXT NOT NULL,
    source TEXT NOT NULL,
    occurred_at TIMESTAMP NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    email_digest TEXT NOT NULL,
    ip TEXT,
    ip_digest TEXT,
    user_agent TEXT,
    user_agent_digest TEXT,
    language TEXT,
    prev_hash TEXT,
    hash TEXT NOT NULL
);
CREATE INDEX consent_events_by_profile ON consent_events (profile_id, id);
-- One successor per event: a chain cannot fork, even if two writers raced past the profile lock.
CREATE UNIQUE INDEX consent_events_chain ON consent_events (profile_id, COALESCE(prev_hash, ''));

-- The ledger is append-only: only erasing the clear personal values (keeping their digests) is allowed.
CREATE TRIGGER consent_events_append_only_update BEFORE UPDATE ON consent_events
WHEN NEW.id IS NOT OLD.id OR NEW.profile_id IS NOT OLD.profile_id OR NEW.agreement_id IS NOT OLD.agreement_id
  OR NEW.agreement_key IS NOT OLD.agreement_key OR NEW.value IS NOT OLD.value OR NEW.previous IS NOT OLD.previous
  OR NEW.version IS NOT OLD.version OR NEW.text_sha256 IS NOT OLD.text_sha256 OR NEW.source IS NOT OLD.source
  OR NEW.occurred_at IS NOT OLD.occurred_at OR NEW.recorded_at IS NOT OLD.recorded_at
  OR NEW.email_digest IS NOT OLD.email_digest OR NEW.ip_digest IS NOT OLD.ip_digest
  OR NEW.user_agent_digest IS NOT OLD.user_agent_digest OR NEW.language IS NOT OLD.language
  OR NEW.prev_hash IS NOT OLD.prev_hash OR NEW.hash IS NOT OLD.hash
  OR (NEW.ip IS NOT OLD.ip AND NEW.ip IS NOT NULL)
  OR (NEW.user_agent IS NOT OLD.user_agent AND NEW.user_agent IS NOT NULL)
BEGIN
    SELECT RAISE(ABORT, 'consent_events is append-only');
END;
CREATE TRIGGER consent_events_append_only_delete BEFORE DELETE ON consent_events
BEGIN
    SELECT RAISE(ABORT, 'consent_events is append-only');
END;

CREATE TABLE optin_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    profile_id BIGINT NOT NULL REFERENCES profiles (id),
    -- uid: time-ordered, so the index grows at its end; tokens are found by it and checked by HMAC and hash.
    uid TEXT NOT NULL UNIQUE,
    token_hash TEXT NOT NULL,
    agreements TEXT NOT NULL,
    language TEXT NOT NULL,
    ip TEXT,
    user_agent TEXT,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    confirmed_at TIMESTAMP
);
CREATE INDEX optin_requests_by_profile ON optin_requests (profile_id);

CREATE TABLE api_keys (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    key_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP
);

CREATE TABLE email_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    recipient TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    locked_until TIMESTAMP,
    last_error TEXT,
    sent_at TIMESTAMP,
    dead_at TIMESTAMP
);
CREATE INDEX email_outbox_due ON email_outbox (next_attempt_at) WHERE sent_at IS NULL AND dead_at IS NULL;

INSERT INTO agreements (key, title, channel, position, current_version, created_at) VALUES
    ('newsletter_agreement', 'Email newsletter', 'email', 1, 1, CURRENT_TIMESTAMP),
    ('sms_agreement', 'Text messages (SMS)', 'sms', 2, 1, CURRENT_TIMESTAMP),
    ('push_agreement', 'Push notifications', 'push', 3, 1, CURRENT_TIMESTAMP);
INSERT INTO agreement_versions (agreement_id, version, language, text, created_at)
SELECT id, 1, 'en', CASE key
    WHEN 'newsletter_agreement' THEN 'I agree to receive the newsletter by email, with news, offers and updates. I can withdraw this consent at any time with the unsubscribe link in every email.'
    WHEN 'sms_agreement' THEN 'I agree to receive news and offers by text message (SMS) to my phone number. I can withdraw this consent at any time by replying STOP or in my preferences.'
    ELSE 'I agree to receive push notifications with news and offers on my devices. I can withdraw this consent at any time in my preferences.'
END, CURRENT_TIMESTAMP FROM agreements;
