package app_test

import (
	"testing"
	"time"

	"github.com/quotient-cpq/quotient"
	. "github.com/quotient-cpq/quotient/app/apptest"
	"github.com/quotient-cpq/quotient/catalog"
	"github.com/quotient-cpq/quotient/contract"
	"github.com/quotient-cpq/quotient/ledger"
	"github.com/quotient-cpq/quotient/quote"
	"github.com/shopspring/decimal"
)

// 50 seats at 40.00 a month for 12 months from the 17th, billed monthly:
// the prorated first invoice, a full month, 10 seats added in month 4
// co-terminated and prorated, revenue recognised month by month, the
// deferred revenue balance equal to the schedules, and a second run of
// the invoicing (another server) invoicing nothing twice.
func TestSubscriptionInvoicedAndRecognised(t *testing.T) {
	t.Parallel()
	Each(t, func(t *testing.T, w *World) {
		seat := Must(w.App.CreateProduct(w.Admin, catalog.ProductInput{SKU: "SEAT", Name: "Seat", Family: "software", UOM: "user",
			BillingType: catalog.Recurring, BillingPeriod: catalog.Month, DefaultTermMonths: 12}))(t)
		Must(w.App.CreateEntry(w.Admin, w.Book.ID, catalog.EntryInput{ProductID: seat.ID, UnitPrice: D("40")}))(t)
		acc := w.Account(t, w.AccountInput("Seats Inc"))
		start := quotient.NewDate(2026, 3, 17)
		q := w.ApprovedQuote(t, quote.Input{AccountID: acc.ID, Lines: []quote.Line{{ProductID: seat.ID, Quantity: D("50"), StartDate: start}}})
		val := quote.Worth(q.Quote, q.Version)
		if val.MRR.String() != "2000" || val.TCV.StringFixed(2) != "24000.00" || val.FirstYear.StringFixed(2) != "24000.00" {
			t.Fatalf("quote value: MRR %s, TCV %s, first year %s; want 2000, 24000.00, 24000.00", val.MRR, val.TCV, val.FirstYear)
		}
		Must(w.App.ConvertQuote(w.Rep, q.Quote.ID, quote.ConvertInput{SignerName: "Pat Buyer", Reason: "signed"}))(t)
		cs := Must(w.App.ListContracts(w.Finance, contract.Filter{AccountID: acc.ID, Page: quotient.Page{Limit: 100}}))(t)
		if len(cs) != 1 || cs[0].EndDate != quotient.NewDate(2027, 3, 16) {
			t.Fatalf("contracts: got %+v, want one ending 2027-03-16", cs)
		}
		id := cs[0].ID
		nets := func() []int64 {
			c := Must(w.App.GetContract(w.Finance, id))(t)
			var out []int64
			for _, inv := range c.Invoices {
				out = append(out, inv.Net)
			}
			return out
		}
		if got := nets(); len(got) != 0 {
			t.Fatalf("invoices before the start: %v", got)
		}
		until := func(d quotient.Date) {
			w.Clock.Advance(time.Duration(d.DaysSince(w.Clock.Today())) * 24 * time.Hour)
			for range 2 { // a second server running the same work finds nothing
				Must(w.App.InvoiceSubscriptions(w.System, 10, 10))(t)
				Must(w.App.RecogniseRevenue(w.System, 10))(t)
			}
		}
		until(start)
		// 2000.00 × 15/31 = 967.7419… for 17-31 March.
		if got := nets(); len(got) != 1 || got[0] != 96774 {
			t.Fatalf("first invoice: got nets %v, want [96774]", got)
		}
		until(quotient.NewDate(2026, 4, 1))
		until(quotient.NewDate(2026, 5, 1))
		until(quotient.NewDate(2026, 6, 1))
		if got := nets(); len(got) != 4 || got[1] != 200000 || got[3] != 200000 {
			t.Fatalf("monthly invoices: got nets %v, want 96774 then 200000 ×3", got)
		}
		// Month 4: 10 seats more from 10 June, to the contract's end.
		until(quotient.NewDate(2026, 6, 10))
		am := Must(w.App.AmendContract(w.Rep, id, quotient.Date{}))(t)
		lines := am.Version.Lines
		lines[0].Quantity = D("60")
		Must(w.App.UpdateQuote(w.Rep, am.Quote.ID, 0, 0, quote.Patch{Lines: &lines}))(t)
		sub := Must(w.App.SubmitQuote(w.Rep, am.Quote.ID))(t)
		if sub.Version.Status != quote.Approved {
			t.Fatalf("amendment is %s", sub.Version.Status)
		}
		if v := quote.Worth(sub.Quote, sub.Version); v.MRRChange.String() != "400" {
			t.Errorf("amendment's MRR change: got %s, want 400", v.MRRChange)
		}
		held := Must(w.App.ConvertQuote(w.Rep, am.Quote.ID, quote.ConvertInput{SignerName: "Pat Buyer", Reason: "signed"}))(t)
		// March's invoice is overdue: the amendment's order waits for
		// finance, and so do its seats' invoices (the worker's too).
		if held.Order.HoldReason == "" {
			t.Fatalf("amendment order not held for credit")
		}
		until(quotient.NewDate(2026, 6, 10))
		if got := nets(); len(got) != 4 {
			t.Fatalf("held amendment invoiced: got nets %v", got)
		}
		Must(w.App.ReleaseOrder(w.Finance, held.Order.ID))(t)
		// 400.00 × 21/30 = 280.00 for 10-30 June, invoiced at once.
		if got := nets(); len(got) != 5 || got[4] != 28000 {
			t.Fatalf("amendment invoice: got nets %v, want 28000 last", got)
		}
		until(quotient.NewDate(2026, 7, 1))
		if got := nets(); len(got) != 6 || got[5] != 240000 {
			t.Fatalf("July: got nets %v, want 240000 last", got)
		}
		rep := Must(w.App.Check(w.Finance))(t)
		for _, inv := range rep.Invariants {
			if !inv.OK() {
				t.Errorf("%s: %v", inv.Name, inv.Problems)
			}
		}
		// Recognised through June: March 967.74, April-May 2000 each,
		// June 2000 + 280.
		tb := Must(w.App.TrialBalance(w.Finance, quotient.NewDate(2026, 7, 1), "USD"))(t)
		deferred := decimal.Zero
		for _, r := range tb.Rows {
			if r.Account.Code == ledger.DeferredRevenue {
				deferred = r.Credit.Sub(r.Debit)
			}
		}
		// Invoiced 9647.74 through July's invoice; recognised 7247.74.
		if deferred.StringFixed(2) != "2400.00" {
			t.Errorf("deferred revenue on 1 July: got %s, want 2400.00 (July's invoice)", deferred.StringFixed(2))
		}
	})
}
