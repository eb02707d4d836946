package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/quotient-cpq/quotient/store/storetest"
)

func TestPricingAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		a := start(t, db, nil)
		tm := a.makeTeam()
		admin := tm.admin
		srv := a.must(201, "POST", "/api/v1/products", admin, serverProduct()).str(t, "id") // hardware, cpu c8/c16 (+500.5), disk_tb 1-64
		svc := a.must(201, "POST", "/api/v1/products", admin, map[string]any{"sku": "PS-1", "name": "Install", "family": "services", "kind": "service", "tax_category": "services"}).str(t, "id")
		book := a.must(201, "POST", "/api/v1/price-books", admin, map[string]any{"name": "USD", "currency": "USD", "is_default": true}).str(t, "id")
		eur := a.must(201, "POST", "/api/v1/price-books", admin, map[string]any{"name": "EUR", "currency": "EUR", "is_default": true}).str(t, "id")
		a.must(201, "POST", "/api/v1/price-books/"+book+"/entries", admin, map[string]any{"product_id": srv, "unit_price": "1000", "option_prices": map[string]any{"cpu.c16": "400"}})
		a.must(201, "POST", "/api/v1/price-books/"+book+"/entries", admin, map[string]any{"product_id": svc, "unit_price": "150"})
		a.must(201, "POST", "/api/v1/tax-rates", tm.finance, map[string]any{"region": "US", "tax_category": "standard", "rate_pct": "6.25", "name": "US standard"})
		a.must(201, "POST", "/api/v1/tax-rates", admin, map[string]any{"region": "US-CA", "tax_category": "standard", "rate_pct": "7.25", "name": "California"})
		a.must(403, "POST", "/api/v1/tax-rates", tm.rep, map[string]any{"region": "DE", "rate_pct": "19", "name": "DE"})
		acc := a.must(201, "POST", "/api/v1/accounts", tm.rep, map[string]any{"name": "Pricing Co", "currency": "USD", "segment": "enterprise", "tax_region": "US-CA"}).str(t, "id")
		if f := a.must(422, "PATCH", "/api/v1/accounts/"+acc, tm.rep, map[string]any{"price_book_id": eur}).field(t); f != "price_book_id" {
			t.Fatalf("EUR book on a USD account: field %q", f)
		}

		// Schedules: contiguous tiers or 422.
		gap := map[string]any{"name": "gap", "type": "slab", "family": "hardware", "tiers": []any{
			map[string]any{"from": "1", "to": "10", "discount_pct": "0"}, map[string]any{"from": "12", "discount_pct": "5"}}}
		if f := a.must(422, "POST", "/api/v1/discount-schedules", admin, gap).field(t); f != "tiers[1].from" {
			t.Fatalf("gap: field %q", f)
		}
		a.must(201, "POST", "/api/v1/discount-schedules", admin, map[string]any{"name": "HW volume", "type": "range", "family": "hardware", "tiers": []any{
			map[string]any{"from": "1", "to": "10", "discount_pct": "0"}, map[string]any{"from": "10", "discount_pct": "10"}}})

		// Bad rules are 422 at save, naming the field, never a crash.
		bad := []struct{ cond, want string }{
			{"line.quantity >=", "line 1"},
			{"line.qty > 5", "qty"},
			{"line.quantity", "true or false"},
			{"1..1e9", ""},
			{strings.Repeat("(", 200) + "true" + strings.Repeat(")", 200), "nested"},
			{strings.Repeat("1", 1000000), "characters long"},
		}
		for _, b := range bad {
			r := a.must(422, "POST", "/api/v1/price-rules", admin, map[string]any{"name": "bad", "condition": b.cond, "action": "percent_discount", "value": "5"})
			if r.field(t) != "condition" || !strings.Contains(string(r.body), b.want) {
				t.Errorf("bad rule %.40q: %.300s", b.cond, r.body)
			}
		}
		if f := a.must(422, "POST", "/api/v1/price-rules", admin, map[string]any{"name": "f", "condition": "true", "action": "formula", "formula": "product.family"}).field(t); f != "formula" {
			t.Fatalf("formula giving text: field %q", f)
		}
		a.must(403, "POST", "/api/v1/price-rules", tm.manager, map[string]any{"name": "x", "condition": "true", "action": "percent_discount", "value": "1"})

		rule := a.must(201, "POST", "/api/v1/price-rules", admin, map[string]any{"name": "Enterprise hardware", "priority": 10,
			"condition": "account.segment == 'enterprise' and product.family == 'hardware' and line.quantity >= 5", "action": "percent_discount", "value": "5"})
		a.must(201, "POST", "/api/v1/price-rules", admin, map[string]any{"name": "Big services", "priority": 20,
			"condition": "product.family == 'services' and line.quantity >= 50", "action": "amount_discount", "value": "10"})

		req := map[string]any{"account_id": acc, "pricing_date": "2026-11-26", "header_discount_pct": "2", "lines": []any{
			map[string]any{"product_id": srv, "quantity": "12", "configuration": map[string]any{"cpu": "c16", "disk_tb": "8"}, "manual_discount_pct": "1"},
			map[string]any{"product_id": svc, "quantity": 3},
		}}
		first := a.must(200, "POST", "/api/v1/pricing/preview", tm.rep, req)
		p := first.json(t)
		lines := p["lines"].([]any)
		l1, l2 := lines[0].(map[string]any), lines[1].(map[string]any)
		// 1000 + 400 (c16 in this book) = 1400; range 10% → 1260; rule 5% → 1197; rep 1% → 1185.03; ×12 = 14220.36
		if l1["list_price"] != "1400.00" || l1["unit_price"] != "1185.03" {
			t.Fatalf("line 1: %v", l1)
		}
		// Header 2% of (14220.36 + 450) = 293.41, split by largest remainder.
		if p["subtotal"] != "17250.00" || p["net_total"] != "14376.95" || l1["tax_rate_pct"] != "7.25" || l2["tax_amount"] != "0.00" {
			t.Fatalf("totals: subtotal %v net %v; line 1 %v; line 2 %v", p["subtotal"], p["net_total"], l1["tax_rate_pct"], l2)
		}
		trace := string(first.body)
		for _, want := range []string{`"step":"option"`, `"step":"schedule"`, `"step":"rule","ref_id":"` + rule.str(t, "id"),
			`condition false: product.family == 'services' and line.quantity \u003e= 50 (product.family is \"services\", line.quantity is 3)`,
			`"step":"header_discount"`, `"step":"tax"`} {
			if !strings.Contains(trace, want) && !strings.Contains(strings.ReplaceAll(trace, `\u003e`, ">"), strings.ReplaceAll(want, `\u003e`, ">")) {
				t.Errorf("trace lacks %s", want)
			}
		}
		if p["rulebook_version"] == nil || len(p["input_hash"].(string)) != 64 {
			t.Fatalf("version/hash: %v %v", p["rulebook_version"], p["input_hash"])
		}
		// Deterministic: the same request gives the same bytes.
		if again := a.must(200, "POST", "/api/v1/pricing/preview", tm.rep, req); !bytes.Equal(again.body, first.body) {
			t.Fatal("pricing the same input twice gave different output")
		}
		// Bad lines name the line and the field.
		badReq := map[string]any{"account_id": acc, "lines": []any{map[string]any{"product_id": srv, "quantity": "1", "configuration": map[string]any{"cpu": "c99"}}}}
		if f := a.must(422, "POST", "/api/v1/pricing/preview", tm.rep, badReq).field(t); f != "lines[0].configuration.cpu" {
			t.Fatalf("bad option: field %q", f)
		}

		// Configuration rules shape what is priced: a selection rule picks
		// c16 (+400 in this book) for big disks; a validation rule rejects.
		a.must(201, "POST", "/api/v1/products/"+srv+"/rules", admin, map[string]any{"name": "big disks need c16", "kind": "selection",
			"condition": "config.disk_tb > 32", "action": map[string]any{"attribute": "cpu", "value": "c16"}})
		a.must(201, "POST", "/api/v1/products/"+srv+"/rules", admin, map[string]any{"name": "no 64 TB without rails", "kind": "validation",
			"condition": "config.disk_tb == 64 and !config.rails", "message": "64 TB needs rails"})
		sel := a.must(200, "POST", "/api/v1/pricing/preview", tm.rep, map[string]any{"account_id": acc, "lines": []any{
			map[string]any{"product_id": srv, "quantity": "1", "configuration": map[string]any{"cpu": "", "disk_tb": "40"}}}}).json(t)
		sl := sel["lines"].([]any)[0].(map[string]any)
		if sl["list_price"] != "1400.00" || sl["configuration"].(map[string]any)["cpu"] != "c16" {
			t.Fatalf("selection rule not priced: %v", sl)
		}
		rej := a.must(422, "POST", "/api/v1/pricing/preview", tm.rep, map[string]any{"account_id": acc, "lines": []any{
			map[string]any{"product_id": srv, "quantity": "1", "configuration": map[string]any{"disk_tb": "64", "rails": false}}}})
		if rej.field(t) != "lines[0].configuration.disk_tb" || !strings.Contains(string(rej.body), "no 64 TB without rails") {
			t.Fatalf("validation rule: %s", rej.body)
		}

		// Editing a rule makes a new version and a new rulebook version.
		v1 := p["rulebook_version"].(float64)
		a.must(200, "PATCH", "/api/v1/price-rules/"+rule.str(t, "id"), admin, map[string]any{"value": "6"}, "If-Match", rule.header.Get("ETag"))
		if vs := a.must(200, "GET", "/api/v1/price-rules/"+rule.str(t, "id")+"/versions", tm.rep, nil).list(t); len(vs) != 2 || vs[0]["value"] != "5" || vs[1]["value"] != "6" {
			t.Fatalf("versions: %v", vs)
		}
		p2 := a.must(200, "POST", "/api/v1/pricing/preview", tm.rep, req).json(t)
		if p2["rulebook_version"].(float64) <= v1 || p2["input_hash"] == p["input_hash"] {
			t.Fatalf("rulebook version %v after %v", p2["rulebook_version"], v1)
		}

		// The lint finds rules that cannot match and conflicting pairs, and
		// a line where both match says so.
		a.must(201, "POST", "/api/v1/price-rules", admin, map[string]any{"name": "Ghost", "condition": "product.family == 'ghosts'", "action": "set_price", "value": "1"})
		a.must(201, "POST", "/api/v1/price-rules", admin, map[string]any{"name": "Stop A", "priority": 50, "stackable": false, "condition": "product.family == 'hardware'", "action": "percent_discount", "value": "1"})
		a.must(201, "POST", "/api/v1/price-rules", admin, map[string]any{"name": "Stop B", "priority": 50, "stackable": false, "condition": "product.sku == 'SRV-T1'", "action": "percent_discount", "value": "2"})
		check := string(a.must(200, "POST", "/api/v1/price-rules/check", admin, nil).body)
		if !strings.Contains(check, `"kind":"never_matches"`) || !strings.Contains(check, `"kind":"conflict"`) || !strings.Contains(check, "Ghost") {
			t.Fatalf("check: %s", check)
		}
		p3 := a.must(200, "POST", "/api/v1/pricing/preview", tm.rep, req).json(t)
		if p3["has_conflicts"] != true {
			t.Fatal("conflict not reported on the priced line")
		}
	})
}
