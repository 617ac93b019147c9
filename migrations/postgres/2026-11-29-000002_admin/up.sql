-- Dashboard users: marketers and admins. Passwords only as argon2id hashes.
CREATE TABLE admin_users (
    id BIGSERIAL PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('admin', 'marketer')),
    password_hash TEXT NOT NULL,
    -- Changed by a password reset; a session signed in before it no longer works.
    password_changed_at TIMESTAMP NOT NULL,
    disabled_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);

-- Dashboard sessions (actix-session state), keyed by the SHA-256 of the session key in the cookie.
CREATE TABLE admin_sessions (
    key_hash TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX admin_sessions_by_expiry ON admin_sessions (expires_at);

-- Failed sign-ins, per account and per client IP (both only as digests), for throttling.
CREATE TABLE login_failures (
    id BIGSERIAL PRIMARY KEY,
    subject TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_by_subject ON login_failures (subject, at);
