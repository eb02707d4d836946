package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"testing"

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
func benchApp(b *testing.B, url string) (*app, string) {
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

func benchGet(b *testing.B, a *app, path string) {
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
