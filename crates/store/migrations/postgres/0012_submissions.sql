-- A create form's one-time key, or an API call's Idempotency-Key: a second submission with the
-- same key answers with what the first one made instead of making it again; `request` is a
-- digest of the first request, which a repeat must match. `status` is NULL while the first
-- submission is still being handled.
CREATE TABLE submissions (
    key TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL,
    request TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    status INTEGER,
    location TEXT,
    body TEXT
);
CREATE INDEX submissions_created ON submissions(created_at);
