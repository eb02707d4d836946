-- The general ledger: chart of accounts, journal entries (immutable once
-- posted; one per source document and event), monthly periods.

CREATE TABLE ledger_accounts (
    code       TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    type       TEXT NOT NULL CHECK (type IN ('asset', 'liability', 'equity', 'revenue', 'expense')),
    family     TEXT NOT NULL DEFAULT '',
    active     INTEGER NOT NULL,
    version    INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE journal_entries (
    id          TEXT PRIMARY KEY,
    entry_date  TEXT NOT NULL,
    memo        TEXT NOT NULL DEFAULT '',
    source_type TEXT NOT NULL,
    source_id   TEXT NOT NULL,
    event       TEXT NOT NULL,
    reversal_of TEXT REFERENCES journal_entries (id),
    reversed_by TEXT,
    posted_by   TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX journal_entries_source_key ON journal_entries (source_type, source_id, event);
CREATE INDEX journal_entries_date_idx ON journal_entries (entry_date);

CREATE TABLE journal_lines (
    entry_id     TEXT NOT NULL REFERENCES journal_entries (id),
    line_no      INTEGER NOT NULL,
    account_code TEXT NOT NULL REFERENCES ledger_accounts (code),
    currency     TEXT NOT NULL,
    debit_minor  INTEGER NOT NULL CHECK (debit_minor >= 0),
    credit_minor INTEGER NOT NULL CHECK (credit_minor >= 0),
    memo         TEXT NOT NULL DEFAULT '',
    entry_date   TEXT NOT NULL,
    PRIMARY KEY (entry_id, line_no),
    CONSTRAINT journal_lines_one_side CHECK ((debit_minor = 0) <> (credit_minor = 0))
);
-- Covering, so the trial balance and account ledgers read the index only.
CREATE INDEX journal_lines_account_idx ON journal_lines (account_code, currency, entry_date, debit_minor, credit_minor);

CREATE TABLE ledger_periods (
    period     TEXT PRIMARY KEY,
    status     TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE ledger_period_events (
    id         TEXT PRIMARY KEY,
    period     TEXT NOT NULL,
    action     TEXT NOT NULL CHECK (action IN ('close', 'reopen')),
    reason     TEXT NOT NULL DEFAULT '',
    actor_id   TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX ledger_period_events_idx ON ledger_period_events (period, id);
