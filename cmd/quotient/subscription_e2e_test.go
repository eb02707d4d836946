package main

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/quotient-cpq/quotient/server"
	"github.com/quotient-cpq/quotient/store"
	"github.com/quotient-cpq/quotient/store/storetest"
	"github.com/quotient-cpq/quotient/worker"
)

// otherWorker is a second server's worker on the same database and clock.
func otherWorker(t *testing.T, dbURL string, clock *fakeClock) *worker.Worker {
	t.Helper()
	db, err := store.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return wire(wiring{db: db, now: clock.Now, log: slog.New(slog.NewTextHandler(io.Discard, nil)), secret: []byte(testSecret),
		publicURL: "http://127.0.0.1:1"}).worker
}

// TestSubscriptionLifecycle walks a SaaS contract through the real
// server: 50 seats at 40.00 a month for 12 months from the 17th, billed
// monthly; 10 seats added in month 4, co-terminated; 5 removed in month
// 7; the renewal quote at 30 days before the end with the account's 5 %
// uplift, accepted; every invoice, the revenue recognised and deferred,
// and MRR month by month, with two servers' workers running at once. Then
// a JPY subscription in whole yen, cancelled.
func TestSubscriptionLifecycle(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		clock := &fakeClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
		a, srv := clockedServer(t, db, clock, nil)
		other := otherWorker(t, db, clock)
		sc := scenario{t, a}
		tm := a.makeTeam()
		fin := tm.finance
		f := newStockFixture(t, a, tm)
		var seat, acc, con string
		// to moves the clock to a day and runs both servers' workers at
		// once, twice; then the account pays what it owes.
		to := func(t *testing.T, day string) {
			t.Helper()
			d, _ := time.Parse(time.DateOnly, day)
			clock.Advance(d.Add(9 * time.Hour).Sub(clock.Now()))
			for range 2 {
				var wg sync.WaitGroup
				for _, w := range []*worker.Worker{srv.worker, other} {
					wg.Add(1)
					go func() { defer wg.Done(); w.Subscriptions(context.Background()) }()
				}
				wg.Wait()
			}
			for _, inv := range page[server.InvoiceJSON](t, a.must(200, "GET", "/api/v1/invoices?account_id="+acc+"&limit=200", fin, nil)) {
				if dec(t, inv.AmountDue).IsPositive() {
					a.must(201, "POST", "/api/v1/payments", fin, map[string]any{"account_id": acc, "amount": inv.AmountDue, "method": "bank_transfer",
						"allocations": []any{map[string]any{"invoice_id": inv.ID, "amount": inv.AmountDue}}})
				}
			}
		}
		contractOf := func(t *testing.T, id string) server.ContractJSON {
			return as[server.ContractJSON](t, a.must(200, "GET", "/api/v1/contracts/"+id, tm.rep, nil))
		}
		nets := func(t *testing.T) []string {
			var out []string
			for _, inv := range contractOf(t, con).Invoices {
				out = append(out, inv.NetTotal)
			}
			return out
		}
		want := func(t *testing.T, what string, got []string, want ...string) {
			t.Helper()
			if len(got) != len(want) {
				t.Fatalf("%s: invoice nets %v, want %v", what, got, want)
			}
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("%s: invoice nets %v, want %v", what, got, want)
				}
			}
		}
		convert := func(t *testing.T, q string) {
			t.Helper()
			if s := a.must(200, "POST", "/api/v1/quotes/"+q+"/submit", tm.rep, nil).json(t)["quote"].(map[string]any)["status"]; s != "approved" {
				t.Fatalf("quote %s is %v after submitting", q, s)
			}
			a.must(201, "POST", "/api/v1/quotes/"+q+"/convert", tm.rep, map[string]any{"signer_name": "Pat Buyer"})
		}

		sc.step("a recurring product; a bad one is refused by field", func(t *testing.T, a *instance) {
			seat = f.product(t, a, tm, map[string]any{"sku": "SEAT", "name": "Seat", "family": "software", "kind": "service", "uom": "user",
				"billing_type": "recurring", "billing_period": "month", "default_term_months": 12}, "40")
			if got := a.must(422, "POST", "/api/v1/products", tm.admin, map[string]any{"sku": "BAD", "name": "Bad", "family": "software", "kind": "service",
				"billing_type": "recurring"}).field(t); got != "billing_period" {
				t.Fatalf("recurring product without a period: field %q", got)
			}
			acc = f.acc
			// The account's renewal uplift is its new contracts'; the
			// owner sets it, finance may not.
			if got := a.must(422, "PATCH", "/api/v1/accounts/"+acc, tm.rep, map[string]any{"renewal_uplift_pct": "150"}).field(t); got != "renewal_uplift_pct" {
				t.Fatalf("account uplift of 150%%: field %q", got)
			}
			a.must(403, "PATCH", "/api/v1/accounts/"+acc, fin, map[string]any{"renewal_uplift_pct": "5"})
			if got := a.must(200, "PATCH", "/api/v1/accounts/"+acc, tm.rep, map[string]any{"renewal_uplift_pct": "5"}).str(t, "renewal_uplift_pct"); got != "5" {
				t.Fatalf("account uplift: got %q, want 5", got)
			}
		})

		sc.step("the quote shows MRR, ARR, TCV and first-year value; accepting it starts the contract", func(t *testing.T, a *instance) {
			q := as[server.QuoteJSON](t, a.must(201, "POST", "/api/v1/quotes", tm.rep, map[string]any{"account_id": acc,
				"lines": []any{map[string]any{"product_id": seat, "quantity": "50", "start_date": "2026-03-17"}}}))
			if q.MRR != "2000.00" || q.ARR != "24000.00" || q.TCV != "24000.00" || q.FirstYearValue != "24000.00" {
				t.Fatalf("quote value: mrr %s arr %s tcv %s fyv %s", q.MRR, q.ARR, q.TCV, q.FirstYearValue)
			}
			convert(t, q.ID)
			cs := page[server.ContractJSON](t, a.must(200, "GET", "/api/v1/contracts?account_id="+acc, tm.rep, nil))
			if len(cs) != 1 || cs[0].StartDate != "2026-03-17" || cs[0].EndDate != "2027-03-16" || cs[0].Status != "active" || cs[0].TermMonths != 12 ||
				cs[0].RenewalDate == nil || *cs[0].RenewalDate != "2027-02-14" || cs[0].RenewalUpliftPct != "5" {
				t.Fatalf("contracts: %+v", cs)
			}
			con = cs[0].ID
			want(t, "before the start", nets(t))
			a.must(404, "GET", "/api/v1/contracts/con_nope", tm.rep, nil)
		})

		sc.step("invoiced in advance of each month, once whatever the servers: 15/31 of March, then whole months", func(t *testing.T, a *instance) {
			to(t, "2026-03-17")
			want(t, "17 March", nets(t), "967.74")
			to(t, "2026-04-01")
			to(t, "2026-05-01")
			to(t, "2026-06-01")
			want(t, "1 June", nets(t), "967.74", "2000.00", "2000.00", "2000.00")
			c := contractOf(t, con)
			if len(c.Billings) != 4 || c.Billings[0].PeriodStart != "2026-03-17" || c.Billings[0].PeriodEnd != "2026-03-31" || c.MRR != "2000.00" ||
				c.NextInvoiceDate == nil || *c.NextInvoiceDate != "2026-07-01" {
				t.Fatalf("contract after June's invoice: billings %+v, mrr %s, next %v", c.Billings, c.MRR, c.NextInvoiceDate)
			}
		})

		sc.step("month 4: 10 seats added from 10 June, co-terminated, the difference invoiced at once", func(t *testing.T, a *instance) {
			to(t, "2026-06-10")
			if got := a.must(422, "POST", "/api/v1/contracts/"+con+"/amend", tm.rep, map[string]any{"effective_date": "2026-06-01"}).field(t); got != "effective_date" {
				t.Fatalf("amendment in the past: field %q", got)
			}
			q := as[server.QuoteJSON](t, a.must(201, "POST", "/api/v1/contracts/"+con+"/amend", tm.rep, nil))
			if q.Kind != "amendment" || q.ContractID == nil || *q.ContractID != con || len(q.Lines) != 1 || q.Lines[0].Quantity != "50" {
				t.Fatalf("amendment quote: %+v", q)
			}
			q = as[server.QuoteJSON](t, a.must(200, "PATCH", "/api/v1/quotes/"+q.ID, tm.rep, map[string]any{
				"lines": []any{map[string]any{"product_id": seat, "quantity": "60"}}}))
			if q.MRRChange == nil || *q.MRRChange != "400.00" || q.Lines[0].StartDate != "2026-06-10" || q.Lines[0].EndDate != "2027-03-16" {
				t.Fatalf("amended quote: mrr change %v, line %+v", q.MRRChange, q.Lines[0])
			}
			convert(t, q.ID)
			want(t, "amendment", nets(t), "967.74", "2000.00", "2000.00", "2000.00", "280.00")
			to(t, "2026-07-01")
			want(t, "July", nets(t), "967.74", "2000.00", "2000.00", "2000.00", "280.00", "2400.00")
		})

		sc.step("revenue is deferred when invoiced and recognised month by month to the cent", func(t *testing.T, a *instance) {
			w := as[server.RevenueScheduleJSON](t, a.must(200, "GET", "/api/v1/reports/revenue-schedule?from=2026-03-01&to=2026-08-31&currency=USD", fin, nil))
			got := map[string]server.RevenueMonthJSON{}
			for _, m := range w.Months {
				got[m.Month] = m
			}
			for month, exp := range map[string][2]string{"2026-03": {"967.74", "967.74"}, "2026-04": {"2000.00", "2000.00"},
				"2026-06": {"2280.00", "2280.00"}, "2026-07": {"2400.00", "0.00"}} {
				if m := got[month]; m.Scheduled != exp[0] || m.Recognised != exp[1] {
					t.Errorf("%s: scheduled %s recognised %s, want %s and %s", month, m.Scheduled, m.Recognised, exp[0], exp[1])
				}
			}
			if bal := as[server.AccountLedgerJSON](t, a.must(200, "GET", "/api/v1/ledger/accounts/2400/ledger?currency=USD", fin, nil)).ClosingBalance; bal != "-2400.00" {
				t.Errorf("deferred revenue on 1 July: %s, want -2400.00 (July's invoice)", bal)
			}
			a.must(403, "GET", "/api/v1/reports/revenue-schedule", tm.rep, nil)
			if r := a.must(200, "GET", "/api/v1/admin/check", fin, nil).json(t); r["ok"] != true {
				t.Fatalf("check: %v", r)
			}
		})

		sc.step("month 7: 5 seats fewer from the next period not invoiced", func(t *testing.T, a *instance) {
			to(t, "2026-08-01")
			to(t, "2026-09-01")
			to(t, "2026-09-20")
			q := as[server.QuoteJSON](t, a.must(201, "POST", "/api/v1/contracts/"+con+"/amend", tm.rep, nil))
			if q.Lines[0].Quantity != "60" {
				t.Fatalf("amendment of 60 seats: %+v", q.Lines)
			}
			q = as[server.QuoteJSON](t, a.must(200, "PATCH", "/api/v1/quotes/"+q.ID, tm.rep, map[string]any{
				"lines": []any{map[string]any{"product_id": seat, "quantity": "55"}}}))
			if q.MRRChange == nil || *q.MRRChange != "-200.00" {
				t.Fatalf("reduction's MRR change: %v", q.MRRChange)
			}
			convert(t, q.ID)
			to(t, "2026-10-01")
			got := nets(t)
			want(t, "October", got[len(got)-3:], "2400.00", "2400.00", "2200.00")
		})

		sc.step("renewal quote at 30 days before the end with a 5% uplift; accepted, the contract runs on", func(t *testing.T, a *instance) {
			if got := a.must(422, "PATCH", "/api/v1/contracts/"+con, tm.rep, map[string]any{"renewal_uplift_pct": "500"}).field(t); got != "renewal_uplift_pct" {
				t.Fatalf("uplift of 500%%: field %q", got)
			}
			for _, d := range []string{"2026-11-01", "2026-12-01", "2027-01-01", "2027-02-01", "2027-02-13"} {
				to(t, d)
			}
			if c := contractOf(t, con); c.RenewalQuoteID != nil {
				t.Fatalf("renewal quote a day early")
			}
			to(t, "2027-02-14")
			c := contractOf(t, con)
			if c.RenewalQuoteID == nil {
				t.Fatalf("no renewal quote on 14 February")
			}
			q := as[server.QuoteJSON](t, a.must(200, "GET", "/api/v1/quotes/"+*c.RenewalQuoteID, tm.rep, nil))
			if q.Kind != "renewal" || q.OwnerID != tm.ids["Rep"] || len(q.Lines) != 1 || q.Lines[0].Quantity != "55" || q.Lines[0].UnitPrice != "42.00" ||
				q.Lines[0].StartDate != "2027-03-17" || q.Lines[0].EndDate != "2028-03-16" || q.MRR != "2310.00" {
				t.Fatalf("renewal quote: %+v", q)
			}
			a.must(409, "POST", "/api/v1/contracts/"+con+"/renew", tm.rep, nil) // one open at a time
			convert(t, q.ID)
			c = contractOf(t, con)
			if c.EndDate != "2028-03-16" || c.Renewals != 1 || c.Status != "active" {
				t.Fatalf("renewed contract: end %s, renewals %d, %s", c.EndDate, c.Renewals, c.Status)
			}
			to(t, "2027-03-01")
			to(t, "2027-03-17")
			to(t, "2027-04-01")
			got := nets(t)
			// 1-16 March at 40: 2000 × 16/31 and 200 × 16/31, a rounding each;
			// 17-31 March at 42: 2310 × 15/31; then whole months at 42.
			want(t, "renewed", got[len(got)-3:], "1135.49", "1117.74", "2310.00")
			if r := a.must(200, "GET", "/api/v1/admin/check", fin, nil).json(t); r["ok"] != true {
				t.Fatalf("check: %v", r)
			}
		})

		sc.step("MRR month by month: new, expansion, contraction; retention and the renewal rate; CSV", func(t *testing.T, a *instance) {
			m := as[server.SubscriptionMetricsJSON](t, a.must(200, "GET", "/api/v1/reports/subscription-metrics?from=2026-03-01&to=2027-03-31&currency=USD", tm.manager, nil))
			if len(m.Months) != 13 || m.MRR != "2310.00" || m.ARR != "27720.00" || m.Renewed != 1 || m.RenewalsDue != 1 ||
				m.RenewalRatePct == nil || *m.RenewalRatePct != "100.00" || m.NRRPct != nil {
				t.Fatalf("metrics: %+v", m)
			}
			moves := map[string][5]string{"2026-03": {"2000.00", "2000.00", "0.00", "0.00", "0.00"}, "2026-06": {"2400.00", "0.00", "400.00", "0.00", "0.00"},
				"2026-10": {"2200.00", "0.00", "0.00", "200.00", "0.00"}, "2027-03": {"2310.00", "0.00", "110.00", "0.00", "0.00"}}
			for _, mm := range m.Months {
				w, ok := moves[mm.Month]
				if !ok {
					w = [5]string{mm.MRR, "0.00", "0.00", "0.00", "0.00"}
				}
				if got := [5]string{mm.MRR, mm.New, mm.Expansion, mm.Contraction, mm.Churn}; got != w {
					t.Errorf("%s: mrr, new, expansion, contraction, churn %v, want %v", mm.Month, got, w)
				}
			}
			m = as[server.SubscriptionMetricsJSON](t, a.must(200, "GET", "/api/v1/reports/subscription-metrics?from=2026-04-01&to=2027-03-31&currency=USD", fin, nil))
			if m.StartMRR != "2000.00" || m.NRRPct == nil || *m.NRRPct != "115.50" || m.GRRPct == nil || *m.GRRPct != "100.00" {
				t.Fatalf("retention from April: start %s nrr %v grr %v", m.StartMRR, m.NRRPct, m.GRRPct)
			}
			a.must(403, "GET", "/api/v1/reports/subscription-metrics", tm.rep, nil)
			if got := a.must(400, "GET", "/api/v1/reports/subscription-metrics?from=2027-01-01&to=2026-01-01", fin, nil).field(t); got != "from" {
				t.Fatalf("from after to: field %q", got)
			}
			csv := string(a.must(200, "GET", "/api/v1/reports/subscription-metrics?from=2026-06-01&to=2026-06-30", fin, nil, "Accept", "text/csv").body)
			if csv != "month,currency,mrr,new,expansion,contraction,churn,customers\n2026-06,USD,2400.00,0.00,400.00,0.00,0.00,1\n" {
				t.Fatalf("CSV: %q", csv)
			}
		})

		sc.step("a JPY subscription in whole yen; cancelled from the first day not invoiced", func(t *testing.T, a *instance) {
			seedRates(t, a, fin, "2000-01-01", "JPY", "0.0067")
			jpy := as[server.PriceBookJSON](t, a.must(201, "POST", "/api/v1/price-books", tm.admin, map[string]any{"name": "JPY", "currency": "JPY", "is_default": true})).ID
			a.must(201, "POST", "/api/v1/price-books/"+jpy+"/entries", tm.admin, map[string]any{"product_id": seat, "unit_price": "4000"})
			acc = as[server.AccountJSON](t, a.must(201, "POST", "/api/v1/accounts", tm.rep, map[string]any{"name": "東京SaaS株式会社", "currency": "JPY"})).ID
			q := as[server.QuoteJSON](t, a.must(201, "POST", "/api/v1/quotes", tm.rep, map[string]any{"account_id": acc,
				"lines": []any{map[string]any{"product_id": seat, "quantity": "7", "start_date": "2027-04-17"}}}))
			if q.MRR != "28000" || q.TCV != "336000" {
				t.Fatalf("JPY quote: mrr %s tcv %s", q.MRR, q.TCV)
			}
			convert(t, q.ID)
			con = page[server.ContractJSON](t, a.must(200, "GET", "/api/v1/contracts?account_id="+acc, tm.rep, nil))[0].ID
			to(t, "2027-04-17")
			to(t, "2027-05-01")
			// 28000 × 14/30 = 13066.67, rounded to the yen.
			want(t, "JPY", nets(t), "13067", "28000")
			if got := a.must(422, "POST", "/api/v1/contracts/"+con+"/cancel", tm.rep, map[string]any{}).field(t); got != "effective_date" {
				t.Fatalf("cancel without a date: field %q", got)
			}
			if got := a.must(409, "POST", "/api/v1/contracts/"+con+"/cancel", tm.rep, map[string]any{"effective_date": "2027-05-20"}).field(t); got != "effective_date" {
				t.Fatalf("cancel inside an invoiced period: field %q", got)
			}
			c := as[server.ContractJSON](t, a.must(200, "POST", "/api/v1/contracts/"+con+"/cancel", tm.rep, map[string]any{"effective_date": "2027-06-01", "reason": "budget"}))
			if c.Status != "cancelled" || c.EndDate != "2027-05-31" || c.CancelReason != "budget" {
				t.Fatalf("cancelled: %+v", c)
			}
			to(t, "2027-06-01")
			want(t, "after cancelling", nets(t), "13067", "28000")
			m := as[server.SubscriptionMetricsJSON](t, a.must(200, "GET", "/api/v1/reports/subscription-metrics?from=2027-04-01&to=2027-06-30&currency=JPY", fin, nil))
			if len(m.Months) != 3 || m.Months[0].New != "28000" || m.Months[2].Churn != "28000" || m.Months[2].MRR != "0" {
				t.Fatalf("JPY metrics: %+v", m.Months)
			}
			assertBalanced(t, a, fin, "JPY", "2027-06-01")
			if r := a.must(200, "GET", "/api/v1/admin/check", fin, nil).json(t); r["ok"] != true {
				t.Fatalf("check: %v", r)
			}
		})
	})
}
