package main

import (
	"strings"
	"testing"

	"github.com/quotient-cpq/quotient/store/storetest"
)

func line(code, debit, credit string) map[string]any {
	l := map[string]any{"account_code": code}
	if debit != "" {
		l["debit"] = debit
	}
	if credit != "" {
		l["credit"] = credit
	}
	return l
}

// assertBalanced fails unless the trial balance of a currency as of a date
// has equal totals, and returns it.
func assertBalanced(t *testing.T, a *instance, token, currency, asOf string) map[string]any {
	t.Helper()
	tb := a.must(200, "GET", "/api/v1/reports/trial-balance?currency="+currency+"&as_of="+asOf, token, nil).json(t)
	if tb["balanced"] != true || tb["total_debit"] != tb["total_credit"] {
		t.Fatalf("trial balance %s %s: %v", currency, asOf, tb)
	}
	return tb
}

func TestLedgerEntriesPeriodsAndTrialBalance(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		a := start(t, db, nil)
		tm := a.makeTeam()
		fin := tm.finance
		chart := a.must(200, "GET", "/api/v1/ledger/accounts?limit=200", fin, nil).list(t)
		codes := map[string]any{}
		for _, acc := range chart {
			codes[acc["code"].(string)] = acc["family"]
		}
		for _, c := range []string{"1000", "1100", "1200", "2000", "2100", "2200", "2300", "4100", "4900", "5000", "6000"} {
			if _, ok := codes[c]; !ok {
				t.Fatalf("standard chart lacks %s: %v", c, codes)
			}
		}
		if codes["4100"] != "hardware" {
			t.Fatalf("revenue by family: %v", codes["4100"])
		}
		a.must(403, "GET", "/api/v1/ledger/accounts", tm.rep, nil)
		a.must(403, "POST", "/api/v1/ledger/entries", tm.manager, map[string]any{})
		a.must(201, "POST", "/api/v1/ledger/accounts", fin, map[string]any{"code": "4500", "name": "Revenue: training", "type": "revenue", "family": "training"})
		a.must(409, "POST", "/api/v1/ledger/accounts", fin, map[string]any{"code": "4500", "name": "again", "type": "revenue"})
		if f := a.must(422, "POST", "/api/v1/ledger/accounts", fin, map[string]any{"code": "9000", "name": "X", "type": "asset", "family": "hardware"}).field(t); f != "family" {
			t.Fatalf("family on an asset: field %q", f)
		}
		acc := a.must(200, "GET", "/api/v1/ledger/accounts/4500", fin, nil)
		patched := a.must(200, "PATCH", "/api/v1/ledger/accounts/4500", fin, map[string]any{"active": false}, "If-Match", acc.header.Get("ETag"))
		a.must(422, "PATCH", "/api/v1/ledger/accounts/4500", fin, map[string]any{"type": "asset"}, "If-Match", patched.header.Get("ETag"))

		sale := map[string]any{"date": "2026-10-15", "memo": "cash sale", "currency": "USD",
			"lines": []any{line("1000", "110.00", ""), line("4100", "", "100.00"), line("2100", "", "10")}}
		e := a.must(201, "POST", "/api/v1/ledger/entries", fin, sale).json(t)
		if e["source_type"] != "manual" || len(e["lines"].([]any)) != 3 || e["lines"].([]any)[2].(map[string]any)["credit"] != "10.00" {
			t.Fatalf("entry: %v", e)
		}
		bad := []struct {
			lines []any
			cur   string
			field string
		}{
			{[]any{line("1000", "110", ""), line("4100", "", "100")}, "USD", "lines"},               // unbalanced
			{[]any{line("1000", "10", "10"), line("4100", "", "0")}, "USD", "lines[0]"},             // both sides
			{[]any{line("1000", "-10", ""), line("4100", "", "-10")}, "USD", "lines[0]"},            // negative
			{[]any{line("1000", "10", ""), line("4999", "", "10")}, "USD", "lines[1].account_code"}, // not in the chart
			{[]any{line("1000", "10", ""), line("4500", "", "10")}, "USD", "lines[1].account_code"}, // inactive
			{[]any{line("1000", "10.001", ""), line("4100", "", "10.001")}, "USD", "lines[0]"},      // more decimals than USD has
			{[]any{line("1100", "1000.5", ""), line("4000", "", "1000.5")}, "JPY", "lines[0]"},      // yen are whole
			{[]any{line("1000", "10", "")}, "USD", "lines"},                                         // one line
			{[]any{line("1000", "10", ""), line("4100", "", "10")}, "", "lines[0].currency"},        // no currency
		}
		for _, b := range bad {
			body := map[string]any{"date": "2026-10-16", "currency": b.cur, "lines": b.lines}
			if f := a.must(422, "POST", "/api/v1/ledger/entries", fin, body).field(t); f != b.field {
				t.Errorf("%v: field %q, want %q", b.lines, f, b.field)
			}
		}
		// Two currencies in one entry balance each on its own.
		a.must(201, "POST", "/api/v1/ledger/entries", fin, map[string]any{"date": "2026-10-17", "lines": []any{
			map[string]any{"account_code": "1100", "currency": "JPY", "debit": "11000"}, map[string]any{"account_code": "4100", "currency": "JPY", "credit": "10000"},
			map[string]any{"account_code": "2100", "currency": "JPY", "credit": "1000"},
			map[string]any{"account_code": "1000", "currency": "EUR", "debit": "5.5"}, map[string]any{"account_code": "4000", "currency": "EUR", "credit": "5.50"}}})
		// One entry per source and event.
		src := map[string]any{"date": "2026-10-18", "currency": "USD", "source_type": "import", "source_id": "BANK-7",
			"lines": []any{line("1000", "50", ""), line("2200", "", "50")}}
		a.must(201, "POST", "/api/v1/ledger/entries", fin, src)
		if f := a.must(409, "POST", "/api/v1/ledger/entries", fin, src).field(t); f != "source_id" {
			t.Fatalf("posting a source twice: field %q", f)
		}
		// Corrections are reversals, once.
		id := e["id"].(string)
		rev := a.must(201, "POST", "/api/v1/ledger/entries/"+id+"/reverse", fin, map[string]any{"date": "2026-10-31"}).json(t)
		if rev["reversal_of"] != id || rev["lines"].([]any)[0].(map[string]any)["credit"] != "110.00" {
			t.Fatalf("reversal: %v", rev)
		}
		if got := a.must(200, "GET", "/api/v1/ledger/entries/"+id, fin, nil).json(t); got["reversed_by"] != rev["id"] {
			t.Fatalf("reversed entry: %v", got)
		}
		a.must(409, "POST", "/api/v1/ledger/entries/"+id+"/reverse", fin, nil)
		a.must(409, "POST", "/api/v1/ledger/entries/"+rev["id"].(string)+"/reverse", fin, nil)
		if r := a.call("DELETE", "/api/v1/ledger/entries/"+id, fin, nil); r.status < 400 || r.status >= 500 {
			t.Fatalf("deleting an entry: %d", r.status)
		}
		if r := a.call("PATCH", "/api/v1/ledger/entries/"+id, fin, map[string]any{"memo": "x"}); r.status < 400 || r.status >= 500 {
			t.Fatalf("changing an entry: %d", r.status)
		}

		tb := assertBalanced(t, a, fin, "USD", "2026-10-30")
		if tb["total_debit"] != "160.00" {
			t.Fatalf("USD trial balance before the reversal: %v", tb)
		}
		assertBalanced(t, a, fin, "JPY", "2026-10-31")
		assertBalanced(t, a, fin, "EUR", "2026-10-31")
		if tb := assertBalanced(t, a, fin, "USD", "2026-10-31"); tb["total_debit"] != "50.00" {
			t.Fatalf("USD trial balance after the reversal: %v", tb)
		}
		csv := a.call("GET", "/api/v1/reports/trial-balance?currency=USD&as_of=2026-10-30", fin, nil, "Accept", "text/csv")
		if !strings.HasPrefix(csv.header.Get("Content-Type"), "text/csv") || !strings.HasPrefix(string(csv.body), "account_code,name,type,debit,credit\n") ||
			!strings.Contains(string(csv.body), ",Total,,160.00,160.00") {
			t.Fatalf("trial balance CSV: %s", csv.body)
		}
		a.must(400, "GET", "/api/v1/reports/trial-balance?as_of=2026-10-31", fin, nil)
		a.must(400, "GET", "/api/v1/reports/trial-balance?currency=USD&as_of=31.10.2026", fin, nil)

		l := a.must(200, "GET", "/api/v1/ledger/accounts/1000/ledger?currency=USD&from=2026-10-16&to=2026-10-31", fin, nil).json(t)
		rows := l["rows"].([]any)
		if l["opening_balance"] != "110.00" || len(rows) != 2 || rows[0].(map[string]any)["balance"] != "160.00" || l["closing_balance"] != "50.00" {
			t.Fatalf("account ledger: %v", l)
		}
		if c := a.call("GET", "/api/v1/ledger/accounts/1000/ledger?currency=USD", fin, nil, "Accept", "text/csv"); !strings.Contains(string(c.body), "date,entry_id,memo,debit,credit,balance") {
			t.Fatalf("account ledger CSV: %s", c.body)
		}

		// Closing a month stops postings dated in it; reopening is an admin's, with a reason.
		p := a.must(200, "POST", "/api/v1/ledger/periods/2026-10/close", fin, map[string]any{"reason": "October closed"}).json(t)
		if p["status"] != "closed" {
			t.Fatalf("close: %v", p)
		}
		a.must(200, "POST", "/api/v1/ledger/periods/2026-10/close", fin, nil)
		a.must(400, "POST", "/api/v1/ledger/periods/2026-13/close", fin, nil)
		late := map[string]any{"date": "2026-10-20", "currency": "USD", "lines": []any{line("1000", "1", ""), line("4100", "", "1")}}
		if f := a.must(409, "POST", "/api/v1/ledger/entries", fin, late).field(t); f != "date" {
			t.Fatalf("posting into a closed period: field %q", f)
		}
		src2 := a.must(200, "GET", "/api/v1/ledger/entries?source_type=import&source_id=BANK-7", fin, nil).list(t)
		a.must(409, "POST", "/api/v1/ledger/entries/"+src2[0]["id"].(string)+"/reverse", fin, map[string]any{"date": "2026-10-25"})
		a.must(201, "POST", "/api/v1/ledger/entries/"+src2[0]["id"].(string)+"/reverse", fin, map[string]any{"date": "2026-11-02"})
		a.must(403, "POST", "/api/v1/ledger/periods/2026-10/reopen", fin, map[string]any{"reason": "fix"})
		a.must(422, "POST", "/api/v1/ledger/periods/2026-10/reopen", tm.admin, nil)
		p = a.must(200, "POST", "/api/v1/ledger/periods/2026-10/reopen", tm.admin, map[string]any{"reason": "late supplier invoice"}).json(t)
		if h := p["history"].([]any); p["status"] != "open" || len(h) != 2 || h[1].(map[string]any)["reason"] != "late supplier invoice" {
			t.Fatalf("reopen: %v", p)
		}
		a.must(201, "POST", "/api/v1/ledger/entries", fin, late)
		assertBalanced(t, a, fin, "USD", "2026-12-31")
	})
}

// TestInvariantCheck: quotient check and GET /admin/check pass on sound
// data and name each breach when the data is damaged behind the
// application's back.
func TestInvariantCheck(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		a, tm, f, disk := diskFixture(t, db)
		f.receive(t, a, tm.admin, f.sfo, disk, "5")
		svc := f.product(t, a, tm, map[string]any{"sku": "SVC", "name": "Service", "family": "services", "kind": "service"}, "250")
		o := a.must(201, "POST", "/api/v1/quotes/"+f.approvedQuote(t, a, tm.rep, svc, "1")+"/convert", tm.rep, nil).json(t)
		inv := a.must(200, "GET", "/api/v1/invoices?order_id="+o["id"].(string), tm.finance, nil).list(t)[0]
		e := a.must(201, "POST", "/api/v1/ledger/entries", tm.finance, map[string]any{"date": "2026-11-02", "currency": "USD",
			"lines": []any{line("1000", "10", ""), line("4000", "", "10")}}).json(t)
		if r := a.must(200, "GET", "/api/v1/admin/check", tm.finance, nil).json(t); r["ok"] != true {
			t.Fatalf("check on sound data: %v", r)
		}
		a.must(403, "GET", "/api/v1/admin/check", tm.rep, nil)
		if code, out, errs := runCmd(t, db, "check"); code != 0 || strings.Count(out, "ok ") != 5 {
			t.Fatalf("quotient check: %d\n%s%s", code, out, errs)
		}

		raw := openRaw(t, db)
		defer raw.Close()
		for _, q := range []string{
			`INSERT INTO journal_lines (entry_id, line_no, account_code, currency, debit_minor, credit_minor, memo, entry_date)
				SELECT id, 3, '1000', 'USD', 1, 0, 'tampered', entry_date FROM journal_entries WHERE id = '` + e["id"].(string) + `'`,
			`UPDATE stock SET on_hand_micro = on_hand_micro + 1000000 WHERE product_id = '` + disk + `'`,
			`UPDATE invoices SET total_minor = total_minor + 1, amount_due_minor = amount_due_minor + 1 WHERE id = '` + inv["id"].(string) + `'`,
			`INSERT INTO commission_plans (id, name, basis, base_rate_pct, rules, exclusions, valid_from, version, created_at, updated_at)
				VALUES ('cpl_x', 'x', 'paid', '10', '[]', '[]', '2020-01-01', 1, '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z')`,
			`INSERT INTO commission_lines (id, user_id, plan_id, plan_version, invoice_id, order_line_id, sku, source_type, source_id, period, day,
				currency, basis_minor, share_pct, rate_pct, amount_minor, status, rule, figures, created_at) VALUES ('cml_x', '` + tm.ids["Rep"] + `',
				'cpl_x', 1, '` + inv["id"].(string) + `', 'x', 'SVC', 'invoice', 'x', '2020-01', '2020-01-01', 'USD', 1000, '100', '10', 100,
				'payable', 'base rate', 'tampered', '2020-01-01T00:00:00Z')`,
		} {
			if _, err := raw.Exec(q); err != nil {
				t.Fatal(err)
			}
		}
		r := a.must(200, "GET", "/api/v1/admin/check", tm.admin, nil).json(t)
		if r["ok"] != false {
			t.Fatalf("check on damaged data: %v", r)
		}
		code, out, _ := runCmd(t, db, "check")
		if code != 1 || strings.Count(out, "FAILED") != 5 || !strings.Contains(out, "entry "+e["id"].(string)) || !strings.Contains(out, disk) ||
			!strings.Contains(out, "commission line cml_x has an amount but no posting") || !strings.Contains(out, "commissions payable holds") ||
			!strings.Contains(out, "invoice "+inv["number"].(string)+" is posted with a different amount") || !strings.Contains(out, "the AR aging totals") {
			t.Fatalf("quotient check on damaged data: %d\n%s", code, out)
		}
	})
}
