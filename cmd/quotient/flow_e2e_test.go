package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/quotient-cpq/quotient/server"
	"github.com/quotient-cpq/quotient/store/storetest"
)

// str is the text of an optional field ("<nil>" when absent).
func str(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return *p
}

// TestWholeFlowOverTime runs order to cash over seven weeks on a fake
// clock: quote → accept → order → ship part → invoice → ship the rest →
// invoice → pay part → pay the rest with an overpayment → credit note,
// with every journal entry asserted to the cent, the trial balance zero
// after each step, and the aging, statements, reconciliation and PDFs at
// dates in between. Each day is a step; responses decode into the API's
// types.
func TestWholeFlowOverTime(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		day0 := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
		clock := &fakeClock{t: day0}
		a, _ := clockedServer(t, db, clock, nil)
		tm := a.makeTeam()
		fin := tm.finance
		f := newStockFixture(t, a, tm)
		disk := f.product(t, a, tm, map[string]any{"sku": "DISK", "name": "Disk 4 TB", "family": "hardware", "unit_cost": "40"}, "100")
		a.must(201, "POST", "/api/v1/tax-rates", fin, map[string]any{"region": "US-TX", "tax_category": "standard", "rate_pct": "8.25", "name": "Texas sales tax"})
		f.acc = as[server.AccountJSON](t, a.must(201, "POST", "/api/v1/accounts", tm.admin, map[string]any{"owner_id": tm.ids["Rep"], "name": "Alamo Storage", "currency": "USD",
			"tax_region": "US-TX", "payment_terms": "net_30",
			"billing_address": map[string]any{"line1": "1 Main St", "city": "San Antonio", "region": "TX", "country": "US"}})).ID
		at := func(days int) string { return day0.AddDate(0, 0, days).Format(time.DateOnly) }
		goTo := func(days int) { clock.Advance(day0.AddDate(0, 0, days).Sub(clock.Now()) + time.Hour) }
		balanced := func(t *testing.T, a *instance) {
			t.Helper()
			assertBalanced(t, a, fin, "USD", clock.Now().Format(time.DateOnly))
		}
		var o server.OrderJSON
		var line string
		var invA, invB server.InvoiceJSON
		var cn server.CreditNoteJSON
		ship := func(t *testing.T, a *instance, qty string) server.ShipmentJSON {
			return as[server.FulfillmentJSON](t, a.must(201, "POST", "/api/v1/orders/"+o.ID+"/fulfillments", tm.admin, map[string]any{"warehouse_id": f.sfo,
				"lines": []any{map[string]any{"order_line_id": line, "quantity": qty}}})).Shipment
		}
		invoices := func(t *testing.T, a *instance) []server.InvoiceJSON {
			return page[server.InvoiceJSON](t, a.must(200, "GET", "/api/v1/invoices?order_id="+o.ID, fin, nil))
		}
		s := scenario{t, a}

		s.step("day 0: ten disks arrive at cost 40; three are accepted, two ship and are invoiced", func(t *testing.T, a *instance) {
			rc := as[server.ReceiptJSON](t, a.must(201, "POST", "/api/v1/inventory/receipts", tm.admin, map[string]any{"warehouse_id": f.sfo,
				"reference": "PO-1", "lines": []any{map[string]any{"product_id": disk, "quantity": "10"}}}))
			wantPosted(t, a, fin, "receipt", rc.Movements[0].ID, map[string]string{"1200": "D 400.00", "2000": "C 400.00"})
			o = as[server.OrderJSON](t, a.must(201, "POST", "/api/v1/quotes/"+f.approvedQuote(t, a, tm.rep, disk, "3")+"/convert", tm.rep, nil))
			line = o.Lines[0].ID
			sh1 := ship(t, a, "2")
			wantPosted(t, a, fin, "shipment", sh1.ID, map[string]string{"5000": "D 80.00", "1200": "C 80.00"})
			invA = invoices(t, a)[0]
			if invA.Total != "216.50" || invA.DueDate != at(30) || invA.IssueDate != at(0) {
				t.Fatalf("invoice A: %+v", invA)
			}
			wantPosted(t, a, fin, "invoice", invA.ID, map[string]string{"1100": "D 216.50", "4100": "C 200.00", "2100": "C 16.50"})
			balanced(t, a)
		})

		s.step("day 10: the last disk ships and is invoiced", func(t *testing.T, a *instance) {
			goTo(10)
			sh2 := ship(t, a, "1")
			wantPosted(t, a, fin, "shipment", sh2.ID, map[string]string{"5000": "D 40.00", "1200": "C 40.00"})
			invB = invoices(t, a)[1]
			if invB.Total != "108.25" || invB.DueDate != at(40) {
				t.Fatalf("invoice B: %+v", invB)
			}
			wantPosted(t, a, fin, "invoice", invB.ID, map[string]string{"1100": "D 108.25", "4100": "C 100.00", "2100": "C 8.25"})
			balanced(t, a)
		})

		s.step("day 20: 100.00 arrives and goes to the oldest invoice", func(t *testing.T, a *instance) {
			goTo(20)
			p1 := as[server.PaymentJSON](t, a.must(201, "POST", "/api/v1/payments", fin, map[string]any{"account_id": f.acc, "amount": "100.00",
				"method": "bank_transfer", "reference": "WIRE-20"}))
			if len(p1.Allocations) != 1 || p1.Allocations[0].InvoiceID != invA.ID {
				t.Fatalf("payment: %+v", p1)
			}
			wantPosted(t, a, fin, "payment", p1.ID, map[string]string{"1000": "D 100.00", "1100": "C 100.00"})
			balanced(t, a)
		})

		s.step("day 35: A is overdue, B current; the aging is the AR account; a case comes and goes", func(t *testing.T, a *instance) {
			goTo(35)
			ag := as[server.AgingJSON](t, a.must(200, "GET", "/api/v1/reports/ar-aging?currency=USD", fin, nil))
			if tt := ag.Total; tt.Days1To30 != "116.50" || tt.Current != "108.25" || tt.Total != "224.75" {
				t.Fatalf("aging on day 35: %+v", ag)
			}
			rec := as[server.ReconciliationJSON](t, a.must(200, "GET", "/api/v1/reports/ar-reconciliation", fin, nil))
			if !rec.OK || len(rec.Rows) != 1 || rec.Rows[0].AgingTotal != "224.75" || rec.Rows[0].ARBalance != "224.75" {
				t.Fatalf("reconciliation on day 35: %+v", rec)
			}
			sum := as[server.AccountSummaryJSON](t, a.must(200, "GET", "/api/v1/accounts/"+f.acc+"/summary", tm.rep, nil))
			if sum.OverdueBalance != "116.50" || sum.ARBalance != "224.75" || sum.LifetimeRevenue != "300.00" || str(sum.GrossMargin) != "180.00" ||
				str(sum.GrossMarginPct) != "60" || sum.LastPayment == nil || sum.LastPayment.ReceivedOn != at(20) || sum.LastPayment.Amount != "100.00" {
				t.Fatalf("summary on day 35: %+v", sum)
			}
			a.must(403, "POST", "/api/v1/cases", fin, map[string]any{"account_id": f.acc, "subject": "x"})
			if got := a.must(422, "POST", "/api/v1/cases", tm.rep, map[string]any{"account_id": f.acc, "subject": "x", "priority": "asap"}).field(t); got != "priority" {
				t.Fatalf("case with a bad priority: field %q", got)
			}
			cs := as[server.CaseJSON](t, a.must(201, "POST", "/api/v1/cases", tm.rep, map[string]any{"account_id": f.acc,
				"subject": "Disk 4 TB reports SMART errors", "description": "Bay 3 since Monday", "priority": "high"}))
			openCases := func() []server.CaseJSON {
				return as[server.AccountSummaryJSON](t, a.must(200, "GET", "/api/v1/accounts/"+f.acc+"/summary", tm.rep, nil)).OpenCases
			}
			if oc := openCases(); len(oc) != 1 || oc[0].Subject != "Disk 4 TB reports SMART errors" || cs.Status != "open" || cs.OwnerID != tm.ids["Rep"] {
				t.Fatalf("open cases: %+v (%+v)", oc, cs)
			}
			closed := as[server.CaseJSON](t, a.must(200, "PATCH", "/api/v1/cases/"+cs.ID, tm.rep, map[string]any{"status": "closed"}, "If-Match", `"v1"`))
			if closed.ClosedAt == nil || len(openCases()) != 0 {
				t.Fatalf("closed case: %+v", closed)
			}
		})

		s.step("day 40: 300.00 settles both; 75.25 is left as credit", func(t *testing.T, a *instance) {
			goTo(40)
			p2 := as[server.PaymentJSON](t, a.must(201, "POST", "/api/v1/payments", fin, map[string]any{"account_id": f.acc, "amount": "300.00",
				"method": "bank_transfer", "reference": "WIRE-40"}))
			if p2.Unallocated != "75.25" {
				t.Fatalf("overpayment: %+v", p2)
			}
			wantPosted(t, a, fin, "payment", p2.ID, map[string]string{"1000": "D 300.00", "1100": "C 224.75", "2200": "C 75.25"})
			balanced(t, a)
		})

		s.step("day 45: the disk on B comes back; B is paid, so all of it is credit", func(t *testing.T, a *instance) {
			goTo(45)
			cn = as[server.CreditNoteJSON](t, a.must(201, "POST", "/api/v1/credit-notes", fin, map[string]any{"invoice_id": invB.ID,
				"reason": "Returned, dead on arrival", "lines": []any{map[string]any{"order_line_id": line, "quantity": "1"}}}))
			if cn.Total != "108.25" || cn.Unallocated != "108.25" || cn.Applied != "0.00" {
				t.Fatalf("credit note: %+v", cn)
			}
			wantPosted(t, a, fin, "credit_note", cn.ID, map[string]string{"4100": "D 100.00", "2100": "D 8.25", "2200": "C 108.25"})
			balanced(t, a)
			if r := as[server.InvariantReportJSON](t, a.must(200, "GET", "/api/v1/admin/check", fin, nil)); !r.OK {
				t.Fatalf("invariants: %+v", r)
			}
		})

		s.step("statements at dates in between, as JSON, CSV and PDF; the invoice PDF", func(t *testing.T, a *instance) {
			stmt := func(from, to string) server.StatementJSON {
				return as[server.StatementJSON](t, a.must(200, "GET", "/api/v1/reports/customer-statement?currency=USD&account_id="+f.acc+"&from="+from+"&to="+to, tm.rep, nil))
			}
			s1 := stmt(at(-2), at(12))
			if s1.OpeningBalance != "0.00" || s1.ClosingBalance != "324.75" || len(s1.Lines) != 2 || s1.Lines[0].Balance != "216.50" || s1.Aging.Current != "324.75" {
				t.Fatalf("statement of the first two weeks: %+v", s1)
			}
			s2 := stmt(at(13), at(36))
			if s2.OpeningBalance != "324.75" || s2.ClosingBalance != "224.75" || s2.TotalCredit != "100.00" || len(s2.OpenInvoices) != 2 || s2.Aging.Days1To30 != "116.50" {
				t.Fatalf("statement to day 36: %+v", s2)
			}
			s3 := stmt(at(37), at(50))
			var kinds []string
			for _, l := range s3.Lines {
				kinds = append(kinds, l.Kind+" "+l.Balance)
			}
			if s3.OpeningBalance != "224.75" || s3.ClosingBalance != "-183.50" || strings.Join(kinds, ", ") != "payment -75.25, credit_note -183.50" ||
				len(s3.OpenInvoices) != 0 {
				t.Fatalf("statement to day 50: %+v (%v)", s3, kinds)
			}
			// The closing balance is AR less customer credits in the ledger.
			if cr := as[server.AccountLedgerJSON](t, a.must(200, "GET", "/api/v1/ledger/accounts/2200/ledger?currency=USD", fin, nil)); cr.ClosingBalance != "-183.50" {
				t.Fatalf("customer credits: %+v", cr) // a liability: a credit balance
			}
			csv := a.call("GET", "/api/v1/reports/customer-statement?account_id="+f.acc+"&from="+at(37)+"&to="+at(50), tm.rep, nil, "Accept", "text/csv")
			if !strings.HasPrefix(string(csv.body), "currency,date,kind,id,document,due_date,debit,credit,balance\nUSD,"+at(37)+",opening,,Opening balance,,,,224.75\n") ||
				!strings.Contains(string(csv.body), "Closing balance,,0.00,408.25,-183.50") {
				t.Fatalf("statement CSV: %s", csv.body)
			}
			pdf := a.call("GET", "/api/v1/reports/customer-statement?account_id="+f.acc+"&from="+at(-2)+"&to="+at(50), tm.rep, nil, "Accept", "application/pdf")
			if pdf.status != 200 || pdf.header.Get("Content-Type") != "application/pdf" {
				t.Fatalf("statement PDF: %d %s", pdf.status, pdf.header)
			}
			if text, ok := pdfText(t, pdf.body); ok {
				for _, want := range []string{"STATEMENT", "Alamo Storage", "San Antonio", invA.Number, cn.Number, "Payment WIRE-40",
					"Closing balance", "-$183.50", "You have a credit of $183.50"} {
					if !strings.Contains(text, want) {
						t.Fatalf("statement PDF lacks %q:\n%s", want, text)
					}
				}
			}
			ipdf := a.must(200, "GET", "/api/v1/invoices/"+invA.ID+"/pdf", tm.rep, nil)
			if text, ok := pdfText(t, ipdf.body); ok {
				for _, want := range []string{"INVOICE", invA.Number, "Bill to", "Alamo Storage", "Net 30", at(30), "Disk 4 TB",
					"Texas sales tax (8.25% on $200.00)", "$16.50", "$216.50", "Paid and credited", "Amount due", "$0.00"} {
					if !strings.Contains(text, want) {
						t.Fatalf("invoice PDF lacks %q:\n%s", want, text)
					}
				}
			}
		})

		s.step("the KPIs of the whole period and of the first five weeks", func(t *testing.T, a *instance) {
			a.must(403, "GET", "/api/v1/reports/kpis", tm.rep, nil)
			k := as[server.KPIJSON](t, a.must(200, "GET", "/api/v1/reports/kpis?from="+at(-2)+"&to="+at(50), fin, nil))
			got := fmt.Sprintf("bookings %s, discount %s, quote to order %s, days to accept %s, win rate %s, AR %s, credit sales %s, DSO %s, "+
				"gross profit %s, customers %d, CLV %s, sales cost %s, new customers %d, CAC %s", k.Bookings, str(k.AverageDiscountPct), str(k.QuoteToOrderPct),
				str(k.AverageDaysToAccept), str(k.WinRatePct), k.ARBalance, k.CreditSales, str(k.DSO), k.GrossProfit, k.Customers, str(k.CLV), k.SalesCost,
				k.NewCustomers, str(k.CAC))
			want := "bookings 300.00, discount 0, quote to order 100, days to accept 0, win rate <nil>, AR 0.00, credit sales 324.75, DSO 0, " +
				"gross profit 80.00, customers 1, CLV 80.00, sales cost 0.00, new customers 1, CAC 0.00"
			if got != want {
				t.Errorf("KPIs:\n  %s\nwant\n  %s", got, want)
			}
			// DSO = AR 224.75 × 38 days / credit sales 324.75.
			if k := as[server.KPIJSON](t, a.must(200, "GET", "/api/v1/reports/kpis?from="+at(-2)+"&to="+at(35), tm.manager, nil)); str(k.DSO) != "26.3" || k.ARBalance != "224.75" {
				t.Fatalf("KPIs to day 35: %+v", k)
			}
			if f := a.must(400, "GET", "/api/v1/reports/kpis?from=2025-02-30", fin, nil).field(t); f != "from" {
				t.Fatalf("KPIs from a bad date: field %q", f)
			}
		})

		s.step("bad statement requests name their field", func(t *testing.T, a *instance) {
			for q, field := range map[string]string{"account_id=acc_nope": "account_id", "account_id=" + f.acc + "&from=2025-13-01": "from",
				"account_id=" + f.acc + "&from=2025-05-01&to=2025-04-01": "from", "account_id=" + f.acc + "&currency=XXX": "currency"} {
				if got := a.must(400, "GET", "/api/v1/reports/customer-statement?"+q, tm.rep, nil).field(t); got != field {
					t.Errorf("statement ?%s: field %q, want %q", q, got, field)
				}
			}
		})
	})
}
