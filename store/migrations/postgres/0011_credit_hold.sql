-- Credit control: an order whose account is over its credit limit or has
-- invoices overdue past the grace period is held (hold_reason) and
-- reserves nothing until finance releases it.

ALTER TABLE orders ADD COLUMN hold_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN released_by TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN released_at TIMESTAMPTZ;
