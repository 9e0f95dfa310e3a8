-- A topic belongs to the unit that issues it and applies to its subtree only (NULL: the whole tree).
ALTER TABLE topics ADD COLUMN unit_id INTEGER REFERENCES units(id);
