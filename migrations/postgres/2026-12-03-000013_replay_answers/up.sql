-- A message id (a JWT's jti, a Standard Webhooks webhook-id) is remembered with the SHA-256 of the body it
-- came with and the answer it got, so a sender's retry of a delivery that was applied gets the same answer
-- (and applies nothing), while another body under the same id is refused.
ALTER TABLE integration_replays ADD COLUMN body_sha256 TEXT;
ALTER TABLE integration_replays ADD COLUMN answer TEXT;
