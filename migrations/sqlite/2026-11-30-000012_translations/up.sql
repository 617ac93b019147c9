-- Consent texts per language. An agreement's text is written in its own language (`agreements.language`,
-- the fallback for every page); a translation is a text in another language. Each language is versioned
-- on its own, so a version is (agreement, language, version), and at most one version per language is
-- the one forms show now (`is_current`). A translation taken away leaves no current version: forms in
-- that language fall back to the agreement's own text. A translation also has its own title (not part of
-- the consent text, so not versioned: a new title replaces the current version's); the agreement's own
-- title stays in `agreements.title`.
ALTER TABLE agreements ADD COLUMN language TEXT NOT NULL DEFAULT 'en';

CREATE TABLE agreement_versions_new (
    agreement_id BIGINT NOT NULL REFERENCES agreements (id),
    language TEXT NOT NULL,
    version INTEGER NOT NULL,
    text TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    is_current BOOLEAN NOT NULL DEFAULT FALSE,
    title TEXT,
    PRIMARY KEY (agreement_id, language, version)
);
INSERT INTO agreement_versions_new (agreement_id, language, version, text, created_at, is_current)
SELECT v.agreement_id, v.language, v.version, v.text, v.created_at, v.version = a.current_version
FROM agreement_versions v JOIN agreements a ON a.id = v.agreement_id;
DROP TABLE agreement_versions;
ALTER TABLE agreement_versions_new RENAME TO agreement_versions;
CREATE UNIQUE INDEX agreement_versions_one_current ON agreement_versions (agreement_id, language) WHERE is_current;
-- The current version of an agreement's own text is its current row now; a second copy could disagree.
ALTER TABLE agreements DROP COLUMN current_version;
