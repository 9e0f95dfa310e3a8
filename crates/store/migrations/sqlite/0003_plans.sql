-- Personal plans to follow Uncle Ho's example (per term and per year) and annual
-- self-cultivation commitments, written by members and acknowledged by their cell.
CREATE TABLE personal_plans (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id),
    kind TEXT NOT NULL CHECK (kind IN ('term_plan', 'year_plan', 'commitment')),
    from_year INTEGER NOT NULL,
    to_year INTEGER NOT NULL,
    content TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'acknowledged', 'returned')),
    comment TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    CONSTRAINT personal_plans_key UNIQUE (person_id, kind, from_year, to_year)
);
