package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/quotient-cpq/quotient/server"
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
func assertBalanced(t *testing.T, a *instance, token, currency, asOf string) server.TrialBalanceJSON {
	t.Helper()
	tb := as[server.TrialBalanceJSON](t, a.must(200, "GET", "/api/v1/reports/trial-balance?currency="+currency+"&as_of="+asOf, token, nil))
	if !tb.Balanced || tb.TotalDebit != tb.TotalCredit || tb.AsOf != asOf || tb.Currency != currency {
		t.Fatalf("trial balance %s %s: %+v", currency, asOf, tb)
	}
	return tb
}

// TestLedgerEntriesPeriodsAndTrialBalance walks the ledger as finance
// uses it: the chart, manual entries and what they refuse, one entry per
// source, reversals, the trial balance and an account's ledger (JSON and
// CSV), and a month closed and reopened.
func TestLedgerEntriesPeriodsAndTrialBalance(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		sc := scenario{t, start(t, db, nil)}
		tm := sc.a.makeTeam()
		fin := tm.finance
		var sale server.JournalEntryJSON
		var reversal server.JournalEntryJSON

		sc.step("the standard chart collects revenue by family; finance adds and deactivates accounts", func(t *testing.T, a *instance) {
			chart := page[server.LedgerAccountJSON](t, a.must(200, "GET", "/api/v1/ledger/accounts?limit=200", fin, nil))
			family := map[string]string{}
			for _, acc := range chart {
				family[acc.Code] = acc.Family
			}
			for _, c := range []string{"1000", "1100", "1200", "2000", "2100", "2200", "2300", "4100", "4900", "5000", "6000"} {
				if _, ok := family[c]; !ok {
					t.Fatalf("standard chart lacks %s: %v", c, family)
				}
			}
			if family["4100"] != "hardware" {
				t.Fatalf("revenue by family: 4100 collects %q, want hardware", family["4100"])
			}
			a.must(403, "GET", "/api/v1/ledger/accounts", tm.rep, nil)
			a.must(403, "POST", "/api/v1/ledger/entries", tm.manager, map[string]any{})
			made := as[server.LedgerAccountJSON](t, a.must(201, "POST", "/api/v1/ledger/accounts", fin,
				map[string]any{"code": "4500", "name": "Revenue: training", "type": "revenue", "family": "training"}))
			if made.Code != "4500" || made.Type != "revenue" || made.Family != "training" || !made.Active || made.Version != 1 {
				t.Fatalf("new account: %+v", made)
			}
			a.must(409, "POST", "/api/v1/ledger/accounts", fin, map[string]any{"code": "4500", "name": "again", "type": "revenue"})
			if f := a.must(422, "POST", "/api/v1/ledger/accounts", fin, map[string]any{"code": "9000", "name": "X", "type": "asset", "family": "hardware"}).field(t); f != "family" {
				t.Fatalf("family on an asset: field %q", f)
			}
			acc := a.must(200, "GET", "/api/v1/ledger/accounts/4500", fin, nil)
			patched := a.must(200, "PATCH", "/api/v1/ledger/accounts/4500", fin, map[string]any{"active": false}, "If-Match", acc.header.Get("ETag"))
			if p := as[server.LedgerAccountJSON](t, patched); p.Active || p.Version != 2 {
				t.Fatalf("deactivated account: %+v", p)
			}
			a.must(422, "PATCH", "/api/v1/ledger/accounts/4500", fin, map[string]any{"type": "asset"}, "If-Match", patched.header.Get("ETag"))
		})

		sc.step("a balanced entry posts; what does not balance, or breaks a rule, is 422 naming the line", func(t *testing.T, a *instance) {
			sale = as[server.JournalEntryJSON](t, a.must(201, "POST", "/api/v1/ledger/entries", fin, map[string]any{"date": "2026-10-15", "memo": "cash sale",
				"currency": "USD", "lines": []any{line("1000", "110.00", ""), line("4100", "", "100.00"), line("2100", "", "10")}}))
			if sale.SourceType != "manual" || sale.SourceID != sale.ID || sale.Date != "2026-10-15" || len(sale.Lines) != 3 ||
				sale.Lines[0].Debit != "110.00" || sale.Lines[2].Credit != "10.00" || sale.Lines[2].Debit != "0.00" || sale.PostedBy != tm.ids["Finance"] {
				t.Fatalf("entry: %+v", sale)
			}
			for _, b := range []struct {
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
			} {
				body := map[string]any{"date": "2026-10-16", "currency": b.cur, "lines": b.lines}
				if f := a.must(422, "POST", "/api/v1/ledger/entries", fin, body).field(t); f != b.field {
					t.Errorf("%v: field %q, want %q", b.lines, f, b.field)
				}
			}
		})

		sc.step("two currencies in one entry balance each on its own; a source and event post once", func(t *testing.T, a *instance) {
			seedRates(t, a, fin, "2000-01-01", "JPY", "0.0067", "EUR", "1.08")
			two := as[server.JournalEntryJSON](t, a.must(201, "POST", "/api/v1/ledger/entries", fin, map[string]any{"date": "2026-10-17", "lines": []any{
				map[string]any{"account_code": "1100", "currency": "JPY", "debit": "11000"}, map[string]any{"account_code": "4100", "currency": "JPY", "credit": "10000"},
				map[string]any{"account_code": "2100", "currency": "JPY", "credit": "1000"},
				map[string]any{"account_code": "1000", "currency": "EUR", "debit": "5.5"}, map[string]any{"account_code": "4000", "currency": "EUR", "credit": "5.50"}}}))
			if two.Lines[0].Debit != "11000" || two.Lines[3].Debit != "5.50" {
				t.Fatalf("amounts in their currencies' minor units: %+v", two.Lines)
			}
			src := map[string]any{"date": "2026-10-18", "currency": "USD", "source_type": "import", "source_id": "BANK-7",
				"lines": []any{line("1000", "50", ""), line("2200", "", "50")}}
			a.must(201, "POST", "/api/v1/ledger/entries", fin, src)
			if f := a.must(409, "POST", "/api/v1/ledger/entries", fin, src).field(t); f != "source_id" {
				t.Fatalf("posting a source twice: field %q", f)
			}
		})

		sc.step("corrections are reversals, once; entries are never changed or deleted", func(t *testing.T, a *instance) {
			reversal = as[server.JournalEntryJSON](t, a.must(201, "POST", "/api/v1/ledger/entries/"+sale.ID+"/reverse", fin, map[string]any{"date": "2026-10-31"}))
			if str(reversal.ReversalOf) != sale.ID || reversal.Date != "2026-10-31" || reversal.Lines[0].AccountCode != "1000" || reversal.Lines[0].Credit != "110.00" ||
				reversal.Memo != "Reversal of "+sale.ID {
				t.Fatalf("reversal: %+v", reversal)
			}
			if got := as[server.JournalEntryJSON](t, a.must(200, "GET", "/api/v1/ledger/entries/"+sale.ID, fin, nil)); str(got.ReversedBy) != reversal.ID {
				t.Fatalf("reversed entry: %+v", got)
			}
			a.must(409, "POST", "/api/v1/ledger/entries/"+sale.ID+"/reverse", fin, nil)
			a.must(409, "POST", "/api/v1/ledger/entries/"+reversal.ID+"/reverse", fin, nil)
			if f := a.must(422, "POST", "/api/v1/ledger/entries/"+reversal.ID+"/reverse", fin, map[string]any{"date": "2026-02-30"}).field(t); f != "date" {
				t.Fatalf("an impossible reversal date: field %q", f)
			}
			if r := a.call("DELETE", "/api/v1/ledger/entries/"+sale.ID, fin, nil); r.status < 400 || r.status >= 500 {
				t.Fatalf("deleting an entry: %d", r.status)
			}
			if r := a.call("PATCH", "/api/v1/ledger/entries/"+sale.ID, fin, map[string]any{"memo": "x"}); r.status < 400 || r.status >= 500 {
				t.Fatalf("changing an entry: %d", r.status)
			}
		})

		sc.step("the trial balance balances in every currency on every date, as JSON and CSV", func(t *testing.T, a *instance) {
			if tb := assertBalanced(t, a, fin, "USD", "2026-10-30"); tb.TotalDebit != "160.00" || len(tb.Rows) != 4 {
				t.Fatalf("USD trial balance before the reversal: %+v", tb)
			}
			assertBalanced(t, a, fin, "JPY", "2026-10-31")
			assertBalanced(t, a, fin, "EUR", "2026-10-31")
			if tb := assertBalanced(t, a, fin, "USD", "2026-10-31"); tb.TotalDebit != "50.00" {
				t.Fatalf("USD trial balance after the reversal: %+v", tb)
			}
			csv := a.call("GET", "/api/v1/reports/trial-balance?currency=USD&as_of=2026-10-30", fin, nil, "Accept", "text/csv")
			if !strings.HasPrefix(csv.header.Get("Content-Type"), "text/csv") || !strings.HasPrefix(string(csv.body), "account_code,name,type,debit,credit\n") ||
				!strings.Contains(string(csv.body), ",Total,,160.00,160.00") {
				t.Fatalf("trial balance CSV: %s", csv.body)
			}
			all := as[server.TrialBalanceReportJSON](t, a.must(200, "GET", "/api/v1/reports/trial-balance?as_of=2026-10-31&basis=document", fin, nil))
			if base := as[server.TrialBalanceJSON](t, a.must(200, "GET", "/api/v1/reports/trial-balance?as_of=2026-10-31", fin, nil)); !base.InBase ||
				base.Currency != "USD" || base.TotalDebit != base.TotalCredit || len(base.Rows) == 0 {
				t.Fatalf("trial balance in base: %+v", base)
			}
			for _, sec := range all.Sections {
				if one := as[server.TrialBalanceJSON](t, a.must(200, "GET", "/api/v1/reports/trial-balance?as_of=2026-10-31&currency="+sec.Currency, fin, nil)); fmt.Sprint(one) != fmt.Sprint(sec) {
					t.Fatalf("the %s section %+v differs from the %s report %+v", sec.Currency, sec, sec.Currency, one)
				}
			}
			if len(all.Sections) != 3 {
				t.Fatalf("trial balance of every currency: %+v", all)
			}
			if f := a.must(400, "GET", "/api/v1/reports/trial-balance?currency=USD&as_of=31.10.2026", fin, nil).field(t); f != "as_of" {
				t.Fatalf("a date that is not YYYY-MM-DD: field %q", f)
			}
		})

		sc.step("an account's ledger opens, runs and closes with its postings", func(t *testing.T, a *instance) {
			l := as[server.AccountLedgerJSON](t, a.must(200, "GET", "/api/v1/ledger/accounts/1000/ledger?currency=USD&from=2026-10-16&to=2026-10-31", fin, nil))
			if l.OpeningBalance != "110.00" || len(l.Rows) != 2 || l.Rows[0].Balance != "160.00" || l.Rows[1].EntryID != reversal.ID ||
				l.ClosingBalance != "50.00" || l.From != "2026-10-16" || l.To != "2026-10-31" {
				t.Fatalf("account ledger: %+v", l)
			}
			all := as[server.AccountLedgerJSON](t, a.must(200, "GET", "/api/v1/ledger/accounts/1000/ledger?currency=USD&to=2026-10-31", fin, nil))
			if all.From != "0001-01-01" || all.OpeningBalance != "0.00" || len(all.Rows) != 3 || all.ClosingBalance != "50.00" {
				t.Fatalf("account ledger from the first day: %+v", all)
			}
			if c := a.call("GET", "/api/v1/ledger/accounts/1000/ledger?currency=USD", fin, nil, "Accept", "text/csv"); !strings.Contains(string(c.body), "date,entry_id,memo,debit,credit,balance") {
				t.Fatalf("account ledger CSV: %s", c.body)
			}
		})

		sc.step("a closed month refuses postings dated in it; an admin reopens it with a reason", func(t *testing.T, a *instance) {
			// Cash moved without a bank statement, and JPY receivables were
			// not revalued: finance cannot close; an admin may, saying why.
			if f := a.must(409, "POST", "/api/v1/ledger/periods/2026-10/close", fin, map[string]any{"reason": "October closed"}).field(t); f != "period" {
				t.Fatalf("closing over open items: field %q", f)
			}
			a.must(403, "POST", "/api/v1/ledger/periods/2026-10/close", fin, map[string]any{"reason": "October closed", "override": true})
			a.must(422, "POST", "/api/v1/ledger/periods/2026-10/close", tm.admin, map[string]any{"override": true})
			if p := as[server.PeriodJSON](t, a.must(200, "POST", "/api/v1/ledger/periods/2026-10/close", tm.admin, map[string]any{"reason": "October closed", "override": true})); p.Status != "closed" || p.Period != "2026-10" ||
				!strings.Contains(p.History[0].Reason, "closed over open items (bank_reconciled): October closed") {
				t.Fatalf("close: %+v", p)
			}
			a.must(200, "POST", "/api/v1/ledger/periods/2026-10/close", fin, nil)
			a.must(400, "POST", "/api/v1/ledger/periods/2026-13/close", fin, nil)
			late := map[string]any{"date": "2026-10-20", "currency": "USD", "lines": []any{line("1000", "1", ""), line("4100", "", "1")}}
			if f := a.must(409, "POST", "/api/v1/ledger/entries", fin, late).field(t); f != "date" {
				t.Fatalf("posting into a closed period: field %q", f)
			}
			bank := page[server.JournalEntryJSON](t, a.must(200, "GET", "/api/v1/ledger/entries?source_type=import&source_id=BANK-7", fin, nil))
			if len(bank) != 1 {
				t.Fatalf("entries of BANK-7: %+v", bank)
			}
			a.must(409, "POST", "/api/v1/ledger/entries/"+bank[0].ID+"/reverse", fin, map[string]any{"date": "2026-10-25"})
			a.must(201, "POST", "/api/v1/ledger/entries/"+bank[0].ID+"/reverse", fin, map[string]any{"date": "2026-11-02"})
			a.must(403, "POST", "/api/v1/ledger/periods/2026-10/reopen", fin, map[string]any{"reason": "fix"})
			a.must(422, "POST", "/api/v1/ledger/periods/2026-10/reopen", tm.admin, nil)
			p := as[server.PeriodJSON](t, a.must(200, "POST", "/api/v1/ledger/periods/2026-10/reopen", tm.admin, map[string]any{"reason": "late supplier invoice"}))
			if p.Status != "open" || len(p.History) != 2 || p.History[1].Action != "reopen" || p.History[1].Reason != "late supplier invoice" || p.History[1].ActorID != as[server.UserJSON](t, a.must(200, "GET", "/api/v1/me", tm.admin, nil)).ID {
				t.Fatalf("reopen: %+v", p)
			}
			a.must(201, "POST", "/api/v1/ledger/entries", fin, late)
			assertBalanced(t, a, fin, "USD", "2026-12-31")
		})
	})
}

// TestInvariantCheck: quotient check and GET /admin/check pass on sound
// data and name each breach when the data is damaged behind the
// application's back.
func TestInvariantCheck(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		a, tm, f, disk := diskFixture(t, db)
		a.must(201, "POST", "/api/v1/inventory/receipts", tm.admin, map[string]any{"warehouse_id": f.sfo,
			"lines": []any{map[string]any{"product_id": disk, "quantity": "5", "unit_cost": "40"}}})
		// A service with a cost, delivered beside a disk: only the disk
		// leaves stock, at its carried cost.
		svc := f.product(t, a, tm, map[string]any{"sku": "SVC", "name": "Service", "family": "services", "kind": "service", "unit_cost": "100"}, "250")
		o := a.must(201, "POST", "/api/v1/quotes/"+f.approvedQuote(t, a, tm.rep, svc, "1", disk, "2")+"/convert", tm.rep, nil).json(t)
		ord := as[server.OrderJSON](t, a.must(200, "GET", "/api/v1/orders/"+o["id"].(string), tm.rep, nil))
		a.must(201, "POST", "/api/v1/orders/"+ord.ID+"/fulfillments", tm.admin, map[string]any{"warehouse_id": f.sfo, "lines": []any{
			map[string]any{"order_line_id": orderLine(t, ord, "SVC", false).ID, "quantity": "1"},
			map[string]any{"order_line_id": orderLine(t, ord, "DISK", false).ID, "quantity": "2"}}})
		if got := as[server.AccountLedgerJSON](t, a.must(200, "GET", "/api/v1/ledger/accounts/1200/ledger?currency=USD", tm.finance, nil)).ClosingBalance; got != "120.00" {
			t.Fatalf("inventory after shipping a service and 2 of 5 disks at 40: %s, want 120.00", got)
		}
		// Three disks found at their carried cost, one lost.
		a.must(201, "POST", "/api/v1/inventory/adjustments", tm.admin, map[string]any{"warehouse_id": f.sfo, "product_id": disk, "quantity": "3", "reason": "count"})
		a.must(201, "POST", "/api/v1/inventory/adjustments", tm.admin, map[string]any{"warehouse_id": f.sfo, "product_id": disk, "quantity": "-1", "reason": "dropped"})
		if got := as[server.AccountLedgerJSON](t, a.must(200, "GET", "/api/v1/ledger/accounts/5100/ledger?currency=USD", tm.finance, nil)).ClosingBalance; got != "-80.00" {
			t.Fatalf("inventory gains and losses: %s, want -80.00 (120 found, 40 lost)", got)
		}
		inv := a.must(200, "GET", "/api/v1/invoices?order_id="+o["id"].(string), tm.finance, nil).list(t)[0]
		e := a.must(201, "POST", "/api/v1/ledger/entries", tm.finance, map[string]any{"date": "2026-11-02", "currency": "USD",
			"lines": []any{line("1000", "10", ""), line("4000", "", "10")}}).json(t)
		if r := a.must(200, "GET", "/api/v1/admin/check", tm.finance, nil).json(t); r["ok"] != true {
			t.Fatalf("check on sound data: %v", r)
		}
		a.must(403, "GET", "/api/v1/admin/check", tm.rep, nil)
		if code, out, errs := runCmd(t, db, "check"); code != 0 || strings.Count(out, "ok ") != 8 {
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
			`UPDATE stock SET value_minor = value_minor + 500 WHERE product_id = '` + disk + `'`,
			`UPDATE stock_movements SET value_minor = value_minor + 1 WHERE kind = 'receipt' AND product_id = '` + disk + `'`,
			`INSERT INTO revenue_schedules (invoice_id, line_no, month, currency, account_code, amount_minor, base_minor)
				VALUES ('` + inv["id"].(string) + `', 99, '2026-12', 'USD', '4000', 500, 500)`,
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
		if code != 1 || strings.Count(out, "FAILED") != 8 ||
			!strings.Contains(out, "USD: deferred revenue (2400) holds 0.00; the schedules not yet recognised: 5.00") || !strings.Contains(out, "entry "+e["id"].(string)) || !strings.Contains(out, disk) ||
			!strings.Contains(out, "USD: account 1200 holds 200.00; stock on hand at its carried cost: 205.00") ||
			!strings.Contains(out, "USD: account 2000 holds -200.00; the receipts not yet billed: -200.01") ||
			!strings.Contains(out, "commission line cml_x has an amount but no posting") || !strings.Contains(out, "commissions payable holds") ||
			!strings.Contains(out, "invoice "+inv["number"].(string)+" is posted with a different amount") || !strings.Contains(out, "the AR aging totals") {
			t.Fatalf("quotient check on damaged data: %d\n%s", code, out)
		}
	})
}
