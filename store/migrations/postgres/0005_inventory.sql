-- Inventory: warehouses, stock per product and warehouse, and the
-- movements every change of stock is. Quantities are BIGINT micro-units
-- (millionths) so both databases add and compare them exactly in SQL;
-- the CHECKs are the backstop that keeps available (on_hand - reserved)
-- from going negative.

CREATE TABLE warehouses (
    id         TEXT PRIMARY KEY,
    code       TEXT NOT NULL,
    name       TEXT NOT NULL,
    priority   INTEGER NOT NULL,
    active     BOOLEAN NOT NULL,
    version    INTEGER NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX warehouses_code_key ON warehouses (code);

CREATE TABLE stock (
    product_id     TEXT NOT NULL REFERENCES products (id),
    warehouse_id   TEXT NOT NULL REFERENCES warehouses (id),
    on_hand_micro  BIGINT NOT NULL DEFAULT 0,
    reserved_micro BIGINT NOT NULL DEFAULT 0,
    updated_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (product_id, warehouse_id),
    CONSTRAINT stock_reserved_within_on_hand CHECK (reserved_micro >= 0 AND reserved_micro <= on_hand_micro)
);

CREATE TABLE stock_movements (
    id           TEXT PRIMARY KEY,
    product_id   TEXT NOT NULL REFERENCES products (id),
    warehouse_id TEXT NOT NULL REFERENCES warehouses (id),
    kind         TEXT NOT NULL CHECK (kind IN ('receipt', 'adjustment', 'shipment', 'reservation', 'release')),
    qty_micro    BIGINT NOT NULL,
    unit_cost    NUMERIC,
    reference    TEXT NOT NULL DEFAULT '',
    reason       TEXT NOT NULL DEFAULT '',
    actor_id     TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX stock_movements_product_idx ON stock_movements (product_id, warehouse_id, created_at);
