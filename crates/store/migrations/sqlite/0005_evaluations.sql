-- Evaluation and ranking of people and organisations. Scales are data: the four levels of
-- Quy định 124-QĐ/TW, older scales, and the 100-point score of Quy định 366-QĐ/TW whose
-- thresholds map a score to a level.
CREATE TABLE rating_levels (
    scale TEXT NOT NULL,
    code TEXT NOT NULL,
    name_vi TEXT NOT NULL,
    name_en TEXT NOT NULL,
    rank INTEGER NOT NULL,
    good_or_better INTEGER NOT NULL,
    excellent INTEGER NOT NULL,
    min_score INTEGER,
    PRIMARY KEY (scale, code)
);

CREATE TABLE evaluations (
    id INTEGER PRIMARY KEY,
    subject TEXT NOT NULL CHECK (subject IN ('person', 'unit')),
    subject_id INTEGER NOT NULL,
    year INTEGER NOT NULL,
    quarter INTEGER NOT NULL DEFAULT 0 CHECK (quarter BETWEEN 0 AND 4),
    scale TEXT NOT NULL,
    level_code TEXT NOT NULL,
    score INTEGER,
    note TEXT NOT NULL DEFAULT '',
    CONSTRAINT evaluations_key UNIQUE (subject, subject_id, year, quarter),
    FOREIGN KEY (scale, level_code) REFERENCES rating_levels(scale, code)
);
CREATE INDEX evaluations_year ON evaluations(year, quarter);
