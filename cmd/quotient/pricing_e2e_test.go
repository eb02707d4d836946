package main

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/quotient-cpq/quotient/server"
	"github.com/quotient-cpq/quotient/store/storetest"
)

// TestPricingAPI builds a small rulebook through the API (tax rates,
// volume schedules, price rules, configuration rules), prices lines with
// the full trace, and checks that bad rules are refused at save, that the
// same input prices to the same bytes, that editing a rule makes a new
// version of it and of the rulebook, and that the lint finds what cannot
// match and what conflicts.
func TestPricingAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		sc := scenario{t, start(t, db, nil)}
		tm := sc.a.makeTeam()
		admin := tm.admin
		var srv, svc, acc string
		var rule server.PriceRuleJSON
		var ruleETag string
		var req map[string]any
		var first server.PricingJSON

		sc.step("products, books, tax rates; a book in another currency is refused", func(t *testing.T, a *instance) {
			srv = as[server.ProductJSON](t, a.must(201, "POST", "/api/v1/products", admin, serverProduct())).ID // hardware, cpu c8/c16 (+500.5), disk_tb 1-64
			svc = as[server.ProductJSON](t, a.must(201, "POST", "/api/v1/products", admin, map[string]any{"sku": "PS-1", "name": "Install", "family": "services", "kind": "service", "tax_category": "services"})).ID
			book := as[server.PriceBookJSON](t, a.must(201, "POST", "/api/v1/price-books", admin, map[string]any{"name": "USD", "currency": "USD", "is_default": true})).ID
			eur := as[server.PriceBookJSON](t, a.must(201, "POST", "/api/v1/price-books", admin, map[string]any{"name": "EUR", "currency": "EUR", "is_default": true})).ID
			a.must(201, "POST", "/api/v1/price-books/"+book+"/entries", admin, map[string]any{"product_id": srv, "unit_price": "1000", "option_prices": map[string]any{"cpu.c16": "400"}})
			a.must(201, "POST", "/api/v1/price-books/"+book+"/entries", admin, map[string]any{"product_id": svc, "unit_price": "150"})
			a.must(201, "POST", "/api/v1/tax-rates", tm.finance, map[string]any{"region": "US", "tax_category": "standard", "rate_pct": "6.25", "name": "US standard"})
			a.must(201, "POST", "/api/v1/tax-rates", admin, map[string]any{"region": "US-CA", "tax_category": "standard", "rate_pct": "7.25", "name": "California"})
			a.must(403, "POST", "/api/v1/tax-rates", tm.rep, map[string]any{"region": "DE", "rate_pct": "19", "name": "DE"})
			acc = as[server.AccountJSON](t, a.must(201, "POST", "/api/v1/accounts", tm.rep, map[string]any{"name": "Pricing Co", "currency": "USD", "segment": "enterprise", "tax_region": "US-CA"})).ID
			if f := a.must(422, "PATCH", "/api/v1/accounts/"+acc, tm.rep, map[string]any{"price_book_id": eur}).field(t); f != "price_book_id" {
				t.Fatalf("EUR book on a USD account: field %q", f)
			}
		})

		sc.step("schedules need contiguous tiers; bad rules are 422 at save, naming the field, never a crash", func(t *testing.T, a *instance) {
			gap := map[string]any{"name": "gap", "type": "slab", "family": "hardware", "tiers": []any{
				map[string]any{"from": "1", "to": "10", "discount_pct": "0"}, map[string]any{"from": "12", "discount_pct": "5"}}}
			if f := a.must(422, "POST", "/api/v1/discount-schedules", admin, gap).field(t); f != "tiers[1].from" {
				t.Fatalf("gap: field %q", f)
			}
			a.must(201, "POST", "/api/v1/discount-schedules", admin, map[string]any{"name": "HW volume", "type": "range", "family": "hardware", "tiers": []any{
				map[string]any{"from": "1", "to": "10", "discount_pct": "0"}, map[string]any{"from": "10", "discount_pct": "10"}}})
			for _, b := range []struct{ cond, want string }{
				{"line.quantity >=", "line 1"},
				{"line.qty > 5", "qty"},
				{"line.quantity", "true or false"},
				{"1..1e9", ""},
				{strings.Repeat("(", 200) + "true" + strings.Repeat(")", 200), "nested"},
				{strings.Repeat("1", 1000000), "characters long"},
			} {
				r := a.must(422, "POST", "/api/v1/price-rules", admin, map[string]any{"name": "bad", "condition": b.cond, "action": "percent_discount", "value": "5"})
				if r.field(t) != "condition" || !strings.Contains(string(r.body), b.want) {
					t.Errorf("bad rule %.40q: %.300s", b.cond, r.body)
				}
			}
			if f := a.must(422, "POST", "/api/v1/price-rules", admin, map[string]any{"name": "f", "condition": "true", "action": "formula", "formula": "product.family"}).field(t); f != "formula" {
				t.Fatalf("formula giving text: field %q", f)
			}
			a.must(403, "POST", "/api/v1/price-rules", tm.manager, map[string]any{"name": "x", "condition": "true", "action": "percent_discount", "value": "1"})
			r := a.must(201, "POST", "/api/v1/price-rules", admin, map[string]any{"name": "Enterprise hardware", "priority": 10,
				"condition": "account.segment == 'enterprise' and product.family == 'hardware' and line.quantity >= 5", "action": "percent_discount", "value": "5"})
			rule, ruleETag = as[server.PriceRuleJSON](t, r), r.header.Get("ETag")
			if rule.Version != 1 || rule.Value != "5" || rule.Priority != 10 || !rule.Stackable {
				t.Fatalf("rule: %+v", rule)
			}
			a.must(201, "POST", "/api/v1/price-rules", admin, map[string]any{"name": "Big services", "priority": 20,
				"condition": "product.family == 'services' and line.quantity >= 50", "action": "amount_discount", "value": "10"})
		})

		sc.step("the waterfall: option, schedule, rule, manual and header discounts, tax; the same input gives the same bytes", func(t *testing.T, a *instance) {
			req = map[string]any{"account_id": acc, "pricing_date": "2026-11-26", "header_discount_pct": "2", "lines": []any{
				map[string]any{"product_id": srv, "quantity": "12", "configuration": map[string]any{"cpu": "c16", "disk_tb": "8"}, "manual_discount_pct": "1"},
				map[string]any{"product_id": svc, "quantity": 3},
			}}
			r := a.must(200, "POST", "/api/v1/pricing/preview", tm.rep, req)
			first = as[server.PricingJSON](t, r)
			l1, l2 := first.Lines[0], first.Lines[1]
			// 1000 + 400 (c16 in this book) = 1400; range 10% → 1260; rule 5% → 1197; rep 1% → 1185.03; ×12 = 14220.36
			if l1.ListPrice != "1400.00" || l1.UnitPrice != "1185.03" {
				t.Fatalf("line 1: %+v", l1)
			}
			// Header 2% of (14220.36 + 450) = 293.41, split by largest remainder.
			if first.Subtotal != "17250.00" || first.NetTotal != "14376.95" || l1.TaxRatePct != "7.25" || l2.TaxAmount != "0.00" || first.PricingDate != "2026-11-26" {
				t.Fatalf("totals: subtotal %s net %s; line 1 %s; line 2 %+v", first.Subtotal, first.NetTotal, l1.TaxRatePct, l2)
			}
			steps := map[string]server.StepJSON{}
			for _, st := range l1.Trace {
				steps[st.Step] = st
			}
			for _, want := range []string{"option", "schedule", "rule", "manual_discount", "header_discount", "tax"} {
				if _, ok := steps[want]; !ok {
					t.Errorf("line 1's trace lacks the %s step: %+v", want, l1.Trace)
				}
			}
			if steps["rule"].RefID != rule.ID || steps["rule"].Version != 1 {
				t.Errorf("the rule step names %s v%d, want %s v1", steps["rule"].RefID, steps["rule"].Version, rule.ID)
			}
			skipped := ""
			for _, st := range l2.Trace {
				if st.Step == "rule_skipped" {
					skipped += st.Detail + "; "
				}
			}
			if !strings.Contains(skipped, `condition false: product.family == 'services' and line.quantity >= 50 (product.family is "services", line.quantity is 3)`) {
				t.Errorf("line 2's skipped rules: %s", skipped)
			}
			if first.RulebookVersion < 1 || len(first.InputHash) != 64 {
				t.Fatalf("version/hash: %d %q", first.RulebookVersion, first.InputHash)
			}
			if again := a.must(200, "POST", "/api/v1/pricing/preview", tm.rep, req); !bytes.Equal(again.body, r.body) {
				t.Fatal("pricing the same input twice gave different output")
			}
			badReq := map[string]any{"account_id": acc, "lines": []any{map[string]any{"product_id": srv, "quantity": "1", "configuration": map[string]any{"cpu": "c99"}}}}
			if f := a.must(422, "POST", "/api/v1/pricing/preview", tm.rep, badReq).field(t); f != "lines[0].configuration.cpu" {
				t.Fatalf("bad option: field %q", f)
			}
		})

		sc.step("configuration rules shape what is priced: a selection picks c16 for big disks, a validation refuses", func(t *testing.T, a *instance) {
			a.must(201, "POST", "/api/v1/products/"+srv+"/rules", admin, map[string]any{"name": "big disks need c16", "kind": "selection",
				"condition": "config.disk_tb > 32", "action": map[string]any{"attribute": "cpu", "value": "c16"}})
			a.must(201, "POST", "/api/v1/products/"+srv+"/rules", admin, map[string]any{"name": "no 64 TB without rails", "kind": "validation",
				"condition": "config.disk_tb == 64 and !config.rails", "message": "64 TB needs rails"})
			sel := as[server.PricingJSON](t, a.must(200, "POST", "/api/v1/pricing/preview", tm.rep, map[string]any{"account_id": acc, "lines": []any{
				map[string]any{"product_id": srv, "quantity": "1", "configuration": map[string]any{"cpu": "", "disk_tb": "40"}}}}))
			if sl := sel.Lines[0]; sl.ListPrice != "1400.00" || sl.Configuration["cpu"] != "c16" {
				t.Fatalf("selection rule not priced: %+v", sl)
			}
			rej := a.must(422, "POST", "/api/v1/pricing/preview", tm.rep, map[string]any{"account_id": acc, "lines": []any{
				map[string]any{"product_id": srv, "quantity": "1", "configuration": map[string]any{"disk_tb": "64", "rails": false}}}})
			if rej.field(t) != "lines[0].configuration.disk_tb" || !strings.Contains(string(rej.body), "no 64 TB without rails") {
				t.Fatalf("validation rule: %s", rej.body)
			}
		})

		sc.step("editing a rule makes a new version of it and of the rulebook", func(t *testing.T, a *instance) {
			a.must(200, "PATCH", "/api/v1/price-rules/"+rule.ID, admin, map[string]any{"value": "6"}, "If-Match", ruleETag)
			vs := page[server.PriceRuleJSON](t, a.must(200, "GET", "/api/v1/price-rules/"+rule.ID+"/versions", tm.rep, nil))
			if len(vs) != 2 || vs[0].Value != "5" || vs[1].Value != "6" || vs[1].Version != 2 {
				t.Fatalf("versions: %+v", vs)
			}
			p2 := as[server.PricingJSON](t, a.must(200, "POST", "/api/v1/pricing/preview", tm.rep, req))
			if p2.RulebookVersion <= first.RulebookVersion || p2.InputHash == first.InputHash {
				t.Fatalf("rulebook version %d after %d", p2.RulebookVersion, first.RulebookVersion)
			}
		})

		sc.step("the lint finds rules that cannot match and conflicting pairs; a line where both match says so", func(t *testing.T, a *instance) {
			ghost := as[server.PriceRuleJSON](t, a.must(201, "POST", "/api/v1/price-rules", admin, map[string]any{"name": "Ghost", "condition": "product.family == 'ghosts'", "action": "set_price", "value": "1"}))
			a.must(201, "POST", "/api/v1/price-rules", admin, map[string]any{"name": "Stop A", "priority": 50, "stackable": false, "condition": "product.family == 'hardware'", "action": "percent_discount", "value": "1"})
			a.must(201, "POST", "/api/v1/price-rules", admin, map[string]any{"name": "Stop B", "priority": 50, "stackable": false, "condition": "product.sku == 'SRV-T1'", "action": "percent_discount", "value": "2"})
			check := as[server.CheckJSON](t, a.must(200, "POST", "/api/v1/price-rules/check", admin, nil))
			kinds := map[string][]string{}
			for _, f := range check.Findings {
				kinds[f.Kind] = append(kinds[f.Kind], f.RuleIDs...)
			}
			if !slices.Contains(kinds["never_matches"], ghost.ID) || len(kinds["conflict"]) != 2 {
				t.Fatalf("check: %+v", check.Findings)
			}
			if p3 := as[server.PricingJSON](t, a.must(200, "POST", "/api/v1/pricing/preview", tm.rep, req)); !p3.HasConflicts {
				t.Fatal("conflict not reported on the priced line")
			}
		})
	})
}
