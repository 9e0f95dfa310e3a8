-- Emulation covenants (giao ước thi đua) between units: content groups with a maximum score,
-- the units expected to sign (with the date they signed and whether they are pilots), and
-- the scores given per unit and group.
CREATE TABLE covenant_campaigns (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    title TEXT NOT NULL,
    year INTEGER NOT NULL
);

CREATE TABLE covenant_groups (
    campaign_id INTEGER NOT NULL REFERENCES covenant_campaigns(id),
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    max_score INTEGER NOT NULL CHECK (max_score > 0),
    PRIMARY KEY (campaign_id, position)
);

CREATE TABLE covenant_members (
    campaign_id INTEGER NOT NULL REFERENCES covenant_campaigns(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    signed_on TEXT,
    pilot INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign_id, unit_id)
);

CREATE TABLE covenant_scores (
    campaign_id INTEGER NOT NULL REFERENCES covenant_campaigns(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    position INTEGER NOT NULL,
    score INTEGER NOT NULL CHECK (score >= 0),
    PRIMARY KEY (campaign_id, unit_id, position)
);
