-- Foundation: settings, users and tokens, CRM, catalog, idempotency keys.
-- Amounts that are never summed in SQL (prices, limits, quotas) are exact
-- NUMERIC; times are TIMESTAMPTZ in UTC.

CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE users (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    email        TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('admin', 'sales_rep', 'sales_manager', 'finance')),
    manager_id   TEXT REFERENCES users (id),
    quota        NUMERIC NOT NULL DEFAULT 0,
    quota_period TEXT NOT NULL DEFAULT 'quarter' CHECK (quota_period IN ('month', 'quarter', 'year')),
    active       BOOLEAN NOT NULL DEFAULT TRUE,
    version      INTEGER NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX users_email_key ON users (email);
CREATE INDEX users_manager_idx ON users (manager_id);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX api_tokens_hash_key ON api_tokens (token_hash);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);

CREATE TABLE accounts (
    id                   TEXT PRIMARY KEY,
    name                 TEXT NOT NULL,
    currency             TEXT NOT NULL,
    segment              TEXT NOT NULL,
    industry             TEXT NOT NULL DEFAULT '',
    credit_limit         NUMERIC NOT NULL DEFAULT 0 CHECK (credit_limit >= 0),
    payment_terms        TEXT NOT NULL,
    tax_region           TEXT NOT NULL DEFAULT '',
    owner_id             TEXT NOT NULL REFERENCES users (id),
    phone                TEXT NOT NULL DEFAULT '',
    website              TEXT NOT NULL DEFAULT '',
    billing_line1        TEXT NOT NULL DEFAULT '',
    billing_line2        TEXT NOT NULL DEFAULT '',
    billing_city         TEXT NOT NULL DEFAULT '',
    billing_region       TEXT NOT NULL DEFAULT '',
    billing_postal_code  TEXT NOT NULL DEFAULT '',
    billing_country      TEXT NOT NULL DEFAULT '',
    shipping_line1       TEXT NOT NULL DEFAULT '',
    shipping_line2       TEXT NOT NULL DEFAULT '',
    shipping_city        TEXT NOT NULL DEFAULT '',
    shipping_region      TEXT NOT NULL DEFAULT '',
    shipping_postal_code TEXT NOT NULL DEFAULT '',
    shipping_country     TEXT NOT NULL DEFAULT '',
    version              INTEGER NOT NULL,
    created_at           TIMESTAMPTZ NOT NULL,
    updated_at           TIMESTAMPTZ NOT NULL
);
CREATE INDEX accounts_owner_idx ON accounts (owner_id);

CREATE TABLE contacts (
    id         TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    email      TEXT NOT NULL DEFAULT '',
    phone      TEXT NOT NULL DEFAULT '',
    title      TEXT NOT NULL DEFAULT '',
    version    INTEGER NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX contacts_account_idx ON contacts (account_id);

CREATE TABLE opportunities (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts (id),
    name        TEXT NOT NULL,
    stage       TEXT NOT NULL CHECK (stage IN ('prospecting', 'qualification', 'proposal', 'negotiation', 'closed_won', 'closed_lost')),
    amount      NUMERIC NOT NULL DEFAULT 0 CHECK (amount >= 0),
    currency    TEXT NOT NULL,
    close_date  DATE NOT NULL,
    owner_id    TEXT NOT NULL REFERENCES users (id),
    probability NUMERIC NOT NULL CHECK (probability >= 0 AND probability <= 100),
    description TEXT NOT NULL DEFAULT '',
    version     INTEGER NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX opportunities_account_idx ON opportunities (account_id);
CREATE INDEX opportunities_owner_idx ON opportunities (owner_id);

CREATE TABLE products (
    id              TEXT PRIMARY KEY,
    sku             TEXT NOT NULL,
    name            TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    family          TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('good', 'service')),
    uom             TEXT NOT NULL,
    unit_cost       NUMERIC NOT NULL DEFAULT 0 CHECK (unit_cost >= 0),
    tax_category    TEXT NOT NULL,
    active          BOOLEAN NOT NULL,
    track_inventory BOOLEAN NOT NULL,
    attributes      TEXT NOT NULL DEFAULT '[]',
    version         INTEGER NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX products_sku_key ON products (sku);
CREATE INDEX products_family_idx ON products (family);

CREATE TABLE bundle_components (
    bundle_id    TEXT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    component_id TEXT NOT NULL REFERENCES products (id),
    quantity     NUMERIC NOT NULL CHECK (quantity > 0),
    required     BOOLEAN NOT NULL,
    position     INTEGER NOT NULL,
    PRIMARY KEY (bundle_id, component_id)
);
CREATE INDEX bundle_components_component_idx ON bundle_components (component_id);

CREATE TABLE price_books (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    currency    TEXT NOT NULL,
    is_default  BOOLEAN NOT NULL,
    active      BOOLEAN NOT NULL,
    valid_from  DATE,
    valid_to    DATE,
    version     INTEGER NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX price_books_name_key ON price_books (name);
CREATE UNIQUE INDEX price_books_default_key ON price_books (currency) WHERE is_default;

CREATE TABLE price_book_entries (
    id            TEXT PRIMARY KEY,
    price_book_id TEXT NOT NULL REFERENCES price_books (id) ON DELETE CASCADE,
    product_id    TEXT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    unit_price    NUMERIC NOT NULL CHECK (unit_price >= 0),
    option_prices TEXT NOT NULL DEFAULT '{}',
    active        BOOLEAN NOT NULL,
    version       INTEGER NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX price_book_entries_product_key ON price_book_entries (price_book_id, product_id);
CREATE INDEX price_book_entries_product_idx ON price_book_entries (product_id);

CREATE TABLE idempotency_keys (
    user_id      TEXT NOT NULL,
    key          TEXT NOT NULL,
    method       TEXT NOT NULL,
    path         TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status       INTEGER NOT NULL DEFAULT 0,
    content_type TEXT NOT NULL DEFAULT '',
    headers      TEXT NOT NULL DEFAULT '{}',
    body         BYTEA,
    created_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
