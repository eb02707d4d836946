package main

import (
	"strings"
	"testing"
	"time"

	"github.com/quotient-cpq/quotient/server"
	"github.com/quotient-cpq/quotient/store/storetest"
)

// TestSubscriptionCreditedReduction walks a contract whose terms credit
// reductions: 5 of 50 seats removed from 20 April give back 11/30 of
// April's invoice for them in a credit note, which unwinds April's
// revenue schedule (deferred revenue falls with it); May is invoiced for
// 45. Then finance credits subscription invoices by line and by amount,
// before and after their revenue is recognised, and the books still
// agree with the schedules.
func TestSubscriptionCreditedReduction(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		clock := &fakeClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
		a, srv := clockedServer(t, db, clock, nil)
		sc := scenario{t, a}
		tm := a.makeTeam()
		fin := tm.finance
		f := newStockFixture(t, a, tm)
		acc := f.acc
		var seat, con string
		to := func(t *testing.T, day string) {
			t.Helper()
			d, _ := time.Parse(time.DateOnly, day)
			clock.Advance(d.Add(9 * time.Hour).Sub(clock.Now()))
			srv.worker.Subscriptions(t.Context())
		}
		contractOf := func(t *testing.T) server.ContractJSON {
			return as[server.ContractJSON](t, a.must(200, "GET", "/api/v1/contracts/"+con, tm.rep, nil))
		}
		invoices := func(t *testing.T) []server.InvoiceJSON {
			var out []server.InvoiceJSON
			for _, inv := range contractOf(t).Invoices {
				out = append(out, as[server.InvoiceJSON](t, a.must(200, "GET", "/api/v1/invoices/"+inv.ID, fin, nil)))
			}
			return out
		}
		deferred := func(t *testing.T, want string) {
			t.Helper()
			if bal := as[server.AccountLedgerJSON](t, a.must(200, "GET", "/api/v1/ledger/accounts/2400/ledger?currency=USD", fin, nil)).ClosingBalance; bal != want {
				t.Fatalf("deferred revenue: %s, want %s", bal, want)
			}
			if r := a.must(200, "GET", "/api/v1/admin/check", fin, nil).json(t); r["ok"] != true {
				t.Fatalf("check: %v", r)
			}
		}
		scheduled := func(t *testing.T, month, want string) {
			t.Helper()
			w := as[server.RevenueScheduleJSON](t, a.must(200, "GET", "/api/v1/reports/revenue-schedule?from="+month+"-01&to="+month+"-01&currency=USD", fin, nil))
			if len(w.Months) != 1 || w.Months[0].Scheduled != want {
				t.Fatalf("%s scheduled: %+v, want %s", month, w.Months, want)
			}
		}

		sc.step("a contract whose terms credit reductions", func(t *testing.T, a *instance) {
			seat = f.product(t, a, tm, map[string]any{"sku": "SEAT", "name": "Seat", "family": "software", "kind": "service", "uom": "user",
				"billing_type": "recurring", "billing_period": "month", "default_term_months": 12}, "40")
			q := as[server.QuoteJSON](t, a.must(201, "POST", "/api/v1/quotes", tm.rep, map[string]any{"account_id": acc,
				"lines": []any{map[string]any{"product_id": seat, "quantity": "50", "start_date": "2026-03-17"}}}))
			a.must(200, "POST", "/api/v1/quotes/"+q.ID+"/submit", tm.rep, nil)
			// The PDF gives the subscription's terms and its worth.
			pdfHas(t, a.must(200, "GET", "/api/v1/quotes/"+q.ID+"/pdf", tm.rep, nil).body, "Per month, from 2026-03-17 to", "2027-03-16, invoiced monthly",
				"Monthly fee, before tax $2,000.00", "Total over the term, before tax $24,000.00")
			a.must(201, "POST", "/api/v1/quotes/"+q.ID+"/convert", tm.rep, map[string]any{"signer_name": "Pat Buyer"})
			con = page[server.ContractJSON](t, a.must(200, "GET", "/api/v1/contracts?account_id="+acc, tm.rep, nil))[0].ID
			c := contractOf(t)
			if c.CreditReductions {
				t.Fatal("a new contract credits reductions")
			}
			if got := a.must(400, "PATCH", "/api/v1/contracts/"+con, tm.rep, map[string]any{"credit_reductions": "yes"}).field(t); got != "credit_reductions" {
				t.Fatalf("credit_reductions \"yes\": field %q", got)
			}
			c = as[server.ContractJSON](t, a.must(200, "PATCH", "/api/v1/contracts/"+con, tm.rep, map[string]any{"credit_reductions": true}))
			if !c.CreditReductions {
				t.Fatal("credit_reductions not saved")
			}
			to(t, "2026-03-17")
			to(t, "2026-04-01")
			deferred(t, "-2000.00") // March recognised; April's invoice deferred
			// The PDF gives each line its service period; March's is
			// prorated by days, not discounted.
			invs := invoices(t)
			pdf := a.must(200, "GET", "/api/v1/invoices/"+invs[0].ID+"/pdf", fin, nil).body
			pdfHas(t, pdf, "Service from 2026-03-17 to", "2026-03-31, prorated by days")
			if text, ok := pdfText(t, pdf); ok && strings.Contains(text, "Discounts") {
				t.Fatalf("March's invoice PDF shows its proration as a discount: %q", text)
			}
		})

		sc.step("5 seats fewer from 20 April: 11/30 of April's 200.00 for them credited, the schedule unwound", func(t *testing.T, a *instance) {
			to(t, "2026-04-20")
			q := as[server.QuoteJSON](t, a.must(201, "POST", "/api/v1/contracts/"+con+"/amend", tm.rep, nil))
			q = as[server.QuoteJSON](t, a.must(200, "PATCH", "/api/v1/quotes/"+q.ID, tm.rep, map[string]any{"lines": []any{map[string]any{"product_id": seat, "quantity": "45"}}}))
			// What the 5 seats would have cost from 20 April to the end:
			// 200.00 × 11/30 + 10 months + 200.00 × 16/31.
			if !q.ReductionsCredited || q.TCV != "-2176.56" {
				t.Fatalf("the reduction's quote: credited %v, tcv %s", q.ReductionsCredited, q.TCV)
			}
			a.must(200, "POST", "/api/v1/quotes/"+q.ID+"/submit", tm.rep, nil)
			pdfHas(t, a.must(200, "GET", "/api/v1/quotes/"+q.ID+"/pdf", tm.rep, nil).body, "the contract has 50", "Change to the monthly fee -$200.00")
			a.must(201, "POST", "/api/v1/quotes/"+q.ID+"/convert", tm.rep, map[string]any{"signer_name": "Pat Buyer"})
			invs := invoices(t)
			if len(invs) != 2 {
				t.Fatalf("invoices after the reduction: %d", len(invs))
			}
			cns := page[server.CreditNoteJSON](t, a.must(200, "GET", "/api/v1/credit-notes?invoice_id="+invs[1].ID, fin, nil))
			if len(cns) != 1 {
				t.Fatalf("credit notes of April's invoice: %+v", cns)
			}
			cn := as[server.CreditNoteJSON](t, a.must(200, "GET", "/api/v1/credit-notes/"+cns[0].ID, fin, nil))
			// 2000.00 × (5/50) × (11/30) = 73.333…, rounded once.
			if cn.NetTotal != "73.33" || cn.Applied != cn.Total || len(cn.Lines) != 1 || cn.Lines[0].Line != 1 || cn.Lines[0].Quantity != "0" {
				t.Fatalf("reduction's credit note: %+v", cn)
			}
			if invs[1].AmountDue != "1926.67" {
				t.Fatalf("April's invoice owes %s after the credit, want 1926.67", invs[1].AmountDue)
			}
			c := contractOf(t)
			if c.MRR != "1800.00" {
				t.Fatalf("MRR after the reduction: %s", c.MRR)
			}
			scheduled(t, "2026-04", "1926.67")
			deferred(t, "-1926.67")
			to(t, "2026-05-01")
			invs = invoices(t)
			if len(invs) != 3 || invs[2].NetTotal != "1800.00" {
				t.Fatalf("May's invoice: %+v", invs[len(invs)-1])
			}
			deferred(t, "-1800.00") // April recognised (what is left of it), May deferred
		})

		sc.step("finance credits a subscription invoice by line, and one whose revenue is recognised", func(t *testing.T, a *instance) {
			invs := invoices(t)
			may := invs[2]
			if may.Lines[0].Line != 1 || may.Lines[0].ServiceStart == nil || *may.Lines[0].ServiceStart != "2026-05-01" || *may.Lines[0].ServiceEnd != "2026-05-31" {
				t.Fatalf("May's line: %+v", may.Lines[0])
			}
			a.must(403, "POST", "/api/v1/credit-notes", tm.rep, map[string]any{"invoice_id": may.ID, "reason": "goodwill",
				"lines": []any{map[string]any{"line": 1, "quantity": "5"}}})
			if got := a.must(422, "POST", "/api/v1/credit-notes", fin, map[string]any{"invoice_id": may.ID, "reason": "goodwill",
				"lines": []any{map[string]any{"line": 2, "quantity": "5"}}}).field(t); got != "lines[0].line" {
				t.Fatalf("line 2 of a one-line invoice: field %q", got)
			}
			cn := as[server.CreditNoteJSON](t, a.must(201, "POST", "/api/v1/credit-notes", fin, map[string]any{"invoice_id": may.ID, "reason": "goodwill",
				"lines": []any{map[string]any{"line": 1, "quantity": "5"}}}))
			if cn.NetTotal != "200.00" || cn.Lines[0].Line != 1 {
				t.Fatalf("5 of 45 seats of May: %+v", cn)
			}
			scheduled(t, "2026-05", "1600.00")
			deferred(t, "-1600.00")
			// March is recognised: its credit comes off revenue, not deferred revenue.
			cn = as[server.CreditNoteJSON](t, a.must(201, "POST", "/api/v1/credit-notes", fin, map[string]any{"invoice_id": invs[0].ID, "reason": "outage",
				"amount": "10.00"}))
			if cn.Total != "10.00" {
				t.Fatalf("March's credit: %+v", cn)
			}
			scheduled(t, "2026-03", "967.74")
			deferred(t, "-1600.00")
			assertBalanced(t, a, fin, "USD", "2026-05-01")
			to(t, "2026-06-01")
			deferred(t, "-1800.00")
		})
	})
}

// pdfHas checks a PDF's text (its words, spaces collapsed) holds each of
// want, when pdftotext is installed.
func pdfHas(t *testing.T, pdf []byte, want ...string) {
	t.Helper()
	text, ok := pdfText(t, pdf)
	if !ok {
		return
	}
	flat := strings.Join(strings.Fields(text), " ")
	for _, w := range want {
		if !strings.Contains(flat, w) {
			t.Fatalf("the PDF has no %q: %q", w, flat)
		}
	}
}
