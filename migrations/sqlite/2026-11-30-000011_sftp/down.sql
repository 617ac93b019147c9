ALTER TABLE sendfiles DROP COLUMN host_key;
ALTER TABLE sendfiles DROP COLUMN ssh_key;
