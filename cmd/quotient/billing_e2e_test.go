package main

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

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

// entryOf returns the journal lines of a source document as "code D|C amount".
func entryOf(t *testing.T, a *instance, token, sourceType, sourceID string) map[string]string {
	t.Helper()
	es := a.must(200, "GET", "/api/v1/ledger/entries?source_type="+sourceType+"&source_id="+sourceID, token, nil).list(t)
	if len(es) != 1 {
		t.Fatalf("entries of %s %s: %v", sourceType, sourceID, es)
	}
	out := map[string]string{}
	for _, l := range es[0]["lines"].([]any) {
		m := l.(map[string]any)
		if dec(t, m["debit"]).IsPositive() {
			out[m["account_code"].(string)] = "D " + m["debit"].(string)
		} else {
			out[m["account_code"].(string)] = "C " + m["credit"].(string)
		}
	}
	return out
}

func TestInvoicingFromOrdersPostsToTheLedger(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		a, tm, f, disk := diskFixture(t, db)
		svc := f.product(t, a, tm, map[string]any{"sku": "INSTALL", "name": "Installation", "family": "services", "kind": "service"}, "250")
		a.must(201, "POST", "/api/v1/tax-rates", tm.finance, map[string]any{"region": "US-TX", "tax_category": "standard", "rate_pct": "8.25", "name": "Texas"})
		f.acc = a.must(201, "POST", "/api/v1/accounts", tm.rep, map[string]any{"name": "Lone Star Data", "currency": "USD", "tax_region": "US-TX",
			"payment_terms": "2_10_net_30"}).str(t, "id")
		f.receive(t, a, tm.admin, f.sfo, disk, "10")

		q := f.approvedQuote(t, a, tm.rep, disk, "3", svc, "1")
		o := a.must(201, "POST", "/api/v1/quotes/"+q+"/convert", tm.rep, nil).json(t)
		oid := o["id"].(string)
		dl, sl := lineBy(t, o, "DISK", false), lineBy(t, o, "INSTALL", false)
		invoices := func() []map[string]any {
			return a.must(200, "GET", "/api/v1/invoices?order_id="+oid, tm.finance, nil).list(t)
		}
		// The service invoices with the order (policy on_fulfillment).
		inv := invoices()
		if len(inv) != 1 || !regexp.MustCompile(`^INV-\d{4}-000001$`).MatchString(inv[0]["number"].(string)) {
			t.Fatalf("invoice on order: %v", inv)
		}
		i1 := a.must(200, "GET", "/api/v1/invoices/"+inv[0]["id"].(string), tm.rep, nil).json(t)
		today := time.Now().UTC()
		if i1["net_total"] != sl["net_amount"] || i1["tax_total"] != sl["tax_amount"] || i1["payment_terms"] != "2_10_net_30" ||
			i1["due_date"] != today.AddDate(0, 0, 30).Format(time.DateOnly) || i1["early_payment_discount_until"] != today.AddDate(0, 0, 10).Format(time.DateOnly) ||
			i1["early_payment_discount_pct"] != "2" || i1["amount_due"] != i1["total"] || len(i1["taxes"].([]any)) != 1 {
			t.Fatalf("service invoice: %v (line %v)", i1, sl)
		}
		total1 := dec(t, sl["net_amount"]).Add(dec(t, sl["tax_amount"])).StringFixed(2)
		if got := entryOf(t, a, tm.finance, "invoice", i1["id"].(string)); got["1100"] != "D "+total1 || got["4300"] != "C "+sl["net_amount"].(string) ||
			got["2100"] != "C "+sl["tax_amount"].(string) || len(got) != 3 {
			t.Fatalf("service invoice entry: %v", got)
		}
		a.must(409, "POST", "/api/v1/orders/"+oid+"/invoice", tm.rep, nil) // nothing shipped yet

		// Each shipment invoices what shipped: 2 of 3 disks, then the last one,
		// which takes the remainder so the parts add up to the cent.
		ship := func(qty string) {
			a.must(201, "POST", "/api/v1/orders/"+oid+"/fulfillments", tm.admin, map[string]any{"warehouse_id": f.sfo,
				"lines": []any{map[string]any{"order_line_id": dl["id"], "quantity": qty}}})
		}
		ship("2")
		ship("1")
		inv = invoices()
		if len(inv) != 3 {
			t.Fatalf("invoices after two shipments: %v", inv)
		}
		net, tax := dec(t, dl["net_amount"]), dec(t, dl["tax_amount"])
		n2, t2 := net.Mul(decimal.NewFromInt(2)).Div(decimal.NewFromInt(3)).Round(2), tax.Mul(decimal.NewFromInt(2)).Div(decimal.NewFromInt(3)).Round(2)
		want := [][2]decimal.Decimal{{n2, t2}, {net.Sub(n2), tax.Sub(t2)}}
		sum := decimal.Zero
		for i, w := range want {
			x := a.must(200, "GET", "/api/v1/invoices/"+inv[i+1]["id"].(string), tm.finance, nil).json(t)
			if !dec(t, x["net_total"]).Equal(w[0]) || !dec(t, x["tax_total"]).Equal(w[1]) {
				t.Fatalf("shipment invoice %d: %v, want net %s tax %s", i+1, x, w[0], w[1])
			}
			e := entryOf(t, a, tm.finance, "invoice", x["id"].(string))
			if e["1100"] != "D "+w[0].Add(w[1]).StringFixed(2) || e["4100"] != "C "+w[0].StringFixed(2) || e["2100"] != "C "+w[1].StringFixed(2) {
				t.Fatalf("shipment invoice %d entry: %v", i+1, e)
			}
		}
		for i, x := range inv {
			sum = sum.Add(dec(t, x["total"]))
			if x["number"] != fmt.Sprintf("%s%06d", inv[0]["number"].(string)[:9], 1+i) {
				t.Fatalf("numbers not consecutive: %v", x["number"])
			}
		}
		if !sum.Equal(dec(t, o["total"])) {
			t.Fatalf("invoices add up to %s, the order is %s", sum, o["total"])
		}
		a.must(409, "POST", "/api/v1/orders/"+oid+"/invoice", tm.rep, nil) // all invoiced
		ar := a.must(200, "GET", "/api/v1/ledger/accounts/1100/ledger?currency=USD", tm.finance, nil).json(t)
		if !dec(t, ar["closing_balance"]).Equal(sum) {
			t.Fatalf("AR balance %v, invoiced %s", ar["closing_balance"], sum)
		}
		assertBalanced(t, a, tm.finance, "USD", today.Format(time.DateOnly))

		// Payments. Invoice 1 paid within the early-payment window: 2 % off.
		usd := func(d decimal.Decimal) string { return d.StringFixed(2) }
		tot := func(x map[string]any) decimal.Decimal { return dec(t, x["total"]) }
		get := func(id string) map[string]any {
			return a.must(200, "GET", "/api/v1/invoices/"+id, tm.finance, nil).json(t)
		}
		in1, in2, in3 := get(inv[0]["id"].(string)), get(inv[1]["id"].(string)), get(inv[2]["id"].(string))
		d1 := tot(in1).Mul(decimal.RequireFromString("0.02")).Round(2)
		pay := func(body map[string]any) map[string]any {
			body["account_id"], body["method"] = f.acc, "bank_transfer"
			return a.must(201, "POST", "/api/v1/payments", tm.finance, body).json(t)
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
			{map[string]any{"amount": "10", "allocations": []any{map[string]any{"invoice_id": in1["id"], "amount": "11"}}}, "allocations[0].amount"},
			{map[string]any{"amount": "99999", "allocations": []any{map[string]any{"invoice_id": in1["id"], "amount": usd(tot(in1).Add(decimal.NewFromInt(1)))}}}, "allocations[0].amount"},
		} {
			c.body["account_id"] = f.acc
			if _, ok := c.body["method"]; !ok {
				c.body["method"] = "bank_transfer"
			}
			if got := a.must(422, "POST", "/api/v1/payments", tm.finance, c.body).field(t); got != c.field {
				t.Errorf("%v: field %q, want %q", c.body, got, c.field)
			}
		}
		p1 := pay(map[string]any{"amount": usd(tot(in1).Sub(d1)), "reference": "WIRE-1",
			"allocations": []any{map[string]any{"invoice_id": in1["id"], "amount": usd(tot(in1).Sub(d1))}}})
		if x := get(in1["id"].(string)); x["status"] != "paid" || x["amount_due"] != "0.00" || p1["allocations"].([]any)[0].(map[string]any)["discount"] != usd(d1) {
			t.Fatalf("discounted payment: %v / %v", x, p1)
		}
		if e := entryOf(t, a, tm.finance, "payment", p1["id"].(string)); e["1000"] != "D "+usd(tot(in1).Sub(d1)) || e["4900"] != "D "+usd(d1) ||
			e["1100"] != "C "+usd(tot(in1)) || len(e) != 3 {
			t.Fatalf("discounted payment entry: %v", e)
		}
		// A partial payment goes to the oldest invoice, with no discount.
		p2 := pay(map[string]any{"amount": "100.00"})
		if x := get(in2["id"].(string)); x["status"] != "partially_paid" || !dec(t, x["amount_due"]).Equal(tot(in2).Sub(decimal.NewFromInt(100))) ||
			p2["unallocated"] != "0.00" {
			t.Fatalf("partial payment: %v / %v", x, p2)
		}
		// The rest with 50.00 too much: invoice 2's remainder, invoice 3 less
		// its discount (its first payment, in the window); the rest is credit.
		d3 := tot(in3).Mul(decimal.RequireFromString("0.02")).Round(2)
		amt := tot(in2).Sub(decimal.NewFromInt(100)).Add(tot(in3)).Add(decimal.NewFromInt(50))
		p3 := pay(map[string]any{"amount": usd(amt)})
		credit := decimal.NewFromInt(50).Add(d3)
		if p3["unallocated"] != usd(credit) || get(in2["id"].(string))["status"] != "paid" || get(in3["id"].(string))["status"] != "paid" {
			t.Fatalf("overpayment: %v", p3)
		}
		if e := entryOf(t, a, tm.finance, "payment", p3["id"].(string)); e["1000"] != "D "+usd(amt) || e["4900"] != "D "+usd(d3) ||
			e["1100"] != "C "+usd(tot(in2).Sub(decimal.NewFromInt(100)).Add(tot(in3))) || e["2200"] != "C "+usd(credit) {
			t.Fatalf("overpayment entry: %v", e)
		}
		if ar := a.must(200, "GET", "/api/v1/ledger/accounts/1100/ledger?currency=USD", tm.finance, nil).json(t); ar["closing_balance"] != "0.00" {
			t.Fatalf("AR after paying everything: %v", ar["closing_balance"])
		}
		// The credit pays part of a later invoice.
		q4 := f.approvedQuote(t, a, tm.rep, svc, "1")
		o4 := a.must(201, "POST", "/api/v1/quotes/"+q4+"/convert", tm.rep, nil).json(t)
		in4 := a.must(200, "GET", "/api/v1/invoices?order_id="+o4["id"].(string), tm.finance, nil).list(t)[0]
		a.must(422, "POST", "/api/v1/payments/"+p3["id"].(string)+"/allocations", tm.finance, map[string]any{"allocations": []any{
			map[string]any{"invoice_id": in4["id"], "amount": usd(credit.Add(decimal.NewFromInt(1)))}}})
		p3 = a.must(200, "POST", "/api/v1/payments/"+p3["id"].(string)+"/allocations", tm.finance, map[string]any{"allocations": []any{
			map[string]any{"invoice_id": in4["id"], "amount": usd(credit)}}}).json(t)
		if x := get(in4["id"].(string)); p3["unallocated"] != "0.00" || !dec(t, x["amount_due"]).Equal(tot(x).Sub(credit)) || x["status"] != "partially_paid" {
			t.Fatalf("credit applied: %v / %v", p3, x)
		}
		if ar := a.must(200, "GET", "/api/v1/ledger/accounts/1100/ledger?currency=USD", tm.finance, nil).json(t); !dec(t, ar["closing_balance"]).Equal(tot(in4).Sub(credit)) {
			t.Fatalf("AR after the credit: %v", ar["closing_balance"])
		}
		if cr := a.must(200, "GET", "/api/v1/ledger/accounts/2200/ledger?currency=USD", tm.finance, nil).json(t); cr["closing_balance"] != "0.00" {
			t.Fatalf("customer credits after use: %v", cr["closing_balance"])
		}
		assertBalanced(t, a, tm.finance, "USD", today.Format(time.DateOnly))

		// The AR aging: today everything open is current; 45 days on, the
		// net_30 remainder of invoice 4 is 15 days past due; before the
		// first invoice there was nothing. Its total is the AR balance.
		ag := a.must(200, "GET", "/api/v1/reports/ar-aging?currency=USD", tm.finance, nil).json(t)
		open4 := usd(tot(in4).Sub(credit))
		if tt := ag["total"].(map[string]any); tt["current"] != open4 || tt["total"] != open4 || len(ag["accounts"].([]any)) != 1 {
			t.Fatalf("aging today: %v", ag)
		}
		later := today.AddDate(0, 0, 45).Format(time.DateOnly)
		ag = a.must(200, "GET", "/api/v1/reports/ar-aging?currency=USD&as_of="+later, tm.finance, nil).json(t)
		if row := ag["accounts"].([]any)[0].(map[string]any); row["1_30"] != open4 || row["current"] != "0.00" || row["account_name"] != "Lone Star Data" {
			t.Fatalf("aging in 45 days: %v", ag)
		}
		if ag := a.must(200, "GET", "/api/v1/reports/ar-aging?currency=USD&as_of="+today.AddDate(0, 0, -1).Format(time.DateOnly), tm.finance, nil).json(t); ag["total"].(map[string]any)["total"] != "0.00" {
			t.Fatalf("aging before the first invoice: %v", ag)
		}
		csv := a.call("GET", "/api/v1/reports/ar-aging?currency=USD", tm.finance, nil, "Accept", "text/csv")
		if !strings.HasPrefix(string(csv.body), "account_id,account_name,current,1_30,31_60,61_90,over_90,total\n") || !strings.Contains(string(csv.body), ",Total,"+open4) {
			t.Fatalf("aging CSV: %s", csv.body)
		}
		a.must(400, "GET", "/api/v1/reports/ar-aging", tm.finance, nil) // currency required

		// Credit notes. Invoice 3 (one disk, paid) is credited in full by its
		// line: nothing is owed on it, so all of it becomes customer credit.
		cn := func(body map[string]any) map[string]any {
			return a.must(201, "POST", "/api/v1/credit-notes", tm.finance, body).json(t)
		}
		a.must(403, "POST", "/api/v1/credit-notes", tm.rep, map[string]any{"invoice_id": in3["id"], "amount": "1", "reason": "x"})
		for _, c := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"invoice_id": "inv_nope", "amount": "1", "reason": "x"}, "invoice_id"},
			{map[string]any{"invoice_id": in3["id"], "amount": "1"}, "reason"},
			{map[string]any{"invoice_id": in3["id"], "reason": "x"}, "lines"},
			{map[string]any{"invoice_id": in3["id"], "reason": "x", "amount": "1", "lines": []any{map[string]any{"order_line_id": dl["id"], "quantity": "1"}}}, "amount"},
			{map[string]any{"invoice_id": in3["id"], "reason": "x", "amount": "-1"}, "amount"},
			{map[string]any{"invoice_id": in3["id"], "reason": "x", "amount": usd(tot(in3).Add(decimal.NewFromInt(1)))}, "amount"},
			{map[string]any{"invoice_id": in3["id"], "reason": "x", "lines": []any{map[string]any{"order_line_id": dl["id"], "quantity": "2"}}}, "lines[0].quantity"},
			{map[string]any{"invoice_id": in3["id"], "reason": "x", "lines": []any{map[string]any{"order_line_id": sl["id"], "quantity": "1"}}}, "lines[0].order_line_id"},
		} {
			if got := a.must(422, "POST", "/api/v1/credit-notes", tm.finance, c.body).field(t); got != c.field {
				t.Errorf("credit note %v: field %q, want %q", c.body, got, c.field)
			}
		}
		c1 := cn(map[string]any{"invoice_id": in3["id"], "reason": "Disk returned damaged", "lines": []any{map[string]any{"order_line_id": dl["id"], "quantity": "1"}}})
		if !regexp.MustCompile(`^CN-\d{4}-000001$`).MatchString(c1["number"].(string)) || c1["total"] != in3["total"] || c1["net_total"] != in3["net_total"] ||
			c1["applied"] != "0.00" || c1["unallocated"] != in3["total"] || c1["invoice_number"] != in3["number"] {
			t.Fatalf("credit note by line: %v (invoice %v)", c1, in3)
		}
		if e := entryOf(t, a, tm.finance, "credit_note", c1["id"].(string)); e["4100"] != "D "+in3["net_total"].(string) ||
			e["2100"] != "D "+in3["tax_total"].(string) || e["2200"] != "C "+in3["total"].(string) || len(e) != 3 {
			t.Fatalf("credit note by line entry: %v", e)
		}
		// Never more than was invoiced less earlier credits.
		if f := a.must(422, "POST", "/api/v1/credit-notes", tm.finance, map[string]any{"invoice_id": in3["id"], "reason": "again", "amount": "0.01"}).field(t); f != "amount" {
			t.Fatalf("credit past the invoice: field %q", f)
		}
		// Invoice 4 (partly paid) is credited 10.00 by amount: it owes 10.00
		// less, and the 10.00 splits into net and tax at its rate.
		c2 := cn(map[string]any{"invoice_id": in4["id"], "reason": "Goodwill: installation late", "amount": "10.00"})
		t4 := dec(t, "10").Mul(dec(t, get(in4["id"].(string))["tax_total"])).Div(tot(in4)).Round(2)
		if c2["applied"] != "10.00" || c2["unallocated"] != "0.00" || c2["tax_total"] != usd(t4) || !regexp.MustCompile(`-000002$`).MatchString(c2["number"].(string)) {
			t.Fatalf("credit note by amount: %v", c2)
		}
		if e := entryOf(t, a, tm.finance, "credit_note", c2["id"].(string)); e["4300"] != "D "+usd(dec(t, "10").Sub(t4)) || e["2100"] != "D "+usd(t4) ||
			e["1100"] != "C 10.00" || len(e) != 3 {
			t.Fatalf("credit note by amount entry: %v", e)
		}
		open4d := tot(in4).Sub(credit).Sub(dec(t, "10"))
		if x := get(in4["id"].(string)); !dec(t, x["amount_due"]).Equal(open4d) {
			t.Fatalf("invoice 4 after the credit note: %v", x)
		}
		// The first note's credit pays more of invoice 4.
		c1 = a.must(200, "POST", "/api/v1/credit-notes/"+c1["id"].(string)+"/allocations", tm.finance, map[string]any{"allocations": []any{
			map[string]any{"invoice_id": in4["id"], "amount": in3["total"]}}}).json(t)
		if c1["unallocated"] != "0.00" || len(c1["allocations"].([]any)) != 1 {
			t.Fatalf("credit note credit applied: %v", c1)
		}
		open4d = open4d.Sub(tot(in3))
		if x := get(in4["id"].(string)); !dec(t, x["amount_due"]).Equal(open4d) {
			t.Fatalf("invoice 4 after the credit: %v", x)
		}
		if ar := a.must(200, "GET", "/api/v1/ledger/accounts/1100/ledger?currency=USD", tm.finance, nil).json(t); !dec(t, ar["closing_balance"]).Equal(open4d) {
			t.Fatalf("AR after credit notes: %v, want %s", ar["closing_balance"], open4d)
		}
		if cr := a.must(200, "GET", "/api/v1/ledger/accounts/2200/ledger?currency=USD", tm.finance, nil).json(t); cr["closing_balance"] != "0.00" {
			t.Fatalf("customer credits after credit notes: %v", cr["closing_balance"])
		}
		if ag := a.must(200, "GET", "/api/v1/reports/ar-aging?currency=USD", tm.finance, nil).json(t); ag["total"].(map[string]any)["total"] != usd(open4d) {
			t.Fatalf("aging after credit notes: %v", ag)
		}
		if l := a.must(200, "GET", "/api/v1/credit-notes?invoice_id="+in4["id"].(string), tm.rep, nil).list(t); len(l) != 1 || l[0]["id"] != c2["id"] {
			t.Fatalf("credit notes of invoice 4: %v", l)
		}
		assertBalanced(t, a, tm.finance, "USD", today.Format(time.DateOnly))

		// A JPY account invoiced on order: one invoice of whole yen at once.
		jpy := a.must(201, "POST", "/api/v1/price-books", tm.admin, map[string]any{"name": "JPY", "currency": "JPY", "is_default": true}).str(t, "id")
		a.must(201, "POST", "/api/v1/price-books/"+jpy+"/entries", tm.admin, map[string]any{"product_id": disk, "unit_price": "15000"})
		f.acc = a.must(201, "POST", "/api/v1/accounts", tm.rep, map[string]any{"name": "東京データ株式会社", "currency": "JPY", "invoicing_policy": "on_order",
			"payment_terms": "eom_30"}).str(t, "id")
		oj := a.must(201, "POST", "/api/v1/quotes/"+f.approvedQuote(t, a, tm.rep, disk, "2")+"/convert", tm.rep, nil).json(t)
		ij := a.must(200, "GET", "/api/v1/invoices?order_id="+oj["id"].(string), tm.finance, nil).list(t)
		if len(ij) != 1 || ij[0]["total"] != "30000" || ij[0]["currency"] != "JPY" || !regexp.MustCompile(`-000005$`).MatchString(ij[0]["number"].(string)) {
			t.Fatalf("JPY invoice: %v", ij)
		}
		if e := entryOf(t, a, tm.finance, "invoice", ij[0]["id"].(string)); e["1100"] != "D 30000" || e["4100"] != "C 30000" {
			t.Fatalf("JPY entry: %v", e)
		}
		assertBalanced(t, a, tm.finance, "JPY", today.Format(time.DateOnly))
		if r := a.must(200, "GET", "/api/v1/admin/check", tm.finance, nil).json(t); r["ok"] != true {
			t.Fatalf("invariants: %v", r)
		}
		checkStockInvariants(t, db)
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
		a.must(200, "POST", month+"/close", tm.finance, nil)
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
// product's unit cost, in the cost currency, even for a JPY order.
func TestCostOfGoodsPostsReceiptsAndShipments(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		a, tm, f, _ := diskFixture(t, db)
		ssd := f.product(t, a, tm, map[string]any{"sku": "SSD", "name": "SSD", "family": "hardware", "unit_cost": "40.125"}, "90")
		rc := a.must(201, "POST", "/api/v1/inventory/receipts", tm.admin, map[string]any{"warehouse_id": f.sfo, "reference": "PO-7",
			"lines": []any{map[string]any{"product_id": ssd, "quantity": "10", "unit_cost": "42.50"}, map[string]any{"product_id": ssd, "quantity": "3"}}}).json(t)
		first := rc["movements"].([]any)[0].(map[string]any)["id"].(string)
		if e := entryOf(t, a, tm.finance, "receipt", first); e["1200"] != "D 545.38" || e["2000"] != "C 545.38" || len(e) != 2 {
			t.Fatalf("receipt entry (10 × 42.50 + 3 × 40.125): %v", e)
		}
		jpy := a.must(201, "POST", "/api/v1/price-books", tm.admin, map[string]any{"name": "JPY", "currency": "JPY", "is_default": true}).str(t, "id")
		a.must(201, "POST", "/api/v1/price-books/"+jpy+"/entries", tm.admin, map[string]any{"product_id": ssd, "unit_price": "13000"})
		f.acc = a.must(201, "POST", "/api/v1/accounts", tm.rep, map[string]any{"name": "大阪システム", "currency": "JPY"}).str(t, "id")
		o := a.must(201, "POST", "/api/v1/quotes/"+f.approvedQuote(t, a, tm.rep, ssd, "4")+"/convert", tm.rep, nil).json(t)
		fl := a.must(201, "POST", "/api/v1/orders/"+o["id"].(string)+"/fulfillments", tm.admin, map[string]any{"warehouse_id": f.sfo,
			"lines": []any{map[string]any{"order_line_id": lineBy(t, o, "SSD", false)["id"], "quantity": "4"}}}).json(t)
		sh := fl["shipment"].(map[string]any)["id"].(string)
		if e := entryOf(t, a, tm.finance, "shipment", sh); e["5000"] != "D 160.50" || e["1200"] != "C 160.50" || len(e) != 2 {
			t.Fatalf("shipment cost entry (4 × 40.125): %v", e)
		}
		if inv := a.must(200, "GET", "/api/v1/ledger/accounts/1200/ledger?currency=USD", tm.finance, nil).json(t); inv["closing_balance"] != "384.88" {
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
