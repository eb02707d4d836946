package inventory

import (
	"context"
	"fmt"
	"time"

	"github.com/quotient-cpq/quotient"
)

// StockRow is a product's stock in one warehouse, with the warehouse's
// priority, as locked for a reservation.
type StockRow struct {
	WarehouseID string
	Priority    int
	OnHand      quotient.Quantity
	Reserved    quotient.Quantity
}

// Held is stock set aside for an order line.
type Held struct {
	ID          string
	OrderID     string
	OrderLineID string
	ProductID   string
	WarehouseID string
	Quantity    quotient.Quantity
	Status      string // open, shipped, released
	At          time.Time
}

// ReserveStore is what reserving needs beyond Store.
type ReserveStore interface {
	Store
	// LockStock locks a product's stock rows in active warehouses (in the
	// fixed order product, warehouse, so concurrent orders cannot
	// deadlock) and returns them by warehouse priority.
	LockStock(ctx context.Context, productID string) ([]StockRow, error)
	// LockStocks is LockStock of several products in one statement, in
	// the same fixed order, by product.
	LockStocks(ctx context.Context, productIDs []string) (map[string][]StockRow, error)
	// TakeStocks adds each take's quantity to its row's reserved where
	// that much is available, and reports how many rows it changed.
	TakeStocks(ctx context.Context, takes []Take, at time.Time) (int, error)
	InsertHeld(ctx context.Context, h Held) error
	InsertHelds(ctx context.Context, hs []Held) error
	InsertMovements(ctx context.Context, ms []Movement) error
	// OpenHeld returns a line's open reservations, oldest first.
	OpenHeld(ctx context.Context, lineID string) ([]Held, error)
	// UpdateHeld sets a reservation's quantity and status.
	UpdateHeld(ctx context.Context, id string, qty quotient.Quantity, status string) error
	// ShipStock lowers on_hand and reserved together by qty.
	ShipStock(ctx context.Context, productID, warehouseID string, qty quotient.Quantity, at time.Time) error
	// ReleaseStock lowers reserved by qty.
	ReleaseStock(ctx context.Context, productID, warehouseID string, qty quotient.Quantity, at time.Time) error
}

// Take is stock reserved from one warehouse's row of a product.
type Take struct {
	ProductID, WarehouseID string
	Quantity               quotient.Quantity
}

// Want is what an order line needs reserved.
type Want struct {
	ProductID, OrderID, LineID string
	Quantity                   quotient.Quantity
}

// Reserve sets aside up to want of a product for an order line,
// from warehouses in priority order, and returns how much it reserved; the
// rest is backordered. Each reservation is a reservation movement.
func (s *Service) Reserve(ctx context.Context, st ReserveStore, productID, orderID, lineID string, want quotient.Quantity, at time.Time) (quotient.Quantity, error) {
	got, err := s.ReserveAll(ctx, st, []Want{{ProductID: productID, OrderID: orderID, LineID: lineID, Quantity: want}}, at)
	if err != nil {
		return 0, err
	}
	return got[0], nil
}

// ReserveAll is Reserve of several lines at once, in the order given
// (an earlier line of a product is served first), and returns what each
// got. However many lines there are, it locks their products' stock in
// one statement, takes it in one, and records the reservations and their
// movements in one each.
func (s *Service) ReserveAll(ctx context.Context, st ReserveStore, wants []Want, at time.Time) ([]quotient.Quantity, error) {
	p, err := s.Plan(ctx, st, wants, at)
	if err != nil {
		return nil, err
	}
	return p.Got, s.Apply(ctx, st, p, at)
}

// Plan is what ReserveAll will do, worked out under the stock
// locks: what each want gets (Got, in the wants' order), from which rows.
// The caller may store its lines' reserved quantities before Apply
// records the reservations, which refer to them.
type Plan struct {
	Got   []quotient.Quantity
	takes []Take
	held  []Held
	moves []Movement
}

// Plan locks the wants' stock rows (one statement) and works out what
// each want gets; nothing is reserved until Apply, in the same
// transaction.
func (s *Service) Plan(ctx context.Context, st ReserveStore, wants []Want, at time.Time) (Plan, error) {
	p := Plan{Got: make([]quotient.Quantity, len(wants))}
	var ids []string
	for _, w := range wants {
		if w.Quantity > 0 {
			ids = append(ids, w.ProductID)
		}
	}
	if len(ids) == 0 {
		return p, nil
	}
	stock, err := st.LockStocks(ctx, ids)
	if err != nil {
		return p, err
	}
	type key struct{ product, warehouse string }
	taken := map[key]quotient.Quantity{}
	var order []key
	for i, w := range wants {
		for _, r := range stock[w.ProductID] {
			need := w.Quantity - p.Got[i]
			if need <= 0 {
				break
			}
			k := key{w.ProductID, r.WarehouseID}
			take := min(need, r.OnHand-r.Reserved-taken[k])
			if take <= 0 {
				continue
			}
			if _, seen := taken[k]; !seen {
				order = append(order, k)
			}
			taken[k] += take
			p.Got[i] += take
			p.held = append(p.held, Held{ID: quotient.NewID("res"), OrderID: w.OrderID, OrderLineID: w.LineID, ProductID: w.ProductID,
				WarehouseID: r.WarehouseID, Quantity: take, Status: "open", At: at})
			p.moves = append(p.moves, Movement{ID: quotient.NewID("mov"), ProductID: w.ProductID, WarehouseID: r.WarehouseID, Kind: Reservation,
				Quantity: take.Decimal(), Reference: w.OrderID, At: at})
		}
	}
	for _, k := range order {
		p.takes = append(p.takes, Take{ProductID: k.product, WarehouseID: k.warehouse, Quantity: taken[k]})
	}
	return p, nil
}

// Apply reserves what Plan worked out: the stock rows' reserved in one
// statement, the reservations and their movements in one each.
func (s *Service) Apply(ctx context.Context, st ReserveStore, p Plan, at time.Time) error {
	if len(p.takes) == 0 {
		return nil
	}
	n, err := st.TakeStocks(ctx, p.takes, at)
	if err != nil {
		return err
	}
	if n != len(p.takes) { // cannot happen under the row locks; never oversell anyway
		return fmt.Errorf("reserve: %d of %d stock rows had the stock their lock showed", n, len(p.takes))
	}
	if err := st.InsertHelds(ctx, p.held); err != nil {
		return err
	}
	return st.InsertMovements(ctx, p.moves)
}

// Ship sends of an order line from a warehouse out of what is
// reserved for it there: on_hand and reserved fall together, the line's
// open reservations there are consumed oldest first (a partly consumed one
// is split), and one shipment movement records it, taking its share of
// the stock's carried value, which Ship returns (minor units of the cost
// currency). Shipping more than is reserved for the line in that
// warehouse is a conflict naming the field.
func (s *Service) Ship(ctx context.Context, st ReserveStore, field, productID, orderID, lineID, warehouseID string, qty quotient.Quantity, ref string, at time.Time) (int64, error) {
	held, err := st.OpenHeld(ctx, lineID)
	if err != nil {
		return 0, err
	}
	here := quotient.Quantity(0)
	for _, h := range held {
		if h.WarehouseID == warehouseID {
			here += h.Quantity
		}
	}
	if qty > here {
		return 0, quotient.FieldErrorf(quotient.Conflict, field, "only %s of this line is reserved in that warehouse; %s cannot ship", here.Decimal(), qty.Decimal())
	}
	left := qty
	for _, h := range held {
		if h.WarehouseID != warehouseID || left == 0 {
			continue
		}
		take := min(left, h.Quantity)
		if take == h.Quantity {
			err = st.UpdateHeld(ctx, h.ID, h.Quantity, "shipped")
		} else {
			if err = st.UpdateHeld(ctx, h.ID, h.Quantity-take, "open"); err == nil {
				err = st.InsertHeld(ctx, Held{ID: quotient.NewID("res"), OrderID: orderID, OrderLineID: lineID, ProductID: productID,
					WarehouseID: warehouseID, Quantity: take, Status: "shipped", At: at})
			}
		}
		if err != nil {
			return 0, err
		}
		left -= take
	}
	cost, err := s.takeValue(ctx, st, productID, warehouseID, qty)
	if err != nil {
		return 0, err
	}
	if err := st.ShipStock(ctx, productID, warehouseID, qty, at); err != nil {
		return 0, err
	}
	return cost, st.InsertMovement(ctx, Movement{ID: quotient.NewID("mov"), ProductID: productID, WarehouseID: warehouseID, Kind: Shipment,
		Quantity: (-qty).Decimal(), Value: -cost, Reference: ref, At: at})
}

// Release gives back every open reservation of an order line, each a
// release movement, and returns how much it released.
func (s *Service) Release(ctx context.Context, st ReserveStore, lineID, ref, reason string, at time.Time) (quotient.Quantity, error) {
	held, err := st.OpenHeld(ctx, lineID)
	if err != nil {
		return 0, err
	}
	total := quotient.Quantity(0)
	for _, h := range held {
		if err := st.UpdateHeld(ctx, h.ID, h.Quantity, "released"); err != nil {
			return total, err
		}
		if err := st.ReleaseStock(ctx, h.ProductID, h.WarehouseID, h.Quantity, at); err != nil {
			return total, fmt.Errorf("release %s: %w", h.ID, err)
		}
		if err := st.InsertMovement(ctx, Movement{ID: quotient.NewID("mov"), ProductID: h.ProductID, WarehouseID: h.WarehouseID, Kind: Release,
			Quantity: (-h.Quantity).Decimal(), Reference: ref, Reason: reason, At: at}); err != nil {
			return total, err
		}
		total += h.Quantity
	}
	return total, nil
}
