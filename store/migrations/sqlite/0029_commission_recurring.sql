-- A commission plan pays recurring deals as they are invoiced, or at
-- booking on their first-year or total contract value, clawed back when
-- the contract is cancelled within clawback_days of its start.
ALTER TABLE commission_plans ADD COLUMN recurring_basis TEXT NOT NULL DEFAULT 'invoiced';
ALTER TABLE commission_plans ADD COLUMN clawback_days INTEGER NOT NULL DEFAULT 0;
