-- The account index covers the base amounts too: a report in one
-- currency sums both (CloseYear needs them), and on SQLite a report that
-- leaves the index for the table is ten times slower.
DROP INDEX journal_lines_account_idx;
CREATE INDEX journal_lines_account_idx ON journal_lines (account_code, currency, entry_date, debit_minor, credit_minor, base_debit_minor, base_credit_minor);
