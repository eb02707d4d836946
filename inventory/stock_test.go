package inventory_test

import (
	"fmt"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	. "github.com/quotient-cpq/quotient/app/apptest"
	"github.com/quotient-cpq/quotient/inventory"
	"github.com/quotient-cpq/quotient/quote"
)

func levels(t *testing.T, w *World, sku string) string {
	t.Helper()
	ls := Must(w.App.StockLevels(w.Admin, inventory.Filter{ProductID: w.Products[sku].ID, Page: quotient.Page{Limit: 10}}))(t)
	out := ""
	for _, l := range ls {
		wh := Must(w.App.Warehouse(w.Admin, l.WarehouseID))(t)
		out += fmt.Sprintf("%s %s/%s/%s; ", wh.Code, l.OnHand, l.Reserved, l.Available())
	}
	return out
}

// Stock changes only by movements: receipts, adjustments that never take
// on hand below reserved, reservations by warehouse priority; every level
// is the sum of its movements.
func TestStockMovesOnlyByMovements(t *testing.T) {
	t.Parallel()
	Each(t, func(t *testing.T, w *World) {
		second := Must(w.App.CreateWarehouse(w.Admin, inventory.Warehouse{Code: "W2", Name: "Overflow", Priority: 2}))(t)
		w.Receive(t, "HW", "2.5", "60")
		Must(w.App.ReceiveStock(w.Admin, inventory.ReceiptInput{WarehouseID: second.ID, Reference: "PO-2",
			Lines: []inventory.ReceiptLine{{ProductID: w.Products["HW"].ID, Quantity: D("10")}}}))(t)
		if got, want := levels(t, w, "HW"), "W1 2.5/0/2.5; W2 10/0/10; "; got != want {
			t.Errorf("after receipts: %s, want %s", got, want)
		}
		// An order of 4 takes W1's 2.5 first (priority 1), then 1.5 of W2.
		acc := w.Account(t, w.AccountInput("Stock Buyer"))
		w.Order(t, quote.Input{AccountID: acc.ID, Lines: []quote.Line{w.Line("HW", "4")}})
		if got, want := levels(t, w, "HW"), "W1 2.5/2.5/0; W2 10/1.5/8.5; "; got != want {
			t.Errorf("after reserving 4: %s, want %s", got, want)
		}
		_, err := w.App.AdjustStock(w.Admin, inventory.AdjustmentInput{WarehouseID: w.Warehouse.ID, ProductID: w.Products["HW"].ID,
			Quantity: D("-0.5"), Reason: "damaged"})
		if quotient.ErrorCode(err) != quotient.Conflict {
			t.Errorf("adjusting below reserved: %v, want a conflict", err)
		}
		m := Must(w.App.AdjustStock(w.Admin, inventory.AdjustmentInput{WarehouseID: second.ID, ProductID: w.Products["HW"].ID,
			Quantity: D("-8.5"), Reason: "count"}))(t)
		if m.Kind != "adjustment" || !m.Quantity.Equal(D("-8.5")) {
			t.Errorf("adjustment movement: %+v", m)
		}
		if _, err := w.App.ReceiveStock(w.Admin, inventory.ReceiptInput{WarehouseID: second.ID,
			Lines: []inventory.ReceiptLine{{ProductID: w.Products["SVC"].ID, Quantity: D("1")}}}); quotient.ErrorCode(err) != quotient.Unprocessable {
			t.Errorf("receiving a service: %v, want a 422", err)
		}
		if _, err := w.App.ReceiveStock(w.Rep, inventory.ReceiptInput{WarehouseID: second.ID,
			Lines: []inventory.ReceiptLine{{ProductID: w.Products["HW"].ID, Quantity: D("1")}}}); quotient.ErrorCode(err) != quotient.Forbidden {
			t.Errorf("a rep received stock: %v", err)
		}
		if got, want := levels(t, w, "HW"), "W1 2.5/2.5/0; W2 1.5/1.5/0; "; got != want {
			t.Errorf("after the count: %s, want %s", got, want)
		}
		sum := map[string]decimal.Decimal{}
		for _, m := range Must(w.App.StockMovements(w.Admin, inventory.Filter{ProductID: w.Products["HW"].ID, Page: quotient.Page{Limit: 50}}))(t) {
			sum[m.Kind] = sum[m.Kind].Add(m.Quantity)
		}
		if fmt.Sprint(sum) != "map[adjustment:-8.5 receipt:12.5 reservation:4]" {
			t.Errorf("movements by kind: %v", sum)
		}
		if rep := Must(w.App.Check(w.Admin))(t); !rep.OK() {
			t.Errorf("invariants: %+v", rep)
		}
	})
}
