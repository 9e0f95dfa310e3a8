-- Breakthrough tasks (nhiệm vụ đột phá) each unit chooses for a period.
CREATE TABLE breakthrough_tasks (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    from_year INTEGER NOT NULL,
    to_year INTEGER NOT NULL,
    title TEXT NOT NULL,
    field TEXT NOT NULL DEFAULT '',
    responsible TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('planned', 'in_progress', 'done', 'dropped')),
    result TEXT NOT NULL DEFAULT ''
);
CREATE INDEX breakthrough_tasks_unit ON breakthrough_tasks(unit_id);
