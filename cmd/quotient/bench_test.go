package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"runtime/pprof"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/quotient-cpq/quotient/server"
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
					benchOrders(b, url(b), spread, 1, clients)
					if name == "postgres" {
						benchPgbench(b, clients)
					}
				})
			}
		}
	}
}

// BenchmarkOrders10Lines is BenchmarkOrders with quotes of ten stocked
// lines, each of a different product, at 8 clients: "spread" draws each
// quote's ten from 1,000 products, "hot" from the same 15 (so most orders
// wait for each other's stock locks). It reports the latencies' p50 and
// p99 beside the rate.
func BenchmarkOrders10Lines(b *testing.B) {
	for name, url := range benchTargets(b) {
		for _, products := range []int{1000, 15} {
			kind := "spread"
			if products == 15 {
				kind = "hot"
			}
			b.Run(fmt.Sprintf("%s/%s/clients=8", name, kind), func(b *testing.B) {
				benchOrders(b, url(b), products, 10, 8)
				if name == "postgres" {
					benchPgbench(b, 8)
				}
			})
		}
	}
}

// benchOrders converts b.N approved quotes of lines lines each, drawn in
// turn from products stocked products, with clients concurrent clients.
func benchOrders(b *testing.B, dbURL string, products, lines, clients int) {
	a := start(b, dbURL, nil)
	tm := a.makeTeam()
	f := newStockFixture(b, a, tm)
	ids := make([]string, products)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var setupErr error
	parallel := func(n int, fn func(i int) error) {
		work := make(chan int)
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range work {
					err := fn(i)
					mu.Lock()
					if err != nil && setupErr == nil {
						setupErr = err
					}
					mu.Unlock()
				}
			}()
		}
		for i := range n {
			work <- i
		}
		close(work)
		wg.Wait()
		if setupErr != nil {
			b.Fatal(setupErr)
		}
	}
	parallel(products, func(i int) error {
		id, err := f.tryStockedProduct(a, tm.admin, fmt.Sprintf("B-%04d", i), "100", "1000000")
		ids[i] = id
		return err
	})
	// Make the quotes with a few clients, off the clock.
	quotes := make([]string, b.N)
	parallel(b.N, func(i int) error {
		var ls []string
		for j := range lines {
			ls = append(ls, ids[(i*lines+j)%products], "1")
		}
		q, err := f.tryApprovedQuote(a, tm.rep, ls...)
		quotes[i] = q
		return err
	})
	queue := make(chan string, b.N)
	for _, q := range quotes {
		queue <- q
	}
	close(queue)
	fails := make(chan string, b.N)
	took := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	if f := os.Getenv("QUOTIENT_BENCH_CPUPROFILE"); f != "" { // the timed part alone
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
			for q := range queue {
				t0 := time.Now()
				r := a.call("POST", "/api/v1/quotes/"+q+"/convert", tm.rep, nil)
				d := time.Since(t0)
				if r.status != 201 {
					fails <- fmt.Sprintf("%s: %d %.200s", q, r.status, r.body)
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
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "orders/s")
	if lines > 1 {
		sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
		b.ReportMetric(float64(pct(took, .5).Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(pct(took, .99).Microseconds())/1000, "p99-ms")
		checkInvariants(b, a)
	}
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

// checkInvariants fails the benchmark unless quotient check's invariants
// (ledger balanced, stock sound, receivables agreeing) hold after its run.
func checkInvariants(b *testing.B, a *instance) {
	b.Helper()
	if r := as[server.InvariantReportJSON](b, a.must(200, "GET", "/api/v1/admin/check", testBootstrap, nil)); !r.OK {
		b.Fatalf("invariants broken after the run: %+v", r)
	}
}

// tryStockedProduct makes a stocked product priced in the book with qty
// received into the first warehouse, from any goroutine.
func (f stockFixture) tryStockedProduct(a *instance, token, sku, price, qty string) (string, error) {
	r := a.call("POST", "/api/v1/products", token, map[string]any{"sku": sku, "name": "Bench " + sku, "family": "hardware"})
	var p struct {
		ID string `json:"id"`
	}
	if r.status != 201 || json.Unmarshal(r.body, &p) != nil {
		return "", fmt.Errorf("create product: %d %.300s", r.status, r.body)
	}
	if r := a.call("POST", "/api/v1/price-books/"+f.book+"/entries", token, map[string]any{"product_id": p.ID, "unit_price": price}); r.status != 201 {
		return "", fmt.Errorf("price entry: %d %.300s", r.status, r.body)
	}
	if r := a.call("POST", "/api/v1/inventory/receipts", token, map[string]any{"warehouse_id": f.sfo,
		"lines": []any{map[string]any{"product_id": p.ID, "quantity": qty}}}); r.status != 201 {
		return "", fmt.Errorf("receipt: %d %.300s", r.status, r.body)
	}
	return p.ID, nil
}
