-- Assent schema, PostgreSQL flavour. Keep in step with migrations/sqlite.
CREATE TABLE profiles (
    id BIGSERIAL PRIMARY KEY,
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
    id BIGSERIAL PRIMARY KEY,
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
    id BIGSERIAL PRIMARY KEY,
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
CREATE FUNCTION consent_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE'
       OR (NEW.id, NEW.profile_id, NEW.agreement_id, NEW.agreement_key, NEW.value, NEW.previous, NEW.version,
           NEW.text_sha256, NEW.source, NEW.occurred_at, NEW.recorded_at, NEW.email_digest, NEW.ip_digest,
           NEW.user_agent_digest, NEW.language, NEW.prev_hash, NEW.hash)
          IS DISTINCT FROM
          (OLD.id, OLD.profile_id, OLD.agreement_id, OLD.agreement_key, OLD.value, OLD.previous, OLD.version,
           OLD.text_sha256, OLD.source, OLD.occurred_at, OLD.recorded_at, OLD.email_digest, OLD.ip_digest,
           OLD.user_agent_digest, OLD.language, OLD.prev_hash, OLD.hash)
       OR (NEW.ip IS DISTINCT FROM OLD.ip AND NEW.ip IS NOT NULL)
       OR (NEW.user_agent IS DISTINCT FROM OLD.user_agent AND NEW.user_agent IS NOT NULL) THEN
        RAISE EXCEPTION 'consent_events is append-only';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER consent_events_append_only BEFORE UPDATE OR DELETE ON consent_events
FOR EACH ROW EXECUTE FUNCTION consent_events_append_only();

CREATE TABLE optin_requests (
    id BIGSERIAL PRIMARY KEY,
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
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    key_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP
);

CREATE TABLE email_outbox (
    id BIGSERIAL PRIMARY KEY,
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
    ('newsletter_agreement', 'Email newsletter', 'email', 1, 1, (now() AT TIME ZONE 'utc')),
    ('sms_agreement', 'Text messages (SMS)', 'sms', 2, 1, (now() AT TIME ZONE 'utc')),
    ('push_agreement', 'Push notifications', 'push', 3, 1, (now() AT TIME ZONE 'utc'));
INSERT INTO agreement_versions (agreement_id, version, language, text, created_at)
SELECT id, 1, 'en', CASE key
    WHEN 'newsletter_agreement' THEN 'I agree to receive the newsletter by email, with news, offers and updates. I can withdraw this consent at any time with the unsubscribe link in every email.'
    WHEN 'sms_agreement' THEN 'I agree to receive news and offers by text message (SMS) to my phone number. I can withdraw this consent at any time by replying STOP or in my preferences.'
    ELSE 'I agree to receive push notifications with news and offers on my devices. I can withdraw this consent at any time in my preferences.'
END, (now() AT TIME ZONE 'utc') FROM agreements;
