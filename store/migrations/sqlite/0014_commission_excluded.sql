-- Whether an exclusion took a commission line out is a fact of its own,
-- not a prefix of the rule's text: what counts toward quota reads it.
ALTER TABLE commission_lines ADD COLUMN excluded INTEGER NOT NULL DEFAULT 0;
UPDATE commission_lines SET excluded = 1 WHERE rule LIKE 'excluded%';
