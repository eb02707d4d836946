-- Payments from customers and how they are allocated to invoices; what is
-- not allocated stays with the payment as the customer's credit.

CREATE TABLE payments (
    id                TEXT PRIMARY KEY,
    account_id        TEXT NOT NULL REFERENCES accounts (id),
    currency          TEXT NOT NULL,
    amount_minor      BIGINT NOT NULL CHECK (amount_minor > 0),
    unallocated_minor BIGINT NOT NULL CHECK (unallocated_minor >= 0),
    received_on       DATE NOT NULL,
    method            TEXT NOT NULL,
    reference         TEXT NOT NULL DEFAULT '',
    journal_entry_id  TEXT NOT NULL REFERENCES journal_entries (id),
    created_by        TEXT NOT NULL,
    version           INTEGER NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL,
    CONSTRAINT payments_unallocated CHECK (unallocated_minor <= amount_minor)
);
CREATE INDEX payments_account_idx ON payments (account_id, id);

CREATE TABLE payment_allocations (
    id               TEXT PRIMARY KEY,
    payment_id       TEXT NOT NULL REFERENCES payments (id),
    invoice_id       TEXT NOT NULL REFERENCES invoices (id),
    amount_minor     BIGINT NOT NULL CHECK (amount_minor > 0),
    applied_on       DATE NOT NULL,
    discount_minor   BIGINT NOT NULL CHECK (discount_minor >= 0),
    journal_entry_id TEXT NOT NULL REFERENCES journal_entries (id),
    created_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX payment_allocations_payment_idx ON payment_allocations (payment_id);
CREATE INDEX payment_allocations_invoice_idx ON payment_allocations (invoice_id, applied_on);
