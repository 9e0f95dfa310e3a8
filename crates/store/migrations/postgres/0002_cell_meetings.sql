-- Regular cell meetings and whether they included study content (issue: campaign activities).
ALTER TABLE conferences ADD COLUMN regular_meeting BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE conferences ADD COLUMN study_content BOOLEAN NOT NULL DEFAULT FALSE;

-- Settings that are data, not code: e.g. the share of a cell's meetings with study content
-- that makes it count as doing so "regularly".
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
