package order

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/catalog"
	"github.com/quotient-cpq/quotient/inventory"
	"github.com/quotient-cpq/quotient/quote"
)

// Status is where an order is in its life.
type Status string

// The order statuses of docs/api.md.
const (
	Open               Status = "open"
	PartiallyFulfilled Status = "partially_fulfilled"
	Fulfilled          Status = "fulfilled"
	Cancelled          Status = "cancelled"
	Closed             Status = "closed"
	// OnHold is how an open order held for credit shows (HoldReason set):
	// it reserves nothing until finance releases it.
	OnHold Status = "on_hold"
)

// Order is a sales order.
type Order struct {
	ID           string
	Number       string
	QuoteID      string
	QuoteVersion int
	AccountID    string
	OwnerID      string
	Currency     string
	Status       Status
	Subtotal     decimal.Decimal
	Discount     decimal.Decimal
	Tax          decimal.Decimal
	Total        decimal.Decimal
	CancelReason string
	// HoldReason says why credit control holds the order ("" when not held).
	HoldReason string
	ReleasedBy string
	ReleasedAt *time.Time
	Version    int
	CreatedAt  time.Time
	UpdatedAt  time.Time
	Lines      []Line
}

// Shown is the order's status as users see it: on_hold while credit
// control holds an open order.
func (o Order) Shown() Status {
	if o.HoldReason != "" && o.Status == Open {
		return OnHold
	}
	return o.Status
}

// Line is an order line. A bundle's line
// carries the price; its components are lines with ParentLineID set, a
// zero price, and the stock they reserve.
type Line struct {
	ID            string
	OrderID       string
	LineNo        int
	ParentLineID  string
	ProductID     string
	SKU           string
	Name          string
	Stocked       bool
	Quantity      quotient.Quantity
	Reserved      quotient.Quantity
	Fulfilled     quotient.Quantity
	Cancelled     quotient.Quantity
	UnitPrice     decimal.Decimal
	NetAmount     decimal.Decimal
	TaxAmount     decimal.Decimal
	TaxRateID     string
	TaxRatePct    decimal.Decimal
	Family        string // the product's family: revenue is posted by family
	Configuration map[string]string
	CreatedAt     time.Time
	// Invoiced is the quantity invoiced so far, and InvoicedNet and
	// InvoicedTax the amounts, in minor units of the order's currency.
	Invoiced    quotient.Quantity
	InvoicedNet int64
	InvoicedTax int64
	// A line of a recurring product carries its terms: its contract
	// invoices it period by period, never the order. Prior is what an
	// amendment's contract already had of the product.
	ServiceStart     quotient.Date
	ServiceEnd       quotient.Date
	BillingFrequency string
	Prior            quotient.Quantity
}

// Recurring reports whether the line is a subscription's, which its
// contract invoices.
func (l Line) Recurring() bool { return l.BillingFrequency != "" }

// Backordered is what a stocked line still waits for: ordered, less
// reserved, shipped and cancelled.
func (l Line) Backordered() quotient.Quantity {
	if !l.Stocked {
		return 0
	}
	return l.Quantity - l.Reserved - l.Fulfilled - l.Cancelled
}

// Filter selects orders.
type Filter struct {
	quotient.Page
	AccountID string
	QuoteID   string
	Status    string
	// Reach, filled by List, keeps the orders the actor may read.
	Reach quotient.Reach
}

// Store is the storage orders need.
type Store interface {
	inventory.ReserveStore
	quotient.AccountReach
	// NextSequence returns the next order or shipment number; numbers
	// may have gaps.
	NextSequence(ctx context.Context, name string) (int64, error)
	// InsertOrder inserts an order unless its quote already has one, and
	// reports whether it did.
	InsertOrder(ctx context.Context, o Order) (bool, error)
	// InsertOrderLines stores an order's lines, in one statement.
	InsertOrderLines(ctx context.Context, ls []Line) error
	// ProductsByID loads products (with their bundles' components) by id.
	ProductsByID(ctx context.Context, ids []string) (map[string]catalog.Product, error)
	// AddLineReserved adds delta to a line's reserved quantity.
	AddLineReserved(ctx context.Context, lineID string, delta quotient.Quantity) error
	// AddLinesReserved adds to each line's reserved quantity (by line ID)
	// in one statement.
	AddLinesReserved(ctx context.Context, deltas map[string]quotient.Quantity) error
	// UpdateLine stores a line's reserved, fulfilled and cancelled quantities.
	UpdateLine(ctx context.Context, l Line) error
	// LockOrder loads an order with its lines and locks it until the
	// transaction ends.
	LockOrder(ctx context.Context, id string) (Order, error)
	// UpdateOrder stores status, cancel reason, version and updated_at if the
	// order is still at version old.
	UpdateOrder(ctx context.Context, o Order, old int) error
	InsertShipment(ctx context.Context, sh Shipment) error
	Shipments(ctx context.Context, orderID string) ([]Shipment, error)
	GetOrder(ctx context.Context, id string) (Order, error)
	GetOrderByQuote(ctx context.Context, quoteID string) (Order, error)
	ListOrders(ctx context.Context, f Filter) ([]Order, error)
	Reservations(ctx context.Context, orderID string) ([]inventory.Held, error)
	// Backordered returns the stocked lines of open and partly fulfilled
	// orders still waiting for a product, oldest order first.
	Backordered(ctx context.Context, productID string) ([]Line, error)
}

// Service is the order service.
type Service struct {
	now   func() time.Time
	stock *inventory.Service
}

// NewService makes the service.
func NewService(now func() time.Time, stock *inventory.Service) *Service {
	return &Service{now: now, stock: stock}
}

// FromQuote makes the order of an accepted quote version, in the caller's
// transaction (the one that accepted it), and reserves its stock. It is
// idempotent: the quote's existing order is returned, and created reports
// whether this call made it.
//
// hold, when not empty, is why credit control holds the new order: it is
// made without reserving stock until Release.
func (s *Service) FromQuote(ctx context.Context, st Store, q quote.Quote, v quote.Version, hold string) (o Order, created bool, err error) {
	if v.Status != quote.Accepted {
		return Order{}, false, quotient.Errorf(quotient.Conflict, "quote %s version %d is %s; only an accepted quote becomes an order", q.Number, v.Version, v.Status)
	}
	if o, err := st.GetOrderByQuote(ctx, q.ID); err == nil {
		return o, false, nil
	} else if quotient.ErrorCode(err) != quotient.NotFound {
		return Order{}, false, err
	}
	if v.Priced == nil {
		return Order{}, false, quotient.Errorf(quotient.Conflict, "quote %s version %d has no prices", q.Number, v.Version)
	}
	now := s.now().UTC().Truncate(time.Microsecond) // as the database keeps it
	n, err := st.NextSequence(ctx, "order")
	if err != nil {
		return Order{}, false, err
	}
	p := v.Priced
	o = Order{ID: quotient.NewID("ord"), Number: fmt.Sprintf("SO-%06d", n), QuoteID: q.ID, QuoteVersion: v.Version, AccountID: q.AccountID,
		OwnerID: q.OwnerID, Currency: q.Currency, Status: Open, Subtotal: p.Subtotal, Discount: p.DiscountTotal, Tax: p.TaxTotal, Total: p.Total,
		HoldReason: hold, Version: 1, CreatedAt: now, UpdatedAt: now}
	inserted, err := st.InsertOrder(ctx, o)
	if err != nil {
		return Order{}, false, err
	}
	if !inserted { // a concurrent acceptance made it first
		o, err = st.GetOrderByQuote(ctx, q.ID)
		return o, false, err
	}
	ids := make([]string, len(p.Lines))
	for i, l := range p.Lines {
		ids[i] = l.ProductID
	}
	products, err := s.products(ctx, st, ids)
	if err != nil {
		return Order{}, false, err
	}
	no := 0
	for i, pl := range p.Lines {
		prod, ok := products[pl.ProductID]
		if !ok {
			return Order{}, false, quotient.Errorf(quotient.NotFound, "product %s of line %d is gone", pl.ProductID, pl.Number)
		}
		qty, ok := quotient.QuantityOf(pl.Quantity)
		if !ok {
			return Order{}, false, quotient.FieldErrorf(quotient.Invalid, fmt.Sprintf("lines[%d].quantity", pl.Number-1),
				"quantity %s cannot be ordered: at most 6 decimal places and below 9 trillion", pl.Quantity)
		}
		no++
		l := Line{ID: quotient.NewID("oln"), OrderID: o.ID, LineNo: no, ProductID: prod.ID, SKU: pl.SKU, Name: pl.Name,
			Stocked: stocked(prod), Quantity: qty, UnitPrice: pl.UnitPrice, NetAmount: pl.NetAmount, TaxAmount: pl.TaxAmount,
			TaxRateID: pl.TaxRateID, TaxRatePct: pl.TaxRatePct, Family: prod.Family, Configuration: pl.Configuration, CreatedAt: now}
		if ql := v.Lines[i]; prod.IsRecurring() && !ql.StartDate.IsZero() {
			l.ServiceStart, l.ServiceEnd, l.BillingFrequency = ql.StartDate, ql.EndDate, string(ql.BillingFrequency)
			l.Prior, _ = quotient.QuantityOf(ql.PriorQuantity)
		}
		o.Lines = append(o.Lines, l)
		for _, c := range prod.Components {
			cp, ok := products[c.ProductID]
			if !ok {
				return Order{}, false, quotient.Errorf(quotient.NotFound, "component %s of %s is gone", c.ProductID, prod.SKU)
			}
			// A component's share can have more than 6 decimals (0.333333
			// per bundle × 1.5 bundles): round up, never hold too little.
			cq, ok := quotient.QuantityOf(c.Quantity.Mul(pl.Quantity).RoundCeil(6))
			if !ok {
				return Order{}, false, quotient.FieldErrorf(quotient.Invalid, fmt.Sprintf("lines[%d].quantity", pl.Number-1),
					"component %s quantity %s cannot be ordered", cp.SKU, c.Quantity.Mul(pl.Quantity))
			}
			no++
			o.Lines = append(o.Lines, Line{ID: quotient.NewID("oln"), OrderID: o.ID, LineNo: no, ParentLineID: l.ID, ProductID: cp.ID, SKU: cp.SKU,
				Name: cp.Name, Stocked: stocked(cp), Quantity: cq, UnitPrice: decimal.Zero, NetAmount: decimal.Zero, TaxAmount: decimal.Zero,
				TaxRatePct: decimal.Zero, Family: cp.Family, CreatedAt: now})
		}
	}
	if hold != "" {
		return o, true, st.InsertOrderLines(ctx, o.Lines)
	}
	// Work out the reservations first, so the lines are stored with what
	// they hold instead of being changed after.
	plan, err := s.plan(ctx, st, o.ID, o.Lines, now)
	if err != nil {
		return Order{}, false, err
	}
	if err := st.InsertOrderLines(ctx, o.Lines); err != nil {
		return Order{}, false, err
	}
	if err := s.stock.Apply(ctx, st, plan, now); err != nil {
		return Order{}, false, err
	}
	return o, true, nil
}

// products loads products and their bundles' components, in two reads at
// most.
func (s *Service) products(ctx context.Context, st Store, ids []string) (map[string]catalog.Product, error) {
	return catalog.WithComponents(ctx, st, ids)
}

// Release lifts credit control's hold on an order (finance or admin): it
// reserves its stock now, as if it had just been made.
func (s *Service) Release(ctx context.Context, st Store, id string) (Order, error) {
	a, err := quotient.RequireActor(ctx)
	if err != nil {
		return Order{}, err
	}
	if a.Role != quotient.RoleFinance && a.Role != quotient.RoleAdmin {
		return Order{}, quotient.Errorf(quotient.Forbidden, "finance releases orders held for credit")
	}
	o, err := s.lockForChange(ctx, st, id)
	if err != nil {
		return Order{}, err
	}
	if o.Shown() != OnHold {
		return Order{}, quotient.Errorf(quotient.Conflict, "order %s is %s, not on hold", o.Number, o.Shown())
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	old := o.Version
	o.HoldReason, o.ReleasedBy, o.ReleasedAt = "", a.UserID, &now
	o.Version++
	o.UpdatedAt = now
	if err := st.UpdateOrder(ctx, o, old); err != nil {
		return Order{}, err
	}
	if err := s.reserve(ctx, st, o.ID, o.Lines, now); err != nil {
		return Order{}, err
	}
	return st.GetOrder(ctx, o.ID)
}

// stocked reports whether a line of the product holds stock: a good that
// tracks inventory and is not itself a bundle (a bundle's components do).
func stocked(p catalog.Product) bool {
	return p.Kind == catalog.KindGood && p.TrackInventory && !p.IsBundle()
}

// reserve reserves what stocked lines still need and stores the lines'
// new reserved quantities. It updates the lines' Reserved.
func (s *Service) reserve(ctx context.Context, st Store, orderID string, lines []Line, at time.Time) error {
	before := make([]quotient.Quantity, len(lines))
	for i, l := range lines {
		before[i] = l.Reserved
	}
	plan, err := s.plan(ctx, st, orderID, lines, at)
	if err != nil {
		return err
	}
	if err := s.stock.Apply(ctx, st, plan, at); err != nil {
		return err
	}
	deltas := map[string]quotient.Quantity{}
	for i, l := range lines {
		if l.Reserved != before[i] {
			deltas[l.ID] = l.Reserved - before[i]
		}
	}
	return st.AddLinesReserved(ctx, deltas)
}

// plan works out, under the stock locks, what stocked lines still need
// and can have, visiting products in ascending ID order: every
// transaction locks stock rows in the same order (product, then
// warehouse), so concurrent orders cannot deadlock. It adds what each
// line gets to its Reserved; nothing is reserved until the plan is
// applied.
func (s *Service) plan(ctx context.Context, st Store, orderID string, lines []Line, at time.Time) (inventory.Plan, error) {
	idx := make([]int, 0, len(lines))
	for i, l := range lines {
		if l.Backordered() > 0 {
			idx = append(idx, i)
		}
	}
	sort.SliceStable(idx, func(a, b int) bool { return lines[idx[a]].ProductID < lines[idx[b]].ProductID })
	wants := make([]inventory.Want, len(idx))
	for j, i := range idx {
		l := lines[i]
		wants[j] = inventory.Want{ProductID: l.ProductID, OrderID: orderID, LineID: l.ID, Quantity: l.Backordered()}
	}
	p, err := s.stock.Plan(ctx, st, wants, at)
	if err != nil {
		return p, err
	}
	for j, i := range idx {
		lines[i].Reserved += p.Got[j]
	}
	return p, nil
}

// FillBackorders reserves newly available stock of the products for the
// orders waiting for it, first come first served by order time. It runs in
// the transaction that made the stock available (a receipt, a positive
// adjustment, a cancellation) and returns how many lines gained stock.
func (s *Service) FillBackorders(ctx context.Context, st Store, productIDs []string) (int, error) {
	ids := append([]string(nil), productIDs...)
	sort.Strings(ids)
	at := s.now().UTC()
	filled := 0
	for i, p := range ids {
		if i > 0 && p == ids[i-1] {
			continue
		}
		// Lock the product's stock before reading who waits for it: a
		// shipment or cancellation of those lines holds the same locks.
		if _, err := st.LockStock(ctx, p); err != nil {
			return filled, err
		}
		lines, err := st.Backordered(ctx, p)
		if err != nil {
			return filled, err
		}
		for _, l := range lines {
			got, err := s.stock.Reserve(ctx, st, p, l.OrderID, l.ID, l.Backordered(), at)
			if err != nil {
				return filled, err
			}
			if got == 0 {
				break // nothing left for later orders either
			}
			if err := st.AddLineReserved(ctx, l.ID, got); err != nil {
				return filled, err
			}
			filled++
		}
	}
	return filled, nil
}

// Get returns an order with its lines.
func (s *Service) Get(ctx context.Context, st Store, id string) (Order, error) {
	o, err := st.GetOrder(ctx, id)
	if err != nil {
		return Order{}, err
	}
	return o, quotient.CheckReach(ctx, st, "order", id, o.AccountID, o.OwnerID)
}

// List returns orders, newest first.
func (s *Service) List(ctx context.Context, st Store, f Filter) ([]Order, error) {
	a, err := quotient.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	f.Reach = a.Reach()
	if f.Status != "" {
		p := quotient.Problems{}
		p.OneOf("status", f.Status, string(Open), string(OnHold), string(PartiallyFulfilled), string(Fulfilled), string(Cancelled), string(Closed))
		if err := p.Err(); err != nil {
			return nil, err
		}
	}
	return st.ListOrders(ctx, f)
}

// Reservations returns what is held for an order, where.
func (s *Service) Reservations(ctx context.Context, st Store, orderID string) ([]inventory.Held, error) {
	if _, err := quotient.RequireActor(ctx); err != nil {
		return nil, err
	}
	if orderID == "" {
		return nil, quotient.FieldErrorf(quotient.Invalid, "order_id", "order_id is required")
	}
	if _, err := s.Get(ctx, st, orderID); err != nil {
		return nil, err
	}
	return st.Reservations(ctx, orderID)
}

// SummaryStore is what an account's summary reads of its orders.
type SummaryStore interface {
	// OpenOrderCounts counts an account's open orders and, of them, those
	// held for credit.
	OpenOrderCounts(ctx context.Context, accountID string) (open, held int, err error)
}
