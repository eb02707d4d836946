-- A reduced rate (Japan's 8 % 軽減税率, and its like elsewhere) is marked
-- so that documents can mark the items it applies to.
ALTER TABLE tax_rates ADD COLUMN reduced BOOLEAN NOT NULL DEFAULT FALSE;

-- A request's key is now recorded with its effect, in one transaction;
-- claims the previous design left running (status 0) answered nothing.
DELETE FROM idempotency_keys WHERE status = 0;
