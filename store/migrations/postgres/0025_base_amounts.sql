-- Base amounts: every journal line also in the company's base currency,
-- at the rate of its date. Lines posted before are converted here when in
-- the base currency, and by the server at start-up where a rate is known
-- (NULL until then). A line may move the base amount only (an exchange
-- difference), with no debit or credit in its own currency.
ALTER TABLE journal_lines ADD COLUMN base_debit_minor BIGINT CHECK (base_debit_minor >= 0);
ALTER TABLE journal_lines ADD COLUMN base_credit_minor BIGINT CHECK (base_credit_minor >= 0);
ALTER TABLE journal_lines DROP CONSTRAINT journal_lines_one_side;
ALTER TABLE journal_lines ADD CONSTRAINT journal_lines_one_side CHECK ((debit_minor = 0) <> (credit_minor = 0)
    OR debit_minor = 0 AND credit_minor = 0 AND (base_debit_minor = 0) <> (base_credit_minor = 0));
UPDATE journal_lines SET base_debit_minor = debit_minor, base_credit_minor = credit_minor
    WHERE currency = COALESCE((SELECT value FROM settings WHERE name = 'base_currency'), 'USD');
CREATE INDEX journal_lines_base_idx ON journal_lines (account_code, entry_date, base_debit_minor, base_credit_minor);
CREATE INDEX journal_lines_unconverted_idx ON journal_lines (entry_date) WHERE base_debit_minor IS NULL;
-- What of an invoice's receivable is still open in base, at its booked rate.
ALTER TABLE invoices ADD COLUMN base_due_minor BIGINT;
UPDATE invoices SET base_due_minor = amount_due_minor
    WHERE currency = COALESCE((SELECT value FROM settings WHERE name = 'base_currency'), 'USD');
