-- Consent texts per language. An agreement's text is written in its own language (`agreements.language`,
-- the fallback for every page); a translation is a text in another language. Each language is versioned
-- on its own, so a version is (agreement, language, version), and at most one version per language is
-- the one forms show now (`is_current`). A translation taken away leaves no current version: forms in
-- that language fall back to the agreement's own text. A translation also has its own title (not part of
-- the consent text, so not versioned: a new title replaces the current version's); the agreement's own
-- title stays in `agreements.title`.
ALTER TABLE agreements ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
ALTER TABLE agreement_versions ADD COLUMN is_current BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE agreement_versions ADD COLUMN title TEXT;
UPDATE agreement_versions v SET is_current = TRUE
FROM agreements a WHERE a.id = v.agreement_id AND a.current_version = v.version;
ALTER TABLE agreement_versions DROP CONSTRAINT agreement_versions_pkey;
ALTER TABLE agreement_versions ADD PRIMARY KEY (agreement_id, language, version);
CREATE UNIQUE INDEX agreement_versions_one_current ON agreement_versions (agreement_id, language) WHERE is_current;
-- The current version of an agreement's own text is its current row now; a second copy could disagree.
ALTER TABLE agreements DROP COLUMN current_version;
