package order_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/quotient-cpq/quotient"
	. "github.com/quotient-cpq/quotient/app/apptest"
	"github.com/quotient-cpq/quotient/catalog"
	"github.com/quotient-cpq/quotient/order"
	"github.com/quotient-cpq/quotient/quote"
)

// held describes an order's lines: "SKU reserved/backordered".
func held(t *testing.T, w *World, id string) string {
	t.Helper()
	o := Must(w.App.Order(w.Rep, id))(t)
	out := ""
	for _, l := range o.Lines {
		out += fmt.Sprintf("%s %s/%s; ", l.SKU, l.Reserved.Decimal(), l.Backordered().Decimal())
	}
	return out
}

// An order copies its accepted quote's lines and prices; what stock
// cannot cover waits, and receipts serve the waiting orders first come,
// first served; a cancellation releases its stock to the next in line.
func TestBackordersFillFirstComeFirstServed(t *testing.T) {
	t.Parallel()
	Each(t, func(t *testing.T, w *World) {
		w.Receive(t, "HW", "3", "60")
		acc := w.Account(t, w.AccountInput("Queue Ltd"))
		first := w.Order(t, quote.Input{AccountID: acc.ID, Lines: []quote.Line{w.Line("HW", "2"), w.Line("SVC", "1")}})
		if l := first.Lines[0]; l.UnitPrice.String() != "100" || l.NetAmount.String() != "200" || l.TaxAmount.String() != "20" || first.Number != "SO-000001" {
			t.Errorf("first order: %s line %s × %s = %s + %s", first.Number, l.UnitPrice, l.Quantity.Decimal(), l.NetAmount, l.TaxAmount)
		}
		second := w.Order(t, quote.Input{AccountID: acc.ID, Lines: []quote.Line{w.Line("HW", "3")}})
		third := w.Order(t, quote.Input{AccountID: acc.ID, Lines: []quote.Line{w.Line("HW", "1")}})
		if got := held(t, w, second.ID) + held(t, w, third.ID); got != "HW 1/2; HW 0/1; " {
			t.Errorf("before the receipt: %s", got)
		}
		w.Receive(t, "HW", "2", "60")
		if got := held(t, w, second.ID) + held(t, w, third.ID); got != "HW 3/0; HW 0/1; " {
			t.Errorf("after receiving 2 (the second order first): %s", got)
		}
		c := Must(w.App.CancelOrder(w.Rep, first.ID, "changed their mind"))(t)
		if c.Shown() != order.Cancelled || c.CancelReason != "changed their mind" {
			t.Errorf("cancelled: %s (%q)", c.Shown(), c.CancelReason)
		}
		if got := held(t, w, third.ID); got != "HW 1/0; " {
			t.Errorf("after the cancellation freed 2: %s", got)
		}
		if _, err := w.App.CancelOrder(w.Rep2, second.ID, "not mine"); quotient.ErrorCode(err) != quotient.Forbidden {
			t.Errorf("another rep cancelled: %v", err)
		}
		rs := Must(w.App.Reservations(w.Rep, first.ID))(t)
		if len(rs) != 1 || rs[0].Status != "released" || rs[0].Quantity != 2_000_000 {
			t.Errorf("the cancelled order's reservations: %+v", rs)
		}
		if rep := Must(w.App.Check(w.Admin))(t); !rep.OK() {
			t.Errorf("invariants: %+v", rep)
		}
	})
}

// A bundle is a priced header line and zero-priced component lines, which
// hold the stock and ship; the header is not shipped itself.
func TestBundleComponentsHoldTheStock(t *testing.T) {
	t.Parallel()
	Each(t, func(t *testing.T, w *World) {
		yes := true
		kit := Must(w.App.CreateProduct(w.Admin, catalog.ProductInput{SKU: "KIT", Name: "Starter kit", Family: "hardware", Kind: catalog.KindGood,
			UOM: "each", TaxCategory: "standard", TrackInventory: &yes,
			Components: []catalog.Component{{ProductID: w.Products["HW"].ID, Quantity: D("2"), Required: true}}}))(t)
		Must(w.App.CreateEntry(w.Admin, w.Book.ID, catalog.EntryInput{ProductID: kit.ID, UnitPrice: D("150")}))(t)
		w.Receive(t, "HW", "3", "60")
		acc := w.Account(t, w.AccountInput("Kit Buyer"))
		o := w.Order(t, quote.Input{AccountID: acc.ID, Lines: []quote.Line{{ProductID: kit.ID, Quantity: D("2")}}})
		if got := held(t, w, o.ID); got != "KIT 0/0; HW 3/1; " {
			t.Errorf("bundle order: %s", got)
		}
		if o.Lines[1].ParentLineID != o.Lines[0].ID || !o.Lines[1].NetAmount.IsZero() || o.Lines[0].Stocked {
			t.Errorf("lines: %+v", o.Lines)
		}
		_, err := w.App.ShipOrder(w.Admin, o.ID, order.FulfillInput{WarehouseID: w.Warehouse.ID,
			Lines: []order.FulfillLine{{OrderLineID: o.Lines[0].ID, Quantity: D("1")}}})
		if quotient.ErrorCode(err) != quotient.Unprocessable {
			t.Errorf("shipping the bundle header: %v, want a 422", err)
		}
		_, err = w.App.ShipOrder(w.Admin, o.ID, order.FulfillInput{WarehouseID: w.Warehouse.ID,
			Lines: []order.FulfillLine{{OrderLineID: o.Lines[1].ID, Quantity: D("4")}}})
		if quotient.ErrorCode(err) != quotient.Conflict {
			t.Errorf("shipping more than is reserved: %v, want a conflict", err)
		}
		s := Must(w.App.ShipOrder(w.Admin, o.ID, order.FulfillInput{WarehouseID: w.Warehouse.ID,
			Lines: []order.FulfillLine{{OrderLineID: o.Lines[1].ID, Quantity: D("3")}}}))(t)
		if s.Order.Shown() != order.PartiallyFulfilled || !strings.HasPrefix(s.Shipment.Number, "SH-") { // PostgreSQL sequences leave gaps
			t.Errorf("after shipping 3 of 4 components: %s, %s", s.Order.Shown(), s.Shipment.Number)
		}
	})
}
