-- A person's post over time: the position (chức vụ) and the key-cadre and head-of-unit marks,
-- each row held over [valid_from, valid_to) like a membership. A change of post ends the open
-- row and starts a new one; every figure and check takes the row valid on its own date (a
-- cadre who leaves the post in 2026 is still a key cadre in 2025's figures). The columns of
-- `people` keep the latest row's values (the open one), written by the same function.
CREATE TABLE person_posts (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id),
    valid_from TEXT NOT NULL,
    valid_to TEXT,
    position TEXT,
    key_cadre INTEGER NOT NULL DEFAULT 0,
    head_of_unit INTEGER NOT NULL DEFAULT 0,
    CHECK (valid_to IS NULL OR valid_to > valid_from)
);
CREATE INDEX person_posts_person ON person_posts(person_id, valid_from);
-- At most one open row per person.
CREATE UNIQUE INDEX person_posts_open ON person_posts(person_id) WHERE valid_to IS NULL;

-- Every person's post as recorded so far, from their earliest membership (or 1/1/1900).
INSERT INTO person_posts (person_id, valid_from, position, key_cadre, head_of_unit)
SELECT p.id, COALESCE((SELECT MIN(m.valid_from) FROM memberships m WHERE m.person_id = p.id), '1900-01-01'),
       p.position, p.key_cadre, p.head_of_unit
FROM people p ORDER BY p.id;
