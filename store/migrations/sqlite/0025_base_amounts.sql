-- Base amounts: every journal line also in the company's base currency,
-- at the rate of its date. Lines posted before are converted here when in
-- the base currency, and by the server at start-up where a rate is known
-- (NULL until then). A line may move the base amount only (an exchange
-- difference), with no debit or credit in its own currency. SQLite cannot
-- change a table's constraint, so the table is rebuilt.
CREATE TABLE journal_lines_new (
    entry_id          TEXT NOT NULL REFERENCES journal_entries (id),
    line_no           INTEGER NOT NULL,
    account_code      TEXT NOT NULL REFERENCES ledger_accounts (code),
    currency          TEXT NOT NULL,
    debit_minor       INTEGER NOT NULL CHECK (debit_minor >= 0),
    credit_minor      INTEGER NOT NULL CHECK (credit_minor >= 0),
    memo              TEXT NOT NULL DEFAULT '',
    entry_date        TEXT NOT NULL,
    base_debit_minor  INTEGER CHECK (base_debit_minor >= 0),
    base_credit_minor INTEGER CHECK (base_credit_minor >= 0),
    PRIMARY KEY (entry_id, line_no),
    CONSTRAINT journal_lines_one_side CHECK ((debit_minor = 0) <> (credit_minor = 0)
        OR debit_minor = 0 AND credit_minor = 0 AND (base_debit_minor = 0) <> (base_credit_minor = 0))
);
INSERT INTO journal_lines_new (entry_id, line_no, account_code, currency, debit_minor, credit_minor, memo, entry_date, base_debit_minor, base_credit_minor)
    SELECT entry_id, line_no, account_code, currency, debit_minor, credit_minor, memo, entry_date,
        CASE WHEN currency = COALESCE((SELECT value FROM settings WHERE name = 'base_currency'), 'USD') THEN debit_minor END,
        CASE WHEN currency = COALESCE((SELECT value FROM settings WHERE name = 'base_currency'), 'USD') THEN credit_minor END
    FROM journal_lines;
DROP TABLE journal_lines;
ALTER TABLE journal_lines_new RENAME TO journal_lines;
CREATE INDEX journal_lines_account_idx ON journal_lines (account_code, currency, entry_date, debit_minor, credit_minor);
CREATE INDEX journal_lines_base_idx ON journal_lines (account_code, entry_date, base_debit_minor, base_credit_minor);
CREATE INDEX journal_lines_unconverted_idx ON journal_lines (entry_date) WHERE base_debit_minor IS NULL;
-- What of an invoice's receivable is still open in base, at its booked rate.
ALTER TABLE invoices ADD COLUMN base_due_minor INTEGER;
UPDATE invoices SET base_due_minor = amount_due_minor
    WHERE currency = COALESCE((SELECT value FROM settings WHERE name = 'base_currency'), 'USD');
