package main

import (
	"fmt"
	"os"
	"runtime/pprof"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/quotient-cpq/quotient/server"
)

// BenchmarkPreview measures POST /pricing/preview on the demo company
// (its products, price book, rulebook and taxes) over HTTP: carts of 10
// lines from 8 clients, and 1,000-line documents from one. Each operation
// is one preview; it reports previews per second and the latencies' p50
// and p99. Nothing in the catalog changes during the run, so after the
// first preview every server answers from its caches, reading only the
// versions and the account (and the token) from the database.
func BenchmarkPreview(b *testing.B) {
	for name, url := range benchTargets(b) {
		for _, c := range []struct{ lines, clients int }{{10, 8}, {1000, 1}} {
			b.Run(fmt.Sprintf("%s/lines=%d/clients=%d", name, c.lines, c.clients), func(b *testing.B) {
				benchPreview(b, url(b), c.lines, c.clients)
				if name == "postgres" && c.lines == 10 {
					benchPgbench(b, c.clients)
				}
			})
		}
	}
}

func benchPreview(b *testing.B, db string, lines, clients int) {
	a := start(b, db, map[string]string{"QUOTIENT_BOOTSTRAP_TOKEN": ""}, "serve", "--demo")
	priya := demoTokens(b, a.out.String())["priya.nair@northwind.example"]
	acc := demoAccount(b, a, priya, "acme")
	var plain []string
	for _, p := range page[server.ProductJSON](b, a.must(200, "GET", "/api/v1/products?limit=100&active=true", priya, nil)) {
		if len(p.Attributes) == 0 && len(p.Components) == 0 {
			plain = append(plain, p.ID)
		}
	}
	ls := make([]any, lines)
	for i := range ls {
		ls[i] = map[string]any{"product_id": plain[i%len(plain)], "quantity": fmt.Sprint(1 + i%7)}
	}
	body := map[string]any{"account_id": acc, "lines": ls}
	a.must(200, "POST", "/api/v1/pricing/preview", priya, body)
	var mu sync.Mutex
	var wg sync.WaitGroup
	took := make([]time.Duration, 0, b.N)
	work := make(chan struct{}, b.N)
	for range b.N {
		work <- struct{}{}
	}
	close(work)
	fails := make(chan string, b.N)
	b.ResetTimer()
	if f := os.Getenv("QUOTIENT_BENCH_CPUPROFILE"); f != "" {
		pf, err := os.Create(f)
		if err != nil {
			b.Fatal(err)
		}
		_ = pprof.StartCPUProfile(pf)
		defer pprof.StopCPUProfile()
	}
	began := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range work {
				t0 := time.Now()
				r := a.call("POST", "/api/v1/pricing/preview", priya, body)
				d := time.Since(t0)
				if r.status != 200 {
					fails <- fmt.Sprintf("%d %.200s", r.status, r.body)
				}
				mu.Lock()
				took = append(took, d)
				mu.Unlock()
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
	sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "previews/s")
	b.ReportMetric(float64(pct(took, .5).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(pct(took, .99).Microseconds())/1000, "p99-ms")
}
