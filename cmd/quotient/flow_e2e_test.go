package main

import (
	"strings"
	"testing"
	"time"

	"github.com/quotient-cpq/quotient/store/storetest"
)

// TestWholeFlowOverTime runs order to cash over seven weeks on a fake
// clock: quote → accept → order → ship part → invoice → ship the rest →
// invoice → pay part → pay the rest with an overpayment → credit note,
// with every journal entry asserted to the cent, the trial balance zero
// after each step, and the aging, statements, reconciliation and PDFs at
// dates in between.
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
		f.acc = a.must(201, "POST", "/api/v1/accounts", tm.rep, map[string]any{"name": "Alamo Storage", "currency": "USD", "tax_region": "US-TX",
			"payment_terms": "net_30", "billing_address": map[string]any{"line1": "1 Main St", "city": "San Antonio", "region": "TX", "country": "US"}}).str(t, "id")
		at := func(days int) string { return day0.AddDate(0, 0, days).Format(time.DateOnly) }
		goTo := func(days int) { clock.Advance(day0.AddDate(0, 0, days).Sub(clock.Now()) + time.Hour) }
		entry := func(kind, id string, want map[string]string) {
			t.Helper()
			got := entryOf(t, a, fin, kind, id)
			if len(got) != len(want) {
				t.Fatalf("%s %s entry: %v, want %v", kind, id, got, want)
			}
			for k, v := range want {
				if got[k] != v {
					t.Fatalf("%s %s entry: %v, want %v", kind, id, got, want)
				}
			}
		}
		balanced := func() { t.Helper(); assertBalanced(t, a, fin, "USD", clock.Now().Format(time.DateOnly)) }

		// Day 0: ten disks arrive at cost 40; three are quoted, accepted, two ship.
		rc := a.must(201, "POST", "/api/v1/inventory/receipts", tm.admin, map[string]any{"warehouse_id": f.sfo, "reference": "PO-1",
			"lines": []any{map[string]any{"product_id": disk, "quantity": "10"}}}).json(t)
		entry("receipt", rc["movements"].([]any)[0].(map[string]any)["id"].(string), map[string]string{"1200": "D 400.00", "2000": "C 400.00"})
		o := a.must(201, "POST", "/api/v1/quotes/"+f.approvedQuote(t, a, tm.rep, disk, "3")+"/convert", tm.rep, nil).json(t)
		line := lineBy(t, o, "DISK", false)["id"]
		ship := func(qty string) map[string]any {
			sh := a.must(201, "POST", "/api/v1/orders/"+o["id"].(string)+"/fulfillments", tm.admin, map[string]any{"warehouse_id": f.sfo,
				"lines": []any{map[string]any{"order_line_id": line, "quantity": qty}}}).json(t)
			return sh["shipment"].(map[string]any)
		}
		sh1 := ship("2")
		entry("shipment", sh1["id"].(string), map[string]string{"5000": "D 80.00", "1200": "C 80.00"})
		invs := func() []map[string]any {
			return a.must(200, "GET", "/api/v1/invoices?order_id="+o["id"].(string), fin, nil).list(t)
		}
		invA := invs()[0]
		if invA["total"] != "216.50" || invA["due_date"] != at(30) || invA["issue_date"] != at(0) {
			t.Fatalf("invoice A: %v", invA)
		}
		entry("invoice", invA["id"].(string), map[string]string{"1100": "D 216.50", "4100": "C 200.00", "2100": "C 16.50"})
		balanced()

		// Day 10: the last disk ships and is invoiced.
		goTo(10)
		sh2 := ship("1")
		entry("shipment", sh2["id"].(string), map[string]string{"5000": "D 40.00", "1200": "C 40.00"})
		invB := invs()[1]
		if invB["total"] != "108.25" || invB["due_date"] != at(40) {
			t.Fatalf("invoice B: %v", invB)
		}
		entry("invoice", invB["id"].(string), map[string]string{"1100": "D 108.25", "4100": "C 100.00", "2100": "C 8.25"})
		balanced()

		// Day 20: 100.00 arrives and goes to the oldest invoice.
		goTo(20)
		p1 := a.must(201, "POST", "/api/v1/payments", fin, map[string]any{"account_id": f.acc, "amount": "100.00", "method": "bank_transfer", "reference": "WIRE-20"}).json(t)
		entry("payment", p1["id"].(string), map[string]string{"1000": "D 100.00", "1100": "C 100.00"})
		balanced()

		// Day 35: A is 5 days overdue (1_30), B is current; the aging is
		// the AR account's balance, and the reconciliation says so.
		goTo(35)
		ag := a.must(200, "GET", "/api/v1/reports/ar-aging?currency=USD", fin, nil).json(t)
		if tt := ag["total"].(map[string]any); tt["1_30"] != "116.50" || tt["current"] != "108.25" || tt["total"] != "224.75" {
			t.Fatalf("aging on day 35: %v", ag)
		}
		rec := a.must(200, "GET", "/api/v1/reports/ar-reconciliation", fin, nil).json(t)
		if row := rec["rows"].([]any)[0].(map[string]any); rec["ok"] != true || row["aging_total"] != "224.75" || row["ar_balance"] != "224.75" {
			t.Fatalf("reconciliation on day 35: %v", rec)
		}
		if s := a.must(200, "GET", "/api/v1/accounts/"+f.acc+"/summary", tm.rep, nil).json(t); s["overdue_balance"] != "116.50" || s["ar_balance"] != "224.75" ||
			s["lifetime_revenue"] != "300.00" || s["gross_margin"] != "180.00" || s["gross_margin_pct"] != "60" ||
			s["last_payment"].(map[string]any)["received_on"] != at(20) || s["last_payment"].(map[string]any)["amount"] != "100.00" {
			t.Fatalf("summary on day 35: %v", s)
		}
		// A support case shows on the summary until it is closed.
		a.must(403, "POST", "/api/v1/cases", fin, map[string]any{"account_id": f.acc, "subject": "x"})
		if got := a.must(422, "POST", "/api/v1/cases", tm.rep, map[string]any{"account_id": f.acc, "subject": "x", "priority": "asap"}).field(t); got != "priority" {
			t.Fatalf("case with a bad priority: field %q", got)
		}
		cs := a.must(201, "POST", "/api/v1/cases", tm.rep, map[string]any{"account_id": f.acc, "subject": "Disk 4 TB reports SMART errors",
			"description": "Bay 3 since Monday", "priority": "high"}).json(t)
		openCases := func() []any {
			return a.must(200, "GET", "/api/v1/accounts/"+f.acc+"/summary", tm.rep, nil).json(t)["open_cases"].([]any)
		}
		if oc := openCases(); len(oc) != 1 || oc[0].(map[string]any)["subject"] != "Disk 4 TB reports SMART errors" || cs["status"] != "open" || cs["owner_id"] != tm.ids["Rep"] {
			t.Fatalf("open cases: %v (%v)", oc, cs)
		}
		closed := a.must(200, "PATCH", "/api/v1/cases/"+cs["id"].(string), tm.rep, map[string]any{"status": "closed"}, "If-Match", `"v1"`).json(t)
		if closed["closed_at"] == nil || len(openCases()) != 0 {
			t.Fatalf("closed case: %v", closed)
		}

		// Day 40: 300.00 settles both; 75.25 is left as credit.
		goTo(40)
		p2 := a.must(201, "POST", "/api/v1/payments", fin, map[string]any{"account_id": f.acc, "amount": "300.00", "method": "bank_transfer", "reference": "WIRE-40"}).json(t)
		if p2["unallocated"] != "75.25" {
			t.Fatalf("overpayment: %v", p2)
		}
		entry("payment", p2["id"].(string), map[string]string{"1000": "D 300.00", "1100": "C 224.75", "2200": "C 75.25"})
		balanced()

		// Day 45: the disk on invoice B comes back: a credit note by line.
		// B is paid, so all of it is customer credit.
		goTo(45)
		cn := a.must(201, "POST", "/api/v1/credit-notes", fin, map[string]any{"invoice_id": invB["id"], "reason": "Returned, dead on arrival",
			"lines": []any{map[string]any{"order_line_id": line, "quantity": "1"}}}).json(t)
		if cn["total"] != "108.25" || cn["unallocated"] != "108.25" || cn["applied"] != "0.00" {
			t.Fatalf("credit note: %v", cn)
		}
		entry("credit_note", cn["id"].(string), map[string]string{"4100": "D 100.00", "2100": "D 8.25", "2200": "C 108.25"})
		balanced()
		if r := a.must(200, "GET", "/api/v1/admin/check", fin, nil).json(t); r["ok"] != true {
			t.Fatalf("invariants: %v", r)
		}

		// Statements at dates in between.
		stmt := func(from, to string) map[string]any {
			return a.must(200, "GET", "/api/v1/reports/customer-statement?account_id="+f.acc+"&from="+from+"&to="+to, tm.rep, nil).json(t)
		}
		s1 := stmt(at(-2), at(12))
		if s1["opening_balance"] != "0.00" || s1["closing_balance"] != "324.75" || len(s1["lines"].([]any)) != 2 ||
			s1["lines"].([]any)[0].(map[string]any)["balance"] != "216.50" || s1["aging"].(map[string]any)["current"] != "324.75" {
			t.Fatalf("statement of the first two weeks: %v", s1)
		}
		s2 := stmt(at(13), at(36))
		if s2["opening_balance"] != "324.75" || s2["closing_balance"] != "224.75" || s2["total_credit"] != "100.00" ||
			len(s2["open_invoices"].([]any)) != 2 || s2["aging"].(map[string]any)["1_30"] != "116.50" {
			t.Fatalf("statement to day 36: %v", s2)
		}
		s3 := stmt(at(37), at(50))
		var kinds []string
		for _, l := range s3["lines"].([]any) {
			kinds = append(kinds, l.(map[string]any)["kind"].(string)+" "+l.(map[string]any)["balance"].(string))
		}
		if s3["opening_balance"] != "224.75" || s3["closing_balance"] != "-183.50" || strings.Join(kinds, ", ") != "payment -75.25, credit_note -183.50" ||
			len(s3["open_invoices"].([]any)) != 0 {
			t.Fatalf("statement to day 50: %v (%v)", s3, kinds)
		}
		// The closing balance is AR less customer credits in the ledger.
		if cr := a.must(200, "GET", "/api/v1/ledger/accounts/2200/ledger?currency=USD", fin, nil).json(t); cr["closing_balance"] != "-183.50" { // a liability: credit balance
			t.Fatalf("customer credits: %v", cr)
		}
		csv := a.call("GET", "/api/v1/reports/customer-statement?account_id="+f.acc+"&from="+at(37)+"&to="+at(50), tm.rep, nil, "Accept", "text/csv")
		if !strings.HasPrefix(string(csv.body), "date,kind,id,document,due_date,debit,credit,balance\n"+at(37)+",opening,,Opening balance,,,,224.75\n") ||
			!strings.Contains(string(csv.body), "Closing balance,,0.00,408.25,-183.50") {
			t.Fatalf("statement CSV: %s", csv.body)
		}
		pdf := a.call("GET", "/api/v1/reports/customer-statement?account_id="+f.acc+"&from="+at(-2)+"&to="+at(50), tm.rep, nil, "Accept", "application/pdf")
		if pdf.status != 200 || pdf.header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("statement PDF: %d %s", pdf.status, pdf.header)
		}
		if text, ok := pdfText(t, pdf.body); ok {
			for _, want := range []string{"STATEMENT", "Alamo Storage", "San Antonio", invA["number"].(string), cn["number"].(string), "Payment WIRE-40",
				"Closing balance", "-$183.50", "You have a credit of $183.50"} {
				if !strings.Contains(text, want) {
					t.Fatalf("statement PDF lacks %q:\n%s", want, text)
				}
			}
		}
		ipdf := a.must(200, "GET", "/api/v1/invoices/"+invA["id"].(string)+"/pdf", tm.rep, nil)
		if text, ok := pdfText(t, ipdf.body); ok {
			for _, want := range []string{"INVOICE", invA["number"].(string), "Bill to", "Alamo Storage", "Net 30", at(30), "Disk 4 TB",
				"Texas sales tax (8.25% on $200.00)", "$16.50", "$216.50", "Paid and credited", "Amount due", "$0.00"} {
				if !strings.Contains(text, want) {
					t.Fatalf("invoice PDF lacks %q:\n%s", want, text)
				}
			}
		}
		// The KPIs of the whole period, and of the first five weeks (DSO =
		// AR 224.75 × 38 days / credit sales 324.75).
		a.must(403, "GET", "/api/v1/reports/kpis", tm.rep, nil)
		k := a.must(200, "GET", "/api/v1/reports/kpis?from="+at(-2)+"&to="+at(50), fin, nil).json(t)
		for key, want := range map[string]any{"bookings": "300.00", "average_discount_pct": "0", "quote_to_order_pct": "100",
			"average_days_quote_to_acceptance": "0", "win_rate_pct": nil, "ar_balance": "0.00", "credit_sales": "324.75", "dso_days": "0",
			"gross_profit": "80.00", "customers": 1.0, "customer_lifetime_value": "80.00", "sales_cost": "0.00", "new_customers": 1.0,
			"customer_acquisition_cost": "0.00"} {
			if k[key] != want {
				t.Errorf("KPI %s = %v, want %v", key, k[key], want)
			}
		}
		if k := a.must(200, "GET", "/api/v1/reports/kpis?from="+at(-2)+"&to="+at(35), tm.manager, nil).json(t); k["dso_days"] != "26.3" || k["ar_balance"] != "224.75" {
			t.Fatalf("KPIs to day 35: %v", k)
		}
		if f := a.must(400, "GET", "/api/v1/reports/kpis?from=2025-02-30", fin, nil).field(t); f != "from" {
			t.Fatalf("KPIs from a bad date: field %q", f)
		}

		// Bad requests name their field.
		for q, field := range map[string]string{"account_id=acc_nope": "account_id", "account_id=" + f.acc + "&from=2025-13-01": "from",
			"account_id=" + f.acc + "&from=2025-05-01&to=2025-04-01": "from", "account_id=" + f.acc + "&currency=XXX": "currency"} {
			if got := a.must(400, "GET", "/api/v1/reports/customer-statement?"+q, tm.rep, nil).field(t); got != field {
				t.Errorf("statement ?%s: field %q, want %q", q, got, field)
			}
		}
	})
}
