package main

import (
	"context"
	"testing"

	"github.com/quotient-cpq/quotient/store"
	"github.com/quotient-cpq/quotient/store/storetest"
)

// checkStockInvariants fails the test unless, for every product and
// warehouse, on_hand is the sum of its movements, reserved the sum of its
// reservations, and 0 <= reserved <= on_hand.
func checkStockInvariants(t *testing.T, dbURL string) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.View(ctx, func(tx *store.Tx) error {
		bad, err := tx.Discrepancies(ctx)
		for _, b := range bad {
			t.Errorf("stock invariant broken: %s", b)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestInventoryReceiptsAndAdjustments(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		a := start(t, db, nil)
		tm := a.makeTeam()
		admin := tm.admin
		wh1 := a.must(201, "POST", "/api/v1/warehouses", admin, map[string]any{"code": "SFO", "name": "San Francisco", "priority": 1}).str(t, "id")
		wh2 := a.must(201, "POST", "/api/v1/warehouses", admin, map[string]any{"code": "RNO", "name": "Reno", "priority": 2}).str(t, "id")
		a.must(409, "POST", "/api/v1/warehouses", admin, map[string]any{"code": "SFO", "name": "again"})
		a.must(403, "POST", "/api/v1/warehouses", tm.manager, map[string]any{"code": "X", "name": "X"})
		good := a.must(201, "POST", "/api/v1/products", admin, map[string]any{"sku": "DISK-1", "name": "Disk", "family": "hardware"}).str(t, "id")
		svc := a.must(201, "POST", "/api/v1/products", admin, map[string]any{"sku": "SVC-1", "name": "Install", "family": "services", "kind": "service"}).str(t, "id")

		bad := []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"warehouse_id": wh1, "lines": []any{map[string]any{"product_id": svc, "quantity": "1"}}}, "lines[0].product_id"},
			{map[string]any{"warehouse_id": wh1, "lines": []any{map[string]any{"product_id": good, "quantity": "0"}}}, "lines[0].quantity"},
			{map[string]any{"warehouse_id": wh1, "lines": []any{map[string]any{"product_id": good, "quantity": "1.0000001"}}}, "lines[0].quantity"},
			{map[string]any{"warehouse_id": "wh_nope", "lines": []any{map[string]any{"product_id": good, "quantity": "1"}}}, "warehouse_id"},
			{map[string]any{"warehouse_id": wh1, "lines": []any{}}, "lines"},
		}
		for _, b := range bad {
			if f := a.must(422, "POST", "/api/v1/inventory/receipts", admin, b.body).field(t); f != b.field {
				t.Errorf("%v: field %q, want %q", b.body, f, b.field)
			}
		}
		a.must(403, "POST", "/api/v1/inventory/receipts", tm.rep, map[string]any{"warehouse_id": wh1, "lines": []any{map[string]any{"product_id": good, "quantity": "1"}}})

		rcpt := map[string]any{"warehouse_id": wh1, "reference": "PO-1001", "lines": []any{
			map[string]any{"product_id": good, "quantity": "10", "unit_cost": "120.50"}, map[string]any{"product_id": good, "quantity": "5.5"}}}
		a.must(201, "POST", "/api/v1/inventory/receipts", admin, rcpt, "Idempotency-Key", "po-1001")
		a.must(201, "POST", "/api/v1/inventory/receipts", admin, rcpt, "Idempotency-Key", "po-1001") // a retry books nothing twice
		a.must(201, "POST", "/api/v1/inventory/receipts", admin, map[string]any{"warehouse_id": wh2, "lines": []any{map[string]any{"product_id": good, "quantity": 3}}})

		levels := a.must(200, "GET", "/api/v1/inventory?product_id="+good, tm.rep, nil).list(t)
		if len(levels) != 2 || levels[0]["on_hand"] != "15.5" && levels[1]["on_hand"] != "15.5" {
			t.Fatalf("levels: %v", levels)
		}
		// Adjustments: never below zero (or below reserved), a reason always.
		r := a.must(409, "POST", "/api/v1/inventory/adjustments", admin, map[string]any{"warehouse_id": wh1, "product_id": good, "quantity": "-16", "reason": "count"})
		if r.field(t) != "quantity" {
			t.Fatalf("below zero: %s", r.body)
		}
		a.must(422, "POST", "/api/v1/inventory/adjustments", admin, map[string]any{"warehouse_id": wh1, "product_id": good, "quantity": "-1"})
		a.must(422, "POST", "/api/v1/inventory/adjustments", admin, map[string]any{"warehouse_id": wh1, "product_id": good, "quantity": "0", "reason": "x"})
		a.must(201, "POST", "/api/v1/inventory/adjustments", admin, map[string]any{"warehouse_id": wh1, "product_id": good, "quantity": "-0.5", "reason": "damaged in transit"})
		lv := a.must(200, "GET", "/api/v1/inventory?product_id="+good+"&warehouse_id="+wh1, tm.finance, nil).list(t)
		if len(lv) != 1 || lv[0]["on_hand"] != "15" || lv[0]["available"] != "15" || lv[0]["reserved"] != "0" {
			t.Fatalf("after adjustment: %v", lv)
		}
		if n := len(a.must(200, "GET", "/api/v1/inventory/movements?product_id="+good, tm.rep, nil).list(t)); n != 4 {
			t.Fatalf("movements: %d, want 4", n)
		}
		page := a.must(200, "GET", "/api/v1/inventory?limit=1", tm.rep, nil)
		if cur := page.str(t, "next_cursor"); cur == "" {
			t.Fatal("levels do not paginate")
		} else if n := len(a.must(200, "GET", "/api/v1/inventory?limit=1&cursor="+cur, tm.rep, nil).list(t)); n != 1 {
			t.Fatalf("second page: %d", n)
		}
		// A product with stock history is deactivated, not deleted.
		if a.must(200, "DELETE", "/api/v1/products/"+good, admin, nil).json(t)["active"] != false {
			t.Fatal("product with stock history deleted")
		}
		a.must(200, "PATCH", "/api/v1/warehouses/"+wh2, admin, map[string]any{"active": false})
		a.must(422, "POST", "/api/v1/inventory/receipts", admin, map[string]any{"warehouse_id": wh2, "lines": []any{map[string]any{"product_id": svc, "quantity": "1"}}})
		checkStockInvariants(t, db)
	})
}
