-- Commissions: plans (rules and exclusions as JSON, compiled when saved),
-- their assignments to users, credit splits of opportunities, the lines
-- each accrual and clawback made, and the payouts of statements.

CREATE TABLE commission_plans (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    basis         TEXT NOT NULL CHECK (basis IN ('invoiced', 'paid')),
    base_rate_pct TEXT NOT NULL,
    rules         TEXT NOT NULL,
    exclusions    TEXT NOT NULL,
    valid_from    TEXT NOT NULL,
    valid_to      TEXT,
    version       INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

CREATE TABLE commission_assignments (
    id         TEXT PRIMARY KEY,
    plan_id    TEXT NOT NULL REFERENCES commission_plans (id),
    user_id    TEXT NOT NULL REFERENCES users (id),
    valid_from TEXT NOT NULL,
    valid_to   TEXT,
    quota      TEXT NOT NULL,
    currency   TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX commission_assignments_user_idx ON commission_assignments (user_id, valid_from);
CREATE INDEX commission_assignments_plan_idx ON commission_assignments (plan_id);

CREATE TABLE opportunity_splits (
    opportunity_id TEXT NOT NULL REFERENCES opportunities (id),
    user_id        TEXT NOT NULL REFERENCES users (id),
    pct            TEXT NOT NULL,
    PRIMARY KEY (opportunity_id, user_id)
);

CREATE TABLE commission_lines (
    id               TEXT PRIMARY KEY,
    user_id          TEXT NOT NULL REFERENCES users (id),
    plan_id          TEXT NOT NULL REFERENCES commission_plans (id),
    plan_version     INTEGER NOT NULL,
    invoice_id       TEXT NOT NULL REFERENCES invoices (id),
    order_line_id    TEXT NOT NULL,
    sku              TEXT NOT NULL,
    source_type      TEXT NOT NULL,
    source_id        TEXT NOT NULL,
    period           TEXT NOT NULL,
    day              TEXT NOT NULL,
    currency         TEXT NOT NULL,
    basis_minor      INTEGER NOT NULL,
    share_pct        TEXT NOT NULL,
    rate_pct         TEXT NOT NULL,
    amount_minor     INTEGER NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('accrued', 'payable', 'paid', 'clawed_back')),
    rule             TEXT NOT NULL,
    figures          TEXT NOT NULL,
    journal_entry_id TEXT,
    payout_id        TEXT,
    created_at       TEXT NOT NULL
);
CREATE UNIQUE INDEX commission_lines_source_key ON commission_lines (source_type, source_id, user_id, order_line_id);
CREATE INDEX commission_lines_user_idx ON commission_lines (user_id, period, currency);
CREATE INDEX commission_lines_invoice_idx ON commission_lines (invoice_id);

CREATE TABLE commission_payouts (
    id               TEXT PRIMARY KEY,
    user_id          TEXT NOT NULL REFERENCES users (id),
    period           TEXT NOT NULL,
    currency         TEXT NOT NULL,
    amount_minor     INTEGER NOT NULL CHECK (amount_minor > 0),
    journal_entry_id TEXT NOT NULL REFERENCES journal_entries (id),
    paid_by          TEXT NOT NULL,
    created_at       TEXT NOT NULL
);
CREATE INDEX commission_payouts_user_idx ON commission_payouts (user_id, period);

-- Support cases, which the account summary shows a rep before a visit.
CREATE TABLE support_cases (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts (id),
    contact_id  TEXT REFERENCES contacts (id),
    subject     TEXT NOT NULL,
    description TEXT NOT NULL,
    priority    TEXT NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    status      TEXT NOT NULL CHECK (status IN ('open', 'pending', 'closed')),
    owner_id    TEXT NOT NULL REFERENCES users (id),
    closed_at   TEXT,
    version     INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX support_cases_account_idx ON support_cases (account_id, status);
