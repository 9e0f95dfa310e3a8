-- Emulation movements (phong trào thi đua), registration by the people expected to register,
-- and the cell's monthly review of each registration.
CREATE TABLE emulation_movements (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    title TEXT NOT NULL,
    from_date TEXT NOT NULL,
    to_date TEXT NOT NULL,
    expected TEXT NOT NULL CHECK (expected IN ('key_cadres', 'members', 'everyone'))
);

CREATE TABLE emulation_registrations (
    id INTEGER PRIMARY KEY,
    movement_id INTEGER NOT NULL REFERENCES emulation_movements(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    content TEXT NOT NULL,
    registered_on TEXT NOT NULL,
    CONSTRAINT emulation_registrations_key UNIQUE (movement_id, person_id)
);

CREATE TABLE emulation_reviews (
    registration_id INTEGER NOT NULL REFERENCES emulation_registrations(id),
    month INTEGER NOT NULL,
    met INTEGER NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (registration_id, month)
);
