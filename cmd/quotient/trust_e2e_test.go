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
