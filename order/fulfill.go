package order

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
)

// Shipment is goods sent for an order from one warehouse.
type Shipment struct {
	ID          string
	Number      string
	OrderID     string
	WarehouseID string
	ShippedOn   quotient.Date
	Reference   string
	ActorID     string
	CreatedAt   time.Time
	Lines       []ShipmentLine
}

// ShipmentLine is how much of an order line a shipment sent.
type ShipmentLine struct {
	OrderLineID string
	ProductID   string
	Quantity    quotient.Quantity
	// Cost is the carried value the line took out of stock (minor units
	// of the cost currency): zero for services, which never held stock.
	Cost int64
}

// FulfillLine asks to ship a quantity of an order line.
type FulfillLine struct {
	OrderLineID string
	Quantity    decimal.Decimal
}

// FulfillInput is a shipment to record.
type FulfillInput struct {
	WarehouseID string
	ShippedOn   quotient.Date // today when zero
	Reference   string        // a carrier's tracking number, say
	Lines       []FulfillLine
}

// lockForChange locks an order, then the stock of its products in the
// fixed (product, warehouse) order that reservations use, and re-reads the
// lines under those locks, so that a concurrent receipt filling backorders
// and this change see each other's work and cannot deadlock.
func (s *Service) lockForChange(ctx context.Context, st Store, id string) (Order, error) {
	o, err := st.LockOrder(ctx, id)
	if err != nil {
		return Order{}, err
	}
	var products []string
	for _, l := range o.Lines {
		if l.Stocked {
			products = append(products, l.ProductID)
		}
	}
	sort.Strings(products)
	for i, p := range products {
		if i > 0 && p == products[i-1] {
			continue
		}
		if _, err := st.LockStock(ctx, p); err != nil {
			return Order{}, err
		}
	}
	return st.GetOrder(ctx, id)
}

// status is what an order's lines say it is: fulfilled when every line
// that ships (all but bundle headers) is shipped or cancelled, partially
// fulfilled when something has shipped.
func status(o Order) Status {
	parents := map[string]bool{}
	for _, l := range o.Lines {
		if l.ParentLineID != "" {
			parents[l.ParentLineID] = true
		}
	}
	done, any := true, false
	for _, l := range o.Lines {
		if parents[l.ID] {
			continue
		}
		if l.Fulfilled > 0 {
			any = true
		}
		if l.Fulfilled+l.Cancelled < l.Quantity {
			done = false
		}
	}
	switch {
	case done && any:
		return Fulfilled
	case any:
		return PartiallyFulfilled
	}
	return Open
}

// Fulfill records a shipment from one warehouse of reserved quantities
// (partial shipments are normal). Services are delivered the same way
// without touching stock; a bundle's header line ships through its
// components. Shipping more than is reserved for a line in the warehouse
// is a conflict.
func (s *Service) Fulfill(ctx context.Context, st Store, id string, in FulfillInput) (Order, Shipment, error) {
	a, err := quotient.RequireActor(ctx)
	if err != nil {
		return Order{}, Shipment{}, err
	}
	if a.Role != quotient.RoleAdmin {
		return Order{}, Shipment{}, quotient.Errorf(quotient.Forbidden, "only an admin (the warehouse) records shipments")
	}
	p := quotient.Problems{}
	now := s.now().UTC()
	if in.ShippedOn.IsZero() {
		in.ShippedOn = quotient.DateOf(now)
	}
	p.Text("reference", in.Reference, quotient.Optional, 200)
	if len(in.Lines) == 0 {
		p.Add("lines", "name at least one order line to ship")
	}
	if len(in.Lines) > 1000 {
		p.Add("lines", "at most 1000 lines per shipment")
	}
	qty := make([]quotient.Quantity, len(in.Lines))
	seen := map[string]bool{}
	for i, l := range in.Lines {
		f := fmt.Sprintf("lines[%d]", i)
		if l.OrderLineID == "" {
			p.Add(f+".order_line_id", "is required")
		} else if seen[l.OrderLineID] {
			p.Add(f+".order_line_id", "names a line already in this shipment")
		}
		seen[l.OrderLineID] = true
		m, ok := quotient.QuantityOf(l.Quantity)
		if !ok || m <= 0 {
			p.Add(f+".quantity", "must be positive with at most 6 decimal places")
		}
		qty[i] = m
	}
	if err := p.Err(); err != nil {
		return Order{}, Shipment{}, err
	}
	o, err := s.lockForChange(ctx, st, id)
	if err != nil {
		return Order{}, Shipment{}, err
	}
	if o.Shown() == OnHold {
		return Order{}, Shipment{}, quotient.Errorf(quotient.Conflict, "order %s is on credit hold (%s); finance releases it first", o.Number, o.HoldReason)
	}
	if o.Status != Open && o.Status != PartiallyFulfilled {
		return Order{}, Shipment{}, quotient.Errorf(quotient.Conflict, "order %s is %s; nothing more can ship", o.Number, o.Status)
	}
	byID := map[string]int{}
	parents := map[string]bool{}
	for i, l := range o.Lines {
		byID[l.ID] = i
		if l.ParentLineID != "" {
			parents[l.ParentLineID] = true
		}
	}
	stocked := false
	for i, fl := range in.Lines {
		f := fmt.Sprintf("lines[%d]", i)
		j, ok := byID[fl.OrderLineID]
		switch {
		case !ok:
			p.Add(f+".order_line_id", "is not a line of order %s", o.Number)
		case parents[fl.OrderLineID]:
			p.Add(f+".order_line_id", "is a bundle; ship its component lines")
		default:
			l := o.Lines[j]
			stocked = stocked || l.Stocked
			if !l.Stocked && qty[i] > l.Quantity-l.Fulfilled-l.Cancelled {
				return Order{}, Shipment{}, quotient.FieldErrorf(quotient.Conflict, f+".quantity", "only %s of line %d is left to deliver",
					(l.Quantity - l.Fulfilled - l.Cancelled).Decimal(), l.LineNo)
			}
		}
	}
	if stocked && in.WarehouseID == "" {
		p.Add("warehouse_id", "is required to ship stocked lines")
	}
	if err := p.Err(); err != nil {
		return Order{}, Shipment{}, err
	}
	if in.WarehouseID != "" {
		if _, err := st.GetWarehouse(ctx, in.WarehouseID); err != nil {
			if quotient.ErrorCode(err) == quotient.NotFound {
				return Order{}, Shipment{}, quotient.FieldErrorf(quotient.Unprocessable, "warehouse_id", "no warehouse %s", in.WarehouseID)
			}
			return Order{}, Shipment{}, err
		}
	}
	n, err := st.NextSequence(ctx, "shipment")
	if err != nil {
		return Order{}, Shipment{}, err
	}
	sh := Shipment{ID: quotient.NewID("shp"), Number: fmt.Sprintf("SH-%06d", n), OrderID: o.ID, WarehouseID: in.WarehouseID,
		ShippedOn: in.ShippedOn, Reference: in.Reference, ActorID: a.UserID, CreatedAt: now}
	for i, fl := range in.Lines {
		l := &o.Lines[byID[fl.OrderLineID]]
		var cost int64
		if l.Stocked {
			if cost, err = s.stock.Ship(ctx, st, fmt.Sprintf("lines[%d].quantity", i), l.ProductID, o.ID, l.ID, in.WarehouseID, qty[i], sh.Number, now); err != nil {
				return Order{}, Shipment{}, err
			}
			l.Reserved -= qty[i]
		}
		l.Fulfilled += qty[i]
		if err := st.UpdateLine(ctx, *l); err != nil {
			return Order{}, Shipment{}, err
		}
		sh.Lines = append(sh.Lines, ShipmentLine{OrderLineID: l.ID, ProductID: l.ProductID, Quantity: qty[i], Cost: cost})
	}
	if err := st.InsertShipment(ctx, sh); err != nil {
		return Order{}, Shipment{}, err
	}
	o, err = s.setStatus(ctx, st, o, status(o), "", now)
	return o, sh, err
}

func (s *Service) setStatus(ctx context.Context, st Store, o Order, to Status, reason string, now time.Time) (Order, error) {
	old := o.Version
	o.Status, o.Version, o.UpdatedAt = to, o.Version+1, now
	if reason != "" {
		o.CancelReason = reason
	}
	if err := st.UpdateOrder(ctx, o, old); err != nil {
		return Order{}, err
	}
	return st.GetOrder(ctx, o.ID)
}

// Cancel cancels what has not shipped: every open reservation is released
// (and the stock it frees goes to orders waiting for it), and each line's
// remainder is cancelled. A fulfilled order cannot be cancelled; a
// cancelled one is returned as it is.
func (s *Service) Cancel(ctx context.Context, st Store, id, reason string) (Order, error) {
	a, err := quotient.RequireActor(ctx)
	if err != nil {
		return Order{}, err
	}
	p := quotient.Problems{}
	p.Text("reason", reason, quotient.Optional, 2000)
	if err := p.Err(); err != nil {
		return Order{}, err
	}
	o, err := s.lockForChange(ctx, st, id)
	if err != nil {
		return Order{}, err
	}
	if !a.MayWriteOwnedBy(o.OwnerID) {
		return Order{}, quotient.Errorf(quotient.Forbidden, "order %s belongs to another rep", o.Number)
	}
	switch o.Status {
	case Cancelled:
		return o, nil
	case Fulfilled, Closed:
		return Order{}, quotient.Errorf(quotient.Conflict, "order %s is %s; it cannot be cancelled", o.Number, o.Status)
	}
	now := s.now().UTC()
	var freed []string
	for i := range o.Lines {
		l := &o.Lines[i]
		if l.Stocked && l.Reserved > 0 {
			if _, err := s.stock.Release(ctx, st, l.ID, o.Number, "order cancelled", now); err != nil {
				return Order{}, err
			}
			freed = append(freed, l.ProductID)
		}
		l.Reserved, l.Cancelled = 0, l.Quantity-l.Fulfilled
		if err := st.UpdateLine(ctx, *l); err != nil {
			return Order{}, err
		}
	}
	if reason == "" {
		reason = "cancelled"
	}
	o, err = s.setStatus(ctx, st, o, Cancelled, reason, now)
	if err != nil {
		return Order{}, err
	}
	if _, err := s.FillBackorders(ctx, st, freed); err != nil {
		return Order{}, err
	}
	return o, nil
}

// Shipments lists an order's shipments.
func (s *Service) Shipments(ctx context.Context, st Store, id string) ([]Shipment, error) {
	if _, err := s.Get(ctx, st, id); err != nil {
		return nil, err
	}
	return st.Shipments(ctx, id)
}
