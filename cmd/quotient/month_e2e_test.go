package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/quotient-cpq/quotient/server"
	"github.com/quotient-cpq/quotient/store/storetest"
)

// monthBooks is a month of trading with USD, EUR and JPY customers on a
// USD company, at known rates: what TestFinanceMonth and the browser walk
// of it start from.
type monthBooks struct {
	a          *instance
	srv        stack
	mail       *flakySender
	tm         team
	clock      *fakeClock
	f          stockFixture
	usd, eur   string // accounts
	jpy, lake  string
	invUSD     server.InvoiceJSON
	invLake    server.InvoiceJSON
	invEUR     server.InvoiceJSON
	invJPY     server.InvoiceJSON
	disk, wh   string
	baseBefore string
}

// A month (first is its first day; October 2026 in TestFinanceMonth):
// rates on the 1st (EUR 1.1000, JPY 0.0068), the 20th (EUR 1.12345) and
// the last day (EUR 1.0900, JPY 0.0066); an invoice of services
// to each customer on the 5th, 1,000.00 to each USD customer, €2,000.00
// and ¥300,000; ten disks received at 40.00.
func newMonthBooks(t *testing.T, db string, first time.Time) *monthBooks {
	clock := &fakeClock{t: first.Add(9 * time.Hour)}
	sender := &flakySender{}
	a, srv := clockedServer(t, db, clock, sender)
	tm := a.makeTeam()
	m := &monthBooks{a: a, srv: srv, mail: sender, tm: tm, clock: clock, f: newStockFixture(t, a, tm)}
	fin := tm.finance
	day := func(n int) string { return first.AddDate(0, 0, n-1).Format(time.DateOnly) }
	last := first.AddDate(0, 1, -1).Format(time.DateOnly)
	for _, r := range [][3]string{{day(1), "EUR", "1.1000"}, {day(1), "JPY", "0.0068"}, {day(20), "EUR", "1.12345"},
		{last, "EUR", "1.0900"}, {last, "JPY", "0.0066"}} {
		a.must(201, "POST", "/api/v1/exchange-rates", fin, map[string]any{"date": r[0], "currency": r[1], "rate": r[2]})
	}
	svc := m.f.product(t, a, tm, map[string]any{"sku": "SETUP", "name": "Setup", "family": "services", "kind": "service"}, "1000")
	m.disk = m.f.product(t, a, tm, map[string]any{"sku": "DISK", "name": "Disk", "family": "hardware"}, "100")
	m.wh = m.f.sfo
	for cur, price := range map[string]string{"EUR": "2000", "JPY": "300000"} {
		book := a.must(201, "POST", "/api/v1/price-books", tm.admin, map[string]any{"name": cur, "currency": cur, "is_default": true}).str(t, "id")
		a.must(201, "POST", "/api/v1/price-books/"+book+"/entries", tm.admin, map[string]any{"product_id": svc, "unit_price": price})
	}
	clock.Advance(4 * 24 * time.Hour) // 5 October
	invoice := func(name, cur string) (string, server.InvoiceJSON) {
		m.f.acc = as[server.AccountJSON](t, a.must(201, "POST", "/api/v1/accounts", tm.admin, map[string]any{"owner_id": tm.ids["Rep"], "name": name,
			"currency": cur, "invoicing_policy": "on_order", "payment_terms": "net_30"})).ID
		o := as[server.OrderJSON](t, a.must(201, "POST", "/api/v1/quotes/"+m.f.approvedQuote(t, a, tm.rep, svc, "1")+"/convert", tm.rep, nil))
		invs := page[server.InvoiceJSON](t, a.must(200, "GET", "/api/v1/invoices?order_id="+o.ID, fin, nil))
		if len(invs) != 1 || invs[0].Currency != cur {
			t.Fatalf("the %s order's invoices: %+v", cur, invs)
		}
		return m.f.acc, invs[0]
	}
	m.usd, m.invUSD = invoice("Hudson Analytics", "USD")
	m.lake, m.invLake = invoice("Lakeside Dental LLC", "USD")
	m.eur, m.invEUR = invoice("Rhein Logistik GmbH", "EUR")
	m.jpy, m.invJPY = invoice("Sakura Robotics", "JPY")
	a.must(201, "POST", "/api/v1/inventory/receipts", tm.admin, map[string]any{"warehouse_id": m.wh, "reference": "PO-1",
		"lines": []any{map[string]any{"product_id": m.disk, "quantity": "10", "unit_cost": "40.00"}}})
	return m
}

// baseLines is an entry's lines as "account D|C base" (base amounts), for
// the entry posted for a source.
func baseLines(t *testing.T, a *instance, token, sourceType, sourceID string) map[string]string {
	t.Helper()
	es := page[server.JournalEntryJSON](t, a.must(200, "GET", "/api/v1/ledger/entries?source_type="+sourceType+"&source_id="+sourceID, token, nil))
	out := map[string]string{}
	for _, e := range es {
		for _, l := range e.Lines {
			side := "D " + l.BaseDebit
			if dec(t, l.BaseCredit).IsPositive() {
				side = "C " + l.BaseCredit
			}
			if out[l.AccountCode] != "" {
				side = out[l.AccountCode] + ", " + side
			}
			out[l.AccountCode] = side
		}
	}
	return out
}

// row is an account's amount in a statement ("" when it has no row).
func row(secs []server.StatementSectionJSON, code string) string {
	for _, s := range secs {
		for _, r := range s.Rows {
			if r.AccountCode == code {
				return r.Amount
			}
		}
	}
	return ""
}

// TestFinanceMonth closes a month of trading in three currencies on a USD
// company through the API: invoices booked at the rate of their date, a
// EUR payment at a later rate with its realized gain to the cent, an
// inventory adjustment, bank statements (CSV and camt.053) that match two
// payments and propose a third, the close checklist blocking until the
// bank is reconciled and the month revalued (posted on the 31st, reversed
// on the 1st), then the close; income statement and balance sheet in
// base with exact figures and balanced, and the year closed to retained
// earnings.
func TestFinanceMonth(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		m := newMonthBooks(t, db, time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC))
		a, fin := m.a, m.tm.finance
		s := scenario{t, a}

		s.step("invoices post at the rate of their date", func(t *testing.T, a *instance) {
			if got := baseLines(t, a, fin, "invoice", m.invEUR.ID); got["1100"] != "D 2200.00" || got["4300"] != "C 2200.00" {
				t.Fatalf("the EUR invoice in base: %v", got)
			}
			if got := baseLines(t, a, fin, "invoice", m.invJPY.ID); got["1100"] != "D 2040.00" || got["4300"] != "C 2040.00" {
				t.Fatalf("the JPY invoice in base (¥300,000 at 0.0068): %v", got)
			}
			if got := baseLines(t, a, fin, "invoice", m.invUSD.ID); got["1100"] != "D 1000.00" {
				t.Fatalf("the USD invoice in base: %v", got)
			}
		})

		s.step("a EUR payment at a later rate realizes the gain against the booked rate", func(t *testing.T, a *instance) {
			m.clock.Advance(15 * 24 * time.Hour) // 20 October
			pay := as[server.PaymentJSON](t, a.must(201, "POST", "/api/v1/payments", fin, map[string]any{"account_id": m.eur, "amount": "1000.00",
				"method": "bank_transfer", "reference": "RL-4471", "received_on": "2026-10-20"}))
			// €1,000 at 1.12345 is $1,123.45 received for $1,100.00 booked.
			if got := baseLines(t, a, fin, "payment", pay.ID); got["1000"] != "D 1123.45" || got["1100"] != "C 1100.00" || got["7100"] != "C 23.45" {
				t.Fatalf("the EUR payment in base: %v", got)
			}
			for _, p := range [][2]string{{"600.00", "HA-9"}, {"400.00", "HA-10"}} {
				a.must(201, "POST", "/api/v1/payments", fin, map[string]any{"account_id": m.usd, "amount": p[0], "method": "bank_transfer",
					"reference": p[1], "received_on": "2026-10-20"})
			}
			adj := a.must(201, "POST", "/api/v1/inventory/adjustments", m.tm.admin, map[string]any{"warehouse_id": m.wh, "product_id": m.disk,
				"quantity": "-1", "reason": "damaged in the warehouse"}).str(t, "id")
			if got := baseLines(t, a, fin, "adjustment", adj); got["5100"] != "D 40.00" || got["1200"] != "C 40.00" {
				t.Fatalf("the adjustment: %v", got)
			}
		})

		var usdStatement server.BankStatementJSON
		s.step("a bank statement matches two payments and proposes a third; the same file twice adds nothing", func(t *testing.T, a *instance) {
			if f := a.must(409, "POST", "/api/v1/ledger/periods/2026-10/revalue", fin, nil).field(t); f != "period" {
				t.Fatalf("revaluing a month that has not ended: field %q", f)
			}
			m.clock.Advance(13 * 24 * time.Hour) // 2 November
			csv := "Date;Amount;Reference;Payer;Details\n" +
				"20.10.2026;600,00;HA-9;Hudson Analytics Inc;Invoice payment\n" +
				"21.10.2026;400,00;HA-10;Hudson Analytics Inc;Invoice payment\n" +
				"28.10.2026;1.000,00;;LAKESIDE DENTAL;Payment " + m.invLake.Number + " thank you\n" +
				"30.10.2026;-25,00;FEE-10;First Bank;Account fee October\n"
			body := map[string]any{"format": "csv", "content": csv, "currency": "USD", "opening_balance": "0.00", "closing_balance": "1975.00",
				"mapping": map[string]any{"date": "Date", "amount": "Amount", "reference": "Reference", "counterparty": "Payer", "description": "Details",
					"date_format": "02.01.2006", "decimal": ","}}
			a.must(403, "POST", "/api/v1/bank-statements", m.tm.rep, body)
			bad := map[string]any{"format": "csv", "content": csv, "currency": "USD", "mapping": map[string]any{"date": "Booked", "amount": "Amount"}}
			if f := a.must(422, "POST", "/api/v1/bank-statements", fin, bad).field(t); f != "mapping.date" {
				t.Fatalf("a mapping naming no column: field %q", f)
			}
			usdStatement = as[server.BankStatementJSON](t, a.must(201, "POST", "/api/v1/bank-statements", fin, body))
			st := usdStatement
			if len(st.Lines) != 4 || st.Counts["matched"] != 2 || st.Counts["proposed"] != 1 || st.Counts["unmatched"] != 1 || st.Reconciled {
				t.Fatalf("the statement's matches: %+v", st)
			}
			if l := st.Lines[0]; l.PaymentID == nil || !strings.Contains(l.Reason, "reference HA-9") {
				t.Fatalf("line 1: %+v", l)
			}
			if l := st.Lines[2]; l.Status != "proposed" || len(l.Proposals) != 1 || l.Proposals[0].AccountID != m.lake ||
				l.Proposals[0].Allocations[0].InvoiceID != m.invLake.ID || !strings.Contains(l.Proposals[0].Reason, m.invLake.Number) {
				t.Fatalf("line 3 proposes Lakeside's invoice: %+v", l)
			}
			// The ledger's cash in USD on the 30th is the two payments; the
			// bank says 1,975.00 (Lakeside's payment is not recorded, the
			// fee not posted).
			if st.LedgerBalance != "1000.00" || str(st.Difference) != "975.00" {
				t.Fatalf("closing balance beside the ledger: %+v", st)
			}
			again := a.must(200, "POST", "/api/v1/bank-statements", fin, body)
			if as[server.BankStatementJSON](t, again).ID != st.ID || len(page[server.BankStatementJSON](t, a.must(200, "GET", "/api/v1/bank-statements", fin, nil))) != 1 {
				t.Fatalf("importing the same file again: %s", again.body)
			}
			eur := `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>M1</MsgId></GrpHdr><Stmt><Id>EUR-2026-10</Id>
<Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">0.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-10-01</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-10-31</Dt></Dt></Bal>
<Ntry><Amt Ccy="EUR">1000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2026-10-20</Dt></BookgDt><AcctSvcrRef>B-77</AcctSvcrRef>
<NtryDtls><TxDtls><Refs><EndToEndId>RL-4471</EndToEndId></Refs><RltdPties><Dbtr><Nm>Rhein Logistik GmbH</Nm></Dbtr></RltdPties>
<RmtInf><Ustrd>Rechnung</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry></Stmt></BkToCstmrStmt></Document>`
			es := as[server.BankStatementJSON](t, a.must(201, "POST", "/api/v1/bank-statements", fin, map[string]any{"format": "camt053", "content": eur}))
			if es.Currency != "EUR" || len(es.Lines) != 1 || es.Lines[0].Status != "matched" || es.Lines[0].Counterparty != "Rhein Logistik GmbH" ||
				str(es.Difference) != "0.00" || es.ClosingDate != "2026-10-31" {
				t.Fatalf("the camt.053 statement: %+v", es)
			}
			if f := a.must(400, "POST", "/api/v1/bank-statements", fin, map[string]any{"format": "camt053", "content": "<Document>"}).field(t); f != "content" {
				t.Fatalf("broken XML: field %q", f)
			}
			a.must(200, "POST", "/api/v1/bank-statements/"+es.ID+"/lines/"+es.Lines[0].ID+"/confirm", fin, nil)
		})

		s.step("the close checklist blocks until the bank is reconciled and the month revalued", func(t *testing.T, a *instance) {
			cl := as[server.CloseJSON](t, a.must(200, "GET", "/api/v1/close/2026-10", fin, nil))
			blocked := map[string]bool{}
			for _, it := range cl.Items {
				if it.Blocking && !it.OK {
					blocked[it.Name] = true
				}
			}
			if cl.CanClose || !blocked["bank_reconciled"] || !blocked["revaluation"] || len(blocked) != 2 {
				t.Fatalf("the checklist before reconciling: %+v", cl)
			}
			if f := a.must(409, "POST", "/api/v1/ledger/periods/2026-10/close", fin, nil).field(t); f != "period" {
				t.Fatalf("closing over open items: field %q", f)
			}
			st := usdStatement
			a.must(200, "POST", "/api/v1/bank-statements/"+st.ID+"/lines/"+st.Lines[0].ID+"/confirm", fin, nil)
			a.must(200, "POST", "/api/v1/bank-statements/"+st.ID+"/lines/"+st.Lines[1].ID+"/confirm", fin, nil)
			if f := a.must(409, "POST", "/api/v1/bank-statements/"+st.ID+"/lines/"+st.Lines[3].ID+"/confirm", fin, map[string]any{"account_id": m.usd}).field(t); f != "" {
				t.Fatalf("money out confirmed as a payment: %q", f)
			}
			after := as[server.BankStatementJSON](t, a.must(200, "POST", "/api/v1/bank-statements/"+st.ID+"/lines/"+st.Lines[2].ID+"/confirm", fin, nil))
			if l := after.Lines[2]; l.Status != "matched" || !l.Confirmed || l.PaymentID == nil {
				t.Fatalf("the proposal confirmed: %+v", l)
			}
			lake := as[server.PaymentJSON](t, a.must(200, "GET", "/api/v1/payments/"+*after.Lines[2].PaymentID, fin, nil))
			if lake.ReceivedOn != "2026-10-28" || lake.Amount != "1000.00" || len(lake.Allocations) != 1 || lake.Allocations[0].InvoiceID != m.invLake.ID {
				t.Fatalf("the payment the proposal made: %+v", lake)
			}
			// The fee: posted by hand to bank charges, its line ignored.
			a.must(201, "POST", "/api/v1/ledger/accounts", fin, map[string]any{"code": "6900", "name": "Bank charges", "type": "expense"})
			a.must(201, "POST", "/api/v1/ledger/entries", fin, map[string]any{"date": "2026-10-30", "currency": "USD", "memo": "Bank fee October", "lines": []any{
				map[string]any{"account_code": "6900", "debit": "25.00"}, map[string]any{"account_code": "1000", "credit": "25.00"}}})
			a.must(422, "POST", "/api/v1/bank-statements/"+st.ID+"/lines/"+st.Lines[3].ID+"/ignore", fin, map[string]any{})
			done := as[server.BankStatementJSON](t, a.must(200, "POST", "/api/v1/bank-statements/"+st.ID+"/lines/"+st.Lines[3].ID+"/ignore", fin,
				map[string]any{"reason": "bank fee, posted by hand"}))
			if !done.Reconciled || str(done.Difference) != "0.00" || done.LedgerBalance != "1975.00" {
				t.Fatalf("the statement reconciled: %+v", done)
			}
			cl = as[server.CloseJSON](t, a.must(200, "GET", "/api/v1/close/2026-10", fin, nil))
			for _, it := range cl.Items {
				if it.Blocking && !it.OK && it.Name != "revaluation" {
					t.Fatalf("still open after reconciling: %+v", it)
				}
			}
		})

		s.step("the month-end revaluation posts on the 31st and reverses on the 1st", func(t *testing.T, a *instance) {
			before := as[server.RevaluationsJSON](t, a.must(200, "GET", "/api/v1/ledger/periods/2026-10/revaluation", fin, nil))
			if before.Revalued || len(before.Currencies) != 2 {
				t.Fatalf("before revaluing: %+v", before)
			}
			a.must(403, "POST", "/api/v1/ledger/periods/2026-10/revalue", m.tm.rep, nil)
			rv := as[server.RevaluationsJSON](t, a.must(200, "POST", "/api/v1/ledger/periods/2026-10/revalue", fin, nil))
			want := map[string][3]string{"EUR": {"1000.00", "1100.00", "-10.00"}, "JPY": {"300000", "2040.00", "-60.00"}}
			for _, c := range rv.Currencies {
				if w := want[c.Currency]; c.Open != w[0] || c.Booked != w[1] || c.Difference != w[2] || c.EntryID == nil || c.ReversalID == nil {
					t.Fatalf("revaluation of %s: %+v", c.Currency, c)
				}
			}
			if !rv.Revalued || len(rv.Currencies) != 2 {
				t.Fatalf("revalued: %+v", rv)
			}
			if got := baseLines(t, a, fin, "revaluation", "2026-10"); got["1100"] != "C 10.00, D 10.00, C 60.00, D 60.00" &&
				got["1100"] != "C 10.00, C 60.00, D 10.00, D 60.00" {
				t.Fatalf("the revaluation and its reversal: %v", got)
			}
			again := as[server.RevaluationsJSON](t, a.must(200, "POST", "/api/v1/ledger/periods/2026-10/revalue", fin, nil))
			if n := len(page[server.JournalEntryJSON](t, a.must(200, "GET", "/api/v1/ledger/entries?source_type=revaluation", fin, nil))); n != 4 || !again.Revalued {
				t.Fatalf("revaluing again posted more: %d entries", n)
			}
			cl := as[server.CloseJSON](t, a.must(200, "GET", "/api/v1/close/2026-10", fin, nil))
			if !cl.CanClose {
				t.Fatalf("the checklist after revaluing: %+v", cl)
			}
			if p := as[server.PeriodJSON](t, a.must(200, "POST", "/api/v1/ledger/periods/2026-10/close", fin, map[string]any{"reason": "October closed"})); p.Status != "closed" {
				t.Fatalf("closing October: %+v", p)
			}
			if cl := as[server.CloseJSON](t, a.must(200, "GET", "/api/v1/close/2026-10", fin, nil)); cl.Status != "closed" {
				t.Fatalf("the checklist of a closed month: %+v", cl)
			}
		})

		s.step("the statements in base, exact and balanced", func(t *testing.T, a *instance) {
			is := as[server.IncomeStatementJSON](t, a.must(200, "GET", "/api/v1/reports/income-statement?from=2026-10-01&to=2026-10-31", fin, nil))
			// Revenue 1,000.00 + 1,000.00 + 2,200.00 + 2,040.00; expenses: the
			// lost disk 40.00, the bank fee 25.00, the realized gain -23.45,
			// the unrealized loss 70.00.
			if !is.InBase || is.Currency != "USD" || row(is.Sections, "4300") != "6240.00" || row(is.Sections, "5100") != "40.00" ||
				row(is.Sections, "6900") != "25.00" || row(is.Sections, "7100") != "-23.45" || row(is.Sections, "7200") != "70.00" || is.NetIncome != "6128.45" {
				t.Fatalf("October's income statement in base: %+v", is)
			}
			bs := as[server.BalanceSheetJSON](t, a.must(200, "GET", "/api/v1/reports/balance-sheet?as_of=2026-10-31", fin, nil))
			if !bs.Balanced || row(bs.Sections, "1000") != "3098.45" || row(bs.Sections, "1100") != "3070.00" || row(bs.Sections, "1200") != "360.00" ||
				bs.TotalAssets != "6528.45" || bs.TotalLiabilities != "400.00" || bs.CurrentEarnings != "6128.45" || bs.TotalLiabilitiesAndEquity != "6528.45" {
				t.Fatalf("the balance sheet of 31 October in base: %+v", bs)
			}
			nov := as[server.BalanceSheetJSON](t, a.must(200, "GET", "/api/v1/reports/balance-sheet?as_of=2026-11-01", fin, nil))
			if !nov.Balanced || row(nov.Sections, "1100") != "3140.00" || nov.CurrentEarnings != "6198.45" {
				t.Fatalf("the balance sheet of 1 November, revaluation reversed: %+v", nov)
			}
			eur := as[server.BalanceSheetJSON](t, a.must(200, "GET", "/api/v1/reports/balance-sheet?as_of=2026-10-31&currency=EUR", fin, nil))
			if eur.InBase || row(eur.Sections, "1100") != "1000.00" || !eur.Balanced {
				t.Fatalf("the EUR balance sheet in its own amounts: %+v", eur)
			}
			tb := as[server.TrialBalanceJSON](t, a.must(200, "GET", "/api/v1/reports/trial-balance?as_of=2026-10-31", fin, nil))
			if !tb.InBase || !tb.Balanced || tb.TotalDebit != "6663.45" {
				t.Fatalf("the trial balance in base: %+v", tb)
			}
			ag := as[server.AgingJSON](t, a.must(200, "GET", "/api/v1/reports/ar-aging?as_of=2026-10-31", fin, nil))
			if !ag.InBase || ag.Total.Total != "3140.00" {
				t.Fatalf("the aging in base, at booked rates: %+v", ag)
			}
			if r := as[server.InvariantReportJSON](t, a.must(200, "GET", "/api/v1/admin/check", m.tm.admin, nil)); !r.OK {
				t.Fatalf("the books do not check out: %+v", r)
			}
		})

		s.step("a customer statement goes by e-mail with its PDF", func(t *testing.T, a *instance) {
			path := "/api/v1/accounts/" + m.jpy + "/statement/email"
			if f := a.must(422, "POST", path, fin, nil).field(t); f != "email" {
				t.Fatalf("a statement to an account without an address: field %q", f)
			}
			a.must(403, "POST", path, m.tm.rep, map[string]any{"email": "ap@sakura.example"})
			sent := as[server.StatementEmailJSON](t, a.must(202, "POST", path, fin, map[string]any{"email": "ap@sakura.example", "from": "2026-10-01", "to": "2026-10-31"}))
			if sent.OutboxID == "" || sent.Email != "ap@sakura.example" {
				t.Fatalf("queued: %+v", sent)
			}
			if n, err := m.srv.worker.DeliverMail(context.Background()); err != nil || n != 1 {
				t.Fatalf("delivered %d: %v", n, err)
			}
			msg := m.mail.sent[len(m.mail.sent)-1]
			if msg.To != "ap@sakura.example" || len(msg.Attachments) != 1 || !strings.HasPrefix(string(msg.Attachments[0].Body), "%PDF") ||
				!strings.Contains(msg.Subject, "Statement of account") {
				t.Fatalf("the statement's e-mail: %+v", msg)
			}
		})

		s.step("the year closes to retained earnings in base", func(t *testing.T, a *instance) {
			m.clock.Advance(62 * 24 * time.Hour) // 3 January 2027
			a.must(200, "POST", "/api/v1/ledger/years/2026/close", fin, nil)
			bs := as[server.BalanceSheetJSON](t, a.must(200, "GET", "/api/v1/reports/balance-sheet?as_of=2026-12-31", fin, nil))
			if !bs.Balanced || row(bs.Sections, "3000") != "6198.45" || bs.CurrentEarnings != "0.00" {
				t.Fatalf("the balance sheet after closing 2026: %+v", bs)
			}
			is := as[server.IncomeStatementJSON](t, a.must(200, "GET", "/api/v1/reports/income-statement?from=2026-01-01&to=2026-12-31", fin, nil))
			if is.NetIncome != "6198.45" {
				t.Fatalf("2026 still shows what it earned: %+v", is)
			}
			for _, cur := range []string{"USD", "EUR", "JPY"} {
				if bs := as[server.BalanceSheetJSON](t, a.must(200, "GET", "/api/v1/reports/balance-sheet?as_of=2026-12-31&currency="+cur, fin, nil)); !bs.Balanced || bs.CurrentEarnings != fmtZero(cur) {
					t.Fatalf("the %s balance sheet after closing: %+v", cur, bs)
				}
			}
		})
	})
}

func fmtZero(cur string) string {
	if cur == "JPY" {
		return "0"
	}
	return "0.00"
}
