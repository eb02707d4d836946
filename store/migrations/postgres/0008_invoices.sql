-- Invoices: made from orders as the account's invoicing policy says, numbered
-- gaplessly per year in the posting transaction, posted to the ledger.

ALTER TABLE accounts ADD COLUMN invoicing_policy TEXT NOT NULL DEFAULT 'on_fulfillment'
    CHECK (invoicing_policy IN ('on_fulfillment', 'on_order'));

ALTER TABLE order_lines ADD COLUMN tax_rate_id TEXT NOT NULL DEFAULT '';
ALTER TABLE order_lines ADD COLUMN tax_rate_pct NUMERIC NOT NULL DEFAULT 0;
ALTER TABLE order_lines ADD COLUMN family TEXT NOT NULL DEFAULT '';
ALTER TABLE order_lines ADD COLUMN invoiced_micro BIGINT NOT NULL DEFAULT 0;
ALTER TABLE order_lines ADD COLUMN invoiced_net_minor BIGINT NOT NULL DEFAULT 0;
ALTER TABLE order_lines ADD COLUMN invoiced_tax_minor BIGINT NOT NULL DEFAULT 0;

CREATE TABLE invoices (
    id               TEXT PRIMARY KEY,
    number           TEXT NOT NULL,
    order_id         TEXT NOT NULL REFERENCES orders (id),
    account_id       TEXT NOT NULL REFERENCES accounts (id),
    currency         TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('draft', 'posted', 'partially_paid', 'paid', 'void')),
    issue_date       DATE NOT NULL,
    due_date         DATE NOT NULL,
    payment_terms    TEXT NOT NULL,
    discount_pct     NUMERIC NOT NULL DEFAULT 0,
    discount_until   DATE,
    net_minor        BIGINT NOT NULL,
    tax_minor        BIGINT NOT NULL,
    total_minor      BIGINT NOT NULL,
    amount_due_minor BIGINT NOT NULL CHECK (amount_due_minor >= 0),
    journal_entry_id TEXT NOT NULL REFERENCES journal_entries (id),
    version          INTEGER NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX invoices_number_key ON invoices (number);
CREATE INDEX invoices_order_idx ON invoices (order_id);
CREATE INDEX invoices_account_idx ON invoices (account_id, due_date);

CREATE TABLE invoice_lines (
    invoice_id     TEXT NOT NULL REFERENCES invoices (id),
    line_no        INTEGER NOT NULL,
    order_line_id  TEXT NOT NULL REFERENCES order_lines (id),
    product_id     TEXT NOT NULL,
    sku            TEXT NOT NULL,
    name           TEXT NOT NULL,
    quantity_micro BIGINT NOT NULL CHECK (quantity_micro > 0),
    unit_price     NUMERIC NOT NULL,
    net_minor      BIGINT NOT NULL,
    tax_minor      BIGINT NOT NULL,
    tax_rate_id    TEXT NOT NULL,
    tax_rate_pct   NUMERIC NOT NULL,
    family         TEXT NOT NULL,
    PRIMARY KEY (invoice_id, line_no)
);
