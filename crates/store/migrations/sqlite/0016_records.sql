-- Records of the record kinds (good models, their results and replications, …): one table
-- for every kind, the row as JSON in the kind's columns (`lamtheo_domain::records`).
CREATE TABLE records (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    -- The key columns' values, folded: an import of the same key changes the record.
    natural_key TEXT NOT NULL,
    -- The unit whose scope the record is in (the owner, or the parent record's owner).
    unit_id INTEGER NOT NULL REFERENCES units(id),
    parent_id INTEGER REFERENCES records(id),
    body TEXT NOT NULL,
    UNIQUE (kind, natural_key)
);
CREATE INDEX records_unit ON records(unit_id, kind);
CREATE INDEX records_parent ON records(parent_id);
