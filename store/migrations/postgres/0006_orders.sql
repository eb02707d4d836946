-- Orders: one per accepted quote (a unique constraint makes a retried or
-- double-clicked acceptance harmless), their lines copied from the accepted
-- version (never re-priced), and the reservations that hold stock for them.

-- Order and shipment numbers come from sequences, not the counters table:
-- a counter row would be locked by every order until it commits and make
-- all orders wait for one another. A rolled-back order burns a number (as
-- in Odoo's standard sequences); invoice numbers stay gapless.
CREATE SEQUENCE order_number_seq;
CREATE SEQUENCE shipment_number_seq;

CREATE TABLE orders (
    id             TEXT PRIMARY KEY,
    number         TEXT NOT NULL,
    quote_id       TEXT NOT NULL REFERENCES quotes (id),
    quote_version  INTEGER NOT NULL,
    account_id     TEXT NOT NULL REFERENCES accounts (id),
    owner_id       TEXT NOT NULL,
    currency       TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('open', 'partially_fulfilled', 'fulfilled', 'cancelled', 'closed')),
    subtotal_minor BIGINT NOT NULL,
    discount_minor BIGINT NOT NULL,
    tax_minor      BIGINT NOT NULL,
    total_minor    BIGINT NOT NULL,
    cancel_reason  TEXT NOT NULL DEFAULT '',
    version        INTEGER NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX orders_quote_key ON orders (quote_id);
CREATE UNIQUE INDEX orders_number_key ON orders (number);
CREATE INDEX orders_account_idx ON orders (account_id);

CREATE TABLE order_lines (
    id              TEXT PRIMARY KEY,
    order_id        TEXT NOT NULL REFERENCES orders (id),
    line_no         INTEGER NOT NULL,
    parent_line_id  TEXT,
    product_id      TEXT NOT NULL REFERENCES products (id),
    sku             TEXT NOT NULL,
    name            TEXT NOT NULL,
    stocked         BOOLEAN NOT NULL,
    quantity_micro  BIGINT NOT NULL,
    reserved_micro  BIGINT NOT NULL DEFAULT 0,
    fulfilled_micro BIGINT NOT NULL DEFAULT 0,
    cancelled_micro BIGINT NOT NULL DEFAULT 0,
    unit_price      NUMERIC NOT NULL,
    net_amount      NUMERIC NOT NULL,
    tax_amount      NUMERIC NOT NULL,
    configuration   TEXT NOT NULL DEFAULT '{}',
    created_at      TIMESTAMPTZ NOT NULL,
    CONSTRAINT order_lines_quantities CHECK (reserved_micro >= 0 AND fulfilled_micro >= 0 AND cancelled_micro >= 0
        AND reserved_micro + fulfilled_micro + cancelled_micro <= quantity_micro)
);
CREATE INDEX order_lines_order_idx ON order_lines (order_id, line_no);
CREATE INDEX order_lines_backorder_idx ON order_lines (product_id, created_at);

CREATE TABLE reservations (
    id            TEXT PRIMARY KEY,
    order_id      TEXT NOT NULL REFERENCES orders (id),
    order_line_id TEXT NOT NULL REFERENCES order_lines (id),
    product_id    TEXT NOT NULL,
    warehouse_id  TEXT NOT NULL REFERENCES warehouses (id),
    qty_micro     BIGINT NOT NULL CHECK (qty_micro > 0),
    status        TEXT NOT NULL CHECK (status IN ('open', 'shipped', 'released')),
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX reservations_order_idx ON reservations (order_id);
CREATE INDEX reservations_line_idx ON reservations (order_line_id);

-- A shipment sends reserved stock of one warehouse; its lines say how much
-- of which order line.
CREATE TABLE shipments (
    id           TEXT PRIMARY KEY,
    number       TEXT NOT NULL,
    order_id     TEXT NOT NULL REFERENCES orders (id),
    warehouse_id TEXT REFERENCES warehouses (id),
    shipped_on   DATE NOT NULL,
    reference    TEXT NOT NULL DEFAULT '',
    actor_id     TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX shipments_number_key ON shipments (number);
CREATE INDEX shipments_order_idx ON shipments (order_id);

CREATE TABLE shipment_lines (
    shipment_id   TEXT NOT NULL REFERENCES shipments (id),
    order_line_id TEXT NOT NULL REFERENCES order_lines (id),
    product_id    TEXT NOT NULL,
    qty_micro     BIGINT NOT NULL CHECK (qty_micro > 0),
    PRIMARY KEY (shipment_id, order_line_id)
);
