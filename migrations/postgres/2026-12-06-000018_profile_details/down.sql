DROP INDEX profiles_uuid;
ALTER TABLE profiles DROP COLUMN details;
ALTER TABLE profiles DROP COLUMN uuid;
