package main

import (
	"strings"
	"testing"

	"github.com/quotient-cpq/quotient/store/storetest"
)

// FuzzRequests sends arbitrary bodies and query strings to the write and
// list endpoints of a real server: no input may produce a 5xx, and every
// error must be problem JSON.
func FuzzRequests(f *testing.F) {
	a := start(f, storetest.SQLiteURL(f), nil)
	acc := a.must(201, "POST", "/api/v1/accounts", testBootstrap, map[string]any{"name": "Fuzz", "currency": "USD"}).str(f, "id")
	book := a.must(201, "POST", "/api/v1/price-books", testBootstrap, map[string]any{"name": "Fuzz", "currency": "JPY"}).str(f, "id")
	targets := []struct{ method, path string }{
		{"POST", "/api/v1/accounts"},
		{"PATCH", "/api/v1/accounts/" + acc},
		{"POST", "/api/v1/accounts/" + acc + "/contacts"},
		{"POST", "/api/v1/opportunities"},
		{"POST", "/api/v1/products"},
		{"POST", "/api/v1/price-books"},
		{"POST", "/api/v1/price-books/" + book + "/entries"},
		{"POST", "/api/v1/users"},
		{"POST", "/api/v1/tokens"},
		{"GET", "/api/v1/accounts"},
		{"GET", "/api/v1/products"},
		{"POST", "/api/v1/warehouses"},
		{"POST", "/api/v1/inventory/receipts"},
		{"POST", "/api/v1/inventory/adjustments"},
		{"POST", "/api/v1/orders/ord_nope/fulfillments"},
		{"POST", "/api/v1/ledger/accounts"},
		{"POST", "/api/v1/ledger/entries"},
		{"POST", "/api/v1/ledger/periods/2026-10/close"},
		{"GET", "/api/v1/reports/trial-balance"},
		{"GET", "/api/v1/ledger/accounts/1000/ledger"},
		{"GET", "/api/v1/ledger/entries"},
		{"POST", "/api/v1/credit-notes"},
		{"POST", "/api/v1/payments"},
		{"POST", "/api/v1/dunning-levels"},
		{"GET", "/api/v1/reports/customer-statement"},
		{"GET", "/api/v1/reports/ar-reconciliation"},
		{"GET", "/api/v1/accounts/" + acc + "/summary"},
		{"POST", "/api/v1/commission-plans"},
		{"POST", "/api/v1/cases"},
		{"POST", "/api/v1/commissions/recalculate"},
		{"GET", "/api/v1/reports/kpis"},
		{"GET", "/api/v1/commissions"},
	}
	seeds := []string{`{"name":"a","currency":"USD"}`, `{"credit_limit":1e400}`, `{"attributes":[{"code":"x","type":"number","min":"9","max":"1"}]}`,
		`{"components":[{"product_id":"` + acc + `","quantity":"0.0000001"}]}`, `{"unit_price":"-0","option_prices":{"a.b":"1"}}`,
		`{"account_id":"` + acc + `","name":"n","close_date":"2027-02-30"}`, `[`, `null`, `{"name":"\ud800"}`, `{"email":"a@b","role":"admin","name":"x"}`,
		`{"date":"0000-01-01","currency":"JPY","lines":[{"account_code":"1000","debit":"1"},{"account_code":"4000","credit":"1"}]}`,
		`{"warehouse_id":"x","lines":[{"order_line_id":"y","quantity":"1e9"}]}`, `{"code":"9","name":"n","type":"asset"}`,
		`{"invoice_id":"inv_x","amount":"-0","lines":[{"order_line_id":"o","quantity":"1.0000001"}],"reason":"r"}`,
		`{"level":1,"name":"n","days_overdue":7,"subject":"{{.X}}","body":"{{template \"a\"}}"}`,
		`{"name":"p","basis":"paid","base_rate_pct":"10","valid_from":"2026-01-01","rules":[{"name":"r","condition":"rep.attainment_pct >= 1e9","rate_pct":"12"}]}`,
		`{"account_id":"` + acc + `","subject":"s","priority":"urgent","status":"closed"}`, `{"period":"2026-99"}`}
	for i, s := range seeds {
		f.Add(uint8(i), s, "limit=5&q=a%25b")
		f.Add(uint8(i+12), s, "currency=USD&as_of=0000-12-31&from=9999-99-99")
		f.Add(uint8(i+30), s, "account_id="+acc+"&from=2026-02-01&to=2026-01-01&currency=JPY")
	}
	f.Fuzz(func(t *testing.T, which uint8, body, query string) {
		tg := targets[int(which)%len(targets)]
		path := tg.path
		if tg.method == "GET" {
			path += "?" + strings.Map(func(r rune) rune {
				if r < 0x21 || r > 0x7e || r == '#' {
					return -1
				}
				return r
			}, query)
		}
		var b any
		if tg.method != "GET" {
			b = body
		}
		r := a.with(t).call(tg.method, path, testBootstrap, b)
		if r.status >= 500 {
			t.Fatalf("%s %s with %q: status %d: %s", tg.method, path, body, r.status, r.body)
		}
		if r.status >= 400 && r.header.Get("Content-Type") != "application/problem+json" {
			t.Fatalf("%s %s: error without problem JSON: %d %s", tg.method, path, r.status, r.header.Get("Content-Type"))
		}
	})
}
