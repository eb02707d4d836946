-- Credit notes against invoices: what each gives back per line, and where
-- its credit went (its own invoice first, the rest to other invoices).

CREATE TABLE credit_notes (
    id                TEXT PRIMARY KEY,
    number            TEXT NOT NULL,
    invoice_id        TEXT NOT NULL REFERENCES invoices (id),
    account_id        TEXT NOT NULL REFERENCES accounts (id),
    currency          TEXT NOT NULL,
    issue_date        DATE NOT NULL,
    reason            TEXT NOT NULL,
    net_minor         BIGINT NOT NULL,
    tax_minor         BIGINT NOT NULL,
    total_minor       BIGINT NOT NULL CHECK (total_minor > 0),
    applied_minor     BIGINT NOT NULL CHECK (applied_minor >= 0),
    unallocated_minor BIGINT NOT NULL CHECK (unallocated_minor >= 0),
    journal_entry_id  TEXT NOT NULL REFERENCES journal_entries (id),
    created_by        TEXT NOT NULL,
    version           INTEGER NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL,
    CONSTRAINT credit_notes_parts CHECK (applied_minor + unallocated_minor <= total_minor)
);
CREATE UNIQUE INDEX credit_notes_number_key ON credit_notes (number);
CREATE INDEX credit_notes_invoice_idx ON credit_notes (invoice_id);
CREATE INDEX credit_notes_account_idx ON credit_notes (account_id, id);

CREATE TABLE credit_note_lines (
    credit_note_id TEXT NOT NULL REFERENCES credit_notes (id),
    line_no        INTEGER NOT NULL,
    order_line_id  TEXT NOT NULL REFERENCES order_lines (id),
    sku            TEXT NOT NULL,
    name           TEXT NOT NULL,
    quantity_micro BIGINT NOT NULL CHECK (quantity_micro >= 0),
    net_minor      BIGINT NOT NULL,
    tax_minor      BIGINT NOT NULL,
    tax_rate_id    TEXT NOT NULL,
    tax_rate_pct   NUMERIC NOT NULL,
    family         TEXT NOT NULL,
    PRIMARY KEY (credit_note_id, line_no)
);

CREATE TABLE credit_note_allocations (
    id               TEXT PRIMARY KEY,
    credit_note_id   TEXT NOT NULL REFERENCES credit_notes (id),
    invoice_id       TEXT NOT NULL REFERENCES invoices (id),
    amount_minor     BIGINT NOT NULL CHECK (amount_minor > 0),
    applied_on       DATE NOT NULL,
    journal_entry_id TEXT NOT NULL REFERENCES journal_entries (id),
    created_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX credit_note_allocations_note_idx ON credit_note_allocations (credit_note_id);
CREATE INDEX credit_note_allocations_invoice_idx ON credit_note_allocations (invoice_id, applied_on);
