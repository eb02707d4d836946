package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/catalog"
	"github.com/quotient-cpq/quotient/crm"
	"github.com/quotient-cpq/quotient/store"
	"github.com/quotient-cpq/quotient/store/storetest"
)

func open(t *testing.T, url string) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestMigrateIsRepeatableAndCurrent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		db := open(t, url)
		n, err := db.Migrate(context.Background())
		if err != nil || n != 0 {
			t.Fatalf("second Migrate: got %d, %v; want 0, nil", n, err)
		}
		cur, latest, err := db.MigrationStatus(context.Background())
		if err != nil || cur != latest || latest == 0 {
			t.Fatalf("MigrationStatus: got %d/%d, %v; want equal and > 0", cur, latest, err)
		}
	})
}

// TestRoundTrip writes every kind of value and reads it back unchanged on
// both databases: exact decimals with their digits, times, dates, nulls.
func TestRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		db := open(t, url)
		ctx := context.Background()
		now := time.Date(2026, 11, 26, 10, 30, 15, 123456000, time.UTC)
		u := crm.User{ID: quotient.NewID("usr"), Name: "Ada", Email: "ada@example.com", Role: quotient.RoleSalesRep,
			Quota: decimal.RequireFromString("250000.10"), QuotaPeriod: "quarter", Active: true, Version: 1, CreatedAt: now, UpdatedAt: now}
		a := crm.Account{ID: quotient.NewID("acc"), Name: "株式会社テスト", Currency: "JPY", Segment: "enterprise",
			CreditLimit: decimal.RequireFromString("12345678901234"), PaymentTerms: "net_30", InvoicingPolicy: "on_order", OwnerID: u.ID,
			BillingAddress: crm.Address{City: "東京", Country: "JP"}, Version: 1, CreatedAt: now, UpdatedAt: now}
		o := crm.Opportunity{ID: quotient.NewID("opp"), AccountID: a.ID, Name: "Deal", Stage: crm.Proposal,
			Amount: decimal.RequireFromString("0.1"), Currency: "JPY", CloseDate: quotient.NewDate(2027, 2, 28), OwnerID: u.ID,
			Probability: decimal.RequireFromString("33.33"), Version: 1, CreatedAt: now, UpdatedAt: now}
		min := decimal.RequireFromString("0.5")
		p := catalog.Product{ID: quotient.NewID("prd"), SKU: "SRV-1", Name: "Server", Family: "hardware", Kind: catalog.KindGood,
			UOM: "each", UnitCost: decimal.RequireFromString("1234.567891"), TaxCategory: "standard", Active: true,
			Attributes: []catalog.Attribute{{Code: "ram", Name: "RAM", Type: catalog.Number, Min: &min},
				{Code: "cpu", Name: "CPU", Type: catalog.Enum, Options: []catalog.Option{{Code: "x", Label: "X", PriceDelta: decimal.RequireFromString("10.50")}}}},
			Version: 1, CreatedAt: now, UpdatedAt: now}
		err := db.InTx(ctx, func(tx *store.Tx) error {
			for _, f := range []func() error{
				func() error { return tx.InsertUser(ctx, u) },
				func() error { return tx.InsertAccount(ctx, a) },
				func() error { return tx.InsertOpportunity(ctx, o) },
				func() error { return tx.InsertProduct(ctx, p) },
			} {
				if err := f(); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		err = db.View(ctx, func(tx *store.Tx) error {
			gu, err := tx.GetUser(ctx, u.ID)
			if err != nil {
				return err
			}
			if !gu.CreatedAt.Equal(now) || gu.Quota.String() != "250000.1" || gu.ManagerID != "" {
				t.Errorf("user: got %v %v %q", gu.CreatedAt, gu.Quota, gu.ManagerID)
			}
			ga, err := tx.GetAccount(ctx, a.ID)
			if err != nil {
				return err
			}
			if ga.Name != a.Name || !ga.CreditLimit.Equal(a.CreditLimit) || ga.BillingAddress.City != "東京" {
				t.Errorf("account: got %+v", ga)
			}
			gop, err := tx.GetOpportunity(ctx, o.ID)
			if err != nil {
				return err
			}
			if gop.CloseDate.String() != "2027-02-28" || !gop.Probability.Equal(o.Probability) || !gop.Amount.Equal(o.Amount) {
				t.Errorf("opportunity: got %+v", gop)
			}
			gp, err := tx.GetProduct(ctx, p.ID)
			if err != nil {
				return err
			}
			if !gp.UnitCost.Equal(p.UnitCost) || len(gp.Attributes) != 2 || !gp.Attributes[0].Min.Equal(min) ||
				!gp.Attributes[1].Options[0].PriceDelta.Equal(decimal.RequireFromString("10.5")) {
				t.Errorf("product: got %+v", gp)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// TestFailedTxLeavesNothing checks that an error rolls the whole
// transaction back and that unique violations map to conflict.
func TestFailedTxLeavesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		db := open(t, url)
		ctx := context.Background()
		now := time.Now()
		mk := func(email string) crm.User {
			return crm.User{ID: quotient.NewID("usr"), Name: "x", Email: email, Role: quotient.RoleAdmin, QuotaPeriod: "month",
				Active: true, Version: 1, CreatedAt: now, UpdatedAt: now}
		}
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.InsertUser(ctx, mk("a@example.com")); err != nil {
				return err
			}
			return tx.InsertUser(ctx, mk("a@example.com"))
		})
		if got := quotient.ErrorCode(err); got != quotient.Conflict {
			t.Fatalf("duplicate email: got %v (%v), want conflict", got, err)
		}
		_ = db.View(ctx, func(tx *store.Tx) error {
			n, err := tx.CountUsers(ctx)
			if err != nil || n != 0 {
				t.Errorf("after rollback: got %d users, %v; want 0", n, err)
			}
			return nil
		})
	})
}

// TestIdempotencyRecordCommitsWithTheEffect: a key recorded in a
// transaction that rolls back leaves no record and the effect undone (a
// retry runs again); committed, both are there, and a second record of
// the key is refused.
func TestIdempotencyRecordCommitsWithTheEffect(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		db := open(t, url)
		ctx := context.Background()
		rec := quotient.IdempotencyRecord{UserID: "u1", Key: "k", Method: "POST", Path: "/x", RequestHash: "h", CreatedAt: time.Now()}
		boom := quotient.Errorf(quotient.Conflict, "boom")
		err := db.InTx(ctx, func(tx *store.Tx) error {
			now := time.Now()
			if err := tx.InsertUser(ctx, crm.User{ID: "usr_x", Name: "x", Email: "x@example.com", Role: quotient.RoleAdmin,
				QuotaPeriod: "month", Active: true, Version: 1, CreatedAt: now, UpdatedAt: now}); err != nil {
				return err
			}
			done := rec
			done.Status, done.Body, done.Headers = 201, []byte(`{"id":"usr_x"}`), map[string]string{"Location": "/x/usr_x"}
			if saved, err := tx.SaveIdempotencyKey(ctx, done); err != nil || !saved {
				t.Errorf("first record: %v %v", saved, err)
			}
			return boom
		})
		if err != boom {
			t.Fatalf("got %v, want the rollback error", err)
		}
		_ = db.View(ctx, func(tx *store.Tx) error {
			if got, err := tx.IdempotencyRecord(ctx, "u1", "k"); quotient.ErrorCode(err) != quotient.NotFound {
				t.Errorf("record after rollback: %+v, %v; want none", got, err)
			}
			if n, _ := tx.CountUsers(ctx); n != 0 {
				t.Errorf("effect survived the rollback: %d users", n)
			}
			return nil
		})
		// And committed, it is there; a second record of the key is refused.
		for i, want := range []bool{true, false} {
			err = db.InTx(ctx, func(tx *store.Tx) error {
				done := rec
				done.Status, done.Headers = 204+i, map[string]string{"ETag": `"v2"`}
				saved, err := tx.SaveIdempotencyKey(ctx, done)
				if saved != want {
					t.Errorf("record %d saved %v, want %v", i, saved, want)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		_ = db.View(ctx, func(tx *store.Tx) error {
			got, err := tx.IdempotencyRecord(ctx, "u1", "k")
			if err != nil || got.Status != 204 || got.Headers["ETag"] != `"v2"` {
				t.Errorf("record after commit: %+v, %v", got, err)
			}
			return nil
		})
	})
}

func TestPurgeIdempotencyKeys(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		db := open(t, url)
		ctx := context.Background()
		now := time.Now().UTC()
		err := db.InTx(ctx, func(tx *store.Tx) error {
			for key, age := range map[string]time.Duration{"fresh": time.Hour, "day-old": 25 * time.Hour, "stale": 49 * time.Hour} {
				r := quotient.IdempotencyRecord{UserID: "u", Key: key, Method: "POST", Path: "/x", RequestHash: "h", CreatedAt: now.Add(-age)}
				r.Status = 201
				if _, err := tx.SaveIdempotencyKey(ctx, r); err != nil {
					return err
				}
			}
			n, err := tx.PurgeIdempotencyKeys(ctx, now.Add(-48*time.Hour))
			if err != nil || n != 1 {
				t.Errorf("purged %d (%v), want 1", n, err)
			}
			for key, want := range map[string]bool{"fresh": true, "day-old": true, "stale": false} {
				_, err := tx.IdempotencyRecord(ctx, "u", key)
				if (err == nil) != want {
					t.Errorf("key %s kept: %v, want %v", key, err == nil, want)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
