package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/catalog"
	"github.com/quotient-cpq/quotient/inventory"
	"github.com/quotient-cpq/quotient/store"
	"github.com/quotient-cpq/quotient/store/storetest"
)

func stockFixture(t *testing.T, db *store.DB) (product, warehouse string) {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	product, warehouse = quotient.NewID("prd"), quotient.NewID("wh")
	err := db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.InsertProduct(ctx, catalog.Product{ID: product, SKU: "S-" + product[len(product)-6:], Name: "x", Family: "hw", Kind: catalog.KindGood,
			UOM: "each", TaxCategory: "standard", Active: true, TrackInventory: true, Version: 1, CreatedAt: now, UpdatedAt: now}); err != nil {
			return err
		}
		return tx.InsertWarehouse(ctx, inventory.Warehouse{ID: warehouse, Code: "W" + warehouse[len(warehouse)-6:], Name: "w", Active: true, Version: 1,
			CreatedAt: now, UpdatedAt: now})
	})
	if err != nil {
		t.Fatal(err)
	}
	return product, warehouse
}

func TestDiscrepanciesReportBreaches(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		db := open(t, url)
		ctx := context.Background()
		p, w := stockFixture(t, db)
		check := func() []string {
			var out []string
			_ = db.View(ctx, func(tx *store.Tx) error {
				var err error
				out, err = tx.Discrepancies(ctx)
				return err
			})
			return out
		}
		_ = db.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.AddOnHand(ctx, p, w, 5_000_000, time.Now()); err != nil {
				return err
			}
			return tx.InsertMovement(ctx, inventory.Movement{ID: quotient.NewID("mov"), ProductID: p, WarehouseID: w, Kind: inventory.Receipt,
				Quantity: decimal.NewFromInt(5), At: time.Now()})
		})
		if bad := check(); len(bad) != 0 {
			t.Fatalf("consistent stock reported: %v", bad)
		}
		// A movement with no stock change is a breach the checker names.
		_ = db.InTx(ctx, func(tx *store.Tx) error {
			return tx.InsertMovement(ctx, inventory.Movement{ID: quotient.NewID("mov"), ProductID: p, WarehouseID: w, Kind: inventory.Adjustment,
				Quantity: decimal.NewFromInt(-1), At: time.Now()})
		})
		if bad := check(); len(bad) != 1 {
			t.Fatalf("breach not reported: %v", bad)
		}
	})
}

// TestConcurrentRemovalsNeverGoNegative: 32 concurrent removals of one
// unit from 20 on hand: exactly 20 succeed, the rest are conflicts, and
// nothing deadlocks.
func TestConcurrentRemovalsNeverGoNegative(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		db := open(t, url)
		ctx := context.Background()
		p, w := stockFixture(t, db)
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.AddOnHand(ctx, p, w, 20_000_000, time.Now()) }); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok, conflicts := 0, 0
		for range 32 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := db.InTx(ctx, func(tx *store.Tx) error { return tx.AddOnHand(ctx, p, w, -1_000_000, time.Now()) })
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					ok++
				case quotient.ErrorCode(err) == quotient.Conflict:
					conflicts++
				default:
					t.Errorf("unexpected error: %v", err)
				}
			}()
		}
		wg.Wait()
		var levels []inventory.Level
		_ = db.View(ctx, func(tx *store.Tx) error {
			var err error
			levels, err = tx.Levels(ctx, inventory.Filter{ProductID: p})
			return err
		})
		if ok != 20 || conflicts != 12 || len(levels) != 1 || !levels[0].OnHand.IsZero() {
			t.Fatalf("ok %d conflicts %d levels %+v", ok, conflicts, levels)
		}
	})
}
