package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/quotient-cpq/quotient/server"
	"github.com/quotient-cpq/quotient/store/storetest"
)

// TestQuoteLifecycle: a quote from an opportunity, priced with its
// configuration rules; drafts alone change (stale ETags refused); approval
// by the manager, rejection back to draft; prices frozen once approved;
// revision, the diff, approvals carried over or asked again; PDF, versions
// and history. Steps decode into the API's types.
func TestQuoteLifecycle(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		a := start(t, db, nil)
		tm := a.makeTeam()
		admin := tm.admin
		srv := as[server.ProductJSON](t, a.must(201, "POST", "/api/v1/products", admin, serverProduct())).ID
		book := as[server.PriceBookJSON](t, a.must(201, "POST", "/api/v1/price-books", admin, map[string]any{"name": "USD", "currency": "USD", "is_default": true})).ID
		a.must(201, "POST", "/api/v1/price-books/"+book+"/entries", admin, map[string]any{"product_id": srv, "unit_price": "1000", "option_prices": map[string]any{"cpu.c16": "400"}})
		a.must(201, "POST", "/api/v1/products/"+srv+"/rules", admin, map[string]any{"name": "big disks need c16", "kind": "selection",
			"condition": "config.disk_tb > 32", "action": map[string]any{"attribute": "cpu", "value": "c16"}})
		acc := as[server.AccountJSON](t, a.must(201, "POST", "/api/v1/accounts", tm.rep, map[string]any{"name": "Quote Co", "currency": "USD", "segment": "enterprise"})).ID
		contact := as[server.ContactJSON](t, a.must(201, "POST", "/api/v1/accounts/"+acc+"/contacts", tm.rep, map[string]any{"name": "Buyer", "email": "buyer@quote.example"})).ID
		opp := as[server.OpportunityJSON](t, a.must(201, "POST", "/api/v1/opportunities", tm.rep, map[string]any{"account_id": acc, "name": "Servers", "close_date": "2027-03-31"})).ID
		line := func(discount string) []any {
			return []any{map[string]any{"product_id": srv, "quantity": "2", "configuration": map[string]any{"disk_tb": "40"}, "manual_discount_pct": discount}}
		}
		var id, etag string
		s := scenario{t, a}

		s.step("discounts over 10 % need the rep's manager", func(t *testing.T, a *instance) {
			if f := a.must(422, "POST", "/api/v1/approval-rules", admin, map[string]any{"name": "bad", "condition": "quote.discount", "approver_kind": "manager"}).field(t); f != "condition" {
				t.Fatalf("bad approval rule: %q", f)
			}
			a.must(201, "POST", "/api/v1/approval-rules", admin, map[string]any{"name": "Deep discount", "condition": "quote.discount_pct > 10", "approver_kind": "manager"})
			a.must(403, "POST", "/api/v1/approval-rules", tm.manager, map[string]any{"name": "x", "condition": "true", "approver_kind": "manager"})
		})

		s.step("a quote from the opportunity, configured by its rules and priced", func(t *testing.T, a *instance) {
			if f := a.must(422, "POST", "/api/v1/quotes", tm.rep, map[string]any{"opportunity_id": opp, "lines": []any{
				map[string]any{"product_id": srv, "quantity": "1", "configuration": map[string]any{"disk_tb": "99"}}}}).field(t); f != "lines[0].configuration.disk_tb" {
				t.Fatalf("bad configuration: %q", f)
			}
			a.must(403, "POST", "/api/v1/quotes", tm.outsider, map[string]any{"opportunity_id": opp, "lines": line("15")})
			r := a.must(201, "POST", "/api/v1/quotes", tm.rep, map[string]any{"opportunity_id": opp, "contact_id": contact, "terms": "Net 30", "lines": line("15")})
			q := as[server.QuoteJSON](t, r)
			id, etag = q.ID, r.header.Get("ETag")
			if !strings.HasPrefix(q.Number, "Q-") || q.Status != "draft" || q.Version != 1 || q.AccountID != acc || etag != fmt.Sprintf(`"v1.%d"`, q.Revision) {
				t.Fatalf("quote: %+v", q)
			}
			// c16 selected by the rule: 1400, less 15% = 1190 × 2.
			if l0 := q.Lines[0]; l0.Configuration["cpu"] != "c16" || q.Subtotal != "2800.00" || q.Total != "2380.00" || len(l0.Trace) == 0 {
				t.Fatalf("priced: %s / %+v", q.Total, l0)
			}
		})

		s.step("only drafts change; a stale ETag is 412", func(t *testing.T, a *instance) {
			a.must(200, "PATCH", "/api/v1/quotes/"+id, tm.rep, map[string]any{"notes": "first draft"}, "If-Match", etag)
			a.must(412, "PATCH", "/api/v1/quotes/"+id, tm.rep, map[string]any{"notes": "stale"}, "If-Match", etag)
			a.must(403, "PATCH", "/api/v1/quotes/"+id, tm.outsider, map[string]any{"notes": "not mine"})
			a.must(422, "PATCH", "/api/v1/quotes/"+id, tm.rep, map[string]any{"account_id": "acc_other"})
		})

		s.step("15 % goes to the manager, who rejects it; 12 % is approved; prices freeze", func(t *testing.T, a *instance) {
			sub := as[server.SubmissionJSON](t, a.must(200, "POST", "/api/v1/quotes/"+id+"/submit", tm.rep, nil))
			if sub.Quote.Status != "pending_approval" || len(sub.Approvals) != 1 {
				t.Fatalf("submit: %+v", sub)
			}
			a.must(409, "PATCH", "/api/v1/quotes/"+id, tm.rep, map[string]any{"notes": "after submit"})
			a.must(409, "POST", "/api/v1/quotes/"+id+"/submit", tm.rep, nil)
			a.must(403, "POST", "/api/v1/quotes/"+id+"/approve", tm.rep, map[string]any{"comment": "self"}) // nobody approves their own
			a.must(403, "POST", "/api/v1/quotes/"+id+"/approve", tm.outsider, map[string]any{"comment": "not the approver"})
			if r := a.must(422, "POST", "/api/v1/quotes/"+id+"/reject", tm.manager, map[string]any{}); r.field(t) != "comment" {
				t.Fatalf("reject without comment: %s", r.body)
			}
			if rej := as[server.SubmissionJSON](t, a.must(200, "POST", "/api/v1/quotes/"+id+"/reject", tm.manager, map[string]any{"comment": "too deep"})); rej.Quote.Status != "draft" {
				t.Fatalf("rejected: %+v", rej)
			}
			a.must(200, "PATCH", "/api/v1/quotes/"+id, tm.rep, map[string]any{"lines": line("12")})
			a.must(200, "POST", "/api/v1/quotes/"+id+"/submit", tm.rep, nil)
			if ok := as[server.SubmissionJSON](t, a.must(200, "POST", "/api/v1/quotes/"+id+"/approve", tm.manager, map[string]any{"comment": "fine"})); ok.Quote.Status != "approved" {
				t.Fatalf("approve: %+v", ok)
			}
			a.must(409, "POST", "/api/v1/quotes/"+id+"/price", tm.rep, nil) // prices are frozen outside draft
			// A price change does not touch the approved version.
			entries := page[server.EntryJSON](t, a.must(200, "GET", "/api/v1/price-books/"+book+"/entries", admin, nil))
			a.must(200, "PATCH", "/api/v1/price-books/"+book+"/entries/"+entries[0].ID, admin, map[string]any{"unit_price": "1100"})
			if got := as[server.QuoteJSON](t, a.must(200, "GET", "/api/v1/quotes/"+id, tm.rep, nil)).Total; got != "2464.00" {
				t.Fatalf("approved total changed to %s", got)
			}
		})

		s.step("revise: version 2 is a draft at the new price; the same discount carries the approval over", func(t *testing.T, a *instance) {
			rr := a.must(200, "POST", "/api/v1/quotes/"+id+"/revise", tm.rep, nil)
			rv := as[server.QuoteJSON](t, rr)
			// The ETag names the version the body shows; version 1's tag no
			// longer matches, even where the revision counters coincide.
			if tag := rr.header.Get("ETag"); tag != fmt.Sprintf(`"v2.%d"`, rv.Revision) {
				t.Fatalf("ETag %s for version %d revision %d", tag, rv.Version, rv.Revision)
			}
			a.must(412, "PATCH", "/api/v1/quotes/"+id, tm.rep, map[string]any{"notes": "on version 1"}, "If-Match", fmt.Sprintf(`"v1.%d"`, rv.Revision))
			if rv.Version != 2 || rv.Status != "draft" || rv.Total != "2640.00" {
				t.Fatalf("revise: version %d status %s total %s", rv.Version, rv.Status, rv.Total)
			}
			if v1 := as[server.QuoteJSON](t, a.must(200, "GET", "/api/v1/quotes/"+id+"?version=1", tm.rep, nil)); v1.Status != "superseded" {
				t.Fatalf("version 1: %s", v1.Status)
			}
			diff := as[server.DiffJSON](t, a.must(200, "GET", "/api/v1/quotes/"+id+"/diff?from=1&to=2", tm.rep, nil))
			if len(diff.Changed) != 1 || !strings.Contains(strings.Join(diff.Changed[0].StepsAdded, ";"), "1100") {
				t.Fatalf("diff: %+v", diff)
			}
			sub2 := as[server.SubmissionJSON](t, a.must(200, "POST", "/api/v1/quotes/"+id+"/submit", tm.rep, nil))
			if sub2.Quote.Status != "approved" || len(sub2.Approvals) != 1 || sub2.Approvals[0].CarriedFrom == nil || *sub2.Approvals[0].CarriedFrom != 1 {
				t.Fatalf("carry-over: %+v", sub2)
			}
		})

		s.step("a deeper discount in version 3 asks again; PDF, versions, history, the list", func(t *testing.T, a *instance) {
			a.must(200, "POST", "/api/v1/quotes/"+id+"/revise", tm.rep, nil)
			a.must(200, "PATCH", "/api/v1/quotes/"+id, tm.rep, map[string]any{"lines": line("20")})
			if st := as[server.SubmissionJSON](t, a.must(200, "POST", "/api/v1/quotes/"+id+"/submit", tm.rep, nil)).Quote.Status; st != "pending_approval" {
				t.Fatalf("deeper discount: %s", st)
			}
			pdf := a.must(200, "GET", "/api/v1/quotes/"+id+"/pdf?version=1", tm.finance, nil)
			if pdf.header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(string(pdf.body), "%PDF-") {
				t.Fatalf("pdf: %s %.20q", pdf.header.Get("Content-Type"), pdf.body)
			}
			a.must(404, "GET", "/api/v1/quotes/qt_nope/pdf", tm.rep, nil)
			if n := len(page[server.QuoteJSON](t, a.must(200, "GET", "/api/v1/quotes/"+id+"/versions", tm.rep, nil))); n != 3 {
				t.Fatalf("versions: %d", n)
			}
			kinds := ""
			for _, e := range page[server.EventJSON](t, a.must(200, "GET", "/api/v1/quotes/"+id+"/history", tm.finance, nil)) {
				kinds += e.Kind + ","
			}
			for _, k := range []string{"created", "submitted", "rejected", "approved", "revised"} {
				if !strings.Contains(kinds, k) {
					t.Fatalf("history lacks %s: %s", k, kinds)
				}
			}
			if n := len(page[server.QuoteJSON](t, a.must(200, "GET", "/api/v1/quotes?opportunity_id="+opp, tm.finance, nil))); n != 1 {
				t.Fatalf("list: %d", n)
			}
			// A product on a quote is deactivated, not deleted.
			if p := as[server.ProductJSON](t, a.must(200, "DELETE", "/api/v1/products/"+srv, admin, nil)); p.Active {
				t.Fatal("product on a quote was deleted")
			}
		})
	})
}
