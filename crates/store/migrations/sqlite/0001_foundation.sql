-- Foundation schema (SQLite). Dates are ISO text (YYYY-MM-DD), timestamps RFC 3339 text,
-- booleans 0/1. The PostgreSQL twin of this file lives in ../postgres/.
CREATE TABLE unit_kinds (
    code TEXT PRIMARY KEY,
    name_vi TEXT NOT NULL,
    name_en TEXT NOT NULL,
    party INTEGER NOT NULL,
    sort_order INTEGER NOT NULL
);

CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL REFERENCES unit_kinds(code),
    opened_on TEXT NOT NULL,
    closed_on TEXT,
    CONSTRAINT units_code_key UNIQUE (code)
);

CREATE TABLE unit_links (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    parent_id INTEGER NOT NULL REFERENCES units(id),
    valid_from TEXT NOT NULL,
    valid_to TEXT,
    historic INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX unit_links_unit ON unit_links(unit_id);
CREATE INDEX unit_links_parent ON unit_links(parent_id);

CREATE TABLE unit_names (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    name TEXT NOT NULL,
    valid_from TEXT NOT NULL
);
CREATE INDEX unit_names_unit ON unit_names(unit_id);

CREATE TABLE lineage_events (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    happened_on TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT ''
);
CREATE TABLE lineage_units (
    event_id INTEGER NOT NULL REFERENCES lineage_events(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    role TEXT NOT NULL CHECK (role IN ('source', 'target')),
    PRIMARY KEY (event_id, unit_id, role)
);
CREATE INDEX lineage_units_unit ON lineage_units(unit_id);

CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    person_code TEXT,
    card_no TEXT,
    full_name TEXT NOT NULL,
    name_folded TEXT NOT NULL,
    gender TEXT,
    birth_date TEXT,
    ethnicity TEXT,
    is_member INTEGER NOT NULL DEFAULT 0,
    admitted_on TEXT,
    official_on TEXT,
    position TEXT,
    key_cadre INTEGER NOT NULL DEFAULT 0,
    head_of_unit INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT people_person_code_key UNIQUE (person_code),
    CONSTRAINT people_card_no_key UNIQUE (card_no)
);

CREATE TABLE memberships (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    valid_from TEXT NOT NULL,
    valid_to TEXT
);
CREATE INDEX memberships_person ON memberships(person_id);
CREATE INDEX memberships_unit ON memberships(unit_id);

CREATE TABLE campaign_docs (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL,
    title TEXT NOT NULL,
    issued_on TEXT,
    CONSTRAINT campaign_docs_code_key UNIQUE (code)
);

CREATE TABLE topics (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL,
    title TEXT NOT NULL,
    year INTEGER NOT NULL,
    term_wide INTEGER NOT NULL DEFAULT 0,
    deadline TEXT,
    doc_id INTEGER REFERENCES campaign_docs(id),
    CONSTRAINT topics_code_key UNIQUE (code)
);

CREATE TABLE conferences (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    held_on TEXT NOT NULL,
    title TEXT NOT NULL,
    level TEXT NOT NULL DEFAULT '',
    online INTEGER NOT NULL DEFAULT 0,
    others_count INTEGER NOT NULL DEFAULT 0 CHECK (others_count >= 0),
    unlisted_members INTEGER NOT NULL DEFAULT 0 CHECK (unlisted_members >= 0),
    CONSTRAINT conferences_code_key UNIQUE (code)
);
CREATE INDEX conferences_unit ON conferences(unit_id, held_on);

CREATE TABLE conference_topics (
    conference_id INTEGER NOT NULL REFERENCES conferences(id),
    topic_id INTEGER NOT NULL REFERENCES topics(id),
    PRIMARY KEY (conference_id, topic_id)
);

CREATE TABLE conference_points (
    conference_id INTEGER NOT NULL REFERENCES conferences(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    others_count INTEGER NOT NULL DEFAULT 0 CHECK (others_count >= 0),
    unlisted_members INTEGER NOT NULL DEFAULT 0 CHECK (unlisted_members >= 0),
    PRIMARY KEY (conference_id, unit_id)
);

CREATE TABLE attendances (
    conference_id INTEGER NOT NULL REFERENCES conferences(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    point_unit_id INTEGER REFERENCES units(id),
    status TEXT NOT NULL CHECK (status IN ('present', 'excused', 'absent')),
    PRIMARY KEY (conference_id, person_id)
) WITHOUT ROWID;
CREATE INDEX attendances_person ON attendances(person_id);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    scope_unit_id INTEGER REFERENCES units(id),
    person_id INTEGER REFERENCES people(id),
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    CONSTRAINT users_username_key UNIQUE (username)
);

CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT,
    CONSTRAINT api_tokens_hash_key UNIQUE (token_hash)
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    user_id INTEGER NOT NULL,
    username TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id INTEGER,
    scope_unit_id INTEGER,
    before_json TEXT,
    after_json TEXT,
    request_id TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log(at);
