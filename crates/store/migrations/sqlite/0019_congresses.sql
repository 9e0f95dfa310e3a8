-- The congresses of a committee (đại hội): each opens a term, and the register of outgoing
-- documents numbers each type of document afresh in each term.
CREATE TABLE congresses (
    unit_id INTEGER NOT NULL REFERENCES units(id),
    held_on TEXT NOT NULL,
    PRIMARY KEY (unit_id, held_on)
);
-- The summary (trích yếu) of each issued document, for the register: kept as issued, like
-- its files, and read without them.
ALTER TABLE issued_documents ADD COLUMN summary TEXT NOT NULL DEFAULT '';
