package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/quotient-cpq/quotient/store/storetest"
)

// benchTargets are the databases to benchmark on: SQLite always,
// PostgreSQL when QUOTIENT_TEST_POSTGRES_URL is set.
func benchTargets(b *testing.B) map[string]func(testing.TB) string {
	t := map[string]func(testing.TB) string{"sqlite": storetest.SQLiteURL}
	if os.Getenv(storetest.EnvPostgres) != "" {
		t["postgres"] = storetest.PostgresURL
	}
	return t
}

// benchApp starts a server with one account and 60 products.
func benchApp(b *testing.B, url string) (*instance, string) {
	a := start(b, url, nil)
	acc := a.must(201, "POST", "/api/v1/accounts", testBootstrap, map[string]any{"name": "Bench Corp", "currency": "USD",
		"billing_address": map[string]any{"line1": "1 Loop Rd", "city": "Austin", "country": "US"}}).str(b, "id")
	for i := range 60 {
		a.must(201, "POST", "/api/v1/products", testBootstrap, serverProductSKU(fmt.Sprintf("BENCH-%03d", i)))
	}
	return a, acc
}

func serverProductSKU(sku string) map[string]any {
	p := serverProduct()
	p["sku"] = sku
	return p
}

func benchGet(b *testing.B, a *instance, path string) {
	req, _ := http.NewRequest("GET", a.base+path, nil)
	req.Header.Set("Authorization", "Bearer "+testBootstrap)
	get := func(c *http.Client) {
		res, err := c.Do(req.Clone(req.Context()))
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			b.Fatalf("status %d", res.StatusCode)
		}
	}
	b.Run("serial", func(b *testing.B) {
		c := &http.Client{}
		b.ReportAllocs()
		for b.Loop() {
			get(c)
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
			for pb.Next() {
				get(c)
			}
		})
	})
}

// BenchmarkGetAccount measures GET /api/v1/accounts/{id} through the whole
// stack: HTTP, token authentication, a read transaction, JSON.
func BenchmarkGetAccount(b *testing.B) {
	for name, url := range benchTargets(b) {
		b.Run(name, func(b *testing.B) {
			a, id := benchApp(b, url(b))
			benchGet(b, a, "/api/v1/accounts/"+id)
		})
	}
}

// BenchmarkListProducts50 measures a 50-item page of configurable
// products (attributes and components included).
func BenchmarkListProducts50(b *testing.B) {
	for name, url := range benchTargets(b) {
		b.Run(name, func(b *testing.B) {
			a, _ := benchApp(b, url(b))
			benchGet(b, a, "/api/v1/products?limit=50")
		})
	}
}

// BenchmarkOrders measures orders per second through acceptance → order →
// reservation: each operation is POST /quotes/{id}/convert of an approved
// one-line quote, which accepts it, makes its order and reserves its stock
// in one transaction. Quotes are made before the timer starts; clients
// pull them from a queue. "spread" quotes cycle through 50 products,
// "hot" ones all want the same product. On PostgreSQL it also runs
// pgbench -N (simple update) with the same client count against a fresh
// database on the same server, and reports its TPS and our ratio to it.
// Run with a fixed count, e.g. -benchtime 400x.
func BenchmarkOrders(b *testing.B) {
	for name, url := range benchTargets(b) {
		for _, spread := range []int{50, 1} {
			for _, clients := range []int{8, 32} {
				kind := "spread"
				if spread == 1 {
					kind = "hot"
				}
				b.Run(fmt.Sprintf("%s/%s/clients=%d", name, kind, clients), func(b *testing.B) {
					benchOrders(b, url(b), spread, clients)
					if name == "postgres" {
						benchPgbench(b, clients)
					}
				})
			}
		}
	}
}

func benchOrders(b *testing.B, dbURL string, products, clients int) {
	a := start(b, dbURL, nil)
	tm := a.makeTeam()
	f := newStockFixture(b, a, tm)
	ids := make([]string, products)
	for i := range ids {
		ids[i] = f.product(b, a, tm, map[string]any{"sku": fmt.Sprintf("B-%03d", i), "name": "Bench", "family": "hardware"}, "100")
		f.receive(b, a, tm.admin, f.sfo, ids[i], "1000000")
	}
	// Make the quotes with a few clients, off the clock.
	quotes := make([]string, b.N)
	work := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var setupErr error
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				q, err := f.tryApprovedQuote(a, tm.rep, ids[i%products], "1")
				mu.Lock()
				quotes[i] = q
				if err != nil && setupErr == nil {
					setupErr = err
				}
				mu.Unlock()
			}
		}()
	}
	for i := range b.N {
		work <- i
	}
	close(work)
	wg.Wait()
	if setupErr != nil {
		b.Fatal(setupErr)
	}
	queue := make(chan string, b.N)
	for _, q := range quotes {
		queue <- q
	}
	close(queue)
	fails := make(chan string, b.N)
	b.ResetTimer()
	began := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for q := range queue {
				if r := a.call("POST", "/api/v1/quotes/"+q+"/convert", tm.rep, nil); r.status != 201 {
					fails <- fmt.Sprintf("%s: %d %.200s", q, r.status, r.body)
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
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "orders/s")
}

// benchPgbench runs pgbench -N with the given clients for 10 seconds on a
// fresh database and reports its TPS beside ours.
func benchPgbench(b *testing.B, clients int) {
	if b.N < 100 {
		return // the calibration runs; measure once, on the real one
	}
	runPgbench(b, clients)
}

// runPgbench runs pgbench -N now and reports its TPS.
func runPgbench(b *testing.B, clients int) {
	pgbench, err := exec.LookPath("pgbench")
	if err != nil {
		b.Log("pgbench is not installed; no comparison")
		return
	}
	url := storetest.PostgresURL(b)
	if out, err := exec.Command(pgbench, "-i", "-q", "-s", "8", url).CombinedOutput(); err != nil {
		b.Fatalf("pgbench -i: %v\n%s", err, out)
	}
	out, err := exec.Command(pgbench, "-N", "-n", "-c", fmt.Sprint(clients), "-j", "2", "-T", "10", url).CombinedOutput()
	if err != nil {
		b.Fatalf("pgbench -N: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`tps = ([0-9.]+)`).FindSubmatch(out)
	if m == nil {
		b.Fatalf("no tps in pgbench output:\n%s", out)
	}
	tps, _ := strconv.ParseFloat(string(m[1]), 64)
	b.ReportMetric(tps, "pgbench-N-tps")
}
