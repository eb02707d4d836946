package inventory

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/catalog"
)

// Warehouse is a place stock is kept; reservations draw from warehouses in
// ascending priority.
type Warehouse struct {
	ID        string
	Code      string
	Name      string
	Priority  int
	Active    bool
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Level is the stock of a product in a warehouse.
type Level struct {
	ProductID   string
	WarehouseID string
	OnHand      decimal.Decimal
	Reserved    decimal.Decimal
}

// Available is what can still be reserved: on hand less reserved.
func (l Level) Available() decimal.Decimal { return l.OnHand.Sub(l.Reserved) }

// Movement kinds.
const (
	Receipt     = "receipt"
	Adjustment  = "adjustment"
	Shipment    = "shipment"
	Reservation = "reservation"
	Release     = "release"
)

// Movement is one change of stock.
type Movement struct {
	ID          string
	ProductID   string
	WarehouseID string
	Kind        string
	Quantity    decimal.Decimal // signed: its effect on on_hand (receipt, adjustment, shipment) or reserved
	UnitCost    *decimal.Decimal
	// Value is what the movement added to (or, negative, took from) the
	// stock's carried value, in minor units of the cost currency.
	Value     int64
	Reference string
	Reason    string
	ActorID   string
	At        time.Time
}

// Filter narrows stock levels and movements.
type Filter struct {
	quotient.Page
	ProductID   string
	WarehouseID string
}

// Store is what inventory needs from storage, in the caller's transaction.
type Store interface {
	GetProduct(ctx context.Context, id string) (catalog.Product, error)
	InsertWarehouse(ctx context.Context, w Warehouse) error
	GetWarehouse(ctx context.Context, id string) (Warehouse, error)
	UpdateWarehouse(ctx context.Context, w Warehouse, version int) error
	ListWarehouses(ctx context.Context, p quotient.Page) ([]Warehouse, error)
	// AddOnHand changes on_hand by delta unless that would take
	// it below reserved (or below zero): then it returns a conflict naming
	// the quantities.
	AddOnHand(ctx context.Context, productID, warehouseID string, delta quotient.Quantity, at time.Time) error
	// InsertMovement records a movement and adds its value to its stock
	// row's carried value.
	InsertMovement(ctx context.Context, m Movement) error
	// StockValue reads on hand and the carried value of a stock row,
	// locked until the transaction ends (zeros when there is none).
	StockValue(ctx context.Context, productID, warehouseID string) (quotient.Quantity, int64, error)
	Levels(ctx context.Context, f Filter) ([]Level, error)
	Movements(ctx context.Context, f Filter) ([]Movement, error)
	// Discrepancies checks the invariants of every stock row: on_hand is the
	// sum of its on-hand movements, reserved the sum of its reservation
	// movements, and 0 <= reserved <= on_hand. It describes each breach.
	Discrepancies(ctx context.Context) ([]string, error)
}

// Service applies inventory's rules.
type Service struct {
	now func() time.Time
	// CostCurrency is the currency stock is valued in (products'
	// unit_cost); values are in its minor units.
	CostCurrency string
}

// NewService returns a Service reading the time from now, valuing stock
// in USD until told otherwise.
func NewService(now func() time.Time) *Service { return &Service{now: now, CostCurrency: "USD"} }

// value is a quantity at a unit cost in minor units of the cost currency,
// rounded once.
func (s *Service) value(q quotient.Quantity, unitCost decimal.Decimal) int64 {
	c, ok := quotient.LookupCurrency(s.CostCurrency)
	if !ok {
		return 0
	}
	return c.RoundMinor(unitCost.Mul(q.Decimal()))
}

// relief is the carried value a quantity leaving stock takes with it: its
// share of the row's value at the moving average cost, or all of it when
// the quantity empties the row, so value never outlives its stock.
func relief(onHand quotient.Quantity, value int64, q quotient.Quantity) int64 {
	if q >= onHand || onHand <= 0 {
		return value
	}
	return decimal.NewFromInt(value).Mul(q.Decimal()).Div(onHand.Decimal()).Round(0).IntPart()
}

// takeValue locks a stock row and returns what q leaving it is worth.
func (s *Service) takeValue(ctx context.Context, st Store, productID, warehouseID string, q quotient.Quantity) (int64, error) {
	onHand, value, err := st.StockValue(ctx, productID, warehouseID)
	if err != nil {
		return 0, err
	}
	return relief(onHand, value, q), nil
}

// requireStockAdmin allows stock changes to admins.
func requireStockAdmin(ctx context.Context) (quotient.Actor, error) {
	a, err := quotient.RequireActor(ctx)
	if err == nil && a.Role != quotient.RoleAdmin {
		err = quotient.Errorf(quotient.Forbidden, "only an admin may change warehouses and stock")
	}
	return a, err
}

// WarehousePatch holds the fields to change; nil leaves a field as it is.
type WarehousePatch struct {
	Code, Name *string
	Priority   *int
	Active     *bool
}

func validateWarehouse(w Warehouse) error {
	p := quotient.Problems{}
	p.Text("code", w.Code, quotient.Required, 20)
	if strings.ContainsAny(w.Code, " \t/") {
		p.Add("code", "must not contain spaces or slashes")
	}
	p.Text("name", w.Name, quotient.Required, 200)
	if w.Priority < 0 || w.Priority > 1000 {
		p.Add("priority", "must be between 0 and 1000 (lower is used first)")
	}
	return p.Err()
}

// CreateWarehouse adds a warehouse; admins only.
func (s *Service) CreateWarehouse(ctx context.Context, st Store, w Warehouse) (Warehouse, error) {
	if _, err := requireStockAdmin(ctx); err != nil {
		return Warehouse{}, err
	}
	now := s.now().UTC()
	w.ID, w.Code, w.Name, w.Active, w.Version, w.CreatedAt, w.UpdatedAt = quotient.NewID("wh"), strings.TrimSpace(w.Code), strings.TrimSpace(w.Name), true, 1, now, now
	if err := validateWarehouse(w); err != nil {
		return Warehouse{}, err
	}
	return w, st.InsertWarehouse(ctx, w)
}

// GetWarehouse returns a warehouse.
func (s *Service) GetWarehouse(ctx context.Context, st Store, id string) (Warehouse, error) {
	if _, err := quotient.RequireActor(ctx); err != nil {
		return Warehouse{}, err
	}
	return st.GetWarehouse(ctx, id)
}

// ListWarehouses returns a page of warehouses.
func (s *Service) ListWarehouses(ctx context.Context, st Store, p quotient.Page) ([]Warehouse, error) {
	if _, err := quotient.RequireActor(ctx); err != nil {
		return nil, err
	}
	return st.ListWarehouses(ctx, p)
}

// UpdateWarehouse changes a warehouse; admins only.
func (s *Service) UpdateWarehouse(ctx context.Context, st Store, id string, version int, p WarehousePatch) (Warehouse, error) {
	if _, err := requireStockAdmin(ctx); err != nil {
		return Warehouse{}, err
	}
	w, err := st.GetWarehouse(ctx, id)
	if err != nil {
		return Warehouse{}, err
	}
	if err := quotient.CheckVersion("warehouse", version, w.Version); err != nil {
		return Warehouse{}, err
	}
	old := w.Version
	set(&w.Code, p.Code)
	set(&w.Name, p.Name)
	set(&w.Priority, p.Priority)
	set(&w.Active, p.Active)
	if err := validateWarehouse(w); err != nil {
		return Warehouse{}, err
	}
	w.Version++
	w.UpdatedAt = s.now().UTC()
	return w, st.UpdateWarehouse(ctx, w, old)
}

// ReceiptLine is a product received.
type ReceiptLine struct {
	ProductID string
	Quantity  decimal.Decimal
	UnitCost  *decimal.Decimal
}

// ReceiptInput is goods arriving at a warehouse.
type ReceiptInput struct {
	WarehouseID string
	Reference   string
	Lines       []ReceiptLine
}

// stocked loads a product that tracks inventory, or a 422 naming field.
func stocked(ctx context.Context, st Store, id, field string) (catalog.Product, error) {
	pr, err := st.GetProduct(ctx, id)
	if err != nil {
		if quotient.ErrorCode(err) == quotient.NotFound {
			return pr, quotient.FieldErrorf(quotient.Unprocessable, field, "no such product %q", id)
		}
		return pr, err
	}
	if !pr.TrackInventory {
		return pr, quotient.FieldErrorf(quotient.Unprocessable, field, "product %s does not track inventory", pr.SKU)
	}
	return pr, nil
}

func (s *Service) warehouse(ctx context.Context, st Store, id string) (Warehouse, error) {
	if id == "" {
		return Warehouse{}, quotient.FieldErrorf(quotient.Unprocessable, "warehouse_id", "is required")
	}
	w, err := st.GetWarehouse(ctx, id)
	if quotient.ErrorCode(err) == quotient.NotFound {
		return w, quotient.FieldErrorf(quotient.Unprocessable, "warehouse_id", "no such warehouse %q", id)
	}
	if err == nil && !w.Active {
		return w, quotient.FieldErrorf(quotient.Unprocessable, "warehouse_id", "warehouse %s is inactive", w.Code)
	}
	return w, err
}

// Receive books goods into a warehouse: on_hand rises and each line is a
// receipt movement. The caller then lets waiting orders reserve what
// arrived (order.Service.FillBackorders), in the same transaction.
func (s *Service) Receive(ctx context.Context, st Store, in ReceiptInput) ([]Movement, error) {
	a, err := requireStockAdmin(ctx)
	if err != nil {
		return nil, err
	}
	w, err := s.warehouse(ctx, st, in.WarehouseID)
	if err != nil {
		return nil, err
	}
	p := quotient.Problems{}
	p.Text("reference", in.Reference, quotient.Optional, 200)
	if len(in.Lines) == 0 {
		p.Add("lines", "a receipt needs at least one line")
	}
	if len(in.Lines) > 1000 {
		p.Add("lines", "at most 1000 lines")
	}
	micros := make([]quotient.Quantity, len(in.Lines))
	costs := make([]decimal.Decimal, len(in.Lines))
	for i, l := range in.Lines {
		f := fmt.Sprintf("lines[%d]", i)
		pr, err := stocked(ctx, st, l.ProductID, f+".product_id")
		if err != nil {
			if qe, ok := err.(*quotient.Error); ok && qe.Code == quotient.Unprocessable {
				p.Add(qe.Field, "%s", qe.Message)
				continue
			}
			return nil, err
		}
		m, ok := quotient.QuantityOf(l.Quantity)
		switch {
		case !ok:
			p.Add(f+".quantity", "at most 6 decimals")
		case m <= 0:
			p.Add(f+".quantity", "must be greater than zero")
		}
		micros[i] = m
		costs[i] = pr.UnitCost
		if l.UnitCost != nil {
			p.NonNegative(f+".unit_cost", *l.UnitCost, 6)
			costs[i] = *l.UnitCost
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	out := make([]Movement, len(in.Lines))
	for i, l := range in.Lines {
		if err := st.AddOnHand(ctx, l.ProductID, w.ID, micros[i], now); err != nil {
			return nil, err
		}
		m := Movement{ID: quotient.NewID("mov"), ProductID: l.ProductID, WarehouseID: w.ID, Kind: Receipt, Quantity: l.Quantity,
			UnitCost: l.UnitCost, Value: s.value(micros[i], costs[i]), Reference: in.Reference, ActorID: a.UserID, At: now}
		if err := st.InsertMovement(ctx, m); err != nil {
			return nil, err
		}
		out[i] = m
	}
	return out, nil
}

// AdjustmentInput corrects the stock of a product in a warehouse.
type AdjustmentInput struct {
	WarehouseID string
	ProductID   string
	Quantity    decimal.Decimal // signed
	Reason      string
}

// Adjust corrects stock by a signed quantity with a reason; it can never
// take on_hand below what is reserved (409).
func (s *Service) Adjust(ctx context.Context, st Store, in AdjustmentInput) (Movement, error) {
	a, err := requireStockAdmin(ctx)
	if err != nil {
		return Movement{}, err
	}
	w, err := s.warehouse(ctx, st, in.WarehouseID)
	if err != nil {
		return Movement{}, err
	}
	pr, err := stocked(ctx, st, in.ProductID, "product_id")
	if err != nil {
		return Movement{}, err
	}
	p := quotient.Problems{}
	p.Text("reason", in.Reason, quotient.Required, 500)
	m, ok := quotient.QuantityOf(in.Quantity)
	switch {
	case !ok:
		p.Add("quantity", "at most 6 decimals")
	case m == 0:
		p.Add("quantity", "must not be zero: positive adds stock, negative removes it")
	}
	if err := p.Err(); err != nil {
		return Movement{}, err
	}
	now := s.now().UTC()
	// Stock found comes in at the moving average cost of what is there
	// (the product's unit cost when nothing is); stock lost takes its
	// share of the carried value.
	onHand, carried, err := st.StockValue(ctx, in.ProductID, w.ID)
	if err != nil {
		return Movement{}, err
	}
	var value int64
	switch {
	case m < 0:
		value = -relief(onHand, carried, -m)
	case onHand > 0:
		value = decimal.NewFromInt(carried).Mul(m.Decimal()).Div(onHand.Decimal()).Round(0).IntPart()
	default:
		value = s.value(m, pr.UnitCost)
	}
	if err := st.AddOnHand(ctx, in.ProductID, w.ID, m, now); err != nil {
		return Movement{}, err
	}
	mv := Movement{ID: quotient.NewID("mov"), ProductID: in.ProductID, WarehouseID: w.ID, Kind: Adjustment, Quantity: in.Quantity,
		Value: value, Reason: in.Reason, ActorID: a.UserID, At: now}
	return mv, st.InsertMovement(ctx, mv)
}

// Levels returns stock levels.
func (s *Service) Levels(ctx context.Context, st Store, f Filter) ([]Level, error) {
	if _, err := quotient.RequireActor(ctx); err != nil {
		return nil, err
	}
	return st.Levels(ctx, f)
}

// Movements returns stock movements, oldest first.
func (s *Service) Movements(ctx context.Context, st Store, f Filter) ([]Movement, error) {
	if _, err := quotient.RequireActor(ctx); err != nil {
		return nil, err
	}
	return st.Movements(ctx, f)
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}
