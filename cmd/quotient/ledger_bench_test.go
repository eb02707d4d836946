package main

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// BenchmarkLedgerPost measures journal entries posted per second through
// POST /ledger/entries (a three-line USD entry) with 8 concurrent posters;
// on PostgreSQL it runs pgbench -N with 8 clients beside it. Run with a
// fixed count, e.g. -benchtime 2000x.
func BenchmarkLedgerPost(b *testing.B) {
	for name, url := range benchTargets(b) {
		b.Run(name, func(b *testing.B) {
			a := start(b, url(b), nil)
			tm := a.makeTeam()
			work := make(chan int, b.N)
			for i := range b.N {
				work <- i
			}
			close(work)
			fails := make(chan string, b.N)
			var wg sync.WaitGroup
			b.ResetTimer()
			began := time.Now()
			for range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range work {
						r := a.call("POST", "/api/v1/ledger/entries", tm.finance, map[string]any{"date": "2026-11-02", "currency": "USD",
							"source_type": "bench", "source_id": fmt.Sprint(i), "memo": "bench",
							"lines": []any{line("1100", "110.00", ""), line("4100", "", "100.00"), line("2100", "", "10.00")}})
						if r.status != 201 {
							fails <- fmt.Sprintf("%d %.200s", r.status, r.body)
						}
					}
				}()
			}
			wg.Wait()
			elapsed := time.Since(began)
			b.StopTimer()
			close(fails)
			for f := range fails {
				b.Fatal(f)
			}
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "entries/s")
			if name == "postgres" {
				benchPgbench(b, 8)
			}
		})
	}
}

// BenchmarkTrialBalance1M measures GET /reports/trial-balance and an
// account ledger month over 250,000 entries of 4 lines (1,000,000 journal
// lines) inserted in bulk. With -short (CI's smoke run) it uses 2,500
// entries instead, to check that it runs.
func BenchmarkTrialBalance1M(b *testing.B) {
	overJournal(b, func(b *testing.B, a *instance, tm team, entries int) {
		for b.Loop() {
			tb := a.must(200, "GET", "/api/v1/reports/trial-balance?currency=USD&as_of=2026-12-31", tm.finance, nil).json(b)
			if tb["balanced"] != true || tb["total_debit"] != fmt.Sprintf("%d.00", 1100*entries) {
				b.Fatalf("trial balance: %v", tb)
			}
		}
	})
}

// overJournal runs a benchmark on each database over 250,000 four-line
// entries inserted in bulk (2,500 with -short, CI's smoke run).
func overJournal(b *testing.B, run func(b *testing.B, a *instance, tm team, entries int)) {
	for name, url := range benchTargets(b) {
		b.Run(name, func(b *testing.B) {
			dbURL := url(b)
			a := start(b, dbURL, nil)
			tm := a.makeTeam()
			entries := 250_000
			if testing.Short() {
				entries = 2_500
			}
			seedJournal(b, dbURL, entries)
			run(b, a, tm, entries)
		})
	}
}

// BenchmarkStatements1M measures GET /reports/income-statement (the year)
// and GET /reports/balance-sheet (its end) over the same 1,000,000 journal
// lines as BenchmarkTrialBalance1M, reporting each one's milliseconds, in
// USD's own amounts (income-ms, sheet-ms) and in base, the default
// (base-income-ms, base-sheet-ms). With -short it uses 2,500 entries.
func BenchmarkStatements1M(b *testing.B) {
	overJournal(b, func(b *testing.B, a *instance, tm team, entries int) {
		took := map[string]time.Duration{}
		for b.Loop() {
			for _, view := range []string{"currency=USD&", ""} {
				t0 := time.Now()
				is := a.must(200, "GET", "/api/v1/reports/income-statement?"+view+"from=2026-01-01&to=2026-12-31", tm.finance, nil).json(b)
				t1 := time.Now()
				bs := a.must(200, "GET", "/api/v1/reports/balance-sheet?"+view+"as_of=2026-12-31", tm.finance, nil).json(b)
				took[view+"income"] += t1.Sub(t0)
				took[view+"sheet"] += time.Since(t1)
				if is["net_income"] != fmt.Sprintf("%d.00", 1000*entries) || bs["balanced"] != true {
					b.Fatalf("statements: %v %v", is["net_income"], bs["balanced"])
				}
			}
		}
		for key, name := range map[string]string{"currency=USD&income": "income-ms", "currency=USD&sheet": "sheet-ms", "income": "base-income-ms", "sheet": "base-sheet-ms"} {
			b.ReportMetric(float64(took[key].Milliseconds())/float64(b.N), name)
		}
	})
}

// seedJournal inserts n balanced four-line entries spread over 300 days
// of 2026, directly in SQL.
func seedJournal(b *testing.B, dbURL string, n int) {
	ctx := context.Background()
	db := openRaw(b, dbURL)
	defer db.Close()
	var entries, lines string
	if strings.HasPrefix(dbURL, "sqlite://") {
		seq := fmt.Sprintf(`WITH RECURSIVE seq(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM seq WHERE g < %d) `, n)
		entries = seq + `INSERT INTO journal_entries (id, entry_date, memo, source_type, source_id, event, posted_by, created_at)
			SELECT 'je_bench_' || g, date('2026-01-01', '+' || (g % 300) || ' days'), '', 'bench', CAST(g AS TEXT), 'post', 'bench',
			'2026-11-26T00:00:00Z' FROM seq`
		lines = seq + `, k(k) AS (VALUES (1), (2), (3), (4))
			INSERT INTO journal_lines (entry_id, line_no, account_code, currency, debit_minor, credit_minor, memo, entry_date, base_debit_minor, base_credit_minor)
			SELECT 'je_bench_' || g, k, CASE k WHEN 1 THEN '1100' WHEN 2 THEN '4100' WHEN 3 THEN '4200' ELSE '2100' END, 'USD',
			CASE k WHEN 1 THEN 110000 ELSE 0 END, CASE k WHEN 2 THEN 60000 WHEN 3 THEN 40000 WHEN 4 THEN 10000 ELSE 0 END, '',
			date('2026-01-01', '+' || (g % 300) || ' days'),
			CASE k WHEN 1 THEN 110000 ELSE 0 END, CASE k WHEN 2 THEN 60000 WHEN 3 THEN 40000 WHEN 4 THEN 10000 ELSE 0 END FROM seq, k`
	} else {
		entries = fmt.Sprintf(`INSERT INTO journal_entries (id, entry_date, memo, source_type, source_id, event, posted_by, created_at)
			SELECT 'je_bench_' || g, DATE '2026-01-01' + (g %% 300), '', 'bench', g::text, 'post', 'bench', now()
			FROM generate_series(1, %d) g`, n)
		lines = fmt.Sprintf(`INSERT INTO journal_lines (entry_id, line_no, account_code, currency, debit_minor, credit_minor, memo, entry_date,
			base_debit_minor, base_credit_minor)
			SELECT 'je_bench_' || g, k, CASE k WHEN 1 THEN '1100' WHEN 2 THEN '4100' WHEN 3 THEN '4200' ELSE '2100' END, 'USD',
			CASE k WHEN 1 THEN 110000 ELSE 0 END, CASE k WHEN 2 THEN 60000 WHEN 3 THEN 40000 WHEN 4 THEN 10000 ELSE 0 END, '',
			DATE '2026-01-01' + (g %% 300),
			CASE k WHEN 1 THEN 110000 ELSE 0 END, CASE k WHEN 2 THEN 60000 WHEN 3 THEN 40000 WHEN 4 THEN 10000 ELSE 0 END
			FROM generate_series(1, %d) g, generate_series(1, 4) k`, n)
	}
	for _, q := range []string{entries, lines} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			b.Fatalf("seed journal: %v", err)
		}
	}
	if !strings.HasPrefix(dbURL, "sqlite://") {
		if _, err := db.ExecContext(ctx, "ANALYZE journal_lines"); err != nil {
			b.Fatal(err)
		}
	}
}

// openRaw opens a test database with database/sql, for tests that must
// write what the application never would.
func openRaw(tb testing.TB, dbURL string) *sql.DB {
	var db *sql.DB
	var err error
	if path, ok := strings.CutPrefix(dbURL, "sqlite://"); ok {
		db, err = sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)")
	} else {
		db, err = sql.Open("postgres", dbURL)
	}
	if err != nil {
		tb.Fatal(err)
	}
	return db
}
