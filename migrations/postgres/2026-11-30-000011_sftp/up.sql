-- SFTP send-files: the private key's file (read at each run, so the key itself stays out of the database,
-- like every other send-file secret) and the server's host key, pinned on first use.
ALTER TABLE sendfiles ADD COLUMN ssh_key TEXT;
-- "ssh-ed25519 SHA256:…": the algorithm and SHA-256 fingerprint of the key the server first showed.
ALTER TABLE sendfiles ADD COLUMN host_key TEXT;
