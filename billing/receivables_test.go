package billing_test

import (
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/app"
	. "github.com/quotient-cpq/quotient/app/apptest"
	"github.com/quotient-cpq/quotient/billing"
	"github.com/quotient-cpq/quotient/crm"
	"github.com/quotient-cpq/quotient/order"
	"github.com/quotient-cpq/quotient/quote"
)

func invoices(t *testing.T, w *World, f billing.InvoiceFilter) []billing.Invoice {
	t.Helper()
	f.Page = quotient.Page{Limit: 100}
	invs := Must(w.App.Invoices(w.Finance, f))(t)
	sort.Slice(invs, func(i, j int) bool { return invs[i].Number < invs[j].Number })
	return invs
}

func figures(invs []billing.Invoice) string {
	out := ""
	for _, inv := range invs {
		c, _ := quotient.LookupCurrency(inv.Currency)
		out += fmt.Sprintf("%s %s+%s=%s/%s due; ", inv.Number, c.Format(c.FromMinor(inv.Net)), c.Format(c.FromMinor(inv.Tax)),
			c.Format(c.FromMinor(inv.Total)), c.Format(c.FromMinor(inv.AmountDue)))
	}
	return out
}

// A line shipped a third at a time is invoiced in shares rounded to the
// cent, the last taking what is left, so its invoices add up to the line
// exactly: 200.01 net and 20.00 tax in three.
func TestPartialInvoicesAddUpToTheLine(t *testing.T) {
	t.Parallel()
	Each(t, func(t *testing.T, w *World) {
		w.Receive(t, "HW", "3", "60")
		acc := w.Account(t, w.AccountInput("Thirds Inc"))
		l := w.Line("HW", "3")
		l.ManualDiscountPct = D("33.33")
		o := w.Order(t, quote.Input{AccountID: acc.ID, Lines: []quote.Line{l}})
		for range 3 {
			Must(w.App.ShipOrder(w.Admin, o.ID, order.FulfillInput{WarehouseID: w.Warehouse.ID,
				Lines: []order.FulfillLine{{OrderLineID: o.Lines[0].ID, Quantity: D("1")}}}))(t)
		}
		got := figures(invoices(t, w, billing.InvoiceFilter{OrderID: o.ID}))
		want := "INV-2026-000001 66.67+6.67=73.34/73.34 due; INV-2026-000002 66.67+6.67=73.34/73.34 due; INV-2026-000003 66.67+6.66=73.33/73.33 due; "
		if got != want {
			t.Errorf("invoices:\n  %s\nwant\n  %s", got, want)
		}
	})
}

// A payment without allocations pays the oldest due invoice first; what
// is over is the customer's credit, applied later to a new invoice; the
// aging and the statement follow, day by day.
func TestPaymentsOldestFirstAndCredit(t *testing.T) {
	t.Parallel()
	Each(t, func(t *testing.T, w *World) {
		in := w.AccountInput("Regular Payer")
		in.InvoicingPolicy = crm.OnOrder
		acc := w.Account(t, in)
		w.Order(t, quote.Input{AccountID: acc.ID, Lines: []quote.Line{w.Line("SVC", "2")}}) // 110.00, due 2026-04-01
		w.Clock.Advance(7 * 24 * time.Hour)
		w.Order(t, quote.Input{AccountID: acc.ID, Lines: []quote.Line{w.Line("SVC", "1")}}) // 55.00, due 2026-04-08
		ag := Must(w.App.ARAging(w.Finance, "USD", quotient.NewDate(2026, 4, 5)))(t)
		if ag.Total.Buckets != [5]int64{5500, 11000, 0, 0, 0} || ag.Total.Total != 16500 {
			t.Errorf("aging on 2026-04-05: %v total %d, want [5500 11000 0 0 0] 16500", ag.Total.Buckets, ag.Total.Total)
		}
		p := Must(w.App.ReceivePayment(w.Finance, billing.PaymentInput{AccountID: acc.ID, Amount: D("200"), Method: "check", Reference: "CHK-7"}))(t)
		if len(p.Allocations) != 2 || p.Allocations[0].Amount != 11000 || p.Allocations[1].Amount != 5500 || p.Unallocated != 3500 {
			t.Fatalf("allocations: %+v, unallocated %d", p.Allocations, p.Unallocated)
		}
		if got := figures(invoices(t, w, billing.InvoiceFilter{AccountID: acc.ID})); got != "INV-2026-000001 100.00+10.00=110.00/0.00 due; INV-2026-000002 50.00+5.00=55.00/0.00 due; " {
			t.Errorf("after the payment: %s", got)
		}
		if _, err := w.App.ReceivePayment(w.Rep, billing.PaymentInput{AccountID: acc.ID, Amount: D("1"), Method: "cash"}); quotient.ErrorCode(err) != quotient.Forbidden {
			t.Errorf("a rep recorded a payment: %v", err)
		}
		o3 := w.Order(t, quote.Input{AccountID: acc.ID, Lines: []quote.Line{w.Line("SVC", "1")}})
		inv3 := invoices(t, w, billing.InvoiceFilter{OrderID: o3.ID})[0]
		if _, err := w.App.ApplyPaymentCredit(w.Finance, p.ID, []billing.AllocationInput{{InvoiceID: inv3.ID, Amount: D("35.01")}}); quotient.ErrorCode(err) != quotient.Unprocessable {
			t.Errorf("applying more credit than is left: %v", err)
		}
		p = Must(w.App.ApplyPaymentCredit(w.Finance, p.ID, []billing.AllocationInput{{InvoiceID: inv3.ID, Amount: D("35")}}))(t)
		if p.Unallocated != 0 {
			t.Errorf("credit left: %d", p.Unallocated)
		}
		st := Must(w.App.CustomerStatementAll(w.Finance, app.StatementQuery{AccountID: acc.ID, Currency: "USD"}))(t)[0]
		if st.Opening != 0 || st.Debits != 22000 || st.Credits != 20000 || st.Closing != 2000 {
			t.Errorf("statement: opening %d, debits %d, credits %d, closing %d; want 0, 22000, 20000, 2000", st.Opening, st.Debits, st.Credits, st.Closing)
		}
	})
}

// A credit note by amount spreads over the invoice's lines in proportion
// to what is left of each, tax at each line's rate, and never gives back
// more than the invoice charged.
func TestCreditNoteByAmount(t *testing.T) {
	t.Parallel()
	Each(t, func(t *testing.T, w *World) {
		in := w.AccountInput("Returns Ltd")
		in.InvoicingPolicy = crm.OnOrder
		acc := w.Account(t, in)
		o := w.Order(t, quote.Input{AccountID: acc.ID, Lines: []quote.Line{w.Line("SVC", "2"), w.Line("FEE", "1")}}) // 110.00 + 11.00
		inv := invoices(t, w, billing.InvoiceFilter{OrderID: o.ID})[0]
		amt := D("60.50")
		cn := Must(w.App.IssueCreditNote(w.Finance, billing.CreditNoteInput{InvoiceID: inv.ID, Amount: &amt, Reason: "goodwill"}))(t)
		got := ""
		for _, l := range cn.Lines {
			got += fmt.Sprintf("%s %d+%d; ", l.SKU, l.Net, l.Tax)
		}
		if got != "SVC 5000+500; FEE 500+50; " || cn.Total != 6050 || cn.Applied != 6050 {
			t.Errorf("credit note lines %s total %d applied %d; want SVC 5000+500; FEE 500+50; 6050 applied", got, cn.Total, cn.Applied)
		}
		more := D("60.51")
		if _, err := w.App.IssueCreditNote(w.Finance, billing.CreditNoteInput{InvoiceID: inv.ID, Amount: &more, Reason: "too much"}); quotient.ErrorCode(err) != quotient.Unprocessable {
			t.Errorf("crediting more than is left: %v", err)
		}
		if left := Must(w.App.Invoice(w.Finance, inv.ID))(t).Invoice.AmountDue; left != 6050 {
			t.Errorf("due after the credit: %d, want 6050", left)
		}
	})
}
