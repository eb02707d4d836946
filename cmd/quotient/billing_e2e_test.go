package main

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient/server"
	"github.com/quotient-cpq/quotient/store/storetest"
)

func dec(t testing.TB, v any) decimal.Decimal {
	t.Helper()
	d, err := decimal.NewFromString(fmt.Sprint(v))
	if err != nil {
		t.Fatalf("not a decimal: %v", v)
	}
	return d
}

// TestInvoicingFromOrdersPostsToTheLedger: a service invoices with its
// order, each shipment invoices what shipped (the last taking the
// remainder), payments settle with early-payment discounts and leave
// credit, credit notes by line and by amount, the aging, and a JPY account
// invoiced on order; every entry to the cent. Each stage is a step;
// responses decode into the API's types.
func TestInvoicingFromOrdersPostsToTheLedger(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		a, tm, f, disk := diskFixture(t, db)
		fin := tm.finance
		svc := f.product(t, a, tm, map[string]any{"sku": "INSTALL", "name": "Installation", "family": "services", "kind": "service"}, "250")
		a.must(201, "POST", "/api/v1/tax-rates", fin, map[string]any{"region": "US-TX", "tax_category": "standard", "rate_pct": "8.25", "name": "Texas"})
		f.acc = as[server.AccountJSON](t, a.must(201, "POST", "/api/v1/accounts", tm.admin, map[string]any{"owner_id": tm.ids["Rep"], "name": "Lone Star Data", "currency": "USD",
			"tax_region": "US-TX", "payment_terms": "2_10_net_30"})).ID
		f.receive(t, a, tm.admin, f.sfo, disk, "10")
		today := time.Now().UTC()
		usd := func(d decimal.Decimal) string { return d.StringFixed(2) }
		get := func(t *testing.T, a *instance, id string) server.InvoiceJSON {
			return as[server.InvoiceJSON](t, a.must(200, "GET", "/api/v1/invoices/"+id, fin, nil))
		}
		tot := func(t *testing.T, x server.InvoiceJSON) decimal.Decimal { return dec(t, x.Total) }
		closing := func(t *testing.T, a *instance, code string) string {
			return as[server.AccountLedgerJSON](t, a.must(200, "GET", "/api/v1/ledger/accounts/"+code+"/ledger?currency=USD", fin, nil)).ClosingBalance
		}
		var o server.OrderJSON
		var dl, sl server.OrderLineJSON
		var in1, in2, in3, in4 server.InvoiceJSON
		var p3 server.PaymentJSON
		var credit decimal.Decimal
		s := scenario{t, a}

		s.step("the service invoices with the order; each shipment invoices what shipped", func(t *testing.T, a *instance) {
			o = as[server.OrderJSON](t, a.must(201, "POST", "/api/v1/quotes/"+f.approvedQuote(t, a, tm.rep, disk, "3", svc, "1")+"/convert", tm.rep, nil))
			dl, sl = o.Lines[0], o.Lines[1]
			invoices := func() []server.InvoiceJSON {
				return page[server.InvoiceJSON](t, a.must(200, "GET", "/api/v1/invoices?order_id="+o.ID, fin, nil))
			}
			// The service invoices with the order (policy on_fulfillment).
			inv := invoices()
			if len(inv) != 1 || !regexp.MustCompile(`^INV-\d{4}-000001$`).MatchString(inv[0].Number) {
				t.Fatalf("invoice on order: %+v", inv)
			}
			i1 := as[server.InvoiceJSON](t, a.must(200, "GET", "/api/v1/invoices/"+inv[0].ID, tm.rep, nil))
			if i1.NetTotal != sl.NetAmount || i1.TaxTotal != sl.TaxAmount || i1.PaymentTerms != "2_10_net_30" ||
				i1.DueDate != today.AddDate(0, 0, 30).Format(time.DateOnly) || str(i1.DiscountUntil) != today.AddDate(0, 0, 10).Format(time.DateOnly) ||
				i1.DiscountPct != "2" || i1.AmountDue != i1.Total || len(i1.Taxes) != 1 {
				t.Fatalf("service invoice: %+v (line %+v)", i1, sl)
			}
			total1 := dec(t, sl.NetAmount).Add(dec(t, sl.TaxAmount)).StringFixed(2)
			wantPosted(t, a, fin, "invoice", i1.ID, map[string]string{"1100": "D " + total1, "4300": "C " + sl.NetAmount, "2100": "C " + sl.TaxAmount})
			a.must(409, "POST", "/api/v1/orders/"+o.ID+"/invoice", tm.rep, nil) // nothing shipped yet

			// 2 of 3 disks, then the last one, which takes the remainder so
			// the parts add up to the cent.
			for _, qty := range []string{"2", "1"} {
				a.must(201, "POST", "/api/v1/orders/"+o.ID+"/fulfillments", tm.admin, map[string]any{"warehouse_id": f.sfo,
					"lines": []any{map[string]any{"order_line_id": dl.ID, "quantity": qty}}})
			}
			inv = invoices()
			if len(inv) != 3 {
				t.Fatalf("invoices after two shipments: %+v", inv)
			}
			net, tax := dec(t, dl.NetAmount), dec(t, dl.TaxAmount)
			n2, t2 := net.Mul(decimal.NewFromInt(2)).Div(decimal.NewFromInt(3)).Round(2), tax.Mul(decimal.NewFromInt(2)).Div(decimal.NewFromInt(3)).Round(2)
			for i, w := range [][2]decimal.Decimal{{n2, t2}, {net.Sub(n2), tax.Sub(t2)}} {
				x := get(t, a, inv[i+1].ID)
				if !dec(t, x.NetTotal).Equal(w[0]) || !dec(t, x.TaxTotal).Equal(w[1]) {
					t.Fatalf("shipment invoice %d: %+v, want net %s tax %s", i+1, x, w[0], w[1])
				}
				wantPosted(t, a, fin, "invoice", x.ID, map[string]string{"1100": "D " + usd(w[0].Add(w[1])), "4100": "C " + usd(w[0]), "2100": "C " + usd(w[1])})
			}
			sum := decimal.Zero
			for i, x := range inv {
				sum = sum.Add(dec(t, x.Total))
				if x.Number != fmt.Sprintf("%s%06d", inv[0].Number[:9], 1+i) {
					t.Fatalf("numbers not consecutive: %s", x.Number)
				}
			}
			if !sum.Equal(dec(t, o.Total)) {
				t.Fatalf("invoices add up to %s, the order is %s", sum, o.Total)
			}
			a.must(409, "POST", "/api/v1/orders/"+o.ID+"/invoice", tm.rep, nil) // all invoiced
			if got := closing(t, a, "1100"); !dec(t, got).Equal(sum) {
				t.Fatalf("AR balance %s, invoiced %s", got, sum)
			}
			assertBalanced(t, a, fin, "USD", today.Format(time.DateOnly))
			in1, in2, in3 = get(t, a, inv[0].ID), get(t, a, inv[1].ID), get(t, a, inv[2].ID)
		})

		s.step("payments: refusals, an early-payment discount, a partial payment, an overpayment's credit used later", func(t *testing.T, a *instance) {
			d1 := tot(t, in1).Mul(decimal.RequireFromString("0.02")).Round(2)
			pay := func(body map[string]any) server.PaymentJSON {
				body["account_id"], body["method"] = f.acc, "bank_transfer"
				return as[server.PaymentJSON](t, a.must(201, "POST", "/api/v1/payments", fin, body))
			}
			a.must(403, "POST", "/api/v1/payments", tm.rep, map[string]any{"account_id": f.acc, "amount": "1", "method": "cash"})
			for _, c := range []struct {
				body  map[string]any
				field string
			}{
				{map[string]any{"amount": "0"}, "amount"},
				{map[string]any{"amount": "1.001"}, "amount"},
				{map[string]any{"amount": "1", "received_on": "2999-01-01"}, "received_on"},
				{map[string]any{"amount": "1", "method": "barter"}, "method"},
				{map[string]any{"amount": "10", "allocations": []any{map[string]any{"invoice_id": "inv_nope", "amount": "10"}}}, "allocations[0].invoice_id"},
				{map[string]any{"amount": "10", "allocations": []any{map[string]any{"invoice_id": in1.ID, "amount": "11"}}}, "allocations[0].amount"},
				{map[string]any{"amount": "99999", "allocations": []any{map[string]any{"invoice_id": in1.ID, "amount": usd(tot(t, in1).Add(decimal.NewFromInt(1)))}}}, "allocations[0].amount"},
			} {
				c.body["account_id"] = f.acc
				if _, ok := c.body["method"]; !ok {
					c.body["method"] = "bank_transfer"
				}
				if got := a.must(422, "POST", "/api/v1/payments", fin, c.body).field(t); got != c.field {
					t.Errorf("%v: field %q, want %q", c.body, got, c.field)
				}
			}
			// Invoice 1 paid within the early-payment window: 2 % off.
			p1 := pay(map[string]any{"amount": usd(tot(t, in1).Sub(d1)), "reference": "WIRE-1",
				"allocations": []any{map[string]any{"invoice_id": in1.ID, "amount": usd(tot(t, in1).Sub(d1))}}})
			if x := get(t, a, in1.ID); x.Status != "paid" || x.AmountDue != "0.00" || p1.Allocations[0].Discount != usd(d1) {
				t.Fatalf("discounted payment: %+v / %+v", x, p1)
			}
			wantPosted(t, a, fin, "payment", p1.ID, map[string]string{"1000": "D " + usd(tot(t, in1).Sub(d1)), "4900": "D " + usd(d1), "1100": "C " + usd(tot(t, in1))})
			// A partial payment goes to the oldest invoice, with no discount.
			p2 := pay(map[string]any{"amount": "100.00"})
			if x := get(t, a, in2.ID); x.Status != "partially_paid" || !dec(t, x.AmountDue).Equal(tot(t, in2).Sub(decimal.NewFromInt(100))) || p2.Unallocated != "0.00" {
				t.Fatalf("partial payment: %+v / %+v", x, p2)
			}
			// The rest with 50.00 too much: invoice 2's remainder, invoice 3
			// less its discount (its first payment, in the window); the rest
			// is credit.
			d3 := tot(t, in3).Mul(decimal.RequireFromString("0.02")).Round(2)
			amt := tot(t, in2).Sub(decimal.NewFromInt(100)).Add(tot(t, in3)).Add(decimal.NewFromInt(50))
			p3 = pay(map[string]any{"amount": usd(amt)})
			credit = decimal.NewFromInt(50).Add(d3)
			if p3.Unallocated != usd(credit) || get(t, a, in2.ID).Status != "paid" || get(t, a, in3.ID).Status != "paid" {
				t.Fatalf("overpayment: %+v", p3)
			}
			wantPosted(t, a, fin, "payment", p3.ID, map[string]string{"1000": "D " + usd(amt), "4900": "D " + usd(d3),
				"1100": "C " + usd(tot(t, in2).Sub(decimal.NewFromInt(100)).Add(tot(t, in3))), "2200": "C " + usd(credit)})
			if got := closing(t, a, "1100"); got != "0.00" {
				t.Fatalf("AR after paying everything: %s", got)
			}
			// The credit pays part of a later invoice.
			o4 := as[server.OrderJSON](t, a.must(201, "POST", "/api/v1/quotes/"+f.approvedQuote(t, a, tm.rep, svc, "1")+"/convert", tm.rep, nil))
			in4 = page[server.InvoiceJSON](t, a.must(200, "GET", "/api/v1/invoices?order_id="+o4.ID, fin, nil))[0]
			a.must(422, "POST", "/api/v1/payments/"+p3.ID+"/allocations", fin, map[string]any{"allocations": []any{
				map[string]any{"invoice_id": in4.ID, "amount": usd(credit.Add(decimal.NewFromInt(1)))}}})
			p3 = as[server.PaymentJSON](t, a.must(200, "POST", "/api/v1/payments/"+p3.ID+"/allocations", fin, map[string]any{"allocations": []any{
				map[string]any{"invoice_id": in4.ID, "amount": usd(credit)}}}))
			if x := get(t, a, in4.ID); p3.Unallocated != "0.00" || !dec(t, x.AmountDue).Equal(tot(t, x).Sub(credit)) || x.Status != "partially_paid" {
				t.Fatalf("credit applied: %+v / %+v", p3, x)
			}
			if got := closing(t, a, "1100"); !dec(t, got).Equal(tot(t, in4).Sub(credit)) {
				t.Fatalf("AR after the credit: %s", got)
			}
			if got := closing(t, a, "2200"); got != "0.00" {
				t.Fatalf("customer credits after use: %s", got)
			}
			assertBalanced(t, a, fin, "USD", today.Format(time.DateOnly))
		})

		s.step("the AR aging today, in 45 days and before the first invoice; as CSV", func(t *testing.T, a *instance) {
			ag := as[server.AgingJSON](t, a.must(200, "GET", "/api/v1/reports/ar-aging?currency=USD", fin, nil))
			open4 := usd(tot(t, in4).Sub(credit))
			if ag.Total.Current != open4 || ag.Total.Total != open4 || len(ag.Accounts) != 1 {
				t.Fatalf("aging today: %+v", ag)
			}
			later := today.AddDate(0, 0, 45).Format(time.DateOnly)
			ag = as[server.AgingJSON](t, a.must(200, "GET", "/api/v1/reports/ar-aging?currency=USD&as_of="+later, fin, nil))
			if row := ag.Accounts[0]; row.Days1To30 != open4 || row.Current != "0.00" || row.AccountName != "Lone Star Data" {
				t.Fatalf("aging in 45 days: %+v", ag)
			}
			before := today.AddDate(0, 0, -1).Format(time.DateOnly)
			if ag := as[server.AgingJSON](t, a.must(200, "GET", "/api/v1/reports/ar-aging?currency=USD&as_of="+before, fin, nil)); ag.Total.Total != "0.00" {
				t.Fatalf("aging before the first invoice: %+v", ag)
			}
			csv := a.call("GET", "/api/v1/reports/ar-aging?currency=USD", fin, nil, "Accept", "text/csv")
			if !strings.HasPrefix(string(csv.body), "account_id,account_name,current,1_30,31_60,61_90,over_90,total\n") || !strings.Contains(string(csv.body), ",Total,"+open4) {
				t.Fatalf("aging CSV: %s", csv.body)
			}
			if all := as[server.AgingReportJSON](t, a.must(200, "GET", "/api/v1/reports/ar-aging?basis=document", fin, nil)); len(all.Sections) != 1 || all.Sections[0].Currency != "USD" { // only USD was invoiced so far
				t.Fatalf("aging of every currency: %+v", all)
			}
		})

		s.step("credit notes by line and by amount, never more than invoiced; their credit applied", func(t *testing.T, a *instance) {
			cn := func(body map[string]any) server.CreditNoteJSON {
				return as[server.CreditNoteJSON](t, a.must(201, "POST", "/api/v1/credit-notes", fin, body))
			}
			a.must(403, "POST", "/api/v1/credit-notes", tm.rep, map[string]any{"invoice_id": in3.ID, "amount": "1", "reason": "x"})
			for _, c := range []struct {
				body  map[string]any
				field string
			}{
				{map[string]any{"invoice_id": "inv_nope", "amount": "1", "reason": "x"}, "invoice_id"},
				{map[string]any{"invoice_id": in3.ID, "amount": "1"}, "reason"},
				{map[string]any{"invoice_id": in3.ID, "reason": "x"}, "lines"},
				{map[string]any{"invoice_id": in3.ID, "reason": "x", "amount": "1", "lines": []any{map[string]any{"order_line_id": dl.ID, "quantity": "1"}}}, "amount"},
				{map[string]any{"invoice_id": in3.ID, "reason": "x", "amount": "-1"}, "amount"},
				{map[string]any{"invoice_id": in3.ID, "reason": "x", "amount": usd(tot(t, in3).Add(decimal.NewFromInt(1)))}, "amount"},
				{map[string]any{"invoice_id": in3.ID, "reason": "x", "lines": []any{map[string]any{"order_line_id": dl.ID, "quantity": "2"}}}, "lines[0].quantity"},
				{map[string]any{"invoice_id": in3.ID, "reason": "x", "lines": []any{map[string]any{"order_line_id": sl.ID, "quantity": "1"}}}, "lines[0].order_line_id"},
			} {
				if got := a.must(422, "POST", "/api/v1/credit-notes", fin, c.body).field(t); got != c.field {
					t.Errorf("credit note %v: field %q, want %q", c.body, got, c.field)
				}
			}
			// Invoice 3 (one disk, paid) is credited in full by its line:
			// nothing is owed on it, so all of it becomes customer credit.
			c1 := cn(map[string]any{"invoice_id": in3.ID, "reason": "Disk returned damaged", "lines": []any{map[string]any{"order_line_id": dl.ID, "quantity": "1"}}})
			if !regexp.MustCompile(`^CN-\d{4}-000001$`).MatchString(c1.Number) || c1.Total != in3.Total || c1.NetTotal != in3.NetTotal ||
				c1.Applied != "0.00" || c1.Unallocated != in3.Total || c1.InvoiceNumber != in3.Number {
				t.Fatalf("credit note by line: %+v (invoice %+v)", c1, in3)
			}
			wantPosted(t, a, fin, "credit_note", c1.ID, map[string]string{"4100": "D " + in3.NetTotal, "2100": "D " + in3.TaxTotal, "2200": "C " + in3.Total})
			// Never more than was invoiced less earlier credits.
			if f := a.must(422, "POST", "/api/v1/credit-notes", fin, map[string]any{"invoice_id": in3.ID, "reason": "again", "amount": "0.01"}).field(t); f != "amount" {
				t.Fatalf("credit past the invoice: field %q", f)
			}
			// Invoice 4 (partly paid) is credited 10.00 by amount: it owes
			// 10.00 less, and the 10.00 splits into net and tax at its rate.
			c2 := cn(map[string]any{"invoice_id": in4.ID, "reason": "Goodwill: installation late", "amount": "10.00"})
			t4 := dec(t, "10").Mul(dec(t, get(t, a, in4.ID).TaxTotal)).Div(tot(t, in4)).Round(2)
			if c2.Applied != "10.00" || c2.Unallocated != "0.00" || c2.TaxTotal != usd(t4) || !regexp.MustCompile(`-000002$`).MatchString(c2.Number) {
				t.Fatalf("credit note by amount: %+v", c2)
			}
			wantPosted(t, a, fin, "credit_note", c2.ID, map[string]string{"4300": "D " + usd(dec(t, "10").Sub(t4)), "2100": "D " + usd(t4), "1100": "C 10.00"})
			open4d := tot(t, in4).Sub(credit).Sub(dec(t, "10"))
			if x := get(t, a, in4.ID); !dec(t, x.AmountDue).Equal(open4d) {
				t.Fatalf("invoice 4 after the credit note: %+v", x)
			}
			// The first note's credit pays more of invoice 4.
			c1 = as[server.CreditNoteJSON](t, a.must(200, "POST", "/api/v1/credit-notes/"+c1.ID+"/allocations", fin, map[string]any{"allocations": []any{
				map[string]any{"invoice_id": in4.ID, "amount": in3.Total}}}))
			if c1.Unallocated != "0.00" || len(c1.Allocations) != 1 {
				t.Fatalf("credit note credit applied: %+v", c1)
			}
			open4d = open4d.Sub(tot(t, in3))
			if x := get(t, a, in4.ID); !dec(t, x.AmountDue).Equal(open4d) {
				t.Fatalf("invoice 4 after the credit: %+v", x)
			}
			if got := closing(t, a, "1100"); !dec(t, got).Equal(open4d) {
				t.Fatalf("AR after credit notes: %s, want %s", got, open4d)
			}
			if got := closing(t, a, "2200"); got != "0.00" {
				t.Fatalf("customer credits after credit notes: %s", got)
			}
			if ag := as[server.AgingJSON](t, a.must(200, "GET", "/api/v1/reports/ar-aging?currency=USD", fin, nil)); ag.Total.Total != usd(open4d) {
				t.Fatalf("aging after credit notes: %+v", ag)
			}
			if l := page[server.CreditNoteJSON](t, a.must(200, "GET", "/api/v1/credit-notes?invoice_id="+in4.ID, tm.rep, nil)); len(l) != 1 || l[0].ID != c2.ID {
				t.Fatalf("credit notes of invoice 4: %+v", l)
			}
			assertBalanced(t, a, fin, "USD", today.Format(time.DateOnly))
		})

		s.step("a JPY account invoiced on order: one invoice of whole yen at once", func(t *testing.T, a *instance) {
			seedRates(t, a, fin, "2000-01-01", "JPY", "0.0067")
			jpy := as[server.PriceBookJSON](t, a.must(201, "POST", "/api/v1/price-books", tm.admin, map[string]any{"name": "JPY", "currency": "JPY", "is_default": true})).ID
			a.must(201, "POST", "/api/v1/price-books/"+jpy+"/entries", tm.admin, map[string]any{"product_id": disk, "unit_price": "15000"})
			f.acc = as[server.AccountJSON](t, a.must(201, "POST", "/api/v1/accounts", tm.admin, map[string]any{"owner_id": tm.ids["Rep"], "name": "東京データ株式会社", "currency": "JPY",
				"invoicing_policy": "on_order", "payment_terms": "eom_30"})).ID
			oj := as[server.OrderJSON](t, a.must(201, "POST", "/api/v1/quotes/"+f.approvedQuote(t, a, tm.rep, disk, "2")+"/convert", tm.rep, nil))
			ij := page[server.InvoiceJSON](t, a.must(200, "GET", "/api/v1/invoices?order_id="+oj.ID, fin, nil))
			if len(ij) != 1 || ij[0].Total != "30000" || ij[0].Currency != "JPY" || !regexp.MustCompile(`-000005$`).MatchString(ij[0].Number) {
				t.Fatalf("JPY invoice: %+v", ij)
			}
			if e := posted(t, a, fin, "invoice", ij[0].ID); e["1100"] != "D 30000" || e["4100"] != "C 30000" {
				t.Fatalf("JPY entry: %v", e)
			}
			assertBalanced(t, a, fin, "JPY", today.Format(time.DateOnly))
			if r := as[server.InvariantReportJSON](t, a.must(200, "GET", "/api/v1/admin/check", fin, nil)); !r.OK {
				t.Fatalf("invariants: %+v", r)
			}
			checkStockInvariants(t, db)
		})
	})
}

// TestInvoiceNumbersGaplessUnderConcurrency: 32 conversions at once each
// invoice a service; the numbers are exactly 1..32 of the year, even with
// failed attempts in between (a rolled-back invoice gives its number back).
func TestInvoiceNumbersGaplessUnderConcurrency(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		a, tm, f, _ := diskFixture(t, db)
		svc := f.product(t, a, tm, map[string]any{"sku": "INSTALL", "name": "Installation", "family": "services", "kind": "service"}, "250")
		quotes := make([]string, 32)
		for i := range quotes {
			quotes[i] = f.approvedQuote(t, a, tm.rep, svc, "1")
		}
		// A conversion that fails after numbering (the revenue accounts are
		// inactive, so the posting is refused) must not burn a number.
		today := time.Now().UTC()
		for _, code := range []string{"4300", "4000"} {
			a.must(200, "PATCH", "/api/v1/ledger/accounts/"+code, tm.finance, map[string]any{"active": false})
		}
		a.must(422, "POST", "/api/v1/quotes/"+quotes[0]+"/convert", tm.rep, nil)
		for _, code := range []string{"4300", "4000"} {
			a.must(200, "PATCH", "/api/v1/ledger/accounts/"+code, tm.finance, map[string]any{"active": true})
		}
		for i, r := range convertConcurrently(a, tm.rep, quotes) {
			if r.status != 201 {
				t.Fatalf("conversion %d: %d %s", i, r.status, r.body)
			}
		}
		seen := map[string]bool{}
		for _, inv := range a.must(200, "GET", "/api/v1/invoices?limit=100", tm.finance, nil).list(t) {
			seen[inv["number"].(string)] = true
		}
		for n := 1; n <= 32; n++ {
			if num := fmt.Sprintf("INV-%d-%06d", today.Year(), n); !seen[num] {
				t.Fatalf("%s missing from %v", num, seen)
			}
		}
		if len(seen) != 32 {
			t.Fatalf("%d invoices", len(seen))
		}
		// With this month closed the customer's acceptance still succeeds;
		// the service waits uninvoiced (no number taken) until the month
		// reopens and finance invoices it.
		month := "/api/v1/ledger/periods/" + today.Format("2006-01")
		a.must(200, "POST", month+"/close", tm.admin, map[string]any{"override": true, "reason": "to test a closed month"})
		o := a.must(201, "POST", "/api/v1/quotes/"+f.approvedQuote(t, a, tm.rep, svc, "1")+"/convert", tm.rep, nil).json(t)
		if inv := a.must(200, "GET", "/api/v1/invoices?order_id="+o["id"].(string), tm.finance, nil).list(t); len(inv) != 0 {
			t.Fatalf("invoiced into a closed month: %v", inv)
		}
		if f := a.must(409, "POST", "/api/v1/orders/"+o["id"].(string)+"/invoice", tm.finance, nil).field(t); f != "date" {
			t.Fatalf("invoicing into a closed month: field %q", f)
		}
		a.must(200, "POST", month+"/reopen", tm.admin, map[string]any{"reason": "late invoice"})
		if inv := a.must(201, "POST", "/api/v1/orders/"+o["id"].(string)+"/invoice", tm.finance, nil).json(t); inv["number"] != fmt.Sprintf("INV-%d-%06d", today.Year(), 33) {
			t.Fatalf("invoice after reopening: %v", inv["number"])
		}
		assertBalanced(t, a, tm.finance, "USD", today.Format(time.DateOnly))
	})
}

// TestCostOfGoodsPostsReceiptsAndShipments: receipts post inventory
// against goods received not invoiced at their cost (the product's unit
// cost when they name none), shipments post cost of goods sold at the
// moving average cost of what they take from stock, in the cost
// currency, even for a JPY order.
func TestCostOfGoodsPostsReceiptsAndShipments(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		a, tm, f, _ := diskFixture(t, db)
		ssd := f.product(t, a, tm, map[string]any{"sku": "SSD", "name": "SSD", "family": "hardware", "unit_cost": "40.125"}, "90")
		rc := a.must(201, "POST", "/api/v1/inventory/receipts", tm.admin, map[string]any{"warehouse_id": f.sfo, "reference": "PO-7",
			"lines": []any{map[string]any{"product_id": ssd, "quantity": "10", "unit_cost": "42.50"}, map[string]any{"product_id": ssd, "quantity": "3"}}}).json(t)
		first := rc["movements"].([]any)[0].(map[string]any)["id"].(string)
		if e := posted(t, a, tm.finance, "receipt", first); e["1200"] != "D 545.38" || e["2000"] != "C 545.38" || len(e) != 2 {
			t.Fatalf("receipt entry (10 × 42.50 + 3 × 40.125): %v", e)
		}
		seedRates(t, a, tm.finance, "2000-01-01", "JPY", "0.0067")
		jpy := a.must(201, "POST", "/api/v1/price-books", tm.admin, map[string]any{"name": "JPY", "currency": "JPY", "is_default": true}).str(t, "id")
		a.must(201, "POST", "/api/v1/price-books/"+jpy+"/entries", tm.admin, map[string]any{"product_id": ssd, "unit_price": "13000"})
		f.acc = a.must(201, "POST", "/api/v1/accounts", tm.rep, map[string]any{"name": "大阪システム", "currency": "JPY"}).str(t, "id")
		o := as[server.OrderJSON](t, a.must(201, "POST", "/api/v1/quotes/"+f.approvedQuote(t, a, tm.rep, ssd, "4")+"/convert", tm.rep, nil))
		sh := as[server.FulfillmentJSON](t, a.must(201, "POST", "/api/v1/orders/"+o.ID+"/fulfillments", tm.admin, map[string]any{"warehouse_id": f.sfo,
			"lines": []any{map[string]any{"order_line_id": orderLine(t, o, "SSD", false).ID, "quantity": "4"}}})).Shipment.ID
		// 4 of the 13 leave at their moving average cost: 545.38 × 4 / 13.
		if e := posted(t, a, tm.finance, "shipment", sh); e["5000"] != "D 167.81" || e["1200"] != "C 167.81" || len(e) != 2 {
			t.Fatalf("shipment cost entry (545.38 × 4 / 13): %v", e)
		}
		if inv := a.must(200, "GET", "/api/v1/ledger/accounts/1200/ledger?currency=USD", tm.finance, nil).json(t); inv["closing_balance"] != "377.57" {
			t.Fatalf("inventory at cost: %v", inv["closing_balance"])
		}
		// A product without a cost posts nothing.
		bare := f.product(t, a, tm, map[string]any{"sku": "CABLE", "name": "Cable", "family": "hardware"}, "5")
		rc = a.must(201, "POST", "/api/v1/inventory/receipts", tm.admin, map[string]any{"warehouse_id": f.sfo,
			"lines": []any{map[string]any{"product_id": bare, "quantity": "10"}}}).json(t)
		if es := a.must(200, "GET", "/api/v1/ledger/entries?source_type=receipt&source_id="+rc["movements"].([]any)[0].(map[string]any)["id"].(string), tm.finance, nil).list(t); len(es) != 0 {
			t.Fatalf("a receipt without cost posted: %v", es)
		}
		assertBalanced(t, a, tm.finance, "USD", time.Now().UTC().Format(time.DateOnly))
		assertBalanced(t, a, tm.finance, "JPY", time.Now().UTC().Format(time.DateOnly))
	})
}
