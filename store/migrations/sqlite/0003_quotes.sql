-- Quotes: the quote, its versions (each priced and frozen once it leaves
-- draft), their lines, the history of every decision, approval rules and
-- approval requests, and counters for human numbers.

CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO counters (name, value) VALUES ('quote', 0);

CREATE TABLE quotes (
    id              TEXT PRIMARY KEY,
    number          TEXT NOT NULL,
    account_id      TEXT NOT NULL REFERENCES accounts (id),
    opportunity_id  TEXT REFERENCES opportunities (id),
    contact_id      TEXT REFERENCES contacts (id),
    owner_id        TEXT NOT NULL REFERENCES users (id),
    currency        TEXT NOT NULL,
    price_book_id   TEXT NOT NULL REFERENCES price_books (id),
    current_version INTEGER NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE UNIQUE INDEX quotes_number_key ON quotes (number);
CREATE INDEX quotes_account_idx ON quotes (account_id);
CREATE INDEX quotes_owner_idx ON quotes (owner_id);

CREATE TABLE quote_versions (
    quote_id            TEXT NOT NULL REFERENCES quotes (id) ON DELETE CASCADE,
    version             INTEGER NOT NULL,
    status              TEXT NOT NULL CHECK (status IN ('draft', 'pending_approval', 'approved', 'sent', 'accepted', 'rejected', 'expired', 'superseded')),
    valid_until         TEXT NOT NULL,
    terms               TEXT NOT NULL DEFAULT '',
    notes               TEXT NOT NULL DEFAULT '',
    header_discount_pct TEXT NOT NULL DEFAULT '0',
    pricing_date        TEXT NOT NULL,
    rulebook_version    INTEGER NOT NULL,
    input_hash          TEXT NOT NULL,
    pricing             TEXT NOT NULL,
    subtotal_minor      INTEGER NOT NULL,
    discount_minor      INTEGER NOT NULL,
    tax_minor           INTEGER NOT NULL,
    total_minor         INTEGER NOT NULL,
    etag                INTEGER NOT NULL,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    PRIMARY KEY (quote_id, version)
);

CREATE TABLE quote_lines (
    quote_id            TEXT NOT NULL,
    version             INTEGER NOT NULL,
    line_no             INTEGER NOT NULL,
    product_id          TEXT NOT NULL REFERENCES products (id),
    quantity            TEXT NOT NULL,
    configuration       TEXT NOT NULL DEFAULT '{}',
    manual_discount_pct TEXT NOT NULL DEFAULT '0',
    PRIMARY KEY (quote_id, version, line_no),
    FOREIGN KEY (quote_id, version) REFERENCES quote_versions (quote_id, version) ON DELETE CASCADE
);
CREATE INDEX quote_lines_product_idx ON quote_lines (product_id);

CREATE TABLE quote_events (
    id         TEXT PRIMARY KEY,
    quote_id   TEXT NOT NULL REFERENCES quotes (id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    actor_id   TEXT NOT NULL,
    detail     TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX quote_events_quote_idx ON quote_events (quote_id, created_at);

CREATE TABLE approval_rules (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    condition     TEXT NOT NULL,
    approver_kind TEXT NOT NULL CHECK (approver_kind IN ('role', 'user', 'manager')),
    approver_role TEXT NOT NULL DEFAULT '',
    approver_id   TEXT REFERENCES users (id),
    message       TEXT NOT NULL DEFAULT '',
    active        INTEGER NOT NULL,
    version       INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE UNIQUE INDEX approval_rules_name_key ON approval_rules (name);

CREATE TABLE approval_requests (
    id            TEXT PRIMARY KEY,
    quote_id      TEXT NOT NULL REFERENCES quotes (id) ON DELETE CASCADE,
    version       INTEGER NOT NULL,
    rule_id       TEXT NOT NULL,
    rule_name     TEXT NOT NULL,
    rule_version  INTEGER NOT NULL,
    approver_kind TEXT NOT NULL,
    approver_role TEXT NOT NULL DEFAULT '',
    approver_id   TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    tested        TEXT NOT NULL DEFAULT '{}',
    decided_by    TEXT NOT NULL DEFAULT '',
    decided_at    TEXT,
    comment       TEXT NOT NULL DEFAULT '',
    carried_from  INTEGER,
    created_at    TEXT NOT NULL
);
CREATE INDEX approval_requests_quote_idx ON approval_requests (quote_id, version);
