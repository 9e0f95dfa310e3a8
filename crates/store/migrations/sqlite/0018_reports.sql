-- The periodic report (issue 10). A request from an upper level to units under it: the
-- period, the deadline, the outline and the annexes it wants, as JSON.
CREATE TABLE report_requests (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    title TEXT NOT NULL,
    period_from INTEGER NOT NULL,
    period_to INTEGER NOT NULL,
    deadline TEXT NOT NULL,
    outline TEXT NOT NULL,
    recipients TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX report_requests_unit ON report_requests(unit_id);
-- A unit's report: for a request (or on its own), its state and its draft as JSON; each save
-- is kept in report_versions.
CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    request_id INTEGER REFERENCES report_requests(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    state TEXT NOT NULL,
    body TEXT NOT NULL,
    version INTEGER NOT NULL,
    submitted_at TEXT,
    decided_at TEXT,
    comment TEXT NOT NULL DEFAULT '',
    reminded_at TEXT,
    UNIQUE (request_id, unit_id)
);
CREATE INDEX reports_unit ON reports(unit_id);
CREATE TABLE report_versions (
    report_id INTEGER NOT NULL REFERENCES reports(id),
    version INTEGER NOT NULL,
    body TEXT NOT NULL,
    saved_at TEXT NOT NULL,
    saved_by TEXT NOT NULL,
    PRIMARY KEY (report_id, version)
);
-- The register of outgoing documents: a number per issuing unit, type and term, and the
-- issued file kept as it was issued (base64).
CREATE TABLE issued_documents (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    doc_type TEXT NOT NULL,
    term TEXT NOT NULL,
    number INTEGER NOT NULL,
    symbol TEXT NOT NULL,
    report_id INTEGER REFERENCES reports(id),
    issued_on TEXT NOT NULL,
    pdf TEXT NOT NULL,
    docx TEXT NOT NULL,
    UNIQUE (unit_id, doc_type, term, number)
);
-- Periods whose facts are locked for a unit's subtree (an approved report), until someone
-- of the upper level unlocks them.
CREATE TABLE period_locks (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    period_from INTEGER NOT NULL,
    period_to INTEGER NOT NULL,
    as_of TEXT NOT NULL,
    report_id INTEGER REFERENCES reports(id),
    locked_at TEXT NOT NULL,
    unlocked_at TEXT,
    unlocked_by TEXT,
    reason TEXT
);
