ALTER TABLE integration_replays DROP COLUMN answer;
ALTER TABLE integration_replays DROP COLUMN body_sha256;
