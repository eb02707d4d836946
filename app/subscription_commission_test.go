package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/quotient-cpq/quotient"
	. "github.com/quotient-cpq/quotient/app/apptest"
	"github.com/quotient-cpq/quotient/catalog"
	"github.com/quotient-cpq/quotient/commission"
	"github.com/quotient-cpq/quotient/contract"
	"github.com/quotient-cpq/quotient/quote"
)

// A plan that pays recurring deals at booking on their first-year value:
// 10 % of 12,000.00 accrued with the first invoice, nothing on the
// monthly invoices after; the contract cancelled 44 days after its start,
// inside the 90-day window, gives back the share of the first-year value
// it will not bill; recalculating the month changes nothing.
func TestBookingCommissionAndClawback(t *testing.T) {
	t.Parallel()
	Each(t, func(t *testing.T, w *World) {
		recurring := commission.RecurringFirstYear
		basis := commission.Invoiced
		plan := Must(w.App.CreateCommissionPlan(w.Finance, commission.PlanInput{Name: ptr("SaaS"), Basis: &basis, BaseRatePct: ptr(D("10")),
			RecurringBasis: &recurring, ClawbackDays: ptr(90), ValidFrom: ptr(quotient.NewDate(2026, 1, 1))}))(t)
		rep := w.Users["rep"].ID
		Must(w.App.AssignPlan(w.Finance, plan.ID, commission.AssignmentInput{UserID: rep, ValidFrom: quotient.NewDate(2026, 1, 1), Quota: D("100000"), Currency: "USD"}))(t)
		bad := commission.RecurringBasis("weekly")
		if _, err := w.App.CreateCommissionPlan(w.Finance, commission.PlanInput{Name: ptr("Bad"), Basis: &basis, BaseRatePct: ptr(D("1")),
			RecurringBasis: &bad, ValidFrom: ptr(quotient.NewDate(2026, 1, 1))}); quotient.ErrorCode(err) != quotient.Unprocessable || !strings.Contains(err.Error(), "recurring_basis") {
			t.Fatalf("a plan with recurring basis weekly: %v", err)
		}
		seat := Must(w.App.CreateProduct(w.Admin, catalog.ProductInput{SKU: "SEAT", Name: "Seat", Family: "software", UOM: "user",
			BillingType: catalog.Recurring, BillingPeriod: catalog.Month, DefaultTermMonths: 12}))(t)
		Must(w.App.CreateEntry(w.Admin, w.Book.ID, catalog.EntryInput{ProductID: seat.ID, UnitPrice: D("100")}))(t)
		acc := w.Account(t, w.AccountInput("Booked Inc"))
		q := w.ApprovedQuote(t, quote.Input{AccountID: acc.ID, Lines: []quote.Line{{ProductID: seat.ID, Quantity: D("10"), StartDate: quotient.NewDate(2026, 3, 2)}}})
		Must(w.App.ConvertQuote(w.Rep, q.Quote.ID, quote.ConvertInput{SignerName: "Pat Buyer", Reason: "signed"}))(t)
		lines := func() []string {
			var out []string
			for _, l := range Must(w.App.CommissionLines(w.Finance, commission.LineFilter{UserID: rep, Page: quotient.Page{Limit: 100}}))(t) {
				out = append(out, l.SourceType+" "+money(l.Currency, l.Basis)+" "+money(l.Currency, l.Amount))
			}
			return out
		}
		wantLines(t, "at booking", lines(), "booking 12000.00 1200.00")
		w.Clock.Advance(30 * 24 * time.Hour) // 1 April
		Must(w.App.InvoiceSubscriptions(w.System, 10, 10))(t)
		con := Must(w.App.ListContracts(w.Finance, contract.Filter{AccountID: acc.ID, Page: quotient.Page{Limit: 10}}))(t)[0]
		if c := Must(w.App.GetContract(w.Finance, con.ID))(t); len(c.Invoices) != 2 {
			t.Fatalf("invoices by 1 April: %d", len(c.Invoices))
		}
		wantLines(t, "after April's invoice", lines(), "booking 12000.00 1200.00")
		// 15 April, 44 days in: cancelled from 1 May. The first year bills
		// 967.74 + 1,000.00 of 12,000.00 now: 83.60…% of it is lost.
		w.Clock.Advance(14 * 24 * time.Hour)
		Must(w.App.CancelContract(w.Rep, con.ID, quotient.NewDate(2026, 5, 1), "budget"))(t)
		wantLines(t, "after the cancellation", lines(), "booking 12000.00 1200.00", "cancellation -10032.26 -1003.23")
		if r := Must(w.App.RecalculateCommission(w.Finance, "2026-04", ""))(t); len(r.Lines) != 0 {
			t.Errorf("recalculating April adjusted %+v", r.Lines)
		}
		rep2 := Must(w.App.Check(w.Finance))(t)
		for _, inv := range rep2.Invariants {
			if !inv.OK() {
				t.Errorf("%s: %v", inv.Name, inv.Problems)
			}
		}
	})
}
