-- The day a plan was (last) submitted to the cell, and the day the cell acknowledged or
-- returned it.
ALTER TABLE personal_plans ADD COLUMN submitted_on DATE;
ALTER TABLE personal_plans ADD COLUMN reviewed_on DATE;
