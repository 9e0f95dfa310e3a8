-- The change log: every write that changes what the in-memory index holds appends what it
-- changed here, in its own transaction. Each server's index follows the log (see
-- `changelog.rs`): the database is the only source of truth, and a write made by another
-- server or by the command line reaches every index within a second. `body` is JSON.
CREATE TABLE change_log (
    seq BIGSERIAL PRIMARY KEY,
    made_at TIMESTAMPTZ NOT NULL,
    body TEXT NOT NULL
);
