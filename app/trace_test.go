package app_test

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quotient-cpq/quotient"
	. "github.com/quotient-cpq/quotient/app/apptest"
	"github.com/quotient-cpq/quotient/catalog"
	"github.com/quotient-cpq/quotient/commission"
	"github.com/quotient-cpq/quotient/crm"
	"github.com/quotient-cpq/quotient/quote"
)

// statements records the statements the database runs while on.
type statements struct {
	mu  sync.Mutex
	on  bool
	all []string
}

func (s *statements) trace(q string, args []any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.on {
		s.all = append(s.all, strings.Join(strings.Fields(q), " ")+" "+fmt.Sprint(args...))
	}
}

var reads = regexp.MustCompile(`^(SELECT|WITH)\b`)

// An acceptance (the customer's, or a rep's conversion) reads each row it
// needs once and locks each once: no read or lock runs twice with the same
// arguments in its transaction, however many packages take part (quote,
// credit control, order and stock, invoice and ledger, commission).
func TestAcceptanceReadsEachRowOnce(t *testing.T) {
	t.Parallel()
	Each(t, func(t *testing.T, w *World) {
		rec := &statements{}
		w.DB.SetTracer(rec.trace)
		w.Receive(t, "HW", "5", "60")
		basis := commission.Invoiced
		plan := Must(w.App.CreateCommissionPlan(w.Finance, commission.PlanInput{Name: ptr("Field"), Basis: &basis, BaseRatePct: ptr(D("10")),
			ValidFrom: ptr(quotient.NewDate(2026, 1, 1))}))(t)
		Must(w.App.AssignPlan(w.Finance, plan.ID, commission.AssignmentInput{UserID: w.Users["rep"].ID, ValidFrom: quotient.NewDate(2026, 1, 1), Quota: D("1000"),
			Currency: "USD"}))(t)
		in := w.AccountInput("Once Only")
		in.InvoicingPolicy, in.CreditLimit = crm.OnOrder, D("100000")
		acc := w.Account(t, in)
		q := w.ApprovedQuote(t, quote.Input{AccountID: acc.ID, Lines: []quote.Line{w.Line("HW", "2"), w.Line("SVC", "1"), w.Line("FEE", "1")}})

		rec.mu.Lock()
		rec.on = true
		rec.mu.Unlock()
		got := Must(w.App.ConvertQuote(w.Rep, q.Quote.ID, quote.ConvertInput{SignerName: "Pat Buyer"}))(t)
		rec.mu.Lock()
		rec.on = false
		all := rec.all
		rec.mu.Unlock()
		if !got.Created || len(invoicesOf(t, w, got.Order.ID)) != 1 {
			t.Fatalf("the acceptance made no order or invoice: %+v", got)
		}
		seen := map[string]int{}
		for _, s := range all {
			if reads.MatchString(s) {
				seen[s]++
			}
		}
		for s, n := range seen {
			if n > 1 {
				t.Errorf("read %d times in one acceptance: %s", n, s)
			}
		}
		if testing.Verbose() {
			t.Logf("%d statements, %d distinct reads:\n%s", len(all), len(seen), strings.Join(all, "\n"))
		}
	})
}

func ptr[T any](v T) *T { return &v }

// The recurring invoicing of a contract runs as many statements for
// twelve subscriptions as for two: its invoice lines, billed periods,
// revenue schedule and next periods are each written in one statement,
// whatever the number of subscriptions (the 100,000-subscription run
// depends on it).
func TestRecurringInvoicingStatementsDoNotGrowWithSubscriptions(t *testing.T) {
	t.Parallel()
	Each(t, func(t *testing.T, w *World) {
		seat := Must(w.App.CreateProduct(w.Admin, catalog.ProductInput{SKU: "SEAT", Name: "Seat", Family: "software", UOM: "user",
			BillingType: catalog.Recurring, BillingPeriod: catalog.Month, DefaultTermMonths: 12}))(t)
		Must(w.App.CreateEntry(w.Admin, w.Book.ID, catalog.EntryInput{ProductID: seat.ID, UnitPrice: D("40")}))(t)
		start := w.Clock.Today().AddDays(40)
		for i, n := range []int{1, 2, 12} { // the first warms the year's counters
			acc := w.Account(t, w.AccountInput(fmt.Sprintf("Tenant %d", i)))
			var lines []quote.Line
			for j := range n {
				lines = append(lines, quote.Line{ProductID: seat.ID, Quantity: D(fmt.Sprint(j + 1)), StartDate: start})
			}
			q := w.ApprovedQuote(t, quote.Input{AccountID: acc.ID, Lines: lines})
			Must(w.App.ConvertQuote(w.Rep, q.Quote.ID, quote.ConvertInput{SignerName: "Pat Buyer"}))(t)
		}
		w.Clock.Advance(40 * 24 * time.Hour)
		rec := &statements{}
		w.DB.SetTracer(rec.trace)
		var counts []int
		for range 3 { // one contract a batch, the oldest first
			rec.mu.Lock()
			rec.on, rec.all = true, nil
			rec.mu.Unlock()
			if n := Must(w.App.InvoiceSubscriptions(w.System, 1, 1))(t); n != 1 {
				t.Fatalf("a batch of one invoiced %d contracts", n)
			}
			rec.mu.Lock()
			rec.on = false
			counts = append(counts, len(rec.all))
			if testing.Verbose() {
				t.Logf("%d statements:\n%s", len(rec.all), strings.Join(rec.all, "\n"))
			}
			rec.mu.Unlock()
		}
		if counts[1] != counts[2] {
			t.Errorf("statements to invoice a contract: %d for 2 subscriptions, %d for 12; want the same", counts[1], counts[2])
		}
	})
}

// Converting a quote runs as many statements for ten stocked lines as for
// two: its order lines, stock locks, reservations and movements, invoice
// lines and postings are each written in one statement, whatever the
// number of lines (the ten-line order benchmark depends on it).
func TestConversionStatementsDoNotGrowWithLines(t *testing.T) {
	t.Parallel()
	Each(t, func(t *testing.T, w *World) {
		yes := true
		var skus []string
		for i := range 10 {
			sku := fmt.Sprintf("HW%d", i)
			p := Must(w.App.CreateProduct(w.Admin, catalog.ProductInput{SKU: sku, Name: "Part " + sku, Family: "hardware", Kind: catalog.KindGood,
				UOM: "each", UnitCost: D("60"), TaxCategory: "standard", TrackInventory: &yes}))(t)
			Must(w.App.CreateEntry(w.Admin, w.Book.ID, catalog.EntryInput{ProductID: p.ID, UnitPrice: D("100")}))(t)
			w.Products[sku] = p
			w.Receive(t, sku, "100", "60")
			skus = append(skus, sku)
		}
		in := w.AccountInput("Many Lines")
		in.InvoicingPolicy, in.CreditLimit = crm.OnOrder, D("1000000")
		acc := w.Account(t, in)
		rec := &statements{}
		w.DB.SetTracer(rec.trace)
		var counts []int
		for _, n := range []int{2, 2, 10} { // the first warms the year's counters
			var lines []quote.Line
			for _, sku := range skus[:n] {
				lines = append(lines, w.Line(sku, "1"))
			}
			q := w.ApprovedQuote(t, quote.Input{AccountID: acc.ID, Lines: lines})
			rec.mu.Lock()
			rec.on, rec.all = true, nil
			rec.mu.Unlock()
			Must(w.App.ConvertQuote(w.Rep, q.Quote.ID, quote.ConvertInput{SignerName: "Pat Buyer"}))(t)
			rec.mu.Lock()
			rec.on = false
			counts = append(counts, len(rec.all))
			if testing.Verbose() {
				t.Logf("%d lines, %d statements:\n%s", n, len(rec.all), strings.Join(rec.all, "\n"))
			}
			rec.mu.Unlock()
		}
		if counts[1] != counts[2] {
			t.Errorf("statements to convert a quote: %d for 2 lines, %d for 10; want the same", counts[1], counts[2])
		}
	})
}
