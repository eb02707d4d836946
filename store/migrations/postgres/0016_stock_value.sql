-- Stock carries its value: each stock row the value of what is on hand
-- (minor units of the cost currency), each movement the value it added
-- or took away, so the inventory account can be checked against stock
-- at its carried (moving average) cost. Earlier movements are valued as
-- they were posted: receipts at their cost, shipments at the product's
-- unit cost; adjustments posted nothing and carry nothing.
ALTER TABLE stock ADD COLUMN value_minor BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stock_movements ADD COLUMN value_minor BIGINT NOT NULL DEFAULT 0;
UPDATE stock_movements SET value_minor = ROUND(stock_movements.qty_micro * COALESCE(stock_movements.unit_cost, p.unit_cost) / 10000.0)
    FROM products p WHERE p.id = stock_movements.product_id AND stock_movements.kind IN ('receipt', 'shipment');
UPDATE stock SET value_minor = (SELECT COALESCE(SUM(m.value_minor), 0) FROM stock_movements m
    WHERE m.product_id = stock.product_id AND m.warehouse_id = stock.warehouse_id);
