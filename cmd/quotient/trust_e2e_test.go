package main

import (
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/quotient-cpq/quotient/server"
	"github.com/quotient-cpq/quotient/store/storetest"
)

// readCSV parses a CSV response.
func readCSV(t testing.TB, r resp) [][]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(string(r.body))).ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v\n%s", err, r.body)
	}
	return rows
}

// TestCSVExportsNeutraliseFormulas: a customer name and a memo that a
// spreadsheet would run as formulas reach finance's CSV exports quoted
// as text, while amounts (negative ones too) stay numbers.
func TestCSVExportsNeutraliseFormulas(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		a, tm, f, _ := diskFixture(t, db)
		const evilName, evilMemo = `=HYPERLINK("http://evil","x")`, `=cmd|' /C calc'!A0`
		svc := f.product(t, a, tm, map[string]any{"sku": "SETUP", "name": "Setup", "family": "services", "kind": "service"}, "500")
		f.acc = as[server.AccountJSON](t, a.must(201, "POST", "/api/v1/accounts", tm.rep, map[string]any{"name": evilName, "currency": "USD"})).ID
		a.must(201, "POST", "/api/v1/quotes/"+f.approvedQuote(t, a, tm.rep, svc, "1")+"/convert", tm.rep, nil)
		today := time.Now().UTC().Format(time.DateOnly)
		a.must(201, "POST", "/api/v1/ledger/entries", tm.finance, map[string]any{"date": today, "memo": evilMemo, "currency": "USD",
			"lines": []any{map[string]any{"account_code": "1000", "credit": "12.5"}, map[string]any{"account_code": "4100", "debit": "12.5"}}})
		find := func(rows [][]string, want string) []string {
			for _, r := range rows {
				for _, c := range r {
					if c == want {
						return r
					}
				}
			}
			t.Fatalf("no cell %q in %q", want, rows)
			return nil
		}
		aging := readCSV(t, a.must(200, "GET", "/api/v1/reports/ar-aging?currency=USD", tm.finance, nil, "Accept", "text/csv"))
		if row := find(aging, "'"+evilName); row[len(row)-1] != "500.00" {
			t.Fatalf("aging row: %q", row)
		}
		ledger := readCSV(t, a.must(200, "GET", "/api/v1/ledger/accounts/1000/ledger?currency=USD", tm.finance, nil, "Accept", "text/csv"))
		if row := find(ledger, "'"+evilMemo); row[len(row)-1] != "-12.50" {
			t.Fatalf("ledger row: %q", row)
		}
		for _, rows := range [][][]string{aging, ledger} {
			for _, r := range rows {
				for _, c := range r {
					if c != "" && strings.ContainsRune("=+@\t\r", rune(c[0])) {
						t.Fatalf("a formula cell survived: %q", c)
					}
				}
			}
		}
	})
}

// TestHeadersAndBounds: every response says nosniff, every HTML page has
// a policy with no inline script and keeps its address out of Referer;
// dates are bounded where the business needs it, and the widest period
// a report can be asked for answers on both databases.
func TestHeadersAndBounds(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		a, tm, f, disk := diskFixture(t, db)
		for _, r := range []resp{a.must(200, "GET", "/api/v1/accounts", tm.rep, nil), a.call("GET", "/api/v1/nowhere", tm.rep, nil),
			a.must(200, "GET", "/api/docs", "", nil), a.must(404, "GET", "/portal/quotes/nonsense", "", nil)} {
			if r.header.Get("X-Content-Type-Options") != "nosniff" {
				t.Fatalf("no nosniff: %v", r.header)
			}
			if !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
				continue
			}
			csp := r.header.Get("Content-Security-Policy")
			if !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script-src 'unsafe-inline'") ||
				strings.Contains(csp, "'unsafe-eval'") || r.header.Get("Referrer-Policy") != "no-referrer" {
				t.Fatalf("HTML page headers: %v", r.header)
			}
		}

		today := time.Now().UTC()
		for _, c := range []struct {
			date string
			want int
		}{{"9999-12-31", 422}, {today.AddDate(2, 0, 0).Format(time.DateOnly), 422}, {today.Format(time.DateOnly), 201}} {
			r := a.call("POST", "/api/v1/ledger/entries", tm.finance, map[string]any{"date": c.date, "currency": "USD",
				"lines": []any{map[string]any{"account_code": "1000", "debit": "1"}, map[string]any{"account_code": "4100", "credit": "1"}}})
			if r.status != c.want || (c.want == 422 && r.field(t) != "date") {
				t.Fatalf("entry dated %s: %d %s", c.date, r.status, r.body)
			}
		}

		quoteOn := func(days int) resp {
			return a.call("POST", "/api/v1/quotes", tm.rep, map[string]any{"account_id": f.acc, "valid_until": today.AddDate(0, 0, days).Format(time.DateOnly),
				"lines": []any{map[string]any{"product_id": disk, "quantity": "1"}}})
		}
		if r := quoteOn(366); r.status != 422 || r.field(t) != "valid_until" {
			t.Fatalf("a quote valid 366 days: %d %s", r.status, r.body)
		}
		if r := quoteOn(365); r.status != 201 {
			t.Fatalf("a quote valid 365 days: %d %s", r.status, r.body)
		}
		q := as[server.QuoteJSON](t, a.must(201, "POST", "/api/v1/quotes", tm.rep, map[string]any{"account_id": f.acc, "lines": []any{map[string]any{"product_id": disk, "quantity": "1"}}}))
		if r := a.call("PATCH", "/api/v1/quotes/"+q.ID, tm.rep, map[string]any{"valid_until": "9999-12-31"}); r.status != 422 || r.field(t) != "valid_until" {
			t.Fatalf("moving valid_until to 9999: %d %s", r.status, r.body)
		}

		for _, path := range []string{"/api/v1/reports/kpis?from=0001-01-01&to=9999-12-31", "/api/v1/reports/kpis?currency=USD&from=1900-01-01&to=9999-12-31"} {
			a.must(200, "GET", path, tm.finance, nil)
		}
	})
}

// TestCreditTermsBelongToFinance: the owner (and their manager) cannot
// change credit_limit, payment_terms or invoicing_policy (403 naming the
// field), at creation or later; finance and admins can; the account's
// history says who changed what.
func TestCreditTermsBelongToFinance(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		a := start(t, db, nil)
		tm := a.makeTeam()
		acc := as[server.AccountJSON](t, a.must(201, "POST", "/api/v1/accounts", tm.rep, map[string]any{"name": "Held Co", "currency": "USD"}))
		for _, f := range []string{"credit_limit", "payment_terms", "invoicing_policy"} {
			body := map[string]any{"name": "Held Co", "currency": "USD", f: map[string]string{"credit_limit": "100", "payment_terms": "net_90",
				"invoicing_policy": "on_order"}[f]}
			if r := a.call("POST", "/api/v1/accounts", tm.rep, body); r.status != 403 || r.field(t) != f {
				t.Fatalf("a rep creating with %s: %d %s", f, r.status, r.body)
			}
		}
		acc = as[server.AccountJSON](t, a.must(200, "PATCH", "/api/v1/accounts/"+acc.ID, tm.finance, map[string]any{"credit_limit": "5000"}))
		for _, c := range []struct {
			token, field string
			value        any
		}{{tm.rep, "credit_limit", "0"}, {tm.rep, "payment_terms", "net_90"}, {tm.rep, "invoicing_policy", "on_order"}, {tm.manager, "credit_limit", "0"}} {
			if r := a.call("PATCH", "/api/v1/accounts/"+acc.ID, c.token, map[string]any{c.field: c.value}); r.status != 403 || r.field(t) != c.field {
				t.Fatalf("PATCH %s=%v: %d %s", c.field, c.value, r.status, r.body)
			}
		}
		// Restating the current terms beside another change is no change.
		acc = as[server.AccountJSON](t, a.must(200, "PATCH", "/api/v1/accounts/"+acc.ID, tm.rep, map[string]any{"credit_limit": "5000.00",
			"payment_terms": "net_30", "industry": "Logistics"}))
		acc = as[server.AccountJSON](t, a.must(200, "PATCH", "/api/v1/accounts/"+acc.ID, tm.admin, map[string]any{"payment_terms": "net_45"}))
		if acc.CreditLimit != "5000.00" || acc.PaymentTerms != "net_45" || acc.Version != 4 {
			t.Fatalf("account: %+v", acc)
		}
		got := page[server.AccountChangeJSON](t, a.must(200, "GET", "/api/v1/accounts/"+acc.ID+"/history", tm.rep, nil))
		var lines []string
		for _, c := range got {
			lines = append(lines, c.Field+":"+c.Before+"→"+c.After+" by "+c.ActorID)
		}
		want := []string{"credit_limit:0→5000 by " + tm.ids["Finance"], "industry:→Logistics by " + tm.ids["Rep"], "payment_terms:net_30→net_45 by " + testAdminID(t, a)}
		if strings.Join(lines, "; ") != strings.Join(want, "; ") {
			t.Fatalf("history:\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
		}
	})
}

// testAdminID is the bootstrap admin's user id.
func testAdminID(t testing.TB, a *instance) string {
	t.Helper()
	return as[server.UserJSON](t, a.must(200, "GET", "/api/v1/me", testBootstrap, nil)).ID
}

// TestApprovalsAreHeard: the quote list filters by status, owner (me),
// account and "waiting for my approval"; the approver is e-mailed when a
// request is made and the rep when it is decided, through the outbox.
func TestApprovalsAreHeard(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		smtp := startSMTP(t)
		a := start(t, db, map[string]string{"QUOTIENT_SMTP_URL": "smtp://" + smtp.addr + "?tls=none", "QUOTIENT_WORKER_INTERVAL": "50ms"})
		tm := a.makeTeam()
		f := newStockFixture(t, a, tm)
		disk := f.product(t, a, tm, map[string]any{"sku": "DISK", "name": "Disk", "family": "hardware"}, "100")
		a.must(201, "POST", "/api/v1/approval-rules", tm.admin, map[string]any{"name": "Big deals", "condition": "quote.total >= 1000", "approver_kind": "manager"})
		small := f.approvedQuote(t, a, tm.rep, disk, "1")
		big := as[server.QuoteJSON](t, a.must(201, "POST", "/api/v1/quotes", tm.rep, map[string]any{"account_id": f.acc,
			"lines": []any{map[string]any{"product_id": disk, "quantity": "20"}}})).ID
		if st := as[server.SubmissionJSON](t, a.must(200, "POST", "/api/v1/quotes/"+big+"/submit", tm.rep, nil)).Quote.Status; st != "pending_approval" {
			t.Fatalf("big quote: %s", st)
		}
		ids := func(token, query string) string {
			var out []string
			for _, q := range page[server.QuoteJSON](t, a.must(200, "GET", "/api/v1/quotes?"+query, token, nil)) {
				out = append(out, q.ID)
			}
			return strings.Join(out, ",")
		}
		for _, c := range []struct{ token, query, want string }{
			{tm.rep, "status=pending_approval", big},
			{tm.rep, "status=approved", small},
			{tm.rep, "owner_id=me&status=pending_approval&account_id=" + f.acc, big},
			{tm.rep2, "owner_id=me", ""},
			{tm.manager, "approver=me", big},
			{tm.rep, "approver=me", ""}, // never your own
			{tm.outsider, "approver=me", ""},
		} {
			if got := ids(c.token, c.query); got != c.want {
				t.Fatalf("GET /quotes?%s: %q, want %q", c.query, got, c.want)
			}
		}
		for _, q := range []string{"status=waiting", "approver=someone"} {
			if r := a.call("GET", "/api/v1/quotes?"+q, tm.rep, nil); r.status != 400 || r.field(t) != strings.Split(q, "=")[0] {
				t.Fatalf("GET /quotes?%s: %d %s", q, r.status, r.body)
			}
		}
		text, _ := parseMail(t, smtp.waitFor(t, "To: manager@example.com"))
		number := as[server.QuoteJSON](t, a.must(200, "GET", "/api/v1/quotes/"+big, tm.rep, nil)).Number
		if !strings.Contains(text, "Rep asks you to approve quote "+number) || !strings.Contains(text, "Big deals") {
			t.Fatalf("the approver's e-mail: %q", text)
		}
		a.must(200, "POST", "/api/v1/quotes/"+big+"/approve", tm.manager, map[string]any{"comment": "fine"})
		text, _ = parseMail(t, smtp.waitFor(t, "To: rep@example.com"))
		if !strings.Contains(text, "Quote "+number+" (version 1)") || !strings.Contains(text, "was approved") || !strings.Contains(text, "fine") {
			t.Fatalf("the rep's e-mail: %q", text)
		}
		if got := ids(tm.manager, "approver=me"); got != "" {
			t.Fatalf("still waiting for the manager: %q", got)
		}
	})
}

// TestContractEdges: a quote's ETag names the version its body shows;
// configuration numbers arrive as JSON numbers or decimal strings alike;
// a quote without a contact goes to the account's primary contact; lines
// may name products by sku; a body's every unknown field is named.
func TestContractEdges(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		a, tm, f, _ := diskFixture(t, db)
		srv := f.product(t, a, tm, serverProduct(), "1000")
		for _, disk := range []any{8, "8", 8.0} {
			c := as[server.ConfigurationJSON](t, a.must(200, "POST", "/api/v1/products/"+srv+"/configure", tm.rep, map[string]any{
				"configuration": map[string]any{"cpu": "c8", "disk_tb": disk}}))
			if !c.Valid || c.Configuration["disk_tb"] != "8" {
				t.Fatalf("disk_tb %v (%T): %+v", disk, disk, c)
			}
		}
		if r := a.call("POST", "/api/v1/products/"+srv+"/configure", tm.rep, `{"configuration":{"cpu":"c8","disk_tb":1e3}}`); r.status != 422 || r.field(t) != "configuration.disk_tb" {
			t.Fatalf("an exponent: %d %s", r.status, r.body)
		}

		first := as[server.ContactJSON](t, a.must(201, "POST", "/api/v1/accounts/"+f.acc+"/contacts", tm.rep, map[string]any{"name": "First", "email": "first@orders.example"}))
		buyer := as[server.ContactJSON](t, a.must(201, "POST", "/api/v1/accounts/"+f.acc+"/contacts", tm.rep, map[string]any{"name": "Buyer",
			"email": "buyer@orders.example", "primary": true}))
		if first.Primary == false || !buyer.Primary {
			t.Fatalf("primary contacts: %+v %+v", first, buyer)
		}
		if again := as[server.ContactJSON](t, a.must(200, "GET", "/api/v1/accounts/"+f.acc+"/contacts/"+first.ID, tm.rep, nil)); again.Primary {
			t.Fatal("two primary contacts")
		}
		q := as[server.QuoteJSON](t, a.must(201, "POST", "/api/v1/quotes", tm.rep, map[string]any{"account_id": f.acc,
			"lines": []any{map[string]any{"sku": "SRV-T1", "quantity": 2, "configuration": map[string]any{"cpu": "c16", "disk_tb": 16}}}}))
		if str(q.ContactID) != buyer.ID || q.Lines[0].ProductID != srv || q.Lines[0].Configuration["disk_tb"] != "16" || q.Lines[0].Quantity != "2" {
			t.Fatalf("quote by sku for the primary contact: contact %s, line %+v", str(q.ContactID), q.Lines[0])
		}
		if r := a.call("POST", "/api/v1/quotes", tm.rep, map[string]any{"account_id": f.acc, "lines": []any{map[string]any{"sku": "NOPE", "quantity": "1"}}}); r.status != 422 || r.field(t) != "lines[0].sku" {
			t.Fatalf("an unknown sku: %d %s", r.status, r.body)
		}

		r := a.call("POST", "/api/v1/quotes", tm.rep, map[string]any{"account_id": f.acc, "colour": "red", "Size": 1,
			"lines": []any{map[string]any{"sku": "SRV-T1", "quantity": "1", "discount": "5"}}})
		var fields []string
		for _, e := range as[server.Problem](t, r).Errors {
			fields = append(fields, e.Field)
		}
		if r.status != 400 || strings.Join(fields, ",") != "Size,colour,lines[0].discount" {
			t.Fatalf("unknown fields: %d %s", r.status, r.body)
		}
	})
}

// TestReportsWithoutACurrency: the AR aging, the trial balance and the
// customer statement answer for every currency the data holds, each in
// its own section, in JSON, CSV and PDF; a statement without account_id
// names only that field.
func TestReportsWithoutACurrency(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		a, tm, f, _ := diskFixture(t, db)
		fin := tm.finance
		svc := f.product(t, a, tm, map[string]any{"sku": "SETUP", "name": "Setup", "family": "services", "kind": "service"}, "500")
		usd := f.acc
		seedRates(t, a, fin, "2000-01-01", "JPY", "0.0067")
		a.must(201, "POST", "/api/v1/quotes/"+f.approvedQuote(t, a, tm.rep, svc, "1")+"/convert", tm.rep, nil)
		yen := as[server.PriceBookJSON](t, a.must(201, "POST", "/api/v1/price-books", tm.admin, map[string]any{"name": "JPY", "currency": "JPY", "is_default": true})).ID
		a.must(201, "POST", "/api/v1/price-books/"+yen+"/entries", tm.admin, map[string]any{"product_id": svc, "unit_price": "70000"})
		f.acc = as[server.AccountJSON](t, a.must(201, "POST", "/api/v1/accounts", tm.rep, map[string]any{"name": "東京株式会社", "currency": "JPY"})).ID
		a.must(201, "POST", "/api/v1/quotes/"+f.approvedQuote(t, a, tm.rep, svc, "1")+"/convert", tm.rep, nil)

		aging := as[server.AgingReportJSON](t, a.must(200, "GET", "/api/v1/reports/ar-aging?basis=document", fin, nil))
		if base := as[server.AgingJSON](t, a.must(200, "GET", "/api/v1/reports/ar-aging", fin, nil)); !base.InBase || base.Total.Total != "969.00" {
			t.Fatalf("aging in base (¥70,000 at 0.0067 and $500): %+v", base)
		}
		if len(aging.Sections) != 2 || aging.Sections[0].Currency != "JPY" || aging.Sections[0].Total.Total != "70000" ||
			aging.Sections[1].Currency != "USD" || aging.Sections[1].Total.Total != "500.00" {
			t.Fatalf("aging of every currency: %+v", aging)
		}
		if one := as[server.AgingJSON](t, a.must(200, "GET", "/api/v1/reports/ar-aging?currency=USD", fin, nil)); one.Total.Total != "500.00" {
			t.Fatalf("aging of USD: %+v", one)
		}
		tb := as[server.TrialBalanceReportJSON](t, a.must(200, "GET", "/api/v1/reports/trial-balance?basis=document", fin, nil))
		if len(tb.Sections) != 2 || tb.Sections[0].Currency != "JPY" || tb.Sections[1].Currency != "USD" || !tb.Sections[0].Balanced || !tb.Sections[1].Balanced {
			t.Fatalf("trial balance of every currency: %+v", tb)
		}
		rows := readCSV(t, a.must(200, "GET", "/api/v1/reports/ar-aging?basis=document", fin, nil, "Accept", "text/csv"))
		if strings.Join(rows[0], ",") != "currency,account_id,account_name,current,1_30,31_60,61_90,over_90,total" || rows[len(rows)-1][0] != "USD" {
			t.Fatalf("aging CSV: %q", rows)
		}
		st := as[server.StatementReportJSON](t, a.must(200, "GET", "/api/v1/reports/customer-statement?account_id="+usd, fin, nil))
		if len(st.Sections) != 1 || st.Sections[0].Currency != "USD" || st.Sections[0].ClosingBalance != "500.00" || st.AccountID != usd {
			t.Fatalf("statement of every currency: %+v", st)
		}
		if pdf := a.must(200, "GET", "/api/v1/reports/customer-statement?account_id="+f.acc, fin, nil, "Accept", "application/pdf"); !strings.HasPrefix(string(pdf.body), "%PDF") {
			t.Fatalf("statement PDF: %.100s", pdf.body)
		} else if text, ok := pdfText(t, pdf.body); ok && !strings.Contains(text, "¥70,000") {
			t.Fatalf("statement PDF text: %s", text)
		}
		r := a.call("GET", "/api/v1/reports/customer-statement", fin, nil)
		if pr := as[server.Problem](t, r); r.status != 400 || len(pr.Errors) != 1 || pr.Errors[0].Field != "account_id" {
			t.Fatalf("statement without account_id: %d %s", r.status, r.body)
		}
	})
}
