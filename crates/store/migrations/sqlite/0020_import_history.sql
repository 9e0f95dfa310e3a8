-- The imports page's history: who imported what, when, and how it ended. Rejected and failed
-- imports are kept too: they changed nothing, so the audit log (which records changes) has
-- no trace of them, yet the person who sent the file wants to see that it was turned away
-- and why. `created`/`updated`/`unchanged` are the import's summary; `message_*` is the
-- error's headline and `first_error` its first row problem.
CREATE TABLE import_history (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL,
    username TEXT NOT NULL,
    kind TEXT NOT NULL,
    file_name TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('imported', 'rejected', 'failed')),
    row_count INTEGER NOT NULL DEFAULT 0,
    created INTEGER NOT NULL DEFAULT 0,
    updated INTEGER NOT NULL DEFAULT 0,
    unchanged INTEGER NOT NULL DEFAULT 0,
    error_count INTEGER NOT NULL DEFAULT 0,
    message_vi TEXT NOT NULL DEFAULT '',
    message_en TEXT NOT NULL DEFAULT '',
    first_error TEXT
);
-- An account's own imports, newest first (everyone but a system-wide administrator).
CREATE INDEX import_history_user ON import_history(user_id, id);
