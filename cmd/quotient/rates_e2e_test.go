package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient/document"
	"github.com/quotient-cpq/quotient/server"
	"github.com/quotient-cpq/quotient/store/storetest"
)

// TestExchangeRates: the company's base currency (USD in the demo; it
// changes only while the ledger is empty); finance records rates (a
// rep may not), each bad field is a 422 naming it, a pair has one rate a
// day; the rate on a date is the latest on or before it, exactly 1 for
// the base, and a date before any rate is a 422 naming the pair and the
// date; rates change at their version and go; a CSV import is all or
// nothing, and the same file twice changes nothing.
func TestExchangeRates(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		a, _, toks := startDemo(t, db, nil)
		fin, rep, admin := toks["sofia.lindqvist@northwind.example"], toks["priya.nair@northwind.example"], toks["mira.okafor@northwind.example"]
		if got := a.must(200, "GET", "/api/v1/settings", rep, nil).str(t, "base_currency"); got != "USD" {
			t.Fatalf("the demo's base currency: %q", got)
		}
		if f := a.must(409, "PATCH", "/api/v1/settings", admin, map[string]any{"base_currency": "GBP"}).field(t); f != "base_currency" {
			t.Fatalf("changing the base currency of a ledger with entries names %q", f)
		}

		rate := func(date, cur, r string) map[string]any {
			return map[string]any{"date": date, "currency": cur, "rate": r}
		}
		a.must(403, "POST", "/api/v1/exchange-rates", rep, rate("2026-11-01", "GBP", "1.0842"))
		for _, c := range []struct {
			body  map[string]any
			field string
		}{
			{rate("2026-11-01", "GBP", "0"), "rate"},
			{rate("2026-11-01", "GBP", "-1.2"), "rate"},
			{rate("2026-11-01", "GBP", "1.12345678901"), "rate"},
			{rate("2026-11-01", "USD", "1"), "currency"},
			{rate("2026-11-01", "XXX", "1.1"), "currency"},
			{rate("11/01/2026", "GBP", "1.1"), "date"},
			{map[string]any{"date": "2026-11-01", "currency": "GBP"}, "rate"},
		} {
			if f := a.must(422, "POST", "/api/v1/exchange-rates", fin, c.body).field(t); f != c.field {
				t.Fatalf("%v: the problem names %q, want %q", c.body, f, c.field)
			}
		}
		nov1 := as[server.ExchangeRateJSON](t, a.must(201, "POST", "/api/v1/exchange-rates", fin, rate("2026-11-01", "GBP", "1.0842")))
		if nov1.BaseCurrency != "USD" || nov1.Rate != "1.0842" || nov1.Date != "2026-11-01" || nov1.Version != 1 {
			t.Fatalf("the rate: %+v", nov1)
		}
		if f := a.must(409, "POST", "/api/v1/exchange-rates", fin, rate("2026-11-01", "GBP", "1.09")).field(t); f != "date" {
			t.Fatalf("a second rate on a day names %q", f)
		}
		nov15 := as[server.ExchangeRateJSON](t, a.must(201, "POST", "/api/v1/exchange-rates", fin, rate("2026-11-15", "GBP", "1.0900")))
		on := func(q string) server.EffectiveRateJSON {
			return as[server.EffectiveRateJSON](t, a.must(200, "GET", "/api/v1/exchange-rates/effective?"+q, rep, nil))
		}
		for q, want := range map[string]string{"currency=GBP&date=2026-11-01": "1.0842", "currency=GBP&date=2026-11-14": "1.0842",
			"currency=GBP&date=2026-11-15": "1.09", "currency=GBP&date=2027-02-01": "1.09", "currency=USD&date=2020-01-01": "1"} {
			if got := on(q); got.Rate != want || got.BaseCurrency != "USD" {
				t.Fatalf("%s: %+v, want %s", q, got, want)
			}
		}
		missing := a.must(422, "GET", "/api/v1/exchange-rates/effective?currency=GBP&date=2026-10-31", rep, nil)
		if body := string(missing.body); missing.field(t) != "currency" || !strings.Contains(body, "GBP to USD") || !strings.Contains(body, "2026-10-31") {
			t.Fatalf("a date before any rate: %s", body)
		}
		a.must(422, "GET", "/api/v1/exchange-rates/effective?currency=CHF&date=2026-11-20", rep, nil)
		// The demo seeds month-start rates for EUR and JPY.
		if got := on("currency=JPY&date=" + time.Now().Format(time.DateOnly)); got.BaseCurrency != "USD" || got.Rate == "" {
			t.Fatalf("the demo's yen: %+v", got)
		}
		a.must(400, "GET", "/api/v1/exchange-rates/effective?currency=GBP&date=soon", rep, nil)

		// Change at the version read; a stale one is refused; currencies
		// stay; a rate goes and the earlier one holds again.
		a.must(412, "PATCH", "/api/v1/exchange-rates/"+nov15.ID, fin, map[string]any{"rate": "1.1"}, "If-Match", `"v9"`)
		a.must(422, "PATCH", "/api/v1/exchange-rates/"+nov15.ID, fin, map[string]any{"currency": "GBP"}, "If-Match", `"v1"`)
		a.must(403, "PATCH", "/api/v1/exchange-rates/"+nov15.ID, rep, map[string]any{"rate": "1.1"}, "If-Match", `"v1"`)
		if got := as[server.ExchangeRateJSON](t, a.must(200, "PATCH", "/api/v1/exchange-rates/"+nov15.ID, fin, map[string]any{"rate": "1.0955"},
			"If-Match", `"v1"`)); got.Rate != "1.0955" || got.Version != 2 {
			t.Fatalf("the changed rate: %+v", got)
		}
		if n := len(page[server.ExchangeRateJSON](t, a.must(200, "GET", "/api/v1/exchange-rates?currency=GBP&from=2026-11-10", rep, nil))); n != 1 {
			t.Fatalf("EUR rates from 2026-11-10: %d", n)
		}
		a.must(403, "DELETE", "/api/v1/exchange-rates/"+nov15.ID, rep, nil)
		a.must(204, "DELETE", "/api/v1/exchange-rates/"+nov15.ID, fin, nil)
		if got := on("currency=GBP&date=2026-11-20"); got.Rate != "1.0842" {
			t.Fatalf("after deleting the later rate: %+v", got)
		}

		// A CSV: a bad row rejects the file; a good one records every row;
		// the same file again changes nothing; a changed rate updates.
		count := func() int {
			return len(page[server.ExchangeRateJSON](t, a.must(200, "GET", "/api/v1/exchange-rates?limit=200", rep, nil)))
		}
		before := count()
		bad := writeFile(t, "bad.csv", "date,currency,rate\n2026-12-01,GBP,1.27\n2026-12-01,CHF,abc\n2026-12-02,GBP,0\n")
		code, out, errs := runCmd(t, db, "import", "exchange-rates", bad)
		if code == 0 || !strings.Contains(errs, "row 3, column rate") || !strings.Contains(errs, "row 4, column rate") || count() != before {
			t.Fatalf("a bad file: exit %d, %s %s", code, out, errs)
		}
		good := writeFile(t, "rates.csv", "\ufeffdate,currency,rate,base_currency\n2026-12-01,GBP,1.27,\n2026-12-01,CHF,1.13,USD\n")
		if code, out, errs := runCmd(t, db, "import", "exchange-rates", good); code != 0 || !strings.Contains(out, "(2 created, 0 updated)") || count() != before+2 {
			t.Fatalf("a good file: exit %d, %s %s", code, out, errs)
		}
		if code, out, _ := runCmd(t, db, "import", "exchange-rates", good); code != 0 || !strings.Contains(out, "(0 created, 0 updated, 2 unchanged)") || count() != before+2 {
			t.Fatalf("the same file again: exit %d, %s", code, out)
		}
		changed := writeFile(t, "rates2.csv", "date,currency,rate\n2026-12-01,CHF,1.14\n")
		if code, out, _ := runCmd(t, db, "import", "exchange-rates", changed); code != 0 || !strings.Contains(out, "(0 created, 1 updated)") {
			t.Fatalf("a changed rate: exit %d, %s", code, out)
		}
		if got := on("currency=CHF&date=2026-12-03"); got.Rate != "1.14" {
			t.Fatalf("JPY after the import: %+v", got)
		}
	})
}

// TestBaseCurrencyOfAnEmptyLedger: a new company chooses its base
// currency before anything posts.
func TestBaseCurrencyOfAnEmptyLedger(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		a := start(t, db, nil)
		if got := a.must(200, "PATCH", "/api/v1/settings", testBootstrap, map[string]any{"base_currency": "JPY"}).str(t, "base_currency"); got != "JPY" {
			t.Fatalf("the base currency: %q", got)
		}
		if f := a.must(422, "PATCH", "/api/v1/settings", testBootstrap, map[string]any{"base_currency": "ABC"}).field(t); f != "base_currency" {
			t.Fatalf("an unknown currency names %q", f)
		}
		r := as[server.ExchangeRateJSON](t, a.must(201, "POST", "/api/v1/exchange-rates", testBootstrap, map[string]any{"date": "2026-12-01",
			"currency": "USD", "rate": "151.25"}))
		if r.BaseCurrency != "JPY" {
			t.Fatalf("a rate's base: %+v", r)
		}
	})
}

// TestFinancialStatements: on the demo's ledger, the balance sheet
// balances in every currency, each section's total is its rows' sum to the
// cent, revenue and expense rows equal the trial balance's, the current
// earnings equal the income statement's net income since the beginning,
// and every row's ledger link closes at the row's amount; a manual entry
// moves net income by exactly its amount and the sheet still balances;
// CSV, roles and bad dates.
func TestFinancialStatements(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		a, _, toks := startDemo(t, db, nil)
		fin, rep, mgr := toks["sofia.lindqvist@northwind.example"], toks["priya.nair@northwind.example"], toks["daniel.reyes@northwind.example"]
		today := time.Now().Format(time.DateOnly)
		dec := func(s string) decimal.Decimal { return decimal.RequireFromString(s) }
		sum := func(sec server.StatementSectionJSON) decimal.Decimal {
			total := decimal.Zero
			for _, r := range sec.Rows {
				total = total.Add(dec(r.Amount))
			}
			return total
		}
		all := as[server.BalanceSheetsJSON](t, a.must(200, "GET", "/api/v1/reports/balance-sheet?basis=document", fin, nil))
		if len(all.Statements) < 3 {
			t.Fatalf("balance sheets for %d currencies", len(all.Statements))
		}
		if base := as[server.BalanceSheetJSON](t, a.must(200, "GET", "/api/v1/reports/balance-sheet", fin, nil)); !base.InBase || base.Currency != "USD" || !base.Balanced {
			t.Fatalf("the balance sheet in base: %+v", base)
		}
		all.Statements = append(all.Statements, as[server.BalanceSheetJSON](t, a.must(200, "GET", "/api/v1/reports/balance-sheet", fin, nil)))
		for _, bs := range all.Statements {
			if !bs.Balanced || !dec(bs.TotalAssets).Equal(dec(bs.TotalLiabilitiesAndEquity)) || len(bs.Sections) != 3 {
				t.Fatalf("%s balance sheet does not balance: %+v", bs.Currency, bs)
			}
			for i, sec := range bs.Sections {
				if !sum(sec).Equal(dec(sec.Total)) {
					t.Fatalf("%s %s: rows add to %s, total %s", bs.Currency, sec.Name, sum(sec), sec.Total)
				}
				if want := []string{bs.TotalAssets, bs.TotalLiabilities, bs.TotalEquity}[i]; !dec(want).Equal(dec(sec.Total)) {
					t.Fatalf("%s %s total %s, headline %s", bs.Currency, sec.Name, sec.Total, want)
				}
			}
		}
		bs := as[server.BalanceSheetJSON](t, a.must(200, "GET", "/api/v1/reports/balance-sheet?currency=USD", fin, nil))
		since := as[server.IncomeStatementJSON](t, a.must(200, "GET", "/api/v1/reports/income-statement?currency=USD&from=2000-01-01&to="+today, fin, nil))
		if !dec(bs.CurrentEarnings).Equal(dec(since.NetIncome)) || dec(since.NetIncome).IsZero() {
			t.Fatalf("current earnings %s, net income since the beginning %s", bs.CurrentEarnings, since.NetIncome)
		}
		if !dec(since.Sections[0].Total).Sub(dec(since.Sections[1].Total)).Equal(dec(since.NetIncome)) {
			t.Fatalf("revenue %s less expenses %s is not %s", since.Sections[0].Total, since.Sections[1].Total, since.NetIncome)
		}
		tb := as[server.TrialBalanceJSON](t, a.must(200, "GET", "/api/v1/reports/trial-balance?currency=USD", fin, nil))
		net := map[string]decimal.Decimal{}
		for _, r := range tb.Rows {
			net[r.AccountCode] = dec(r.Debit).Sub(dec(r.Credit))
		}
		for _, sec := range since.Sections {
			for _, r := range sec.Rows {
				want := net[r.AccountCode]
				if sec.Type == "revenue" {
					want = want.Neg()
				}
				if !dec(r.Amount).Equal(want) {
					t.Fatalf("%s %s: %s in the statement, %s in the trial balance", sec.Name, r.AccountCode, r.Amount, want)
				}
			}
		}
		for _, sec := range bs.Sections[:2] {
			for _, r := range sec.Rows {
				ledgerPath := strings.TrimPrefix(r.Ledger, "/api/v1")
				closing := dec(as[server.AccountLedgerJSON](t, a.must(200, "GET", "/api/v1"+ledgerPath, fin, nil)).ClosingBalance)
				if sec.Type != "asset" {
					closing = closing.Neg()
				}
				if !closing.Equal(dec(r.Amount)) {
					t.Fatalf("%s closes at %s in its ledger, %s in the balance sheet", r.AccountCode, closing, r.Amount)
				}
			}
		}

		// A manual entry: 123.45 of revenue received in cash today.
		month := as[server.IncomeStatementJSON](t, a.must(200, "GET", "/api/v1/reports/income-statement?currency=USD", fin, nil))
		a.must(201, "POST", "/api/v1/ledger/entries", fin, map[string]any{"date": today, "memo": "consulting, paid in cash", "currency": "USD",
			"lines": []any{map[string]any{"account_code": "1000", "debit": "123.45"}, map[string]any{"account_code": "4000", "credit": "123.45"}}})
		after := as[server.IncomeStatementJSON](t, a.must(200, "GET", "/api/v1/reports/income-statement?currency=USD", fin, nil))
		if !dec(after.NetIncome).Sub(dec(month.NetIncome)).Equal(dec("123.45")) || after.From != today[:8]+"01" || after.To != today {
			t.Fatalf("net income %s then %s (%s to %s)", month.NetIncome, after.NetIncome, after.From, after.To)
		}
		if again := as[server.BalanceSheetJSON](t, a.must(200, "GET", "/api/v1/reports/balance-sheet?currency=USD", fin, nil)); !again.Balanced ||
			!dec(again.CurrentEarnings).Sub(dec(bs.CurrentEarnings)).Equal(dec("123.45")) {
			t.Fatalf("the balance sheet after the entry: %+v", again)
		}

		// Comparative columns: each equals the statement of its own dates.
		cmp := as[server.IncomeStatementJSON](t, a.must(200, "GET",
			"/api/v1/reports/income-statement?currency=USD&from=2026-11-01&to=2026-11-30&compare=previous_period,last_year,year_to_date", fin, nil))
		wantCols := map[string][2]string{"previous_period": {"2026-10-01", "2026-10-31"}, "last_year": {"2025-11-01", "2025-11-30"},
			"year_to_date": {"2026-01-01", "2026-11-30"}}
		if len(cmp.Comparatives) != 3 {
			t.Fatalf("comparatives: %+v", cmp.Comparatives)
		}
		for _, c := range cmp.Comparatives {
			if w := wantCols[c.Name]; c.From != w[0] || c.To != w[1] {
				t.Fatalf("%s runs %s to %s, want %v", c.Name, c.From, c.To, w)
			}
			alone := as[server.IncomeStatementJSON](t, a.must(200, "GET", "/api/v1/reports/income-statement?currency=USD&from="+c.From+"&to="+c.To, fin, nil))
			if cmp.NetIncomeCompared[c.Name] != alone.NetIncome || cmp.Sections[0].ComparedTotals[c.Name] != alone.Sections[0].Total {
				t.Fatalf("%s: %s / %s compared, %s / %s alone", c.Name, cmp.NetIncomeCompared[c.Name], cmp.Sections[0].ComparedTotals[c.Name],
					alone.NetIncome, alone.Sections[0].Total)
			}
		}
		bcmp := as[server.BalanceSheetJSON](t, a.must(200, "GET", "/api/v1/reports/balance-sheet?currency=USD&as_of=2026-11-30&compare=previous_period,last_year", fin, nil))
		for _, c := range bcmp.Comparatives {
			alone := as[server.BalanceSheetJSON](t, a.must(200, "GET", "/api/v1/reports/balance-sheet?currency=USD&as_of="+c.To, fin, nil))
			for i, sec := range bcmp.Sections {
				if sec.ComparedTotals[c.Name] != alone.Sections[i].Total {
					t.Fatalf("%s %s: %s compared, %s alone", c.Name, sec.Name, sec.ComparedTotals[c.Name], alone.Sections[i].Total)
				}
			}
		}
		if c := bcmp.Comparatives; len(c) != 2 || c[0].To != "2026-10-31" || c[1].To != "2025-11-30" {
			t.Fatalf("the balance sheet's comparatives: %+v", c)
		}
		if f := a.must(400, "GET", "/api/v1/reports/balance-sheet?currency=USD&compare=year_to_date", fin, nil).field(t); f != "compare" {
			t.Fatalf("a comparative a balance sheet has not names %q", f)
		}
		ccsv := a.must(200, "GET", "/api/v1/reports/income-statement?currency=USD&from=2026-11-01&to=2026-11-30&compare=last_year", fin, nil, "Accept", "text/csv")
		if !strings.HasPrefix(string(ccsv.body), "section,account_code,name,amount,last_year\n") {
			t.Fatalf("the compared CSV: %s", ccsv.body)
		}

		// As PDF: the statement with its comparative column, and every
		// currency's balance sheet, one after another.
		ipdf := a.must(200, "GET", "/api/v1/reports/income-statement?currency=USD&from=2026-11-01&to=2026-11-30&compare=last_year", fin, nil,
			"Accept", "application/pdf")
		if ct := ipdf.header.Get("Content-Type"); ct != "application/pdf" || !strings.HasPrefix(string(ipdf.body), "%PDF") {
			t.Fatalf("the income statement's PDF: %s", ct)
		}
		if text, ok := pdfText(t, ipdf.body); ok {
			for _, want := range []string{"INCOME STATEMENT", "Northwind Systems", "Revenue", "Total Expenses", "Net income", "Last year 2025-11-01",
				document.Money(dec(cmp.NetIncome), "USD")} {
				if !strings.Contains(text, want) {
					t.Fatalf("the income statement's PDF lacks %q:\n%s", want, text)
				}
			}
		}
		bpdf := a.must(200, "GET", "/api/v1/reports/balance-sheet?basis=document", fin, nil, "Accept", "application/pdf")
		if text, ok := pdfText(t, a.must(200, "GET", "/api/v1/reports/balance-sheet", fin, nil, "Accept", "application/pdf").body); ok &&
			!strings.Contains(text, "In USD, the base currency") {
			t.Fatalf("the balance sheet's PDF in base:\n%s", text)
		}
		if text, ok := pdfText(t, bpdf.body); ok {
			for _, want := range []string{"BALANCE SHEET", "Total Assets", "Total liabilities and equity", "In USD", "In EUR", "In JPY"} {
				if !strings.Contains(text, want) {
					t.Fatalf("the balance sheets' PDF lacks %q:\n%s", want, text)
				}
			}
		}
		a.must(403, "GET", "/api/v1/reports/balance-sheet", rep, nil, "Accept", "application/pdf")

		csv := a.must(200, "GET", "/api/v1/reports/income-statement?currency=USD", fin, nil, "Accept", "text/csv")
		lines := strings.Split(strings.TrimSpace(string(csv.body)), "\n")
		if lines[0] != "section,account_code,name,amount" || !strings.HasPrefix(lines[len(lines)-1], ",,Net income,"+after.NetIncome) {
			t.Fatalf("the CSV: %s", csv.body)
		}
		a.must(200, "GET", "/api/v1/reports/balance-sheet?currency=EUR", mgr, nil)
		a.must(403, "GET", "/api/v1/reports/balance-sheet?currency=USD", rep, nil)
		a.must(403, "GET", "/api/v1/reports/income-statement?currency=USD", rep, nil)
		a.must(400, "GET", "/api/v1/reports/income-statement?currency=USD&from=2026-12-31&to=2026-01-01", fin, nil)
		a.must(400, "GET", "/api/v1/reports/balance-sheet?currency=USD&as_of=yesterday", fin, nil)
		a.must(400, "GET", "/api/v1/reports/balance-sheet?currency=XYZ", fin, nil)
	})
}

// TestYearEndClose: closing a finished year moves its net income to
// retained earnings in every currency: the year's income statement still
// shows what it earned, its balance sheet shows it in retained earnings
// with no current earnings, revenue and expense accounts are zero in the
// trial balance at year end, the next year is untouched; closing again
// posts nothing; a year that has not ended and a rep are refused.
func TestYearEndClose(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		a, _, toks := startDemo(t, db, nil)
		fin, rep := toks["sofia.lindqvist@northwind.example"], toks["priya.nair@northwind.example"]
		dec := func(s string) decimal.Decimal { return decimal.RequireFromString(s) }
		year := time.Now().Year() - 1
		y := fmt.Sprint(year)
		seedRates(t, a, fin, "2000-01-01", "EUR", "1.08", "JPY", "0.0067")
		post := func(cur, date string, lines ...map[string]any) {
			a.must(201, "POST", "/api/v1/ledger/entries", fin, map[string]any{"date": date, "memo": "last year's trading", "currency": cur, "lines": lines})
		}
		line := func(code, side, amount string) map[string]any {
			return map[string]any{"account_code": code, side: amount}
		}
		income := func(cur, from, to string) server.IncomeStatementJSON {
			return as[server.IncomeStatementJSON](t, a.must(200, "GET", "/api/v1/reports/income-statement?currency="+cur+"&from="+from+"&to="+to, fin, nil))
		}
		before := income("USD", y+"-01-01", y+"-12-31")
		post("USD", y+"-06-30", line("1000", "debit", "800.00"), line("4000", "credit", "800.00"))
		post("USD", y+"-09-30", line("5100", "debit", "300.00"), line("1000", "credit", "300.00"))
		post("EUR", y+"-11-30", line("1000", "debit", "200.00"), line("4000", "credit", "200.00"))
		sheet := func(cur, asOf string) server.BalanceSheetJSON {
			return as[server.BalanceSheetJSON](t, a.must(200, "GET", "/api/v1/reports/balance-sheet?currency="+cur+"&as_of="+asOf, fin, nil))
		}
		today := time.Now().Format(time.DateOnly)
		lastYear, thisYear := income("USD", y+"-01-01", y+"-12-31"), income("USD", fmt.Sprint(year+1)+"-01-01", today)
		eurYear := income("EUR", y+"-01-01", y+"-12-31")
		if f := a.must(409, "POST", fmt.Sprintf("/api/v1/ledger/years/%d/close", year+1), fin, nil).field(t); f != "year" {
			t.Fatalf("closing a year that has not ended names %q", f)
		}
		a.must(403, "POST", "/api/v1/ledger/years/"+y+"/close", rep, nil)
		a.must(400, "POST", "/api/v1/ledger/years/last/close", fin, nil)
		closed := as[server.YearCloseJSON](t, a.must(200, "POST", "/api/v1/ledger/years/"+y+"/close", fin, nil))
		if len(closed.Entries) < 2 {
			t.Fatalf("closing %s posted %d entries", y, len(closed.Entries))
		}
		for _, c := range []struct {
			cur    string
			before server.IncomeStatementJSON
		}{{"USD", lastYear}, {"EUR", eurYear}} {
			if got := income(c.cur, y+"-01-01", y+"-12-31"); got.NetIncome != c.before.NetIncome {
				t.Fatalf("%s net income of %s after closing: %s, before %s", c.cur, y, got.NetIncome, c.before.NetIncome)
			}
			bs := sheet(c.cur, y+"-12-31")
			retained := decimal.Zero
			for _, r := range bs.Sections[2].Rows {
				if r.AccountCode == "3000" {
					retained = dec(r.Amount)
				}
			}
			if !bs.Balanced || !dec(bs.CurrentEarnings).IsZero() || !retained.Equal(dec(c.before.NetIncome)) {
				t.Fatalf("%s balance sheet at the end of %s: retained %s, current %s, balanced %v; net income %s", c.cur, y, retained,
					bs.CurrentEarnings, bs.Balanced, c.before.NetIncome)
			}
		}
		if !dec(lastYear.NetIncome).Sub(dec(before.NetIncome)).Equal(dec("500.00")) {
			t.Fatalf("USD net income of %s: %s, %s before the entries", y, lastYear.NetIncome, before.NetIncome)
		}
		tb := as[server.TrialBalanceJSON](t, a.must(200, "GET", "/api/v1/reports/trial-balance?currency=USD&as_of="+y+"-12-31", fin, nil))
		for _, r := range tb.Rows {
			if r.Type == "revenue" || r.Type == "expense" {
				t.Fatalf("%s still carries %s / %s at the end of %s", r.AccountCode, r.Debit, r.Credit, y)
			}
		}
		if got := income("USD", fmt.Sprint(year+1)+"-01-01", today); got.NetIncome != thisYear.NetIncome {
			t.Fatalf("this year's net income changed: %s, was %s", got.NetIncome, thisYear.NetIncome)
		}
		again := as[server.YearCloseJSON](t, a.must(200, "POST", "/api/v1/ledger/years/"+y+"/close", fin, nil))
		if n := len(page[server.JournalEntryJSON](t, a.must(200, "GET", "/api/v1/ledger/entries?source_type=year_close&limit=100", fin, nil))); n != len(closed.Entries) ||
			len(again.Entries) != len(closed.Entries) {
			t.Fatalf("closing again: %d entries now, %d answered, %d at first", n, len(again.Entries), len(closed.Entries))
		}
	})
}

// seedRates records rates into the base currency dated from, one pair
// after another ("JPY", "0.0067", "EUR", "1.08"), for tests that post in
// other currencies.
func seedRates(t testing.TB, a *instance, fin, from string, pairs ...string) {
	t.Helper()
	for i := 0; i+1 < len(pairs); i += 2 {
		a.must(201, "POST", "/api/v1/exchange-rates", fin, map[string]any{"date": from, "currency": pairs[i], "rate": pairs[i+1]})
	}
}
