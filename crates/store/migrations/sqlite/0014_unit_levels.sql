-- Levels of the organisation (cấp): every unit kind belongs to one, and figures "by level"
-- (breakthrough tasks) are grouped by the level of the kind of the unit that recorded them.
-- Levels are data, like kinds; the four every deployment starts with are seeded here.
CREATE TABLE unit_levels (
    code TEXT PRIMARY KEY,
    name_vi TEXT NOT NULL,
    name_en TEXT NOT NULL,
    sort_order INTEGER NOT NULL
);
INSERT INTO unit_levels (code, name_vi, name_en, sort_order) VALUES
    ('tinh', 'Cấp tỉnh', 'Provincial level', 1),
    ('huyen', 'Cấp huyện và tương đương', 'District level and equivalent', 2),
    ('co_so', 'Cấp cơ sở', 'Grassroots level', 3),
    ('chi_bo', 'Chi bộ', 'Party cell', 4);

-- The kind's level. Deferred, so that a restore (which copies tables in the order they were
-- made: kinds before levels) may load a kind before its level within its one transaction.
ALTER TABLE unit_kinds ADD COLUMN level TEXT REFERENCES unit_levels(code) DEFERRABLE INITIALLY DEFERRED;

-- The kinds seeded before levels existed: the province committee and the departments, the
-- Fatherland Front and the unions beside it (as the seeded names and the demo place them) at
-- the provincial level; district committees and the committees directly under the province
-- at the district level and equivalent; commune committees and grassroots organisations at
-- the grassroots level; cells as cells. A kind added by hand goes by whether it is a party
-- organisation.
UPDATE unit_kinds SET level = CASE code
    WHEN 'tinh_uy' THEN 'tinh'
    WHEN 'huyen_uy' THEN 'huyen'
    WHEN 'dang_uy_truc_thuoc' THEN 'huyen'
    WHEN 'dang_uy_xa' THEN 'co_so'
    WHEN 'tccs' THEN 'co_so'
    WHEN 'chi_bo' THEN 'chi_bo'
    WHEN 'so_nganh' THEN 'tinh'
    WHEN 'mttq' THEN 'tinh'
    WHEN 'doan_tn' THEN 'tinh'
    WHEN 'hoi_pn' THEN 'tinh'
    WHEN 'hoi_nd' THEN 'tinh'
    WHEN 'hoi_ccb' THEN 'tinh'
    ELSE CASE WHEN party = 1 THEN 'co_so' ELSE 'tinh' END
END;

-- Every kind has a level (PostgreSQL says NOT NULL; SQLite cannot add that to a column of a
-- table that exists, so these two triggers say it).
CREATE TRIGGER unit_kinds_level_on_insert BEFORE INSERT ON unit_kinds WHEN NEW.level IS NULL
BEGIN
    SELECT RAISE(ABORT, 'NOT NULL constraint failed: unit_kinds.level');
END;
CREATE TRIGGER unit_kinds_level_on_update BEFORE UPDATE OF level ON unit_kinds WHEN NEW.level IS NULL
BEGIN
    SELECT RAISE(ABORT, 'NOT NULL constraint failed: unit_kinds.level');
END;
