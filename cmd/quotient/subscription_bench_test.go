package main

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/quotient-cpq/quotient/app"
	"github.com/quotient-cpq/quotient/server"
)

// BenchmarkRecurringInvoicing100k is the recurring invoicing run for
// 100,000 active subscriptions: 1,000 contracts (made through the API)
// of 100 subscriptions each (99 copied in bulk), every one with a period
// due on the day of the run. One operation is the whole run: every
// contract invoiced, posted, its revenue scheduled, in batches of 100
// contracts per transaction. It reports the run's seconds, invoices and
// subscriptions per second and the largest Go heap seen during it
// (sampled every 50 ms), and on PostgreSQL pgbench -N of the same run.
// With -short (CI's smoke run): 20 contracts of 10.
func BenchmarkRecurringInvoicing100k(b *testing.B) {
	for name, url := range benchTargets(b) {
		b.Run(name, func(b *testing.B) {
			db := url(b)
			contracts, per := 1000, 100
			if testing.Short() {
				contracts, per = 20, 10
			}
			clock := &fakeClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
			a, srv := clockedServer(b, db, clock, nil)
			tm := a.makeTeam()
			f := newStockFixture(b, a, tm)
			seat := f.product(b, a, tm, map[string]any{"sku": "SEAT", "name": "Seat", "family": "software", "kind": "service",
				"billing_type": "recurring", "billing_period": "month", "default_term_months": 12}, "40")
			for i := range contracts {
				if i%100 == 0 {
					f.acc = a.must(201, "POST", "/api/v1/accounts", tm.rep, map[string]any{"name": fmt.Sprintf("Tenant %d", i), "currency": "USD"}).str(b, "id")
				}
				q := a.must(201, "POST", "/api/v1/quotes", tm.rep, map[string]any{"account_id": f.acc,
					"lines": []any{map[string]any{"product_id": seat, "quantity": "10", "start_date": "2026-04-01"}}}).str(b, "id")
				a.must(200, "POST", "/api/v1/quotes/"+q+"/submit", tm.rep, nil)
				a.must(201, "POST", "/api/v1/quotes/"+q+"/convert", tm.rep, nil)
			}
			seedSubscriptions(b, db, per-1)
			clock.Advance(30 * 24 * time.Hour) // 1 April
			ctx := app.System(context.Background())
			for b.Loop() {
				var peak atomic.Uint64
				done := make(chan struct{})
				go func() {
					var m runtime.MemStats
					tick := time.NewTicker(50 * time.Millisecond)
					defer tick.Stop()
					for {
						runtime.ReadMemStats(&m)
						if m.HeapAlloc > peak.Load() {
							peak.Store(m.HeapAlloc)
						}
						select {
						case <-done:
							return
						case <-tick.C:
						}
					}
				}()
				start := time.Now()
				n, err := srv.app.InvoiceSubscriptions(ctx, app.RecurringBatch, 1_000_000)
				elapsed := time.Since(start)
				close(done)
				if err != nil || n != contracts {
					b.Fatalf("invoiced %d contracts (%v), want %d", n, err, contracts)
				}
				b.ReportMetric(elapsed.Seconds(), "s/run")
				b.ReportMetric(float64(contracts*per)/elapsed.Seconds(), "subscriptions/s")
				b.ReportMetric(float64(n)/elapsed.Seconds(), "invoices/s")
				b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MiB")
			}
			c := page[server.ContractJSON](b, a.must(200, "GET", "/api/v1/contracts?limit=1", tm.finance, nil))[0]
			if got := as[server.ContractJSON](b, a.must(200, "GET", "/api/v1/contracts/"+c.ID, tm.finance, nil)); len(got.Invoices) != 1 || len(got.Invoices[0].Lines) != per {
				b.Fatalf("a contract after the run: %d invoices", len(got.Invoices))
			}
			if name == "postgres" {
				runPgbench(b, 2)
			}
		})
	}
}

// seedSubscriptions gives every contract copies more of its
// subscription, each of a different quantity.
func seedSubscriptions(b *testing.B, dbURL string, copies int) {
	db := openRaw(b, dbURL)
	defer db.Close()
	series := fmt.Sprintf(`generate_series(1, %d) AS g(g)`, copies)
	if strings.HasPrefix(dbURL, "sqlite://") {
		series = fmt.Sprintf(`(WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < %d) SELECT g FROM s) AS g`, copies)
	}
	q := `INSERT INTO subscriptions (id, contract_id, quote_id, order_id, order_line_id, product_id, sku, name, family, quantity_micro, unit_price,
		billing_period, billing_frequency, start_date, end_date, tax_rate_id, tax_rate_pct, next_bill_on, created_at)
		SELECT s.id || '-' || g.g, s.contract_id, s.quote_id, s.order_id, s.order_line_id, s.product_id, s.sku, s.name, s.family,
			s.quantity_micro + g.g * 1000000, s.unit_price, s.billing_period, s.billing_frequency, s.start_date, s.end_date, s.tax_rate_id,
			s.tax_rate_pct, s.next_bill_on, s.created_at FROM subscriptions s, ` + series
	if _, err := db.Exec(q); err != nil {
		b.Fatal(err)
	}
}
