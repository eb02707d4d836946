package main

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/quotient-cpq/quotient/server"
)

// BenchmarkBankMatch measures POST /bank-statements: a 5,000-line CSV
// statement read and matched against 100,000 open invoices of 1,000
// customers (a third of the lines name an invoice number, a third the
// customer, a third only an amount), reporting each import's
// milliseconds. With -short (CI's smoke run) it uses 1,000 invoices and
// 200 lines, to check that it runs.
func BenchmarkBankMatch(b *testing.B) {
	for name, url := range benchTargets(b) {
		b.Run(name, func(b *testing.B) {
			dbURL := url(b)
			a := start(b, dbURL, nil)
			tm := a.makeTeam()
			f := newStockFixture(b, a, tm)
			svc := f.product(b, a, tm, map[string]any{"sku": "SETUP", "name": "Setup", "family": "services", "kind": "service"}, "100")
			a.must(200, "PATCH", "/api/v1/accounts/"+f.acc, tm.admin, map[string]any{"invoicing_policy": "on_order"})
			a.must(201, "POST", "/api/v1/quotes/"+f.approvedQuote(b, a, tm.rep, svc, "1")+"/convert", tm.rep, nil)
			invoices, lines := 100_000, 5_000
			if testing.Short() {
				invoices, lines = 1_000, 200
			}
			seedOpenInvoices(b, dbURL, f.acc, invoices)
			var took time.Duration
			n := 0
			for b.Loop() {
				csv := bankCSV(invoices, lines, n)
				n++
				t0 := time.Now()
				st := as[server.BankStatementJSON](b, a.must(201, "POST", "/api/v1/bank-statements", tm.finance, map[string]any{"format": "csv", "content": csv,
					"currency": "USD", "mapping": map[string]any{"date": "date", "amount": "amount", "counterparty": "payer", "description": "details"}}))
				took += time.Since(t0)
				if len(st.Lines) != lines || st.Counts["proposed"] < lines/2 {
					b.Fatalf("%d lines, %v", len(st.Lines), st.Counts)
				}
			}
			b.ReportMetric(float64(took.Milliseconds())/float64(b.N), "import-ms")
		})
	}
}

// benchAmount is the amount due of the g-th seeded invoice, in cents.
func benchAmount(g int) int { return 10000 + (g%5000)*7 }

// bankCSV is a statement of lines bookings against the seeded invoices;
// run makes each file different (the same file imports once).
func bankCSV(invoices, lines, run int) string {
	var sb strings.Builder
	sb.WriteString("date,amount,payer,details\n")
	for i := range lines {
		g := (i*7919+run*31)%invoices + 1
		amount := fmt.Sprintf("%d.%02d", benchAmount(g)/100, benchAmount(g)%100)
		switch i % 3 {
		case 0:
			fmt.Fprintf(&sb, "2026-11-%02d,%s,Someone,Payment INV-2027-%06d run %d\n", i%28+1, amount, g, run)
		case 1:
			fmt.Fprintf(&sb, "2026-11-%02d,%s,Bench Customer %04d,transfer %d-%d\n", i%28+1, amount, g%1000+1, run, i)
		default:
			fmt.Fprintf(&sb, "2026-11-%02d,%s,,transfer %d-%d\n", i%28+1, amount, run, i)
		}
	}
	return sb.String()
}

// seedOpenInvoices copies an account 1,000 times and its invoice n times
// (open, numbered INV-2027-000001 on, amounts benchAmount), in SQL.
func seedOpenInvoices(b *testing.B, dbURL, account string, n int) {
	ctx := context.Background()
	db := openRaw(b, dbURL)
	defer db.Close()
	sqlite := strings.HasPrefix(dbURL, "sqlite://")
	seq, pad4, pad6 := func(k int) string { return fmt.Sprintf(`generate_series(1, %d) g`, k) }, `lpad(g::text, 4, '0')`, `lpad(g::text, 6, '0')`
	with := func(k int) string { return "" }
	if sqlite {
		with = func(k int) string {
			return fmt.Sprintf(`WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < %d) `, k)
		}
		seq, pad4, pad6 = func(int) string { return `s` }, `printf('%04d', g)`, `printf('%06d', g)`
	}
	accCols := columns(b, db, sqlite, "accounts")
	accSel := replaceCols(accCols, map[string]string{"id": "'acc_b_' || " + pad4, "name": "'Bench Customer ' || " + pad4})
	invCols := columns(b, db, sqlite, "invoices")
	invSel := replaceCols(invCols, map[string]string{"id": "'inv_b_' || g", "number": "'INV-2027-' || " + pad6,
		"account_id": "'acc_b_' || " + strings.ReplaceAll(pad4, "g", "(g % 1000 + 1)"), "status": "'posted'",
		"total_minor": "10000 + (g % 5000) * 7", "amount_due_minor": "10000 + (g % 5000) * 7", "net_minor": "10000 + (g % 5000) * 7", "tax_minor": "0"})
	for _, q := range []string{
		with(1000) + `INSERT INTO accounts (` + strings.Join(accCols, ", ") + `) SELECT ` + accSel + ` FROM accounts, ` + seq(1000) + ` WHERE id = $1`,
		with(n) + `INSERT INTO invoices (` + strings.Join(invCols, ", ") + `) SELECT ` + invSel + ` FROM invoices, ` + seq(n) + ` WHERE account_id = $1`,
	} {
		if sqlite {
			q = strings.ReplaceAll(q, "$1", "?")
		}
		if _, err := db.ExecContext(ctx, q, account); err != nil {
			b.Fatalf("seed invoices: %v\n%s", err, q)
		}
	}
	if !sqlite {
		if _, err := db.ExecContext(ctx, "ANALYZE invoices"); err != nil {
			b.Fatal(err)
		}
	}
}

// columns lists a table's columns in order.
func columns(b *testing.B, db *sql.DB, sqlite bool, table string) []string {
	q := `SELECT column_name FROM information_schema.columns WHERE table_name = $1 AND table_schema = current_schema() ORDER BY ordinal_position`
	if sqlite {
		q = `SELECT name FROM pragma_table_info(?) ORDER BY cid`
	}
	rows, err := db.Query(q, table)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			b.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}

// replaceCols is a select list of the columns, with some replaced by
// expressions.
func replaceCols(cols []string, with map[string]string) string {
	out := make([]string, len(cols))
	for i, c := range cols {
		if e, ok := with[c]; ok {
			out[i] = e
		} else {
			out[i] = c
		}
	}
	return strings.Join(out, ", ")
}
