-- Subscriptions: recurring products, the recurring terms of quote and
-- order lines, contracts and their subscriptions, what each subscription
-- has been invoiced for (one row per subscription and period: the
-- exactly-once key of recurring invoicing), the service period of an
-- invoice line, and the revenue schedule that recognises deferred revenue
-- month by month (a row is posted once: entry_id).
ALTER TABLE products ADD COLUMN billing_type TEXT NOT NULL DEFAULT 'one_time' CHECK (billing_type IN ('one_time', 'recurring'));
ALTER TABLE products ADD COLUMN billing_period TEXT NOT NULL DEFAULT '';
ALTER TABLE products ADD COLUMN default_term_months INTEGER NOT NULL DEFAULT 0;

ALTER TABLE accounts ADD COLUMN renewal_uplift_pct NUMERIC;

ALTER TABLE quotes ADD COLUMN kind TEXT NOT NULL DEFAULT 'new' CHECK (kind IN ('new', 'amendment', 'renewal'));
ALTER TABLE quotes ADD COLUMN contract_id TEXT;

ALTER TABLE quote_lines ADD COLUMN start_date DATE;
ALTER TABLE quote_lines ADD COLUMN end_date DATE;
ALTER TABLE quote_lines ADD COLUMN term_months INTEGER NOT NULL DEFAULT 0;
ALTER TABLE quote_lines ADD COLUMN billing_frequency TEXT NOT NULL DEFAULT '';
ALTER TABLE quote_lines ADD COLUMN prior_quantity NUMERIC NOT NULL DEFAULT 0;
ALTER TABLE quote_lines ADD COLUMN contract_price NUMERIC;

ALTER TABLE order_lines ADD COLUMN service_start DATE;
ALTER TABLE order_lines ADD COLUMN service_end DATE;
ALTER TABLE order_lines ADD COLUMN billing_frequency TEXT NOT NULL DEFAULT '';
ALTER TABLE order_lines ADD COLUMN prior_micro BIGINT NOT NULL DEFAULT 0;

INSERT INTO counters (name, value) VALUES ('contract', 0);

CREATE TABLE contracts (
    id                 TEXT PRIMARY KEY,
    number             TEXT NOT NULL,
    account_id         TEXT NOT NULL REFERENCES accounts (id),
    owner_id           TEXT NOT NULL REFERENCES users (id),
    currency           TEXT NOT NULL,
    quote_id           TEXT NOT NULL REFERENCES quotes (id),
    order_id           TEXT NOT NULL REFERENCES orders (id),
    start_date         DATE NOT NULL,
    end_date           DATE NOT NULL,
    term_months        INTEGER NOT NULL,
    billing_anchor     DATE NOT NULL,
    next_bill_after    DATE,
    renew_on           DATE,
    status             TEXT NOT NULL CHECK (status IN ('active', 'ended', 'cancelled')),
    renewal_uplift_pct NUMERIC NOT NULL DEFAULT 0,
    renewal_lead_days  INTEGER NOT NULL,
    invoice_lead_days  INTEGER NOT NULL,
    renewal_quote_id   TEXT REFERENCES quotes (id),
    renewals           INTEGER NOT NULL DEFAULT 0,
    cancelled_on       DATE,
    cancel_reason      TEXT NOT NULL DEFAULT '',
    version            INTEGER NOT NULL,
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX contracts_number_key ON contracts (number);
CREATE UNIQUE INDEX contracts_quote_key ON contracts (quote_id);
CREATE INDEX contracts_account_idx ON contracts (account_id);
CREATE INDEX contracts_end_idx ON contracts (status, end_date);
CREATE INDEX contracts_due_idx ON contracts (next_bill_after) WHERE next_bill_after IS NOT NULL;

CREATE TABLE subscriptions (
    id                TEXT PRIMARY KEY,
    contract_id       TEXT NOT NULL REFERENCES contracts (id),
    quote_id          TEXT NOT NULL REFERENCES quotes (id),
    order_id          TEXT NOT NULL REFERENCES orders (id),
    order_line_id     TEXT NOT NULL REFERENCES order_lines (id),
    product_id        TEXT NOT NULL REFERENCES products (id),
    sku               TEXT NOT NULL,
    name              TEXT NOT NULL,
    family            TEXT NOT NULL,
    quantity_micro    BIGINT NOT NULL CHECK (quantity_micro > 0),
    unit_price        NUMERIC NOT NULL,
    billing_period    TEXT NOT NULL,
    billing_frequency TEXT NOT NULL,
    start_date        DATE NOT NULL,
    end_date          DATE NOT NULL,
    tax_rate_id       TEXT NOT NULL,
    tax_rate_pct      NUMERIC NOT NULL,
    next_bill_on      DATE,
    created_at        TIMESTAMPTZ NOT NULL,
    CHECK (end_date >= start_date)
);
CREATE INDEX subscriptions_contract_idx ON subscriptions (contract_id, start_date);

CREATE TABLE subscription_billings (
    subscription_id TEXT NOT NULL REFERENCES subscriptions (id),
    period_start    DATE NOT NULL,
    period_end      DATE NOT NULL,
    invoice_id      TEXT NOT NULL REFERENCES invoices (id),
    amount_minor    BIGINT NOT NULL,
    PRIMARY KEY (subscription_id, period_start)
);
CREATE INDEX subscription_billings_invoice_idx ON subscription_billings (invoice_id);

ALTER TABLE invoice_lines ADD COLUMN service_start DATE;
ALTER TABLE invoice_lines ADD COLUMN service_end DATE;
ALTER TABLE invoice_lines ADD COLUMN subscription_id TEXT;

CREATE TABLE revenue_schedules (
    invoice_id   TEXT NOT NULL REFERENCES invoices (id),
    line_no      INTEGER NOT NULL,
    month        TEXT NOT NULL,
    currency     TEXT NOT NULL,
    account_code TEXT NOT NULL,
    amount_minor BIGINT NOT NULL,
    base_minor   BIGINT NOT NULL,
    entry_id     TEXT REFERENCES journal_entries (id),
    PRIMARY KEY (invoice_id, line_no, month)
);
CREATE INDEX revenue_schedules_open_idx ON revenue_schedules (month, invoice_id) WHERE entry_id IS NULL;
CREATE INDEX revenue_schedules_month_idx ON revenue_schedules (month);
