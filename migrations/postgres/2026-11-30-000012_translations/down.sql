-- Translations are dropped: only the versions in each agreement's own language stay.
ALTER TABLE agreements ADD COLUMN current_version INTEGER NOT NULL DEFAULT 1;
UPDATE agreements SET current_version = (SELECT v.version FROM agreement_versions v
    WHERE v.agreement_id = agreements.id AND v.language = agreements.language AND v.is_current);
DELETE FROM agreement_versions v USING agreements a WHERE a.id = v.agreement_id AND a.language <> v.language;
DROP INDEX agreement_versions_one_current;
ALTER TABLE agreement_versions DROP CONSTRAINT agreement_versions_pkey;
ALTER TABLE agreement_versions ADD PRIMARY KEY (agreement_id, version);
ALTER TABLE agreement_versions DROP COLUMN is_current;
ALTER TABLE agreement_versions DROP COLUMN title;
ALTER TABLE agreements DROP COLUMN language;
