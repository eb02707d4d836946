package main

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkARAging100k measures GET /reports/ar-aging over 100,000
// invoices of 1,000 accounts with 50,000 payment allocations, inserted in
// bulk (with -short, CI's smoke run: 1,000 invoices).
func BenchmarkARAging100k(b *testing.B) {
	for name, url := range benchTargets(b) {
		b.Run(name, func(b *testing.B) {
			dbURL := url(b)
			a, tm, f, _ := diskFixture(b, dbURL)
			svc := f.product(b, a, tm, map[string]any{"sku": "SVC", "name": "Service", "family": "services", "kind": "service"}, "250")
			o := a.must(201, "POST", "/api/v1/quotes/"+f.approvedQuote(b, a, tm.rep, svc, "1")+"/convert", tm.rep, nil).json(b)
			inv := a.must(200, "GET", "/api/v1/invoices?order_id="+o["id"].(string), tm.finance, nil).list(b)[0]
			pay := a.must(201, "POST", "/api/v1/payments", tm.finance, map[string]any{"account_id": f.acc, "amount": "1", "method": "cash"}).json(b)
			n := 100_000
			if testing.Short() {
				n = 1_000
			}
			seedInvoices(b, dbURL, n, o["id"].(string), inv["journal_entry_id"].(string), pay["id"].(string), pay["journal_entry_id"].(string))
			for b.Loop() {
				ag := a.must(200, "GET", "/api/v1/reports/ar-aging?currency=USD&as_of=2026-12-31", tm.finance, nil).json(b)
				if len(ag["accounts"].([]any)) < 1000 {
					b.Fatalf("aging of %d accounts", len(ag["accounts"].([]any)))
				}
			}
		})
	}
}

// seedInvoices inserts 1,000 accounts, n invoices of 1,100.00 spread over
// them and over 200 due dates, and a payment allocation of 100.00 to every
// other invoice.
func seedInvoices(b *testing.B, dbURL string, n int, orderID, entryID, paymentID, payEntryID string) {
	db := openRaw(b, dbURL)
	defer db.Close()
	sqlite := strings.HasPrefix(dbURL, "sqlite://")
	series := func(to int) string {
		if sqlite {
			return fmt.Sprintf(`(WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < %d) SELECT g FROM s) AS s`, to)
		}
		return fmt.Sprintf(`generate_series(1, %d) AS s(g)`, to)
	}
	plusDays := func(expr string) string {
		if sqlite {
			return `date('2026-06-01', '+' || (` + expr + `) || ' days')`
		}
		return `DATE '2026-06-01' + (` + expr + `)::int`
	}
	now := `'2026-11-26T00:00:00Z'`
	if !sqlite {
		now = `now()`
	}
	qs := []string{
		`INSERT INTO accounts (id, name, currency, segment, payment_terms, owner_id, version, created_at, updated_at)
			SELECT 'acc_bench_' || g, 'Bench account ' || g, 'USD', 'smb', 'net_30', (SELECT owner_id FROM accounts LIMIT 1), 1, ` + now + `, ` + now + `
			FROM ` + series(1000),
		fmt.Sprintf(`INSERT INTO invoices (id, number, order_id, account_id, currency, status, issue_date, due_date, payment_terms, discount_pct,
			net_minor, tax_minor, total_minor, amount_due_minor, journal_entry_id, version, created_at, updated_at)
			SELECT 'inv_bench_' || g, 'INV-2099-' || g, '%s', 'acc_bench_' || (g %% 1000 + 1), 'USD', 'posted', %s, %s, 'net_30', 0,
			100000, 10000, 110000, 110000, '%s', 1, %s, %s FROM %s`, orderID, plusDays("g % 170"), plusDays("g % 200"), entryID, now, now, series(n)),
		fmt.Sprintf(`INSERT INTO payment_allocations (id, payment_id, invoice_id, amount_minor, applied_on, discount_minor, journal_entry_id, created_at)
			SELECT 'pal_bench_' || g, '%s', 'inv_bench_' || (2 * g), 10000, %s, 0, '%s', %s FROM %s`, paymentID, plusDays("g % 180"), payEntryID, now, series(n/2)),
	}
	for _, q := range qs {
		if _, err := db.Exec(q); err != nil {
			b.Fatalf("seed invoices: %v", err)
		}
	}
	if !sqlite {
		for _, t := range []string{"accounts", "invoices", "payment_allocations"} {
			if _, err := db.Exec("ANALYZE " + t); err != nil {
				b.Fatal(err)
			}
		}
	}
}
