-- Bank statements imported for reconciliation, and their lines. A file
-- imports once per cash account (content_sha256); a booking once, by its
-- key, whichever file brings it. A payment is matched to one line.
CREATE TABLE bank_statements (
    id             TEXT PRIMARY KEY,
    account_code   TEXT NOT NULL REFERENCES ledger_accounts (code),
    currency       TEXT NOT NULL,
    format         TEXT NOT NULL,
    reference      TEXT NOT NULL DEFAULT '',
    content_sha256 TEXT NOT NULL,
    opening_minor  BIGINT NOT NULL,
    closing_minor  BIGINT,
    closing_date   DATE NOT NULL,
    duplicates     INTEGER NOT NULL DEFAULT 0,
    created_by     TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX bank_statements_file_key ON bank_statements (account_code, content_sha256);
CREATE INDEX bank_statements_closing_idx ON bank_statements (closing_date);

CREATE TABLE bank_lines (
    id           TEXT PRIMARY KEY,
    statement_id TEXT NOT NULL REFERENCES bank_statements (id),
    line_no      INTEGER NOT NULL,
    account_code TEXT NOT NULL,
    currency     TEXT NOT NULL,
    line_key     TEXT NOT NULL,
    booked_on    DATE NOT NULL,
    amount_minor BIGINT NOT NULL,
    reference    TEXT NOT NULL DEFAULT '',
    counterparty TEXT NOT NULL DEFAULT '',
    description  TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL,
    payment_id   TEXT REFERENCES payments (id),
    confirmed    BOOLEAN NOT NULL,
    reason       TEXT NOT NULL DEFAULT '',
    proposals    TEXT NOT NULL DEFAULT '[]',
    split_of     TEXT REFERENCES bank_lines (id),
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX bank_lines_key ON bank_lines (account_code, currency, line_key);
CREATE UNIQUE INDEX bank_lines_payment_key ON bank_lines (payment_id) WHERE payment_id IS NOT NULL;
CREATE INDEX bank_lines_statement_idx ON bank_lines (statement_id, line_no, id);
CREATE INDEX bank_lines_booked_idx ON bank_lines (booked_on);
CREATE INDEX payments_received_idx ON payments (currency, received_on);
