-- Credit control: an order whose account is over its credit limit or has
-- invoices overdue past the grace period is held (hold_reason) and
-- reserves nothing until finance releases it.

ALTER TABLE orders ADD COLUMN hold_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN released_by TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN released_at TEXT;

-- What credit control reads on every new order: an account's open
-- invoices and unapplied credits.
CREATE INDEX invoices_open_idx ON invoices (account_id, currency, due_date) WHERE amount_due_minor > 0;
CREATE INDEX payments_credit_idx ON payments (account_id, currency) WHERE unallocated_minor > 0;
CREATE INDEX credit_notes_credit_idx ON credit_notes (account_id, currency) WHERE unallocated_minor > 0;
