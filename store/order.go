package store

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/inventory"
	"github.com/quotient-cpq/quotient/order"
)

const orderCols = `id, number, quote_id, quote_version, account_id, owner_id, currency, status, subtotal_minor, discount_minor,
	tax_minor, total_minor, cancel_reason, hold_reason, released_by, released_at, version, created_at, updated_at`

type orderRow struct {
	ID            string `db:"id"`
	Number        string `db:"number"`
	QuoteID       string `db:"quote_id"`
	QuoteVersion  int    `db:"quote_version"`
	AccountID     string `db:"account_id"`
	OwnerID       string `db:"owner_id"`
	Currency      string `db:"currency"`
	Status        string `db:"status"`
	SubtotalMinor int64  `db:"subtotal_minor"`
	DiscountMinor int64  `db:"discount_minor"`
	TaxMinor      int64  `db:"tax_minor"`
	TotalMinor    int64  `db:"total_minor"`
	CancelReason  string `db:"cancel_reason"`
	HoldReason    string `db:"hold_reason"`
	ReleasedBy    string `db:"released_by"`
	ReleasedAt    dbTime `db:"released_at"`
	Version       int    `db:"version"`
	CreatedAt     dbTime `db:"created_at"`
	UpdatedAt     dbTime `db:"updated_at"`
}

func (r orderRow) order() order.Order {
	c, _ := quotient.LookupCurrency(r.Currency)
	return order.Order{ID: r.ID, Number: r.Number, QuoteID: r.QuoteID, QuoteVersion: r.QuoteVersion, AccountID: r.AccountID, OwnerID: r.OwnerID,
		Currency: r.Currency, Status: order.Status(r.Status), Subtotal: c.FromMinor(r.SubtotalMinor), Discount: c.FromMinor(r.DiscountMinor),
		Tax: c.FromMinor(r.TaxMinor), Total: c.FromMinor(r.TotalMinor), CancelReason: r.CancelReason,
		HoldReason: r.HoldReason, ReleasedBy: r.ReleasedBy, ReleasedAt: r.ReleasedAt.ptr(), Version: r.Version, CreatedAt: r.CreatedAt.Time, UpdatedAt: r.UpdatedAt.Time}
}

// InsertOrder inserts an order unless its quote has one.
func (t *Tx) InsertOrder(ctx context.Context, o order.Order) (bool, error) {
	var m [4]int64
	for i, d := range []decimal.Decimal{o.Subtotal, o.Discount, o.Tax, o.Total} {
		n, err := minorOf(o.Currency, d)
		if err != nil {
			return false, err
		}
		m[i] = n
	}
	n, err := t.execN(ctx, `INSERT INTO orders (`+orderCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (quote_id) DO NOTHING`, o.ID, o.Number, o.QuoteID, o.QuoteVersion, o.AccountID, o.OwnerID, o.Currency, string(o.Status),
		m[0], m[1], m[2], m[3], o.CancelReason, o.HoldReason, o.ReleasedBy, t.tsPtr(o.ReleasedAt), o.Version, t.ts(o.CreatedAt), t.ts(o.UpdatedAt))
	return n == 1, err
}

// InsertOrderLines stores an order's lines in one statement.
func (t *Tx) InsertOrderLines(ctx context.Context, ls []order.Line) error {
	rows := make([][]any, len(ls))
	for i, l := range ls {
		cfg := []byte("{}")
		if len(l.Configuration) > 0 {
			cfg, _ = json.Marshal(l.Configuration)
		}
		rows[i] = []any{l.ID, l.OrderID, l.LineNo, nullable(l.ParentLineID), l.ProductID, l.SKU, l.Name,
			l.Stocked, l.Quantity, l.Reserved, l.Fulfilled, l.Cancelled, dec(l.UnitPrice), dec(l.NetAmount), dec(l.TaxAmount),
			l.TaxRateID, dec(l.TaxRatePct), l.Family, string(cfg), t.ts(l.CreatedAt), l.ServiceStart, l.ServiceEnd, l.BillingFrequency, l.Prior}
	}
	return t.insertRows(ctx, "order_lines", `id, order_id, line_no, parent_line_id, product_id, sku, name, stocked, quantity_micro,
		reserved_micro, fulfilled_micro, cancelled_micro, unit_price, net_amount, tax_amount, tax_rate_id, tax_rate_pct, family, configuration, created_at,
		service_start, service_end, billing_frequency, prior_micro`, rows)
}

// AddLineReserved adds to a line's reserved quantity.
func (t *Tx) AddLineReserved(ctx context.Context, lineID string, delta quotient.Quantity) error {
	return t.AddLinesReserved(ctx, map[string]quotient.Quantity{lineID: delta})
}

// AddLinesReserved adds to lines' reserved quantities in one statement.
func (t *Tx) AddLinesReserved(ctx context.Context, deltas map[string]quotient.Quantity) error {
	ids := make([]string, 0, len(deltas))
	for id := range deltas {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	rows := make([][]any, len(ids))
	for i, id := range ids {
		rows[i] = []any{id, deltas[id]}
	}
	n, err := t.updateRows(ctx, "order_lines", "reserved_micro = order_lines.reserved_micro + v.column2", "order_lines.id = v.column1",
		[]string{"TEXT", "BIGINT"}, rows)
	if err == nil && int(n) != len(ids) {
		err = notFound("order line", strings.Join(ids, ", "))
	}
	return err
}

// UpdateLine stores a line's quantities.
func (t *Tx) UpdateLine(ctx context.Context, l order.Line) error {
	n, err := t.execN(ctx, `UPDATE order_lines SET reserved_micro = ?, fulfilled_micro = ?, cancelled_micro = ? WHERE id = ?`,
		l.Reserved, l.Fulfilled, l.Cancelled, l.ID)
	if err == nil && n == 0 {
		err = notFound("order line", l.ID)
	}
	return err
}

// LockOrder loads an order and, on PostgreSQL, locks its row.
func (t *Tx) LockOrder(ctx context.Context, id string) (order.Order, error) {
	if t.d == Postgres {
		var got string
		if err := t.get(ctx, &got, `SELECT id FROM orders WHERE id = ? FOR UPDATE`, id); err != nil {
			return order.Order{}, getOr(err, "order", id)
		}
	}
	return t.GetOrder(ctx, id)
}

// UpdateOrder stores an order's status if it is still at version old.
func (t *Tx) UpdateOrder(ctx context.Context, o order.Order, old int) error {
	return t.versioned(ctx, "orders", "order", o.ID, `UPDATE orders SET status = ?, cancel_reason = ?, hold_reason = ?, released_by = ?,
		released_at = ?, version = ?, updated_at = ? WHERE id = ? AND version = ?`, string(o.Status), o.CancelReason, o.HoldReason, o.ReleasedBy,
		t.tsPtr(o.ReleasedAt), o.Version, t.ts(o.UpdatedAt), o.ID, old)
}

// InsertShipment stores a shipment with its lines.
func (t *Tx) InsertShipment(ctx context.Context, sh order.Shipment) error {
	if _, err := t.exec(ctx, `INSERT INTO shipments (id, number, order_id, warehouse_id, shipped_on, reference, actor_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, sh.ID, sh.Number, sh.OrderID, nullable(sh.WarehouseID), sh.ShippedOn, sh.Reference, sh.ActorID,
		t.ts(sh.CreatedAt)); err != nil {
		return err
	}
	for _, l := range sh.Lines {
		if _, err := t.exec(ctx, `INSERT INTO shipment_lines (shipment_id, order_line_id, product_id, qty_micro) VALUES (?, ?, ?, ?)`,
			sh.ID, l.OrderLineID, l.ProductID, l.Quantity); err != nil {
			return err
		}
	}
	return nil
}

// Shipments lists an order's shipments with their lines.
func (t *Tx) Shipments(ctx context.Context, orderID string) ([]order.Shipment, error) {
	var rows []struct {
		ID          string        `db:"id"`
		Number      string        `db:"number"`
		OrderID     string        `db:"order_id"`
		WarehouseID *string       `db:"warehouse_id"`
		ShippedOn   quotient.Date `db:"shipped_on"`
		Reference   string        `db:"reference"`
		ActorID     string        `db:"actor_id"`
		CreatedAt   dbTime        `db:"created_at"`
	}
	if err := t.sel(ctx, &rows, `SELECT id, number, order_id, warehouse_id, shipped_on, reference, actor_id, created_at
		FROM shipments WHERE order_id = ? ORDER BY id`, orderID); err != nil {
		return nil, err
	}
	var lines []struct {
		ShipmentID  string            `db:"shipment_id"`
		OrderLineID string            `db:"order_line_id"`
		ProductID   string            `db:"product_id"`
		Qty         quotient.Quantity `db:"qty_micro"`
	}
	if err := t.sel(ctx, &lines, `SELECT sl.shipment_id, sl.order_line_id, sl.product_id, sl.qty_micro FROM shipment_lines sl
		JOIN shipments s ON s.id = sl.shipment_id JOIN order_lines l ON l.id = sl.order_line_id
		WHERE s.order_id = ? ORDER BY sl.shipment_id, l.line_no`, orderID); err != nil {
		return nil, err
	}
	out := make([]order.Shipment, len(rows))
	at := map[string]int{}
	for i, r := range rows {
		out[i] = order.Shipment{ID: r.ID, Number: r.Number, OrderID: r.OrderID, ShippedOn: r.ShippedOn, Reference: r.Reference,
			ActorID: r.ActorID, CreatedAt: r.CreatedAt.Time}
		if r.WarehouseID != nil {
			out[i].WarehouseID = *r.WarehouseID
		}
		at[r.ID] = i
	}
	for _, l := range lines {
		i := at[l.ShipmentID]
		out[i].Lines = append(out[i].Lines, order.ShipmentLine{OrderLineID: l.OrderLineID, ProductID: l.ProductID, Quantity: l.Qty})
	}
	return out, nil
}

type orderLineRow struct {
	ID            string            `db:"id"`
	OrderID       string            `db:"order_id"`
	LineNo        int               `db:"line_no"`
	ParentLineID  *string           `db:"parent_line_id"`
	ProductID     string            `db:"product_id"`
	SKU           string            `db:"sku"`
	Name          string            `db:"name"`
	Stocked       bool              `db:"stocked"`
	Quantity      quotient.Quantity `db:"quantity_micro"`
	Reserved      quotient.Quantity `db:"reserved_micro"`
	Fulfilled     quotient.Quantity `db:"fulfilled_micro"`
	Cancelled     quotient.Quantity `db:"cancelled_micro"`
	UnitPrice     dbDec             `db:"unit_price"`
	NetAmount     dbDec             `db:"net_amount"`
	TaxAmount     dbDec             `db:"tax_amount"`
	TaxRateID     string            `db:"tax_rate_id"`
	TaxRatePct    dbDec             `db:"tax_rate_pct"`
	Family        string            `db:"family"`
	Invoiced      quotient.Quantity `db:"invoiced_micro"`
	InvoicedNet   int64             `db:"invoiced_net_minor"`
	InvoicedTax   int64             `db:"invoiced_tax_minor"`
	Configuration string            `db:"configuration"`
	CreatedAt     dbTime            `db:"created_at"`
	ServiceStart  quotient.Date     `db:"service_start"`
	ServiceEnd    quotient.Date     `db:"service_end"`
	Frequency     string            `db:"billing_frequency"`
	Prior         quotient.Quantity `db:"prior_micro"`
}

const orderLineCols = `id, order_id, line_no, parent_line_id, product_id, sku, name, stocked, quantity_micro, reserved_micro,
	fulfilled_micro, cancelled_micro, unit_price, net_amount, tax_amount, tax_rate_id, tax_rate_pct, family, invoiced_micro,
	invoiced_net_minor, invoiced_tax_minor, configuration, created_at, service_start, service_end, billing_frequency, prior_micro`

func (r orderLineRow) line() (order.Line, error) {
	l := order.Line{ID: r.ID, OrderID: r.OrderID, LineNo: r.LineNo, ProductID: r.ProductID, SKU: r.SKU, Name: r.Name, Stocked: r.Stocked,
		Quantity: r.Quantity, Reserved: r.Reserved, Fulfilled: r.Fulfilled, Cancelled: r.Cancelled, UnitPrice: r.UnitPrice.Decimal,
		NetAmount: r.NetAmount.Decimal, TaxAmount: r.TaxAmount.Decimal, TaxRateID: r.TaxRateID, TaxRatePct: r.TaxRatePct.Decimal, Family: r.Family,
		Invoiced: r.Invoiced, InvoicedNet: r.InvoicedNet, InvoicedTax: r.InvoicedTax, CreatedAt: r.CreatedAt.Time,
		ServiceStart: r.ServiceStart, ServiceEnd: r.ServiceEnd, BillingFrequency: r.Frequency, Prior: r.Prior}
	if r.ParentLineID != nil {
		l.ParentLineID = *r.ParentLineID
	}
	if err := json.Unmarshal([]byte(r.Configuration), &l.Configuration); err != nil {
		return l, fmt.Errorf("order line %s configuration: %w", r.ID, err)
	}
	if len(l.Configuration) == 0 {
		l.Configuration = nil
	}
	return l, nil
}

// GetOrder loads an order with its lines.
func (t *Tx) GetOrder(ctx context.Context, id string) (order.Order, error) {
	return t.orderWhere(ctx, "id", id, "order")
}

// GetOrderByQuote loads a quote's order.
func (t *Tx) GetOrderByQuote(ctx context.Context, quoteID string) (order.Order, error) {
	return t.orderWhere(ctx, "quote_id", quoteID, "order of quote")
}

func (t *Tx) orderWhere(ctx context.Context, col, v, what string) (order.Order, error) {
	var r orderRow
	if err := t.get(ctx, &r, `SELECT `+orderCols+` FROM orders WHERE `+col+` = ?`, v); err != nil {
		return order.Order{}, getOr(err, what, v)
	}
	o := r.order()
	var rows []orderLineRow
	if err := t.sel(ctx, &rows, `SELECT `+orderLineCols+` FROM order_lines WHERE order_id = ? ORDER BY line_no`, o.ID); err != nil {
		return order.Order{}, err
	}
	for _, lr := range rows {
		l, err := lr.line()
		if err != nil {
			return order.Order{}, err
		}
		o.Lines = append(o.Lines, l)
	}
	return o, nil
}

// ListOrders lists orders (headers only) by id, which is creation order.
func (t *Tx) ListOrders(ctx context.Context, f order.Filter) ([]order.Order, error) {
	var where []string
	var args []any
	where, args = eq(where, args, "account_id", f.AccountID)
	where, args = eq(where, args, "quote_id", f.QuoteID)
	where, args = inReach(where, args, f.Reach, "account_id", "owner_id")
	switch f.Status {
	case string(order.OnHold):
		where = append(where, "status = 'open' AND hold_reason <> ''")
	case string(order.Open):
		where = append(where, "status = 'open' AND hold_reason = ''")
	default:
		where, args = eq(where, args, "status", f.Status)
	}
	var rows []orderRow
	if err := t.list(ctx, &rows, orderCols, "orders", where, args, f.After, f.Limit); err != nil {
		return nil, err
	}
	out := make([]order.Order, len(rows))
	for i, r := range rows {
		out[i] = r.order()
	}
	return out, nil
}

// Reservations lists an order's reservations.
func (t *Tx) Reservations(ctx context.Context, orderID string) ([]inventory.Held, error) {
	return t.held(ctx, `order_id = ?`, orderID)
}

// Backordered lists the stocked lines of open and partly fulfilled orders
// still waiting for a product, by order time; held orders wait for their
// release.
func (t *Tx) Backordered(ctx context.Context, productID string) ([]order.Line, error) {
	return t.openOrderLines(ctx, `l.product_id = ? AND l.stocked = ? AND o.hold_reason = ''
		AND l.reserved_micro + l.fulfilled_micro + l.cancelled_micro < l.quantity_micro`, "o.created_at, o.id, l.line_no", productID, true)
}

// openOrderLines lists lines of open and partly fulfilled orders (l joined
// with its order o) that match a condition.
func (t *Tx) openOrderLines(ctx context.Context, cond, orderBy string, args ...any) ([]order.Line, error) {
	var rows []orderLineRow
	if err := t.sel(ctx, &rows, `SELECT `+prefixed("l.", orderLineCols)+` FROM order_lines l JOIN orders o ON o.id = l.order_id
		WHERE o.status IN ('open', 'partially_fulfilled') AND `+cond+` ORDER BY `+orderBy, args...); err != nil {
		return nil, err
	}
	out := make([]order.Line, len(rows))
	for i, r := range rows {
		l, err := r.line()
		if err != nil {
			return nil, err
		}
		out[i] = l
	}
	return out, nil
}

var _ order.Store = (*Tx)(nil)

// prefixed qualifies every column of a column list with a table alias.
func prefixed(alias, cols string) string {
	parts := strings.Split(cols, ",")
	for i, p := range parts {
		parts[i] = alias + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}
