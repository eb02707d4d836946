package main

import (
	"testing"

	"github.com/quotient-cpq/quotient/server"
	"github.com/quotient-cpq/quotient/store/storetest"
)

// Two servers share one database, as behind a load balancer. Pricing
// caches the catalog and the rulebook on each server, by version; every
// change made through one server is seen by the very next preview on the
// other: a new price, a new product, a product's new family (and so the
// rules that apply to it), a new tax rate, a removed entry.
func TestPricingCachesSeeChangesFromAnotherServer(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		a := start(t, db, nil)
		b := start(t, db, nil)
		tm := a.makeTeam()
		admin := tm.admin
		book := as[server.PriceBookJSON](t, a.must(201, "POST", "/api/v1/price-books", admin, map[string]any{"name": "USD", "currency": "USD", "is_default": true})).ID
		p1 := as[server.ProductJSON](t, a.must(201, "POST", "/api/v1/products", admin, map[string]any{"sku": "C-1", "name": "Cable", "family": "hardware"})).ID
		entry := a.must(201, "POST", "/api/v1/price-books/"+book+"/entries", admin, map[string]any{"product_id": p1, "unit_price": "100"})
		acc := a.must(201, "POST", "/api/v1/accounts", tm.rep, map[string]any{"name": "Cache Co", "currency": "USD", "tax_region": "US-CA"}).str(t, "id")
		preview := func(on *instance, lines ...string) server.PricingJSON {
			t.Helper()
			var ls []any
			for _, p := range lines {
				ls = append(ls, map[string]any{"product_id": p, "quantity": "2"})
			}
			return as[server.PricingJSON](t, on.must(200, "POST", "/api/v1/pricing/preview", tm.rep, map[string]any{"account_id": acc, "lines": ls}))
		}
		want := func(r server.PricingJSON, net, total string) {
			t.Helper()
			if r.NetTotal != net || r.Total != total {
				t.Fatalf("net %s total %s, want %s and %s", r.NetTotal, r.Total, net, total)
			}
		}
		// Both servers have priced it, so both have it cached.
		want(preview(a, p1), "200.00", "200.00")
		want(preview(b, p1), "200.00", "200.00")

		a.must(200, "PATCH", "/api/v1/price-books/"+book+"/entries/"+entry.str(t, "id"), admin, map[string]any{"unit_price": "120"})
		want(preview(b, p1), "240.00", "240.00")

		// A product that did not exist when b last priced, then its price.
		p2 := as[server.ProductJSON](t, a.must(201, "POST", "/api/v1/products", admin, map[string]any{"sku": "C-2", "name": "Switch", "family": "hardware"})).ID
		b.must(422, "POST", "/api/v1/pricing/preview", tm.rep, map[string]any{"account_id": acc, "lines": []any{map[string]any{"product_id": p2, "quantity": "1"}}})
		a.must(201, "POST", "/api/v1/price-books/"+book+"/entries", admin, map[string]any{"product_id": p2, "unit_price": "50"})
		want(preview(b, p1, p2), "340.00", "340.00")

		// The rulebook: a tax rate (finance), then a rule on a family the
		// product is moved into.
		a.must(201, "POST", "/api/v1/tax-rates", tm.finance, map[string]any{"region": "US-CA", "tax_category": "standard", "rate_pct": "10", "name": "CA"})
		want(preview(b, p1), "240.00", "264.00")
		a.must(201, "POST", "/api/v1/price-rules", admin, map[string]any{"name": "Cables 25% off", "condition": `product.family == "cables"`,
			"action": "percent_discount", "value": "25"})
		want(preview(b, p1), "240.00", "264.00")
		a.must(200, "PATCH", "/api/v1/products/"+p1, admin, map[string]any{"family": "cables"})
		want(preview(b, p1), "180.00", "198.00")

		// A removed entry: b refuses to price the product, as a does.
		a.must(204, "DELETE", "/api/v1/price-books/"+book+"/entries/"+entry.str(t, "id"), admin, nil)
		b.must(422, "POST", "/api/v1/pricing/preview", tm.rep, map[string]any{"account_id": acc, "lines": []any{map[string]any{"product_id": p1, "quantity": "1"}}})
	})
}
