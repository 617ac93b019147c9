-- Synerise's profile shape: uuid, a fourth identifier (unique like email and customId), and the
-- standard fields (displayName, company, address, city, province, zipCode, countryCode, birthDate, sex,
-- avatarUrl, anonymous, tags) as one JSON object of the fields given, NULL when none.
ALTER TABLE profiles ADD COLUMN uuid TEXT;
ALTER TABLE profiles ADD COLUMN details TEXT;
CREATE UNIQUE INDEX profiles_uuid ON profiles (uuid) WHERE uuid IS NOT NULL;
