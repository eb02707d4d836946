package store

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/inventory"
)

type warehouseRow struct {
	ID        string `db:"id"`
	Code      string `db:"code"`
	Name      string `db:"name"`
	Priority  int    `db:"priority"`
	Active    bool   `db:"active"`
	Version   int    `db:"version"`
	CreatedAt dbTime `db:"created_at"`
	UpdatedAt dbTime `db:"updated_at"`
}

const warehouseCols = `id, code, name, priority, active, version, created_at, updated_at`

func (r warehouseRow) warehouse() inventory.Warehouse {
	return inventory.Warehouse{ID: r.ID, Code: r.Code, Name: r.Name, Priority: r.Priority, Active: r.Active, Version: r.Version,
		CreatedAt: r.CreatedAt.Time, UpdatedAt: r.UpdatedAt.Time}
}

// InsertWarehouse stores a new warehouse.
func (t *Tx) InsertWarehouse(ctx context.Context, w inventory.Warehouse) error {
	_, err := t.exec(ctx, `INSERT INTO warehouses (`+warehouseCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		w.ID, w.Code, w.Name, w.Priority, w.Active, w.Version, t.ts(w.CreatedAt), t.ts(w.UpdatedAt))
	return conflictAs(err, "code", "a warehouse with code %s exists", w.Code)
}

// GetWarehouse loads a warehouse.
func (t *Tx) GetWarehouse(ctx context.Context, id string) (inventory.Warehouse, error) {
	var r warehouseRow
	if err := t.get(ctx, &r, `SELECT `+warehouseCols+` FROM warehouses WHERE id = ?`, id); err != nil {
		return inventory.Warehouse{}, getOr(err, "warehouse", id)
	}
	return r.warehouse(), nil
}

// UpdateWarehouse writes a warehouse if it is still at version.
func (t *Tx) UpdateWarehouse(ctx context.Context, w inventory.Warehouse, version int) error {
	err := t.versioned(ctx, "warehouses", "warehouse", w.ID, `UPDATE warehouses SET code = ?, name = ?, priority = ?, active = ?,
		version = ?, updated_at = ? WHERE id = ? AND version = ?`, w.Code, w.Name, w.Priority, w.Active, w.Version, t.ts(w.UpdatedAt), w.ID, version)
	return conflictAs(err, "code", "a warehouse with code %s exists", w.Code)
}

// ListWarehouses returns a page of warehouses.
func (t *Tx) ListWarehouses(ctx context.Context, p quotient.Page) ([]inventory.Warehouse, error) {
	limit, after := p.Limit, p.After
	var rows []warehouseRow
	if err := t.list(ctx, &rows, warehouseCols, "warehouses", nil, nil, after, limit); err != nil {
		return nil, err
	}
	out := make([]inventory.Warehouse, len(rows))
	for i, r := range rows {
		out[i] = r.warehouse()
	}
	return out, nil
}

// AddOnHand changes on_hand unless that would take it below reserved or
// zero. The conditional UPDATE is atomic on both databases (a row lock on
// PostgreSQL, the single writer on SQLite); the CHECK is the backstop.
func (t *Tx) AddOnHand(ctx context.Context, productID, warehouseID string, delta quotient.Quantity, at time.Time) error {
	if _, err := t.exec(ctx, `INSERT INTO stock (product_id, warehouse_id, on_hand_micro, reserved_micro, updated_at) VALUES (?, ?, 0, 0, ?)
		ON CONFLICT (product_id, warehouse_id) DO NOTHING`, productID, warehouseID, t.ts(at)); err != nil {
		return err
	}
	n, err := t.execN(ctx, `UPDATE stock SET on_hand_micro = on_hand_micro + ?, updated_at = ?
		WHERE product_id = ? AND warehouse_id = ? AND on_hand_micro + ? >= reserved_micro AND on_hand_micro + ? >= 0`,
		delta, t.ts(at), productID, warehouseID, delta, delta)
	if err != nil {
		return err
	}
	if n == 1 {
		return nil
	}
	var cur struct {
		OnHand   quotient.Quantity `db:"on_hand_micro"`
		Reserved quotient.Quantity `db:"reserved_micro"`
	}
	if err := t.get(ctx, &cur, `SELECT on_hand_micro, reserved_micro FROM stock WHERE product_id = ? AND warehouse_id = ?`, productID, warehouseID); err != nil {
		return err
	}
	return quotient.FieldErrorf(quotient.Conflict, "quantity", "on hand is %s of which %s is reserved; removing %s would leave less than is reserved",
		cur.OnHand.Decimal(), cur.Reserved.Decimal(), (-delta).Decimal())
}

// InsertMovement records a movement.
func (t *Tx) InsertMovement(ctx context.Context, m inventory.Movement) error {
	return t.InsertMovements(ctx, []inventory.Movement{m})
}

// InsertMovements records movements in one statement, and adds the value
// of those that carry one to their stock rows.
func (t *Tx) InsertMovements(ctx context.Context, ms []inventory.Movement) error {
	rows := make([][]any, len(ms))
	var values [][]any
	for i, m := range ms {
		q, ok := quotient.QuantityOf(m.Quantity)
		if !ok {
			return fmt.Errorf("movement quantity %s has more than 6 decimals", m.Quantity)
		}
		var cost any
		if m.UnitCost != nil {
			cost = m.UnitCost.String()
		}
		rows[i] = []any{m.ID, m.ProductID, m.WarehouseID, m.Kind, q, cost, m.Value, m.Reference, m.Reason, m.ActorID, t.ts(m.At)}
		if m.Value != 0 {
			values = append(values, []any{m.ProductID, m.WarehouseID, m.Value})
		}
	}
	if err := t.insertRows(ctx, "stock_movements", "id, product_id, warehouse_id, kind, qty_micro, unit_cost, value_minor, reference, reason, actor_id, created_at",
		rows); err != nil {
		return err
	}
	for _, v := range values { // rare (receipts, shipments), and one row may take several
		if _, err := t.exec(ctx, `UPDATE stock SET value_minor = value_minor + ? WHERE product_id = ? AND warehouse_id = ?`, v[2], v[0], v[1]); err != nil {
			return err
		}
	}
	return nil
}

// StockValue reads what a product has on hand in a warehouse and its
// carried value, locking the row (PostgreSQL) until the transaction ends
// so the value a movement takes is the value it leaves.
func (t *Tx) StockValue(ctx context.Context, productID, warehouseID string) (quotient.Quantity, int64, error) {
	q := `SELECT on_hand_micro, value_minor FROM stock WHERE product_id = ? AND warehouse_id = ?`
	if t.d == Postgres {
		q += ` FOR UPDATE`
	}
	var r struct {
		OnHand quotient.Quantity `db:"on_hand_micro"`
		Value  int64             `db:"value_minor"`
	}
	err := t.get(ctx, &r, q, productID, warehouseID)
	if isNotFound(err) {
		return 0, 0, nil
	}
	return r.OnHand, r.Value, err
}

// StockValuation is, per stock row, its carried value beside the values
// its movements add up to; and the total value of receipts.
func (t *Tx) StockValuation(ctx context.Context) (carried int64, received int64, breaches []string, err error) {
	var rows []struct {
		ProductID   string `db:"product_id"`
		WarehouseID string `db:"warehouse_id"`
		Value       int64  `db:"value_minor"`
		Moved       int64  `db:"moved"`
	}
	if err = t.sel(ctx, &rows, `SELECT s.product_id, s.warehouse_id, s.value_minor,
			COALESCE((SELECT SUM(m.value_minor) FROM stock_movements m WHERE m.product_id = s.product_id AND m.warehouse_id = s.warehouse_id), 0) AS moved
		FROM stock s ORDER BY s.product_id, s.warehouse_id`); err != nil {
		return 0, 0, nil, err
	}
	for _, r := range rows {
		carried += r.Value
		if r.Value != r.Moved {
			breaches = append(breaches, fmt.Sprintf("%s in %s: carried value %d but its movements add up to %d (minor units)", r.ProductID, r.WarehouseID, r.Value, r.Moved))
		}
	}
	err = t.get(ctx, &received, `SELECT COALESCE(SUM(value_minor), 0) FROM stock_movements WHERE kind = 'receipt'`)
	return carried, received, breaches, err
}

// Levels returns stock levels by product then warehouse; After is
// "product_id/warehouse_id" of the last row of the previous page.
func (t *Tx) Levels(ctx context.Context, f inventory.Filter) ([]inventory.Level, error) {
	var where []string
	var args []any
	where, args = eq(where, args, "product_id", f.ProductID)
	where, args = eq(where, args, "warehouse_id", f.WarehouseID)
	if p, w, ok := strings.Cut(f.After, "/"); ok {
		where = append(where, "(product_id > ? OR (product_id = ? AND warehouse_id > ?))")
		args = append(args, p, p, w)
	}
	q := `SELECT product_id, warehouse_id, on_hand_micro, reserved_micro FROM stock`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 1 << 30
	}
	q += " ORDER BY product_id, warehouse_id LIMIT ?"
	args = append(args, limit)
	var rows []struct {
		ProductID   string            `db:"product_id"`
		WarehouseID string            `db:"warehouse_id"`
		OnHand      quotient.Quantity `db:"on_hand_micro"`
		Reserved    quotient.Quantity `db:"reserved_micro"`
	}
	if err := t.sel(ctx, &rows, q, args...); err != nil {
		return nil, err
	}
	out := make([]inventory.Level, len(rows))
	for i, r := range rows {
		out[i] = inventory.Level{ProductID: r.ProductID, WarehouseID: r.WarehouseID, OnHand: r.OnHand.Decimal(), Reserved: r.Reserved.Decimal()}
	}
	return out, nil
}

// Movements returns movements, oldest first.
func (t *Tx) Movements(ctx context.Context, f inventory.Filter) ([]inventory.Movement, error) {
	var where []string
	var args []any
	where, args = eq(where, args, "product_id", f.ProductID)
	where, args = eq(where, args, "warehouse_id", f.WarehouseID)
	var rows []struct {
		ID          string            `db:"id"`
		ProductID   string            `db:"product_id"`
		WarehouseID string            `db:"warehouse_id"`
		Kind        string            `db:"kind"`
		Qty         quotient.Quantity `db:"qty_micro"`
		UnitCost    *dbDec            `db:"unit_cost"`
		Value       int64             `db:"value_minor"`
		Reference   string            `db:"reference"`
		Reason      string            `db:"reason"`
		ActorID     string            `db:"actor_id"`
		CreatedAt   dbTime            `db:"created_at"`
	}
	if err := t.list(ctx, &rows, `id, product_id, warehouse_id, kind, qty_micro, unit_cost, value_minor, reference, reason, actor_id, created_at`,
		"stock_movements", where, args, f.After, f.Limit); err != nil {
		return nil, err
	}
	out := make([]inventory.Movement, len(rows))
	for i, r := range rows {
		out[i] = inventory.Movement{ID: r.ID, ProductID: r.ProductID, WarehouseID: r.WarehouseID, Kind: r.Kind, Quantity: r.Qty.Decimal(),
			UnitCost: costRate(r.UnitCost), Value: r.Value, Reference: r.Reference, Reason: r.Reason, ActorID: r.ActorID, At: r.CreatedAt.Time}
	}
	return out, nil
}

// Discrepancies checks every stock row against its movements.
func (t *Tx) Discrepancies(ctx context.Context) ([]string, error) {
	var rows []struct {
		ProductID   string            `db:"product_id"`
		WarehouseID string            `db:"warehouse_id"`
		OnHand      quotient.Quantity `db:"on_hand_micro"`
		Reserved    quotient.Quantity `db:"reserved_micro"`
		Moved       quotient.Quantity `db:"moved"`
		Held        quotient.Quantity `db:"held"`
		Open        quotient.Quantity `db:"open_held"`
	}
	err := t.sel(ctx, &rows, `SELECT s.product_id, s.warehouse_id, s.on_hand_micro, s.reserved_micro,
			COALESCE((SELECT SUM(m.qty_micro) FROM stock_movements m WHERE m.product_id = s.product_id AND m.warehouse_id = s.warehouse_id
				AND m.kind IN ('receipt', 'adjustment', 'shipment')), 0) AS moved,
			COALESCE((SELECT SUM(m.qty_micro) FROM stock_movements m WHERE m.product_id = s.product_id AND m.warehouse_id = s.warehouse_id
				AND m.kind IN ('reservation', 'release', 'shipment')), 0) AS held,
			COALESCE((SELECT SUM(r.qty_micro) FROM reservations r WHERE r.product_id = s.product_id AND r.warehouse_id = s.warehouse_id
				AND r.status = 'open'), 0) AS open_held
		FROM stock s ORDER BY s.product_id, s.warehouse_id`)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, r := range rows {
		where := r.ProductID + " in " + r.WarehouseID
		if r.OnHand != r.Moved {
			out = append(out, fmt.Sprintf("%s: on_hand %s but movements add up to %s", where, r.OnHand.Decimal(), r.Moved.Decimal()))
		}
		if r.Reserved != r.Held {
			out = append(out, fmt.Sprintf("%s: reserved %s but reservations add up to %s", where, r.Reserved.Decimal(), r.Held.Decimal()))
		}
		if r.Reserved != r.Open {
			out = append(out, fmt.Sprintf("%s: reserved %s but open reservations add up to %s", where, r.Reserved.Decimal(), r.Open.Decimal()))
		}
		if r.Reserved < 0 || r.Reserved > r.OnHand {
			out = append(out, fmt.Sprintf("%s: reserved %s outside 0..on_hand %s", where, r.Reserved.Decimal(), r.OnHand.Decimal()))
		}
	}
	return out, nil
}

var _ inventory.Store = (*Tx)(nil)

// LockStock locks a product's stock rows in active warehouses.
func (t *Tx) LockStock(ctx context.Context, productID string) ([]inventory.StockRow, error) {
	m, err := t.LockStocks(ctx, []string{productID})
	return m[productID], err
}

// LockStocks locks the stock rows of products in active warehouses in one
// statement, in (product, warehouse) order on PostgreSQL (PostgreSQL
// locks the rows in the order it returns them), so concurrent orders
// cannot deadlock; SQLite's single writer needs no lock. Each product's
// rows come by warehouse priority.
func (t *Tx) LockStocks(ctx context.Context, productIDs []string) (map[string][]inventory.StockRow, error) {
	out := map[string][]inventory.StockRow{}
	if len(productIDs) == 0 {
		return out, nil
	}
	lock := ""
	if t.d == Postgres {
		lock = " FOR UPDATE OF s"
	}
	ids := append([]string(nil), productIDs...)
	sort.Strings(ids)
	ids = slices.Compact(ids)
	for start := 0; start < len(ids); start += maxParams {
		var rows []struct {
			ProductID   string            `db:"product_id"`
			WarehouseID string            `db:"warehouse_id"`
			Priority    int               `db:"priority"`
			OnHand      quotient.Quantity `db:"on_hand_micro"`
			Reserved    quotient.Quantity `db:"reserved_micro"`
		}
		q, args := inList(`SELECT s.product_id, s.warehouse_id, w.priority, s.on_hand_micro, s.reserved_micro FROM stock s
			JOIN warehouses w ON w.id = s.warehouse_id WHERE w.active = ? AND s.product_id IN (%s) ORDER BY s.product_id, s.warehouse_id`+lock,
			ids[start:min(start+maxParams, len(ids))], true)
		if err := t.sel(ctx, &rows, q, args...); err != nil {
			return nil, err
		}
		for _, r := range rows {
			out[r.ProductID] = append(out[r.ProductID], inventory.StockRow{WarehouseID: r.WarehouseID, Priority: r.Priority, OnHand: r.OnHand, Reserved: r.Reserved})
		}
	}
	for _, rs := range out {
		sort.SliceStable(rs, func(i, j int) bool {
			if rs[i].Priority != rs[j].Priority {
				return rs[i].Priority < rs[j].Priority
			}
			return rs[i].WarehouseID < rs[j].WarehouseID
		})
	}
	return out, nil
}

// TakeStocks adds each take to its stock row's reserved in one statement,
// each only if that much is available; it reports how many rows it
// changed. Takes name distinct (product, warehouse) pairs.
func (t *Tx) TakeStocks(ctx context.Context, takes []inventory.Take, at time.Time) (int, error) {
	rows := make([][]any, len(takes))
	for i, k := range takes {
		rows[i] = []any{k.ProductID, k.WarehouseID, k.Quantity}
	}
	n, err := t.updateRows(ctx, "stock", "reserved_micro = stock.reserved_micro + v.column3, updated_at = ?",
		"stock.product_id = v.column1 AND stock.warehouse_id = v.column2 AND stock.on_hand_micro - stock.reserved_micro >= v.column3",
		[]string{"TEXT", "TEXT", "BIGINT"}, rows, t.ts(at))
	return int(n), err
}

// InsertHelds records reservations.
func (t *Tx) InsertHelds(ctx context.Context, hs []inventory.Held) error {
	rows := make([][]any, len(hs))
	for i, h := range hs {
		rows[i] = []any{h.ID, h.OrderID, h.OrderLineID, h.ProductID, h.WarehouseID, h.Quantity, h.Status, t.ts(h.At)}
	}
	return t.insertRows(ctx, "reservations", "id, order_id, order_line_id, product_id, warehouse_id, qty_micro, status, created_at", rows)
}

// InsertHeld records a reservation.
func (t *Tx) InsertHeld(ctx context.Context, h inventory.Held) error {
	return t.InsertHelds(ctx, []inventory.Held{h})
}

// OpenHeld returns a line's open reservations, oldest first.
func (t *Tx) OpenHeld(ctx context.Context, lineID string) ([]inventory.Held, error) {
	return t.held(ctx, `order_line_id = ? AND status = 'open'`, lineID)
}

func (t *Tx) held(ctx context.Context, where string, arg any) ([]inventory.Held, error) {
	var rows []struct {
		ID          string            `db:"id"`
		OrderID     string            `db:"order_id"`
		OrderLineID string            `db:"order_line_id"`
		ProductID   string            `db:"product_id"`
		WarehouseID string            `db:"warehouse_id"`
		Qty         quotient.Quantity `db:"qty_micro"`
		Status      string            `db:"status"`
		CreatedAt   dbTime            `db:"created_at"`
	}
	if err := t.sel(ctx, &rows, `SELECT id, order_id, order_line_id, product_id, warehouse_id, qty_micro, status, created_at
		FROM reservations WHERE `+where+` ORDER BY id`, arg); err != nil {
		return nil, err
	}
	out := make([]inventory.Held, len(rows))
	for i, r := range rows {
		out[i] = inventory.Held{ID: r.ID, OrderID: r.OrderID, OrderLineID: r.OrderLineID, ProductID: r.ProductID, WarehouseID: r.WarehouseID,
			Quantity: r.Qty, Status: r.Status, At: r.CreatedAt.Time}
	}
	return out, nil
}

// UpdateHeld sets a reservation's quantity and status.
func (t *Tx) UpdateHeld(ctx context.Context, id string, micro quotient.Quantity, status string) error {
	n, err := t.execN(ctx, `UPDATE reservations SET qty_micro = ?, status = ? WHERE id = ?`, micro, status, id)
	if err == nil && n == 0 {
		err = notFound("reservation", id)
	}
	return err
}

// ShipStock lowers on_hand and reserved together.
func (t *Tx) ShipStock(ctx context.Context, productID, warehouseID string, micro quotient.Quantity, at time.Time) error {
	return t.lowerStock(ctx, micro, micro, productID, warehouseID, at)
}

// ReleaseStock lowers reserved.
func (t *Tx) ReleaseStock(ctx context.Context, productID, warehouseID string, micro quotient.Quantity, at time.Time) error {
	return t.lowerStock(ctx, 0, micro, productID, warehouseID, at)
}

// lowerStock takes onHand off on_hand and reserved off reserved, provided
// that much is reserved.
func (t *Tx) lowerStock(ctx context.Context, onHand, reserved quotient.Quantity, productID, warehouseID string, at time.Time) error {
	n, err := t.execN(ctx, `UPDATE stock SET on_hand_micro = on_hand_micro - ?, reserved_micro = reserved_micro - ?, updated_at = ?
		WHERE product_id = ? AND warehouse_id = ? AND reserved_micro >= ?`, onHand, reserved, t.ts(at), productID, warehouseID, reserved)
	if err == nil && n == 0 {
		err = quotient.Errorf(quotient.Conflict, "stock of %s in %s holds less than %s reserved", productID, warehouseID, reserved.Decimal())
	}
	return err
}

var _ inventory.ReserveStore = (*Tx)(nil)
