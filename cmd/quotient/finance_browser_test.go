package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/quotient-cpq/quotient/app"
	"github.com/quotient-cpq/quotient/crm"
	"github.com/quotient-cpq/quotient/server"
	"github.com/quotient-cpq/quotient/store/storetest"
)

// TestFinanceMonthInBrowser: finance closes last month in the browser on
// the books of TestFinanceMonth (USD, EUR and JPY customers invoiced on
// the 5th): records the EUR payment at the 20th's rate and a USD one with
// suggested allocations, imports the USD statement as CSV and the EUR one
// as camt.053, confirms the two matches and the proposal, posts the
// revaluation, closes the month and reads the statements; axe-core checks
// every finance page, and screenshots are kept.
func TestFinanceMonthInBrowser(t *testing.T) {
	t.Parallel()
	chromiumPath(t)
	storetest.Each(t, func(t *testing.T, db string) {
		now := time.Now().UTC()
		first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -1, 0)
		period := first.Format("2006-01")
		day := func(n int) string { return first.AddDate(0, 0, n-1).Format(time.DateOnly) }
		m := newMonthBooks(t, db, first)
		// From here the server's clock is the real one: the browser keeps
		// the session cookie only while it has not expired by its clock.
		m.clock.mu.Lock()
		m.clock.t = time.Now().UTC()
		m.clock.mu.Unlock()
		link, err := m.srv.app.IssueSignInLink(app.System(context.Background()), m.tm.ids["Finance"], time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		fin := newWalker(t, "finance", 1280, 900)
		fin.do("sign in", chromedp.Navigate(link), chromedp.WaitVisible(chromedp.ID("signin-button")), chromedp.Click(chromedp.ID("signin-button")),
			chromedp.WaitVisible(chromedp.ID("prove-code")))
		secret := fin.text("#totp-secret")
		fin.do("mark the code page", chromedp.Evaluate[chromedp.Void](`document.body.insertAdjacentHTML('beforeend', '<i id="old-page"></i>')`))
		fin.do("the second factor", chromedp.SendKeys(chromedp.ID("code"), crm.TOTPCode(secret, time.Now())), chromedp.Click(chromedp.ID("prove-code")),
			chromedp.WaitNotPresent(chromedp.ID("old-page")), chromedp.WaitVisible(chromedp.ID("signout")))

		// Receivables: the aging in base, with its chart and table.
		fin.do("open receivables", chromedp.Navigate(m.a.base+"/receivables"), chromedp.WaitVisible(chromedp.ID("aging-table")))
		if total := fin.text("#ar-total"); !strings.Contains(total, "6,240.00") {
			t.Fatalf("receivables in base: %q", total)
		}
		checkAccessible(t, fin.ctx, "receivables")
		fin.shot("finance-receivables.png")
		if byCur := fin.text("#aging-currencies"); !strings.Contains(byCur, "€2,000.00") || !strings.Contains(byCur, "¥300,000") {
			t.Fatalf("the aging by currency: %q", byCur)
		}
		fin.do("drill into a bucket", chromedp.Click(chromedp.CSS(`#aging-table a[href*="bucket=current"]`)), chromedp.WaitVisible(chromedp.CSS("a[href='/receivables']")))
		if inv := fin.text("main"); !strings.Contains(inv, m.invLake.Number) {
			t.Fatalf("the current bucket's invoices: %q", inv)
		}

		// The EUR payment, allocations suggested, at the 20th's rate.
		pay := func(account, amount, ref string) {
			fin.do("open the payment form", chromedp.Navigate(m.a.base+"/payments/new?account_id="+account+"&amount="+amount), chromedp.WaitVisible(chromedp.ID("record-payment")))
			fin.do("fill it", chromedp.SetValue(chromedp.ID("received_on"), day(20)), chromedp.SendKeys(chromedp.ID("reference"), ref))
			fin.do("record it", chromedp.Click(chromedp.ID("record-payment")), chromedp.WaitVisible(chromedp.CSS("#notice [role=status]")))
			if msg := fin.text("#notice"); !strings.Contains(msg, "recorded and posted") {
				t.Fatalf("recording %s: %q", ref, msg)
			}
		}
		fin.do("open the payment form", chromedp.Navigate(m.a.base+"/payments/new?account_id="+m.eur+"&amount=1000.00"), chromedp.WaitVisible(chromedp.ID("record-payment")))
		if v := get(fin, "the suggestion", chromedp.Evaluate[string](`document.querySelector('#give_`+m.invEUR.ID+`').value`)); v != "1000.00" {
			t.Fatalf("suggested allocation: %q", v)
		}
		checkAccessible(t, fin.ctx, "the payment form")
		fin.shot("finance-payment.png")
		pay(m.eur, "1000.00", "RL-4471")
		pay(m.usd, "1000.00", "HA-9")

		// The bank: the USD statement as CSV, the EUR one as camt.053.
		csv := "Date,Amount,Reference,Payer,Details\n" + day(20) + ",1000.00,HA-9,Hudson Analytics,Invoice payment\n" +
			day(28) + ",1000.00,,LAKESIDE DENTAL,Payment " + m.invLake.Number + "\n"
		fin.do("open the bank", chromedp.Navigate(m.a.base+"/bank"), chromedp.WaitVisible(chromedp.ID("import-statement")))
		checkAccessible(t, fin.ctx, "the bank page")
		fin.do("paste the CSV", chromedp.SetValue(chromedp.ID("content"), csv), chromedp.SetValue(chromedp.ID("format"), "csv"),
			chromedp.SetValue(chromedp.ID("currency"), "USD"), chromedp.SetValue(chromedp.ID("opening_balance"), "0.00"),
			chromedp.SetValue(chromedp.ID("closing_balance"), "2000.00"))
		fin.do("import it", chromedp.Click(chromedp.ID("import-statement")), chromedp.WaitVisible(chromedp.ID("bank-lines")))
		if msg := fin.text("#notice"); !strings.Contains(msg, "Statement imported") {
			t.Fatalf("after the import: %q", msg)
		}
		lines := fin.text("#bank-lines")
		if !strings.Contains(lines, "reference HA-9") || !strings.Contains(lines, m.invLake.Number+" of Lakeside Dental LLC") {
			t.Fatalf("the matches: %q", lines)
		}
		checkAccessible(t, fin.ctx, "a bank statement")
		fin.shot("finance-bank-statement.png")
		// submit clicks a button and waits for the next page to say want.
		submit := func(sel, want string) {
			fin.do("mark the page", chromedp.Evaluate[chromedp.Void](`document.body.insertAdjacentHTML('beforeend', '<i id="old-page"></i>')`))
			fin.do("click "+sel, chromedp.Click(chromedp.CSS(sel)), chromedp.WaitNotPresent(chromedp.ID("old-page")), chromedp.WaitVisible(chromedp.ID("signout")))
			if msg := fin.text("#notice"); !strings.Contains(msg, want) {
				t.Fatalf("after %s the page says %q, not %q", sel, msg, want)
			}
		}
		submit("button.confirm", "Line confirmed.")
		submit("button.confirm", "Line confirmed.")
		fin.until("reconciled", `document.querySelector('#reconciled') !== null`)
		camt := `<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt><Id>EUR-` + period + `</Id><Acct><Ccy>EUR</Ccy></Acct>` +
			`<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>` + first.AddDate(0, 1, -1).Format(time.DateOnly) + `</Dt></Dt></Bal>` +
			`<Ntry><Amt Ccy="EUR">1000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>` + day(20) + `</Dt></BookgDt><NtryDtls><TxDtls><Refs><EndToEndId>RL-4471</EndToEndId></Refs>` +
			`<RltdPties><Dbtr><Nm>Rhein Logistik GmbH</Nm></Dbtr></RltdPties></TxDtls></NtryDtls></Ntry></Stmt></BkToCstmrStmt></Document>`
		fin.do("open the bank again", chromedp.Navigate(m.a.base+"/bank"), chromedp.WaitVisible(chromedp.ID("import-statement")))
		fin.do("paste the camt.053", chromedp.SetValue(chromedp.ID("content"), camt), chromedp.SetValue(chromedp.ID("format"), "camt053"))
		fin.do("import it", chromedp.Click(chromedp.ID("import-statement")), chromedp.WaitVisible(chromedp.ID("bank-lines")))
		submit("button.confirm", "Line confirmed.")
		fin.until("reconciled", `document.querySelector('#reconciled') !== null`)

		// The close: revalue, then close; the checklist shows each step.
		fin.do("open the close", chromedp.Navigate(m.a.base+"/close/"+period), chromedp.WaitVisible(chromedp.ID("checklist")))
		if cls := get(fin, "the revaluation item", chromedp.Evaluate[string](`document.querySelector('#item-revaluation').className`)); cls != "blocked" {
			t.Fatalf("revaluation before posting it: %q", cls)
		}
		if cls := get(fin, "the bank item", chromedp.Evaluate[string](`document.querySelector('#item-bank_reconciled').className`)); cls != "ok" {
			t.Fatalf("the bank item after reconciling: %q (%s)", cls, fin.text("#item-bank_reconciled"))
		}
		checkAccessible(t, fin.ctx, "the close checklist")
		fin.shot("finance-close.png")
		submit("#close-month", "cannot close")
		submit("#revalue", "Receivables revalued")
		fin.do("a note", chromedp.SendKeys(chromedp.ID("reason"), "closed in the browser"))
		submit("#close-month", "is closed to postings")
		if st := fin.text("#period-status"); !strings.Contains(st, "Closed") {
			t.Fatalf("the month after closing: %q", st)
		}

		// The statements in base, balanced; a figure drills into its ledger.
		fin.do("read the statements", chromedp.Navigate(m.a.base+"/statements?from="+day(1)+"&to="+first.AddDate(0, 1, -1).Format(time.DateOnly)),
			chromedp.WaitVisible(chromedp.ID("net-income")))
		// Revenue 6,240.00, the realized gain 23.45, the unrealized loss 70.00.
		if ni := fin.text("#net-income"); !strings.Contains(ni, "6,193.45") || !strings.Contains(fin.text("#balanced"), "balances") {
			t.Fatalf("net income %q, %q", ni, fin.text("#balanced"))
		}
		checkAccessible(t, fin.ctx, "the financial statements")
		fin.shot("finance-statements.png")
		fin.do("drill into receivables", chromedp.Click(chromedp.CSS(`a[href^="/ledger/accounts/1100"]`)), chromedp.WaitVisible(chromedp.ID("closing")))
		if c := fin.text("#closing"); !strings.Contains(c, "3,070.00") {
			t.Fatalf("the receivables ledger closes at %q", c)
		}
		checkAccessible(t, fin.ctx, "an account ledger")
		fin.do("drill into an entry", chromedp.Click(chromedp.CSS(`main table a[href^="/ledger/entries"]`)),
			chromedp.WaitVisible(chromedp.CSS("main section.card")))

		// The ledger's pages: the chart, the trial balance in base, the
		// journal with base amounts, a manual entry whose imbalance shows
		// as one types, the exchange rates.
		fin.do("open the ledger", chromedp.Navigate(m.a.base+"/ledger"), chromedp.WaitVisible(chromedp.ID("chart-h")))
		checkAccessible(t, fin.ctx, "the chart of accounts")
		fin.do("open the trial balance", chromedp.Navigate(m.a.base+"/ledger/trial-balance"), chromedp.WaitVisible(chromedp.ID("trial")))
		if tb := fin.text("#trial"); !strings.Contains(tb, "7100") || !strings.Contains(fin.text("main"), "Debits equal credits") {
			t.Fatalf("the trial balance: %q", tb)
		}
		checkAccessible(t, fin.ctx, "the trial balance")
		fin.do("open the journal", chromedp.Navigate(m.a.base+"/ledger/entries?source_type=payment"), chromedp.WaitVisible(chromedp.CSS("main section.card")))
		if j := fin.text("main"); !strings.Contains(j, "$1,123.45") || !strings.Contains(j, "$23.45") {
			t.Fatalf("the EUR payment's base amounts in the journal: %q", j)
		}
		checkAccessible(t, fin.ctx, "the journal")
		fin.do("open a new entry", chromedp.Navigate(m.a.base+"/ledger/entries/new"), chromedp.WaitVisible(chromedp.ID("post-entry")))
		fin.do("a debit", chromedp.SetValue(chromedp.ID("account_0"), "5100"), chromedp.SendKeys(chromedp.ID("debit_0"), "10.00"))
		fin.until("the imbalance shows", `document.querySelector('#imbalance').textContent.includes('Out of balance by 10.00')`)
		checkAccessible(t, fin.ctx, "a manual entry out of balance")
		fin.shot("finance-manual-entry.png")
		fin.do("a credit", chromedp.SetValue(chromedp.ID("account_1"), "1000"), chromedp.SendKeys(chromedp.ID("credit_1"), "10.00"), chromedp.SendKeys(chromedp.ID("memo"), "Petty cash"))
		fin.until("balanced", `document.querySelector('#imbalance').textContent.includes('Balanced')`)
		submit("#post-entry", "posted")
		fin.do("open the rates", chromedp.Navigate(m.a.base+"/ledger/exchange-rates"), chromedp.WaitVisible(chromedp.ID("rates")))
		fin.do("a rate", chromedp.SetValue(chromedp.ID("currency"), "GBP"), chromedp.SetValue(chromedp.ID("rate"), "1.2650"))
		submit("#add-rate", "GBP to USD")
		checkAccessible(t, fin.ctx, "the exchange rates")

		// An invoice's page: its PDF, payments, a credit note issued; the
		// credit-hold queue.
		fin.do("open the JPY invoice", chromedp.Navigate(m.a.base+"/invoices/"+m.invJPY.ID), chromedp.WaitVisible(chromedp.ID("issue-credit")))
		if ct := get(fin, "the PDF", chromedp.Evaluate[string](`fetch('/invoices/`+m.invJPY.ID+`/pdf').then(r => r.headers.get('content-type'))`,
			chromedp.EvalAwaitPromise)); ct != "application/pdf" {
			t.Fatalf("the invoice's PDF: %q", ct)
		}
		checkAccessible(t, fin.ctx, "an invoice")
		fin.do("a credit", chromedp.SendKeys(chromedp.ID("credit-amount"), "10000"), chromedp.SendKeys(chromedp.ID("credit-reason"), "one day of downtime"))
		submit("#issue-credit", "issued and posted")
		if open := fin.text("#invoice-open"); !strings.Contains(open, "290,000") {
			t.Fatalf("open after the credit note: %q", open)
		}
		fin.do("an address", chromedp.SendKeys(chromedp.ID("stmt-email"), "ap@sakura.example"))
		submit("#email-statement", "goes to ap@sakura.example")
		fin.do("open the holds", chromedp.Navigate(m.a.base+"/receivables/holds"), chromedp.WaitVisible(chromedp.CSS("main h1")))
		checkAccessible(t, fin.ctx, "the credit holds")
		fin.do("open dunning", chromedp.Navigate(m.a.base+"/receivables/dunning"), chromedp.WaitVisible(chromedp.ID("next-run")))
		checkAccessible(t, fin.ctx, "dunning")

		// Commissions: the month's reps, the recalculation's preview (no
		// plan earned anything, so nothing differs and nothing posts), the
		// rep's statement, the payroll CSV.
		fin.do("open commissions", chromedp.Navigate(m.a.base+"/commissions?period="+period), chromedp.WaitVisible(chromedp.ID("preview-recalc")))
		checkAccessible(t, fin.ctx, "the commissions")
		submit("#preview-recalc", "nothing is posted yet")
		if pv := fin.text("#preview"); !strings.Contains(pv, "Nothing differs") {
			t.Fatalf("the recalculation's preview: %q", pv)
		}
		checkAccessible(t, fin.ctx, "a recalculation preview")
		if n := len(page[server.CommissionLineJSON](t, m.a.must(200, "GET", "/api/v1/commissions?period="+period, fin0(m), nil))); n != 0 {
			t.Fatalf("the preview posted %d lines", n)
		}
		fin.do("open the rep's statement", chromedp.Navigate(m.a.base+"/commissions/"+m.tm.ids["Rep"]+"/"+period), chromedp.WaitVisible(chromedp.ID("totals")))
		checkAccessible(t, fin.ctx, "a commission statement")
		if ct := get(fin, "the payroll CSV", chromedp.Evaluate[string](`fetch('/commissions/payroll.csv?period=`+period+`').then(r => r.text())`,
			chromedp.EvalAwaitPromise)); !strings.HasPrefix(ct, "period,user_id,name,email,currency,accrued,payable,paid,clawed_back,total\n") {
			t.Fatalf("the payroll CSV: %q", ct)
		}
	})
}

// fin0 is the finance user's API token of a month's books.
func fin0(m *monthBooks) string { return m.tm.finance }
