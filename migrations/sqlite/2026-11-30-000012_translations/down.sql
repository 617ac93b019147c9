-- Translations are dropped: only the versions in each agreement's own language stay.
ALTER TABLE agreements ADD COLUMN current_version INTEGER NOT NULL DEFAULT 1;
UPDATE agreements SET current_version = (SELECT v.version FROM agreement_versions v
    WHERE v.agreement_id = agreements.id AND v.language = agreements.language AND v.is_current);
CREATE TABLE agreement_versions_old (
    agreement_id BIGINT NOT NULL REFERENCES agreements (id),
    version INTEGER NOT NULL,
    language TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (agreement_id, version)
);
INSERT INTO agreement_versions_old (agreement_id, version, language, text, created_at)
SELECT v.agreement_id, v.version, v.language, v.text, v.created_at
FROM agreement_versions v JOIN agreements a ON a.id = v.agreement_id AND a.language = v.language;
DROP TABLE agreement_versions;
ALTER TABLE agreement_versions_old RENAME TO agreement_versions;
ALTER TABLE agreements DROP COLUMN language;
