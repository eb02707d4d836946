-- Pricing: the rulebook (volume schedules, price rules and their history,
-- tax rates) with one version counter, configuration rules, and an
-- account's own price book.

CREATE TABLE rulebook (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO rulebook (id, version) VALUES (1, 1);

CREATE TABLE discount_schedules (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    type        TEXT NOT NULL CHECK (type IN ('range', 'slab')),
    tiers       TEXT NOT NULL,
    product_ids TEXT NOT NULL DEFAULT '[]',
    family      TEXT NOT NULL DEFAULT '',
    active      BOOLEAN NOT NULL,
    version     INTEGER NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX discount_schedules_name_key ON discount_schedules (name);

CREATE TABLE price_rules (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    condition  TEXT NOT NULL,
    action     TEXT NOT NULL CHECK (action IN ('percent_discount', 'amount_discount', 'set_price', 'formula')),
    value      NUMERIC NOT NULL DEFAULT 0,
    formula    TEXT NOT NULL DEFAULT '',
    priority   INTEGER NOT NULL,
    stackable  BOOLEAN NOT NULL,
    valid_from DATE,
    valid_to   DATE,
    active     BOOLEAN NOT NULL,
    version    INTEGER NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX price_rules_name_key ON price_rules (name);

-- Every version of every price rule, so a priced document can show the
-- rule as it was.
CREATE TABLE price_rule_versions (
    rule_id    TEXT NOT NULL,
    version    INTEGER NOT NULL,
    body       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (rule_id, version)
);

CREATE TABLE tax_rates (
    id           TEXT PRIMARY KEY,
    region       TEXT NOT NULL,
    tax_category TEXT NOT NULL,
    rate_pct     NUMERIC NOT NULL,
    name         TEXT NOT NULL,
    version      INTEGER NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX tax_rates_region_category_key ON tax_rates (region, tax_category);

CREATE TABLE product_rules (
    id         TEXT PRIMARY KEY,
    product_id TEXT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('validation', 'alert', 'selection', 'filter')),
    condition  TEXT NOT NULL,
    message    TEXT NOT NULL DEFAULT '',
    action     TEXT NOT NULL DEFAULT '{}',
    active     BOOLEAN NOT NULL,
    version    INTEGER NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX product_rules_product_idx ON product_rules (product_id);

ALTER TABLE accounts ADD COLUMN price_book_id TEXT REFERENCES price_books (id);

-- Units of the book's currency per unit of the currency products' unit_cost
-- is kept in, so margins can be computed on documents in any currency.
ALTER TABLE price_books ADD COLUMN cost_rate NUMERIC;
