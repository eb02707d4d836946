package main

import (
	"strings"
	"testing"
	"time"

	"github.com/quotient-cpq/quotient/server"
	"github.com/quotient-cpq/quotient/store/storetest"
)

// TestCommissionsPaidBasis: a rep on a paid-basis plan earns as the
// customer pays (a partial payment, the rest), an excluded product earns
// nothing, an accelerator applies once the rep is past quota, a credit
// note claws back to the cent, and finance pays the statement; a split
// opportunity shares credit with a rep on an invoiced-basis plan. The
// ledger balances throughout; each role sees what it may. Each stage is a
// step; responses decode into the API's types.
func TestCommissionsPaidBasis(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		clock := &fakeClock{t: time.Date(2025, 5, 5, 9, 0, 0, 0, time.UTC)}
		a, _ := clockedServer(t, db, clock, nil)
		tm := a.makeTeam()
		fin := tm.finance
		f := newStockFixture(t, a, tm)
		disk := f.product(t, a, tm, map[string]any{"sku": "DISK", "name": "Disk array", "family": "hardware", "kind": "service"}, "1000")
		ship := f.product(t, a, tm, map[string]any{"sku": "SHIP", "name": "Freight", "family": "fees", "kind": "service"}, "100")
		a.must(201, "POST", "/api/v1/tax-rates", fin, map[string]any{"region": "US-TX", "tax_category": "standard", "rate_pct": "8.25", "name": "Texas"})
		f.acc = as[server.AccountJSON](t, a.must(201, "POST", "/api/v1/accounts", tm.admin, map[string]any{"owner_id": tm.ids["Rep"], "name": "Lone Star Labs", "currency": "USD",
			"tax_region": "US-TX", "invoicing_policy": "on_order"})).ID

		convert := func(t *testing.T, a *instance, lines ...string) server.InvoiceJSON {
			o := as[server.OrderJSON](t, a.must(201, "POST", "/api/v1/quotes/"+f.approvedQuote(t, a, tm.rep, lines...)+"/convert", tm.rep, nil))
			return page[server.InvoiceJSON](t, a.must(200, "GET", "/api/v1/invoices?order_id="+o.ID, fin, nil))[0]
		}
		pay := func(a *instance, inv server.InvoiceJSON, amount string) {
			a.must(201, "POST", "/api/v1/payments", fin, map[string]any{"account_id": f.acc, "amount": amount, "method": "bank_transfer",
				"allocations": []any{map[string]any{"invoice_id": inv.ID, "amount": amount}}})
			clock.Advance(24 * time.Hour)
		}
		lines := func(t *testing.T, a *instance, user string) []string {
			var out []string
			for _, l := range page[server.CommissionLineJSON](t, a.must(200, "GET", "/api/v1/commissions?user_id="+tm.ids[user], fin, nil)) {
				out = append(out, l.SKU+" "+l.BasisAmount+"@"+l.RatePct+"="+l.Amount+" "+l.Status)
			}
			return out
		}
		payable := func(t *testing.T, a *instance) string {
			return as[server.AccountLedgerJSON](t, a.must(200, "GET", "/api/v1/ledger/accounts/2300/ledger?currency=USD", fin, nil)).ClosingBalance
		}
		stmt := "/api/v1/commissions/statements/" + tm.ids["Rep"] + "/2025-05"
		var paid string
		var inv1, june server.InvoiceJSON
		s := scenario{t, a}

		s.step("plans: validation, then the rep's paid-basis plan and rep2's invoiced one", func(t *testing.T, a *instance) {
			a.must(403, "POST", "/api/v1/commission-plans", tm.rep, map[string]any{"name": "x", "basis": "paid", "base_rate_pct": "10", "valid_from": "2025-01-01"})
			for _, c := range []struct {
				body  map[string]any
				field string
			}{
				{map[string]any{"name": "x", "basis": "booked", "base_rate_pct": "10", "valid_from": "2025-01-01"}, "basis"},
				{map[string]any{"name": "x", "basis": "paid", "base_rate_pct": "101", "valid_from": "2025-01-01"}, "base_rate_pct"},
				{map[string]any{"name": "x", "basis": "paid", "base_rate_pct": "10", "valid_from": "2025-01-01",
					"rules": []any{map[string]any{"name": "bad", "condition": "line.nope > 1", "rate_pct": "5"}}}, "rules[0].condition"},
				{map[string]any{"name": "x", "basis": "paid", "base_rate_pct": "10", "valid_from": "2025-01-01",
					"exclusions": []any{map[string]any{"name": "bad", "condition": "line.sku"}}}, "exclusions[0].condition"},
				{map[string]any{"name": "x", "basis": "paid", "base_rate_pct": "10", "valid_from": "2025-06-01", "valid_to": "2025-01-01"}, "valid_to"},
			} {
				if got := a.must(422, "POST", "/api/v1/commission-plans", fin, c.body).field(t); got != c.field {
					t.Errorf("plan %v: field %q, want %q", c.body, got, c.field)
				}
			}
			paid = as[server.CommissionPlanJSON](t, a.must(201, "POST", "/api/v1/commission-plans", fin, map[string]any{"name": "Field sales 2025",
				"basis": "paid", "base_rate_pct": "10", "valid_from": "2025-01-01",
				"rules":      []any{map[string]any{"name": "Accelerator past quota", "condition": "rep.attainment_pct >= 100", "rate_pct": "12"}},
				"exclusions": []any{map[string]any{"name": "No commission on freight", "condition": `line.family == "fees"`}}})).ID
			invoiced := as[server.CommissionPlanJSON](t, a.must(201, "POST", "/api/v1/commission-plans", fin, map[string]any{"name": "Inside sales 2025",
				"basis": "invoiced", "base_rate_pct": "5", "valid_from": "2025-01-01"})).ID
			a.must(201, "POST", "/api/v1/commission-plans/"+paid+"/assignments", fin, map[string]any{"user_id": tm.ids["Rep"], "quota": "2000", "currency": "USD"})
			a.must(201, "POST", "/api/v1/commission-plans/"+invoiced+"/assignments", fin, map[string]any{"user_id": tm.ids["Rep2"], "quota": "0"})
			if got := a.must(422, "POST", "/api/v1/commission-plans/"+paid+"/assignments", fin, map[string]any{"user_id": "usr_nope", "quota": "1"}).field(t); got != "user_id" {
				t.Fatalf("assignment of nobody: field %q", got)
			}
			if got := a.must(409, "POST", "/api/v1/commission-plans/"+invoiced+"/assignments", fin, map[string]any{"user_id": tm.ids["Rep"], "quota": "1",
				"valid_from": "2025-03-01", "valid_to": "2025-12-31"}).field(t); got != "valid_from" {
				t.Fatalf("overlapping assignment: field %q", got)
			}
		})

		s.step("May: the rep earns as the customer pays, freight earns nothing, the accelerator past quota", func(t *testing.T, a *instance) {
			// Invoice 1: a disk and freight, 1,190.75 with tax. Nothing is
			// earned until the customer pays.
			inv1 = convert(t, a, disk, "1", ship, "1")
			if inv1.Total != "1190.75" || len(lines(t, a, "Rep")) != 0 {
				t.Fatalf("invoice 1: %+v, lines %v", inv1, lines(t, a, "Rep"))
			}
			pay(a, inv1, "476.30") // 40 %: 400.00 of the disk's net, 40.00 of the freight's
			pay(a, inv1, "714.45") // the other 60 %, attainment 20 % before it
			want := []string{"DISK 400.00@10=40.00 payable", "SHIP 40.00@0=0.00 payable", "DISK 600.00@10=60.00 payable", "SHIP 60.00@0=0.00 payable"}
			if got := lines(t, a, "Rep"); strings.Join(got, "; ") != strings.Join(want, "; ") {
				t.Fatalf("paid-basis accruals:\n got %v\nwant %v", got, want)
			}
			// Two disks paid at once: 50 % attainment before, still 10 %;
			// then a third disk with the rep at 150 %: the accelerator's 12 %.
			pay(a, convert(t, a, disk, "2"), "2165.00")
			pay(a, convert(t, a, disk, "1"), "1082.50")
			got := lines(t, a, "Rep")
			if got[4] != "DISK 2000.00@10=200.00 payable" || got[5] != "DISK 1000.00@12=120.00 payable" {
				t.Fatalf("accelerator: %v", got)
			}
		})

		s.step("the disk of invoice 1 comes back: what it earned is clawed back at its 10 %", func(t *testing.T, a *instance) {
			a.must(201, "POST", "/api/v1/credit-notes", fin, map[string]any{"invoice_id": inv1.ID, "reason": "returned",
				"lines": []any{map[string]any{"order_line_id": lineOf(t, a, fin, inv1.ID, "DISK"), "quantity": "1"}}})
			if got := lines(t, a, "Rep"); got[6] != "DISK -1000.00@10=-100.00 clawed_back" || len(got) != 7 {
				t.Fatalf("clawback: %v", got)
			}
			assertBalanced(t, a, fin, "USD", clock.Now().Format(time.DateOnly))
			if got := payable(t, a); got != "-320.00" {
				t.Fatalf("commissions payable: %s", got)
			}
		})

		s.step("the statement: each role sees what it may; finance pays it", func(t *testing.T, a *instance) {
			st := as[server.CommissionStatementJSON](t, a.must(200, "GET", stmt, tm.rep, nil))
			if st.Total != "320.00" || len(st.Lines) != 7 || st.Totals[0].Payable != "320.00" {
				t.Fatalf("statement: %+v", st)
			}
			a.must(200, "GET", stmt, tm.manager, nil)
			a.must(200, "GET", stmt, fin, nil)
			a.must(403, "GET", stmt, tm.rep2, nil)
			a.must(403, "GET", stmt, tm.outsider, nil)
			a.must(403, "GET", "/api/v1/commissions?user_id="+tm.ids["Rep"], tm.outsider, nil)
			a.must(400, "GET", "/api/v1/commissions/statements/"+tm.ids["Rep"]+"/2025-13", tm.rep, nil)
			csv := a.call("GET", stmt, tm.rep, nil, "Accept", "text/csv")
			if !strings.HasPrefix(string(csv.body), "user_id,period,date,invoice,sku,source,currency,basis_amount,share_pct,rate_pct,amount,status,rule\n") ||
				!strings.Contains(string(csv.body), ",DISK,credit_note,USD,-1000.00,100,10,-100.00,clawed_back,base rate") {
				t.Fatalf("statement CSV: %s", csv.body)
			}
			pdf := a.call("GET", stmt, tm.rep, nil, "Accept", "application/pdf")
			if pdf.status != 200 || pdf.header.Get("Content-Type") != "application/pdf" {
				t.Fatalf("statement PDF: %d", pdf.status)
			}
			if text, ok := pdfText(t, pdf.body); ok {
				for _, want := range []string{"COMMISSION", "Rep", "2025-05", inv1.Number, "clawed back", "-$100.00", "Payable", "$320.00"} {
					if !strings.Contains(text, want) {
						t.Fatalf("statement PDF lacks %q:\n%s", want, text)
					}
				}
			}
			a.must(403, "POST", stmt+"/pay", tm.rep, nil)
			po := as[server.PayoutsJSON](t, a.must(200, "POST", stmt+"/pay", fin, nil))
			if len(po.Payouts) != 1 || po.Payouts[0].Amount != "320.00" {
				t.Fatalf("payout: %+v", po)
			}
			a.must(409, "POST", stmt+"/pay", fin, nil) // nothing left to pay
			if got := payable(t, a); got != "0.00" {
				t.Fatalf("commissions payable after the payout: %s", got)
			}
			if st := as[server.CommissionStatementJSON](t, a.must(200, "GET", stmt, tm.rep, nil)); st.Totals[0].Paid != "420.00" || len(st.Payouts) != 1 {
				t.Fatalf("paid statement: %+v", st)
			}
		})

		s.step("the base rate goes up to 11 %: recalculating May posts only the differences", func(t *testing.T, a *instance) {
			// The accelerated line keeps its 12 %; the clawback follows the
			// new rate.
			a.must(200, "PATCH", "/api/v1/commission-plans/"+paid, fin, map[string]any{"base_rate_pct": "11"}, "If-Match", `"v1"`)
			a.must(403, "POST", "/api/v1/commissions/recalculate", tm.rep, map[string]any{"period": "2025-05"})
			if f := a.must(422, "POST", "/api/v1/commissions/recalculate", fin, map[string]any{"period": "2025-5"}).field(t); f != "period" {
				t.Fatalf("recalculation of a bad period: field %q", f)
			}
			rc := as[server.RecalculationJSON](t, a.must(200, "POST", "/api/v1/commissions/recalculate", fin, map[string]any{"period": "2025-05"}))
			var adj []string
			for _, l := range rc.Lines {
				adj = append(adj, l.Amount)
			}
			if strings.Join(adj, " ") != "4.00 6.00 20.00 -10.00" {
				t.Fatalf("recalculation: %+v", rc)
			}
			if rc := as[server.RecalculationJSON](t, a.must(200, "POST", "/api/v1/commissions/recalculate", fin, map[string]any{"period": "2025-05"})); len(rc.Lines) != 0 {
				t.Fatalf("a second recalculation changed something: %+v", rc)
			}
			if st := as[server.CommissionStatementJSON](t, a.must(200, "GET", stmt, tm.rep, nil)); st.Total != "340.00" || st.Totals[0].Payable != "20.00" {
				t.Fatalf("statement after recalculation: %+v", st)
			}
			if got := payable(t, a); got != "-20.00" {
				t.Fatalf("commissions payable after recalculation: %s", got)
			}
		})

		s.step("the rep's May in figures", func(t *testing.T, a *instance) {
			perf := "/api/v1/users/" + tm.ids["Rep"] + "/performance?period=2025-05"
			pf := as[server.PerformanceJSON](t, a.must(200, "GET", perf, tm.rep, nil))
			att := dec(t, "4100").Div(dec(t, pf.Quota)).Mul(dec(t, "100")).Round(1)
			if pf.Bookings != "4100.00" || pf.Invoiced != "3100.00" || pf.Paid != "4438.25" || pf.Commissions.Total != "340.00" ||
				pf.Commissions.Paid != "420.00" || pf.Commissions.Payable != "20.00" || pf.WinRatePct != nil || !dec(t, str(pf.AttainmentPct)).Equal(att) {
				t.Fatalf("performance: %+v", pf)
			}
			a.must(200, "GET", perf, tm.manager, nil)
			a.must(403, "GET", perf, tm.outsider, nil)
			a.must(400, "GET", "/api/v1/users/"+tm.ids["Rep"]+"/performance?period=May", tm.rep, nil)
		})

		s.step("June: a split opportunity, 60 % to rep2 (invoiced, 5 %), 40 % to the rep (paid, now 11 %)", func(t *testing.T, a *instance) {
			clock.Advance(30 * 24 * time.Hour)
			opp := as[server.OpportunityJSON](t, a.must(201, "POST", "/api/v1/opportunities", tm.rep2, map[string]any{"account_id": f.acc,
				"name": "Lab expansion", "close_date": "2025-07-31", "amount": "1000"})).ID
			if got := a.must(422, "PUT", "/api/v1/opportunities/"+opp+"/splits", tm.rep2, map[string]any{"splits": []any{
				map[string]any{"user_id": tm.ids["Rep2"], "pct": "60"}, map[string]any{"user_id": tm.ids["Rep"], "pct": "30"}}}).field(t); got != "splits" {
				t.Fatalf("splits not adding up to 100: field %q", got)
			}
			a.must(403, "PUT", "/api/v1/opportunities/"+opp+"/splits", tm.outsider, map[string]any{"splits": []any{map[string]any{"user_id": tm.ids["Rep"], "pct": "100"}}})
			a.must(200, "PUT", "/api/v1/opportunities/"+opp+"/splits", tm.rep2, map[string]any{"splits": []any{
				map[string]any{"user_id": tm.ids["Rep2"], "pct": "60"}, map[string]any{"user_id": tm.ids["Rep"], "pct": "40"}}})
			q := as[server.QuoteJSON](t, a.must(201, "POST", "/api/v1/quotes", tm.rep2, map[string]any{"opportunity_id": opp,
				"lines": []any{map[string]any{"product_id": disk, "quantity": "1"}}})).ID
			a.must(200, "POST", "/api/v1/quotes/"+q+"/submit", tm.rep2, nil)
			o := as[server.OrderJSON](t, a.must(201, "POST", "/api/v1/quotes/"+q+"/convert", tm.rep2, nil))
			june = page[server.InvoiceJSON](t, a.must(200, "GET", "/api/v1/invoices?order_id="+o.ID, fin, nil))[0]
			if got := lines(t, a, "Rep2"); len(got) != 1 || got[0] != "DISK 600.00@5=30.00 accrued" {
				t.Fatalf("rep2's invoiced-basis share: %v", got)
			}
			pay(a, june, "1082.50")
			if got := lines(t, a, "Rep2"); got[0] != "DISK 600.00@5=30.00 payable" {
				t.Fatalf("rep2's share once paid: %v", got)
			}
			if got := lines(t, a, "Rep"); got[len(got)-1] != "DISK 400.00@11=44.00 payable" {
				t.Fatalf("the rep's share on payment: %v", got)
			}
		})

		s.step("rep2's June: the converted deal is won, another is open, weighted, then lost", func(t *testing.T, a *instance) {
			perf2 := "/api/v1/users/" + tm.ids["Rep2"] + "/performance?period=2025-06"
			opp2 := as[server.OpportunityJSON](t, a.must(201, "POST", "/api/v1/opportunities", tm.rep2, map[string]any{"account_id": f.acc,
				"name": "Second lab", "close_date": "2025-06-28", "amount": "5000", "stage": "proposal"}))
			weighted := dec(t, opp2.Amount).Mul(dec(t, opp2.Probability)).Div(dec(t, "100")).StringFixed(2)
			if pf := as[server.PerformanceJSON](t, a.must(200, "GET", perf2, tm.rep2, nil)); pf.OpenPipeline != "5000.00" || pf.WeightedPipeline != weighted ||
				pf.Bookings != "1000.00" || pf.Commissions.Payable != "30.00" || pf.Won != 1 || str(pf.WinRatePct) != "100" {
				t.Fatalf("rep2's June with an open deal: %+v", pf)
			}
			a.must(200, "PATCH", "/api/v1/opportunities/"+opp2.ID, tm.rep2, map[string]any{"stage": "closed_lost"}, "If-Match", `"v1"`)
			if pf := as[server.PerformanceJSON](t, a.must(200, "GET", perf2, tm.rep2, nil)); pf.OpenPipeline != "0.00" || pf.Lost != 1 || str(pf.WinRatePct) != "50" {
				t.Fatalf("rep2's June after a loss: %+v", pf)
			}
		})

		s.step("the June disk comes back: rep2 gives back 60 % at 5 %, the rep 40 % at 11 %", func(t *testing.T, a *instance) {
			a.must(201, "POST", "/api/v1/credit-notes", fin, map[string]any{"invoice_id": june.ID, "reason": "returned",
				"lines": []any{map[string]any{"order_line_id": lineOf(t, a, fin, june.ID, "DISK"), "quantity": "1"}}})
			if got := lines(t, a, "Rep2"); len(got) != 2 || got[1] != "DISK -600.00@5=-30.00 clawed_back" {
				t.Fatalf("rep2's clawback: %v", got)
			}
			if got := lines(t, a, "Rep"); got[len(got)-1] != "DISK -400.00@11=-44.00 clawed_back" {
				t.Fatalf("the rep's June clawback: %v", got)
			}
			assertBalanced(t, a, fin, "USD", clock.Now().Format(time.DateOnly))
			if r := as[server.InvariantReportJSON](t, a.must(200, "GET", "/api/v1/admin/check", fin, nil)); !r.OK {
				t.Fatalf("invariants: %+v", r)
			}
		})
	})
}

// lineOf is the order line an invoice charges for a SKU.
func lineOf(t *testing.T, a *instance, token, invoiceID, sku string) string {
	t.Helper()
	inv := as[server.InvoiceJSON](t, a.must(200, "GET", "/api/v1/invoices/"+invoiceID, token, nil))
	for _, l := range inv.Lines {
		if l.SKU == sku {
			return l.OrderLineID
		}
	}
	t.Fatalf("invoice %s has no %s", inv.Number, sku)
	return ""
}
