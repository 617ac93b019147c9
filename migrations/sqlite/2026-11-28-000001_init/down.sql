DROP TABLE email_outbox;
DROP TABLE api_keys;
DROP TABLE optin_requests;
DROP TABLE consent_events;
DROP TABLE consents;
DROP TABLE agreement_versions;
DROP TABLE agreements;
DROP TABLE profiles;
