package app_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/app"
	. "github.com/quotient-cpq/quotient/app/apptest"
	"github.com/quotient-cpq/quotient/billing"
	"github.com/quotient-cpq/quotient/crm"
	"github.com/quotient-cpq/quotient/inventory"
	"github.com/quotient-cpq/quotient/ledger"
	"github.com/quotient-cpq/quotient/order"
	"github.com/quotient-cpq/quotient/quote"
)

// posting is a journal entry's lines in a form a test can write down:
// "1100 Dr 275.00" per line, sorted.
func posting(t *testing.T, w *World, sourceType, sourceID string) []string {
	t.Helper()
	es := Must(w.App.JournalEntries(w.Finance, ledger.EntryFilter{SourceType: sourceType, SourceID: sourceID, Page: quotient.Page{Limit: 10}}))(t)
	if len(es) != 1 {
		t.Fatalf("%s %s has %d entries, want 1", sourceType, sourceID, len(es))
	}
	var out []string
	for _, l := range es[0].Lines {
		c, _ := quotient.LookupCurrency(l.Currency)
		if l.Debit != 0 {
			out = append(out, fmt.Sprintf("%s Dr %s", l.AccountCode, c.Format(c.FromMinor(l.Debit))))
		} else {
			out = append(out, fmt.Sprintf("%s Cr %s", l.AccountCode, c.Format(c.FromMinor(l.Credit))))
		}
	}
	sort.Strings(out)
	return out
}

func wantPosting(t *testing.T, w *World, sourceType, sourceID string, want ...string) {
	t.Helper()
	sort.Strings(want)
	if got := posting(t, w, sourceType, sourceID); strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Errorf("%s %s posted\n  %s\nwant\n  %s", sourceType, sourceID, strings.Join(got, "; "), strings.Join(want, "; "))
	}
}

// invoicesOf lists an order's invoices, oldest first.
func invoicesOf(t *testing.T, w *World, orderID string) []billing.Invoice {
	t.Helper()
	invs := Must(w.App.Invoices(w.Finance, billing.InvoiceFilter{OrderID: orderID, Page: quotient.Page{Limit: 50}}))(t)
	sort.Slice(invs, func(i, j int) bool { return invs[i].Number < invs[j].Number })
	return invs
}

func money(cur string, minor int64) string {
	c, _ := quotient.LookupCurrency(cur)
	return c.Format(c.FromMinor(minor))
}

func wantInvoice(t *testing.T, inv billing.Invoice, number, net, tax, total string) {
	t.Helper()
	got := fmt.Sprintf("%s %s+%s=%s", inv.Number, money(inv.Currency, inv.Net), money(inv.Currency, inv.Tax), money(inv.Currency, inv.Total))
	if want := fmt.Sprintf("%s %s+%s=%s", number, net, tax, total); got != want {
		t.Errorf("invoice: got %s, want %s", got, want)
	}
}

// balanced fails unless the trial balance of USD today is zero.
func balanced(t *testing.T, w *World) {
	t.Helper()
	tb := Must(w.App.TrialBalance(w.Finance, quotient.Date{}, "USD"))(t)
	if !tb.TotalDebit.Equal(tb.TotalCredit) {
		t.Errorf("trial balance: debits %s, credits %s", tb.TotalDebit, tb.TotalCredit)
	}
	rep := Must(w.App.Check(w.Finance))(t)
	for _, i := range rep.Invariants {
		if !i.OK() {
			t.Errorf("invariant %q: %v", i.Name, i.Problems)
		}
	}
}

// An on_order account's accepted quote is invoiced in the acceptance's
// transaction, posted by family to the cent, and its stock reserved.
func TestAcceptInvoicesOnOrder(t *testing.T) {
	t.Parallel()
	Each(t, func(t *testing.T, w *World) {
		w.Receive(t, "HW", "5", "60")
		in := w.AccountInput("Acme")
		in.InvoicingPolicy = crm.OnOrder
		acc := w.Account(t, in)
		o := w.Order(t, quote.Input{AccountID: acc.ID, Lines: []quote.Line{w.Line("HW", "2"), w.Line("SVC", "1")}})
		if o.Shown() != order.Open || o.Lines[0].Reserved != 2_000_000 {
			t.Fatalf("order %s is %s with %s reserved, want open with 2 units", o.Number, o.Shown(), o.Lines[0].Reserved)
		}
		invs := invoicesOf(t, w, o.ID)
		if len(invs) != 1 {
			t.Fatalf("%d invoices, want 1", len(invs))
		}
		wantInvoice(t, invs[0], "INV-2026-000001", "250.00", "25.00", "275.00")
		if invs[0].IssueDate.String() != "2026-03-02" || invs[0].DueDate.String() != "2026-04-01" {
			t.Errorf("issued %s due %s, want 2026-03-02 due 2026-04-01", invs[0].IssueDate, invs[0].DueDate)
		}
		wantPosting(t, w, "invoice", invs[0].ID, "1100 Dr 275.00", "4100 Cr 200.00", "4300 Cr 50.00", "2100 Cr 25.00")
		// A second conversion is the same order, and invoices nothing more.
		again := Must(w.App.ConvertQuote(w.Rep, o.QuoteID, quote.ConvertInput{}))(t)
		if again.Created || again.Order.ID != o.ID || len(invoicesOf(t, w, o.ID)) != 1 {
			t.Errorf("repeat conversion: created %v, order %s, want the same order and one invoice", again.Created, again.Order.Number)
		}
		balanced(t, w)
	})
}

// Credit control holds an order over its account's limit: nothing is
// reserved or invoiced until finance releases it, which reserves and
// invoices it in one transaction.
func TestCreditControlHoldsUntilRelease(t *testing.T) {
	t.Parallel()
	Each(t, func(t *testing.T, w *World) {
		w.Receive(t, "HW", "5", "60")
		in := w.AccountInput("Tight Ltd")
		in.InvoicingPolicy, in.CreditLimit = crm.OnOrder, D("200")
		acc := w.Account(t, in)
		o := w.Order(t, quote.Input{AccountID: acc.ID, Lines: []quote.Line{w.Line("HW", "2"), w.Line("SVC", "1")}})
		if o.Shown() != order.OnHold || o.Lines[0].Reserved != 0 {
			t.Fatalf("order is %s with %d reserved, want on_hold with nothing", o.Shown(), o.Lines[0].Reserved)
		}
		if want := "credit limit USD 200.00 exceeded: 0.00 owed, 0.00 on open orders, this order 275.00"; o.HoldReason != want {
			t.Errorf("hold reason %q, want %q", o.HoldReason, want)
		}
		if n := len(invoicesOf(t, w, o.ID)); n != 0 {
			t.Errorf("a held order has %d invoices", n)
		}
		sum := Must(w.App.AccountSummary(w.Rep, acc.ID))(t)
		if sum.OnHold != 1 || sum.Exposure.Uninvoiced != 27500 || *sum.Exposure.Available != 20000-27500 {
			t.Errorf("summary: %d held, %d uninvoiced, %d available", sum.OnHold, sum.Exposure.Uninvoiced, *sum.Exposure.Available)
		}
		if _, err := w.App.ReleaseOrder(w.Rep, o.ID); quotient.ErrorCode(err) != quotient.Forbidden {
			t.Errorf("a rep released an order: %v", err)
		}
		if _, err := w.App.ShipOrder(w.Admin, o.ID, order.FulfillInput{WarehouseID: w.Warehouse.ID,
			Lines: []order.FulfillLine{{OrderLineID: o.Lines[0].ID, Quantity: D("1")}}}); quotient.ErrorCode(err) != quotient.Conflict {
			t.Errorf("shipping a held order: %v", err)
		}
		r := Must(w.App.ReleaseOrder(w.Finance, o.ID))(t)
		if r.Shown() != order.Open || r.Lines[0].Reserved != 2_000_000 || r.ReleasedBy != w.Users["finance"].ID {
			t.Fatalf("released: %s, %d reserved, by %v", r.Shown(), r.Lines[0].Reserved, r.ReleasedBy)
		}
		invs := invoicesOf(t, w, o.ID)
		if len(invs) != 1 {
			t.Fatalf("%d invoices after release, want 1", len(invs))
		}
		wantInvoice(t, invs[0], "INV-2026-000001", "250.00", "25.00", "275.00")
		if got := Must(w.App.Order(w.Rep, o.ID))(t); got.Lines[0].Invoiced != r.Lines[0].Invoiced || got.Version != r.Version {
			t.Errorf("the release answered the order as invoicing left it? stored %d invoiced v%d, answered %d v%d",
				got.Lines[0].Invoiced, got.Version, r.Lines[0].Invoiced, r.Version)
		}
		balanced(t, w)
	})
}

// On fulfillment, services are invoiced at acceptance and goods as they
// ship; each shipment posts its cost of goods at the product's cost.
func TestShipPostsCostAndInvoicesWhatShipped(t *testing.T) {
	t.Parallel()
	Each(t, func(t *testing.T, w *World) {
		w.Receive(t, "HW", "5", "60")
		ms := Must(w.App.StockMovements(w.Admin, inventory.Filter{Page: quotient.Page{Limit: 10}}))(t)
		wantPosting(t, w, "receipt", ms[0].ID, "1200 Dr 300.00", "2000 Cr 300.00")
		acc := w.Account(t, w.AccountInput("Shipping Co"))
		o := w.Order(t, quote.Input{AccountID: acc.ID, Lines: []quote.Line{w.Line("HW", "3"), w.Line("SVC", "1")}})
		invs := invoicesOf(t, w, o.ID)
		if len(invs) != 1 {
			t.Fatalf("%d invoices at acceptance, want the service's 1", len(invs))
		}
		wantInvoice(t, invs[0], "INV-2026-000001", "50.00", "5.00", "55.00")

		w.Clock.Advance(24 * time.Hour)
		ship := func(qty string) app.Shipped {
			return Must(w.App.ShipOrder(w.Admin, o.ID, order.FulfillInput{WarehouseID: w.Warehouse.ID,
				Lines: []order.FulfillLine{{OrderLineID: o.Lines[0].ID, Quantity: D(qty)}}}))(t)
		}
		s1 := ship("2")
		if s1.Order.Shown() != order.PartiallyFulfilled || s1.Shipment.ShippedOn.String() != "2026-03-03" {
			t.Errorf("after 2 of 3: %s shipped on %s", s1.Order.Shown(), s1.Shipment.ShippedOn)
		}
		wantPosting(t, w, "shipment", s1.Shipment.ID, "5000 Dr 120.00", "1200 Cr 120.00")
		invs = invoicesOf(t, w, o.ID)
		wantInvoice(t, invs[1], "INV-2026-000002", "200.00", "20.00", "220.00")
		wantPosting(t, w, "invoice", invs[1].ID, "1100 Dr 220.00", "4100 Cr 200.00", "2100 Cr 20.00")
		s2 := ship("1")
		if s2.Order.Shown() != order.PartiallyFulfilled || s2.Order.Lines[0].Fulfilled != 3_000_000 {
			t.Errorf("after 3 of 3 (the service not delivered): %s, %d shipped", s2.Order.Shown(), s2.Order.Lines[0].Fulfilled)
		}
		wantPosting(t, w, "shipment", s2.Shipment.ID, "5000 Dr 60.00", "1200 Cr 60.00")
		invs = invoicesOf(t, w, o.ID)
		wantInvoice(t, invs[2], "INV-2026-000003", "100.00", "10.00", "110.00")
		if _, err := w.App.InvoiceOrder(w.Finance, o.ID); quotient.ErrorCode(err) != quotient.Conflict {
			t.Errorf("invoicing a fully invoiced order: %v, want a conflict", err)
		}
		lv := Must(w.App.StockLevels(w.Admin, inventory.Filter{ProductID: w.Products["HW"].ID, Page: quotient.Page{Limit: 10}}))(t)
		if len(lv) != 1 || !lv[0].OnHand.Equal(D("2")) || !lv[0].Reserved.IsZero() {
			t.Errorf("stock after shipping 3 of 5: %+v", lv)
		}
		balanced(t, w)
	})
}

// A payment within the early-payment window settles its invoice with the
// discount; a credit note on a paid invoice becomes customer credit that
// another invoice takes; every posting to the cent.
func TestPayAndCredit(t *testing.T) {
	t.Parallel()
	Each(t, func(t *testing.T, w *World) {
		in := w.AccountInput("Prompt Payer")
		in.InvoicingPolicy, in.PaymentTerms = crm.OnOrder, "2_10_net_30"
		acc := w.Account(t, in)
		o1 := w.Order(t, quote.Input{AccountID: acc.ID, Lines: []quote.Line{w.Line("SVC", "5")}})
		inv1 := invoicesOf(t, w, o1.ID)[0]
		wantInvoice(t, inv1, "INV-2026-000001", "250.00", "25.00", "275.00")

		w.Clock.Advance(5 * 24 * time.Hour)
		p := Must(w.App.ReceivePayment(w.Finance, billing.PaymentInput{AccountID: acc.ID, Amount: D("269.50"), Method: "bank_transfer",
			Reference: "BT-1"}))(t)
		if len(p.Allocations) != 1 || p.Allocations[0].Amount != 26950 || p.Allocations[0].Discount != 550 || p.Unallocated != 0 {
			t.Fatalf("payment: %+v", p)
		}
		wantPosting(t, w, "payment", p.ID, "1000 Dr 269.50", "4900 Dr 5.50", "1100 Cr 275.00")
		if inv := Must(w.App.Invoice(w.Finance, inv1.ID))(t).Invoice; inv.Status != billing.Paid || inv.AmountDue != 0 {
			t.Errorf("invoice after payment: %s, %d due", inv.Status, inv.AmountDue)
		}

		cn := Must(w.App.IssueCreditNote(w.Finance, billing.CreditNoteInput{InvoiceID: inv1.ID, Reason: "one hour not worked",
			Lines: []billing.CreditLineInput{{OrderLineID: o1.Lines[0].ID, Quantity: 1_000_000}}}))(t)
		if cn.Total != 5500 || cn.Applied != 0 || cn.Unallocated != 5500 {
			t.Fatalf("credit note on a paid invoice: total %d applied %d unallocated %d", cn.Total, cn.Applied, cn.Unallocated)
		}
		wantPosting(t, w, "credit_note", cn.ID, "4300 Dr 50.00", "2100 Dr 5.00", "2200 Cr 55.00")
		if _, err := w.App.IssueCreditNote(w.Finance, billing.CreditNoteInput{InvoiceID: inv1.ID, Reason: "too much",
			Lines: []billing.CreditLineInput{{OrderLineID: o1.Lines[0].ID, Quantity: 5_000_000}}}); quotient.ErrorCode(err) != quotient.Unprocessable {
			t.Errorf("crediting more than is left: %v, want a 422", err)
		}

		o2 := w.Order(t, quote.Input{AccountID: acc.ID, Lines: []quote.Line{w.Line("SVC", "2")}})
		inv2 := invoicesOf(t, w, o2.ID)[0]
		wantInvoice(t, inv2, "INV-2026-000002", "100.00", "10.00", "110.00")
		cn = Must(w.App.ApplyCreditNote(w.Finance, cn.ID, []billing.AllocationInput{{InvoiceID: inv2.ID, Amount: D("55")}}))(t)
		if cn.Unallocated != 0 || len(cn.Allocations) != 1 {
			t.Fatalf("credit applied: %+v", cn)
		}
		if inv := Must(w.App.Invoice(w.Finance, inv2.ID))(t).Invoice; inv.Status != billing.PartiallyPaid || inv.AmountDue != 5500 {
			t.Errorf("invoice 2 after the credit: %s, %d due", inv.Status, inv.AmountDue)
		}
		st := Must(w.App.CustomerStatementAll(w.Finance, app.StatementQuery{AccountID: acc.ID, Currency: "USD"}))(t)[0]
		if st.Closing != 5500 {
			t.Errorf("statement closes at %d, want 5500", st.Closing)
		}
		balanced(t, w)
	})
}

// A closed month does not fail the customer's acceptance: invoicing waits
// (no number taken) and finance invoices by hand once it reopens.
func TestAcceptanceInAClosedMonthWaitsToInvoice(t *testing.T) {
	t.Parallel()
	Each(t, func(t *testing.T, w *World) {
		in := w.AccountInput("Late Closer")
		in.InvoicingPolicy = crm.OnOrder
		acc := w.Account(t, in)
		Must(w.App.ClosePeriod(w.Finance, "2026-03", "month end", false))(t)
		o := w.Order(t, quote.Input{AccountID: acc.ID, Lines: []quote.Line{w.Line("SVC", "1")}})
		if n := len(invoicesOf(t, w, o.ID)); n != 0 {
			t.Fatalf("%d invoices in a closed month", n)
		}
		if _, err := w.App.InvoiceOrder(w.Finance, o.ID); quotient.ErrorCode(err) != quotient.Conflict {
			t.Errorf("invoicing in a closed month: %v, want a conflict", err)
		}
		Must(w.App.ReopenPeriod(w.Admin, "2026-03", "late invoice"))(t)
		inv := Must(w.App.InvoiceOrder(w.Finance, o.ID))(t)
		wantInvoice(t, inv, "INV-2026-000001", "50.00", "5.00", "55.00")
		balanced(t, w)
	})
}
