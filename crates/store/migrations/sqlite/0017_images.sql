-- Images of the public column's articles, uploaded by department staff and shown only when
-- a published article names them. The bytes are kept as base64 text, which every engine
-- and the backup copy as they copy any text.
CREATE TABLE images (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX images_unit ON images(unit_id);
