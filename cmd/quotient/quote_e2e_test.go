package main

import (
	"strings"
	"testing"

	"github.com/quotient-cpq/quotient/store/storetest"
)

func TestQuoteLifecycle(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		a := start(t, db, nil)
		tm := a.makeTeam()
		admin := tm.admin
		srv := a.must(201, "POST", "/api/v1/products", admin, serverProduct()).str(t, "id")
		book := a.must(201, "POST", "/api/v1/price-books", admin, map[string]any{"name": "USD", "currency": "USD", "is_default": true}).str(t, "id")
		a.must(201, "POST", "/api/v1/price-books/"+book+"/entries", admin, map[string]any{"product_id": srv, "unit_price": "1000", "option_prices": map[string]any{"cpu.c16": "400"}})
		a.must(201, "POST", "/api/v1/products/"+srv+"/rules", admin, map[string]any{"name": "big disks need c16", "kind": "selection",
			"condition": "config.disk_tb > 32", "action": map[string]any{"attribute": "cpu", "value": "c16"}})
		acc := a.must(201, "POST", "/api/v1/accounts", tm.rep, map[string]any{"name": "Quote Co", "currency": "USD", "segment": "enterprise"}).str(t, "id")
		contact := a.must(201, "POST", "/api/v1/accounts/"+acc+"/contacts", tm.rep, map[string]any{"name": "Buyer", "email": "buyer@quote.example"}).str(t, "id")
		opp := a.must(201, "POST", "/api/v1/opportunities", tm.rep, map[string]any{"account_id": acc, "name": "Servers", "close_date": "2027-03-31"}).str(t, "id")
		// Discounts over 10% need the rep's manager.
		if f := a.must(422, "POST", "/api/v1/approval-rules", admin, map[string]any{"name": "bad", "condition": "quote.discount", "approver_kind": "manager"}).field(t); f != "condition" {
			t.Fatalf("bad approval rule: %q", f)
		}
		a.must(201, "POST", "/api/v1/approval-rules", admin, map[string]any{"name": "Deep discount", "condition": "quote.discount_pct > 10", "approver_kind": "manager"})
		a.must(403, "POST", "/api/v1/approval-rules", tm.manager, map[string]any{"name": "x", "condition": "true", "approver_kind": "manager"})

		// Create from the opportunity; an invalid configuration names the rule.
		lines := []any{map[string]any{"product_id": srv, "quantity": "2", "configuration": map[string]any{"disk_tb": "40"}, "manual_discount_pct": "15"}}
		if f := a.must(422, "POST", "/api/v1/quotes", tm.rep, map[string]any{"opportunity_id": opp, "lines": []any{
			map[string]any{"product_id": srv, "quantity": "1", "configuration": map[string]any{"disk_tb": "99"}}}}).field(t); f != "lines[0].configuration.disk_tb" {
			t.Fatalf("bad configuration: %q", f)
		}
		a.must(403, "POST", "/api/v1/quotes", tm.outsider, map[string]any{"opportunity_id": opp, "lines": lines})
		q := a.must(201, "POST", "/api/v1/quotes", tm.rep, map[string]any{"opportunity_id": opp, "contact_id": contact, "terms": "Net 30", "lines": lines})
		qj := q.json(t)
		id := qj["id"].(string)
		if !strings.HasPrefix(qj["number"].(string), "Q-") || qj["status"] != "draft" || qj["version"] != float64(1) || qj["account_id"] != acc {
			t.Fatalf("quote: %v", qj)
		}
		l0 := qj["lines"].([]any)[0].(map[string]any)
		// c16 selected by the rule: 1400, less 15% = 1190 × 2
		if l0["configuration"].(map[string]any)["cpu"] != "c16" || qj["subtotal"] != "2800.00" || qj["total"] != "2380.00" || len(l0["trace"].([]any)) == 0 {
			t.Fatalf("priced: %v / %v", qj["total"], l0)
		}

		// Only drafts change; a stale ETag is 412.
		etag := q.header.Get("ETag")
		upd := a.must(200, "PATCH", "/api/v1/quotes/"+id, tm.rep, map[string]any{"notes": "first draft"}, "If-Match", etag)
		a.must(412, "PATCH", "/api/v1/quotes/"+id, tm.rep, map[string]any{"notes": "stale"}, "If-Match", etag)
		a.must(403, "PATCH", "/api/v1/quotes/"+id, tm.outsider, map[string]any{"notes": "not mine"})
		a.must(422, "PATCH", "/api/v1/quotes/"+id, tm.rep, map[string]any{"account_id": "acc_other"})
		_ = upd

		// Submit: 15% > 10% → pending the manager's approval.
		sub := a.must(200, "POST", "/api/v1/quotes/"+id+"/submit", tm.rep, nil).json(t)
		if sub["quote"].(map[string]any)["status"] != "pending_approval" || len(sub["approvals"].([]any)) != 1 {
			t.Fatalf("submit: %v", sub)
		}
		a.must(409, "PATCH", "/api/v1/quotes/"+id, tm.rep, map[string]any{"notes": "after submit"})
		a.must(409, "POST", "/api/v1/quotes/"+id+"/submit", tm.rep, nil)
		a.must(403, "POST", "/api/v1/quotes/"+id+"/approve", tm.rep, map[string]any{"comment": "self"}) // nobody approves their own
		a.must(403, "POST", "/api/v1/quotes/"+id+"/approve", tm.outsider, map[string]any{"comment": "not the approver"})
		if r := a.must(422, "POST", "/api/v1/quotes/"+id+"/reject", tm.manager, map[string]any{}); r.field(t) != "comment" {
			t.Fatalf("reject without comment: %s", r.body)
		}
		rej := a.must(200, "POST", "/api/v1/quotes/"+id+"/reject", tm.manager, map[string]any{"comment": "too deep"}).json(t)
		if rej["quote"].(map[string]any)["status"] != "draft" {
			t.Fatalf("rejected: %v", rej)
		}
		// The rep lowers the discount to 12% and resubmits; the manager approves.
		a.must(200, "PATCH", "/api/v1/quotes/"+id, tm.rep, map[string]any{"lines": []any{
			map[string]any{"product_id": srv, "quantity": "2", "configuration": map[string]any{"disk_tb": "40"}, "manual_discount_pct": "12"}}})
		a.must(200, "POST", "/api/v1/quotes/"+id+"/submit", tm.rep, nil)
		ok := a.must(200, "POST", "/api/v1/quotes/"+id+"/approve", tm.manager, map[string]any{"comment": "fine"}).json(t)
		if ok["quote"].(map[string]any)["status"] != "approved" {
			t.Fatalf("approve: %v", ok)
		}
		a.must(409, "POST", "/api/v1/quotes/"+id+"/price", tm.rep, nil) // prices are frozen outside draft

		// A price change does not touch the approved version.
		entries := a.must(200, "GET", "/api/v1/price-books/"+book+"/entries", admin, nil).list(t)
		a.must(200, "PATCH", "/api/v1/price-books/"+book+"/entries/"+entries[0]["id"].(string), admin, map[string]any{"unit_price": "1100"})
		if got := a.must(200, "GET", "/api/v1/quotes/"+id, tm.rep, nil).str(t, "total"); got != "2464.00" {
			t.Fatalf("approved total changed to %s", got)
		}

		// Revise: version 2 is a draft at the new price; version 1 is read-only.
		rv := a.must(200, "POST", "/api/v1/quotes/"+id+"/revise", tm.rep, nil).json(t)
		if rv["version"] != float64(2) || rv["status"] != "draft" || rv["total"] != "2640.00" {
			t.Fatalf("revise: version %v status %v total %v", rv["version"], rv["status"], rv["total"])
		}
		if v1 := a.must(200, "GET", "/api/v1/quotes/"+id+"?version=1", tm.rep, nil).json(t); v1["status"] != "superseded" {
			t.Fatalf("version 1: %v", v1["status"])
		}
		diff := a.must(200, "GET", "/api/v1/quotes/"+id+"/diff?from=1&to=2", tm.rep, nil).json(t)
		ch := diff["changed"].([]any)
		if len(ch) != 1 || !strings.Contains(strings.Join(toStrings(ch[0].(map[string]any)["steps_added"]), ";"), "1100") {
			t.Fatalf("diff: %v", diff)
		}
		// Same discount, so the manager's approval carries over.
		sub2 := a.must(200, "POST", "/api/v1/quotes/"+id+"/submit", tm.rep, nil).json(t)
		ap := sub2["approvals"].([]any)[0].(map[string]any)
		if sub2["quote"].(map[string]any)["status"] != "approved" || ap["carried_from"] != float64(1) {
			t.Fatalf("carry-over: %v", sub2)
		}
		// A deeper discount in version 3 asks again.
		a.must(200, "POST", "/api/v1/quotes/"+id+"/revise", tm.rep, nil)
		a.must(200, "PATCH", "/api/v1/quotes/"+id, tm.rep, map[string]any{"lines": []any{
			map[string]any{"product_id": srv, "quantity": "2", "configuration": map[string]any{"disk_tb": "40"}, "manual_discount_pct": "20"}}})
		if st := a.must(200, "POST", "/api/v1/quotes/"+id+"/submit", tm.rep, nil).json(t)["quote"].(map[string]any)["status"]; st != "pending_approval" {
			t.Fatalf("deeper discount: %v", st)
		}
		pdf := a.must(200, "GET", "/api/v1/quotes/"+id+"/pdf?version=1", tm.finance, nil)
		if pdf.header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(string(pdf.body), "%PDF-") {
			t.Fatalf("pdf: %s %.20q", pdf.header.Get("Content-Type"), pdf.body)
		}
		a.must(404, "GET", "/api/v1/quotes/qt_nope/pdf", tm.rep, nil)
		if n := len(a.must(200, "GET", "/api/v1/quotes/"+id+"/versions", tm.rep, nil).list(t)); n != 3 {
			t.Fatalf("versions: %d", n)
		}
		hist := a.must(200, "GET", "/api/v1/quotes/"+id+"/history", tm.finance, nil).list(t)
		kinds := ""
		for _, e := range hist {
			kinds += e["kind"].(string) + ","
		}
		for _, k := range []string{"created", "submitted", "rejected", "approved", "revised"} {
			if !strings.Contains(kinds, k) {
				t.Fatalf("history lacks %s: %s", k, kinds)
			}
		}
		if n := len(a.must(200, "GET", "/api/v1/quotes?opportunity_id="+opp, tm.finance, nil).list(t)); n != 1 {
			t.Fatalf("list: %d", n)
		}
		// A product on a quote is deactivated, not deleted.
		if a.must(200, "DELETE", "/api/v1/products/"+srv, admin, nil).json(t)["active"] != false {
			t.Fatal("product on a quote was deleted")
		}
	})
}

func toStrings(v any) []string {
	xs, _ := v.([]any)
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i], _ = x.(string)
	}
	return out
}
