package billing

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/crm"
	"github.com/quotient-cpq/quotient/ledger"
	"github.com/quotient-cpq/quotient/order"
)

// Invoice statuses (docs/api.md).
const (
	Posted        = "posted"
	PartiallyPaid = "partially_paid"
	Paid          = "paid"
	Void          = "void"
)

// Invoice is a posted invoice. Amounts are in the currency's minor units.
type Invoice struct {
	ID            string
	Number        string // INV-YYYY-NNNNNN, gapless within the year
	OrderID       string
	AccountID     string
	Currency      string
	Status        string
	IssueDate     quotient.Date
	DueDate       quotient.Date
	PaymentTerms  string
	DiscountPct   decimal.Decimal
	DiscountUntil quotient.Date
	Net           int64
	Tax           int64
	Total         int64
	AmountDue     int64
	// BaseDue is what of the receivable is open in minor units of the
	// base currency, at the rate the invoice was booked at; -1 for an
	// invoice posted before the ledger kept base amounts.
	BaseDue        int64
	JournalEntryID string
	Version        int
	CreatedAt      time.Time
	UpdatedAt      time.Time
	Lines          []InvoiceLine
}

// clears is what paying minor of the amount due clears of the base amount
// due: its share, and all of it when minor settles the rest; -1 when the
// invoice's base amount is unknown.
func (inv Invoice) clears(minor int64) int64 {
	if inv.BaseDue < 0 {
		return -1
	}
	return ledger.Share(inv.BaseDue, minor, inv.AmountDue)
}

// InvoiceLine is what an invoice charges for an order line.
type InvoiceLine struct {
	OrderLineID string
	ProductID   string
	SKU         string
	Name        string
	Quantity    quotient.Quantity
	UnitPrice   decimal.Decimal
	Net         int64
	Tax         int64
	TaxRateID   string
	TaxRatePct  decimal.Decimal
	Family      string
	// A subscription's line is for a period of service (both days
	// included): its revenue is deferred and recognised over it.
	ServiceStart   quotient.Date
	ServiceEnd     quotient.Date
	SubscriptionID string
	// DeferredBase is, on a deferred line of an invoice just issued, its
	// share of the base amount deferred revenue was credited with: what
	// recognising it moves in base (not stored; read the schedule).
	DeferredBase int64
}

// Deferred reports whether the line's revenue is recognised over a
// service period rather than when invoiced.
func (l InvoiceLine) Deferred() bool { return !l.ServiceStart.IsZero() }

// TaxSummary is an invoice's tax of one rate.
type TaxSummary struct {
	TaxRateID string
	RatePct   decimal.Decimal
	Base      int64
	Tax       int64
}

// Taxes summarizes an invoice's tax per rate: one summary per
// percentage, whichever rate records (a country's 10 % on goods and on
// services) its lines were taxed under, as the qualified invoice system
// shows it; lines without a rate are their own group. Highest rate first.
func (inv Invoice) Taxes() []TaxSummary {
	by := map[string]*TaxSummary{}
	var keys []string
	for _, l := range inv.Lines {
		key := "none"
		if l.TaxRateID != "" {
			key = l.TaxRatePct.String()
		}
		t := by[key]
		if t == nil {
			t = &TaxSummary{TaxRateID: l.TaxRateID, RatePct: l.TaxRatePct}
			by[key] = t
			keys = append(keys, key)
		}
		if l.TaxRateID != "" && (t.TaxRateID == "" || l.TaxRateID < t.TaxRateID) {
			t.TaxRateID = l.TaxRateID
		}
		t.Base += l.Net
		t.Tax += l.Tax
	}
	out := make([]TaxSummary, len(keys))
	for i, k := range keys {
		out[i] = *by[k]
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].RatePct.GreaterThan(out[j].RatePct) })
	return out
}

// InvoiceFilter selects invoices.
type InvoiceFilter struct {
	quotient.Page
	AccountID string
	OrderID   string
	Status    string
	// Reach, filled by List, keeps the invoices the actor may read.
	Reach quotient.Reach
}

// Store is the storage billing needs.
type Store interface {
	ledger.Store
	order.Store
	GetAccount(ctx context.Context, id string) (crm.Account, error)
	// NextYearNumber advances the gapless counter of a name and year in the
	// caller's transaction.
	NextYearNumber(ctx context.Context, name string, year int) (int64, error)
	InsertInvoice(ctx context.Context, inv Invoice) error
	GetInvoice(ctx context.Context, id string) (Invoice, error)
	ListInvoices(ctx context.Context, f InvoiceFilter) ([]Invoice, error)
	quotient.AccountReach
	// SetLinesInvoiced stores how much of each line is invoiced.
	SetLinesInvoiced(ctx context.Context, ls []order.Line) error
}

// Service is the billing service.
type Service struct {
	now    func() time.Time
	ledger *ledger.Service
	// CostCurrency is the currency of products' unit_cost, in which stock
	// is valued and cost of goods posted.
	CostCurrency string
	// CreditGraceDays is how long an invoice may be overdue before credit
	// control holds the account's new orders (0: as soon as one is due).
	CreditGraceDays int
}

// NewService makes the service.
func NewService(now func() time.Time, l *ledger.Service) *Service {
	return &Service{now: now, ledger: l, CostCurrency: "USD", CreditGraceDays: DefaultGraceDays}
}

// invoiceable is how much of a line can be invoiced now: bundle components
// never (their header carries the price), nor subscriptions (their
// contract invoices them period by period); services, bundle headers and
// every line of an on_order account what is not cancelled; stocked lines
// of an on_fulfillment account what has shipped.
func invoiceable(l order.Line, policy crm.InvoicingPolicy) quotient.Quantity {
	if l.ParentLineID != "" || l.Recurring() {
		return 0
	}
	if l.Stocked && policy != crm.OnOrder {
		return l.Fulfilled - l.Invoiced
	}
	return l.Quantity - l.Cancelled - l.Invoiced
}

// HasInvoiceable reports whether any line of an order can be invoiced now
// under a policy, so callers can skip invoicing without locking the order.
func HasInvoiceable(o order.Order, policy crm.InvoicingPolicy) bool {
	for _, l := range o.Lines {
		if invoiceable(l, policy) > 0 {
			return true
		}
	}
	return false
}

// share is part of a line amount for q of its quantity, rounded to the
// currency; the last part is what remains, so the parts add up exactly.
func share(total decimal.Decimal, c quotient.Currency, done, q, qty quotient.Quantity, doneMinor int64) (int64, error) {
	whole, ok := c.ToMinor(c.Round(total))
	if !ok {
		return 0, fmt.Errorf("billing: amount %s does not fit %s", total, c.Code)
	}
	if done+q >= qty {
		return whole - doneMinor, nil
	}
	return c.RoundMinor(total.Mul(decimal.NewFromInt(int64(q))).Div(decimal.NewFromInt(int64(qty)))), nil
}

// draft is the invoice, issued on day, of what order o has that is
// invoiceable under its account's policy (no lines: nothing), and o with
// those lines marked invoiced.
func (s *Service) draft(o order.Order, acc crm.Account, day quotient.Date) (Invoice, order.Order, error) {
	c, ok := quotient.LookupCurrency(o.Currency)
	if !ok {
		return Invoice{}, o, fmt.Errorf("billing: order %s has unknown currency %s", o.Number, o.Currency)
	}
	terms, err := ParseTerms(acc.PaymentTerms)
	if err != nil {
		return Invoice{}, o, quotient.Wrap(err, quotient.Conflict, "account %s has payment terms %q that cannot be invoiced; correct them", acc.Name, acc.PaymentTerms)
	}
	now := s.now().UTC()
	inv := Invoice{ID: quotient.NewID("inv"), OrderID: o.ID, AccountID: o.AccountID, Currency: o.Currency, Status: Posted,
		IssueDate: day, DueDate: terms.Due(day), PaymentTerms: terms.Code,
		DiscountPct: terms.DiscountPct, Version: 1, CreatedAt: now, UpdatedAt: now}
	if until, ok := terms.DiscountUntil(day); ok {
		inv.DiscountUntil = until
	}
	lines := make([]order.Line, len(o.Lines))
	copy(lines, o.Lines)
	for i, l := range lines {
		q := invoiceable(l, acc.InvoicingPolicy)
		if q <= 0 {
			continue
		}
		net, err := share(l.NetAmount, c, l.Invoiced, q, l.Quantity, l.InvoicedNet)
		if err != nil {
			return Invoice{}, o, err
		}
		tax, err := share(l.TaxAmount, c, l.Invoiced, q, l.Quantity, l.InvoicedTax)
		if err != nil {
			return Invoice{}, o, err
		}
		inv.Lines = append(inv.Lines, InvoiceLine{OrderLineID: l.ID, ProductID: l.ProductID, SKU: l.SKU, Name: l.Name, Quantity: q,
			UnitPrice: l.UnitPrice, Net: net, Tax: tax, TaxRateID: l.TaxRateID, TaxRatePct: l.TaxRatePct, Family: l.Family})
		inv.Net += net
		inv.Tax += tax
		lines[i].Invoiced, lines[i].InvoicedNet, lines[i].InvoicedTax = l.Invoiced+q, l.InvoicedNet+net, l.InvoicedTax+tax
	}
	inv.Total = inv.Net + inv.Tax
	inv.AmountDue = inv.Total
	o.Lines = lines
	return inv, o, nil
}

// markInvoiced stores the lines of after whose invoiced amounts differ
// from before's.
func markInvoiced(ctx context.Context, st Store, before, after order.Order) error {
	var changed []order.Line
	for i, l := range after.Lines {
		if l.Invoiced != before.Lines[i].Invoiced {
			changed = append(changed, l)
		}
	}
	return st.SetLinesInvoiced(ctx, changed)
}

// InvoiceDue invoices, as part of the event that made it due (an
// acceptance, a shipment, a release), what order o has that is
// invoiceable now under its account's policy, and posts it in the books
// the caller read (for today: the invoice's date). o is the order as the event left it, in
// the caller's transaction; acc is its account. The event never fails
// for what cannot be charged now; it returns no invoice (empty ID) for a
// held order, nothing invoiceable, only free lines (marked invoiced) or a
// closed month (the goods stay invoiceable for Invoice once it reopens).
// It returns the order with its lines' invoiced amounts.
func (s *Service) InvoiceDue(ctx context.Context, st Store, books ledger.Books, o order.Order, acc crm.Account, actorID string) (Invoice, order.Order, error) {
	if o.Shown() == order.OnHold {
		return Invoice{}, o, nil
	}
	inv, after, err := s.draft(o, acc, books.Date())
	if err != nil || len(inv.Lines) == 0 {
		return Invoice{}, o, err
	}
	if inv.Total == 0 { // free lines: nothing is owed, nothing to post
		return Invoice{}, after, markInvoiced(ctx, st, o, after)
	}
	if books.Closed() {
		return Invoice{}, o, nil
	}
	inv, err = s.issue(ctx, st, books, inv, actorID)
	if err != nil {
		return Invoice{}, o, err
	}
	return inv, after, markInvoiced(ctx, st, o, after)
}

// Invoice invoices an order on request (finance, admin, or the order's
// owner and their manager): what is invoiceable now, posted today. What
// cannot be invoiced is a conflict saying why: a held order, nothing
// invoiceable, only free lines, a closed month.
func (s *Service) Invoice(ctx context.Context, st Store, orderID string) (Invoice, error) {
	a, err := quotient.RequireActor(ctx)
	if err != nil {
		return Invoice{}, err
	}
	o, err := st.LockOrder(ctx, orderID)
	if err != nil {
		return Invoice{}, err
	}
	if a.Role != quotient.RoleFinance && !a.MayWriteOwnedBy(o.OwnerID) {
		return Invoice{}, quotient.Errorf(quotient.Forbidden, "order %s belongs to another rep", o.Number)
	}
	if o.Shown() == order.OnHold {
		return Invoice{}, quotient.Errorf(quotient.Conflict, "order %s is on credit hold (%s); finance releases it first", o.Number, o.HoldReason)
	}
	acc, err := st.GetAccount(ctx, o.AccountID)
	if err != nil {
		return Invoice{}, err
	}
	inv, after, err := s.draft(o, acc, quotient.DateOf(s.now()))
	switch {
	case err != nil:
		return Invoice{}, err
	case len(inv.Lines) == 0:
		return Invoice{}, quotient.Errorf(quotient.Conflict, "order %s has nothing to invoice now (policy %s: shipped goods and services not yet invoiced)", o.Number, acc.InvoicingPolicy)
	case inv.Total == 0:
		return Invoice{}, quotient.Errorf(quotient.Conflict, "what order %s can invoice now is free; there is nothing to charge", o.Number)
	}
	books, err := s.ledger.Open(ctx, st, inv.IssueDate)
	if err != nil {
		return Invoice{}, err
	}
	if inv, err = s.issue(ctx, st, books, inv, a.UserID); err != nil {
		return Invoice{}, err
	}
	return inv, markInvoiced(ctx, st, o, after)
}

// issue numbers an invoice, posts it and stores it.
func (s *Service) issue(ctx context.Context, st Store, books ledger.Books, inv Invoice, actorID string) (Invoice, error) {
	var err error
	if inv.Number, err = yearNumber(ctx, st, "invoice", "INV", inv.IssueDate.Year()); err != nil {
		return Invoice{}, err
	}
	entry, err := s.post(ctx, st, books, inv, actorID)
	if err != nil {
		return Invoice{}, err
	}
	inv.JournalEntryID = entry.ID
	inv.BaseDue = 0
	var deferredBase, deferred int64
	for _, l := range entry.Lines {
		switch l.AccountCode {
		case ledger.AccountsReceivable:
			inv.BaseDue += l.BaseDebit - l.BaseCredit
		case ledger.DeferredRevenue:
			deferredBase += l.BaseCredit - l.BaseDebit
		}
	}
	for _, l := range inv.Lines {
		if l.Deferred() {
			deferred += l.Net
		}
	}
	var cum, given int64
	for i, l := range inv.Lines {
		if l.Deferred() { // cumulative shares: the lines add up to the posted base
			cum += l.Net
			share := ledger.Share(deferredBase, cum, deferred)
			inv.Lines[i].DeferredBase, given = share-given, share
		}
	}
	return inv, st.InsertInvoice(ctx, inv)
}

// yearNumber is the next PREFIX-YYYY-NNNNNN of a gapless yearly counter,
// taken in the caller's transaction.
func yearNumber(ctx context.Context, st Store, counter, prefix string, year int) (string, error) {
	n, err := st.NextYearNumber(ctx, counter, year)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s-%d-%06d", prefix, year, n), nil
}

// post books an invoice: debit AR with the total; credit each family's
// revenue account (the general revenue account for a family without one)
// with its net, deferred revenue with the net of service periods (it is
// recognised over them), and sales tax payable with the tax.
func (s *Service) post(ctx context.Context, st Store, books ledger.Books, inv Invoice, actorID string) (ledger.Entry, error) {
	revenue := map[string]int64{}
	for _, l := range inv.Lines {
		if l.Deferred() {
			revenue[ledger.DeferredRevenue] += l.Net
			continue
		}
		revenue[books.Revenue(l.Family)] += l.Net
	}
	in := ledger.EntryInput{Date: inv.IssueDate, Memo: "Invoice " + inv.Number, Currency: inv.Currency, SourceType: "invoice",
		SourceID: inv.ID, Event: "post"}
	in.Lines = addLine(in.Lines, ledger.AccountsReceivable, inv.Total, 0)
	for _, code := range sortedKeys(revenue) {
		in.Lines = addLine(in.Lines, code, 0, revenue[code])
	}
	in.Lines = addLine(in.Lines, ledger.SalesTaxPayable, 0, inv.Tax)
	e, _, err := s.ledger.Record(ctx, st, books, in, actorID)
	return e, err
}

func requireReader(ctx context.Context) error {
	_, err := quotient.RequireActor(ctx)
	return err
}

// RequireReceivablesReader allows the company-wide receivables reports
// (the AR aging, its reconciliation with the ledger) to finance, admins
// and sales managers; a rep reads their own customers' statements.
func RequireReceivablesReader(ctx context.Context) error {
	a, err := quotient.RequireActor(ctx)
	if err == nil && a.Role == quotient.RoleSalesRep {
		err = quotient.Errorf(quotient.Forbidden, "the receivables reports are for finance, admins and sales managers; read your customers' statements instead")
	}
	return err
}

// Get returns an invoice with its lines.
func (s *Service) Get(ctx context.Context, st Store, id string) (Invoice, error) {
	inv, err := st.GetInvoice(ctx, id)
	if err != nil {
		return Invoice{}, err
	}
	return inv, quotient.CheckReach(ctx, st, "invoice", id, inv.AccountID)
}

// reach is the actor's reach over customers' records.
func reach(ctx context.Context) (quotient.Reach, error) {
	a, err := quotient.RequireActor(ctx)
	return a.Reach(), err
}

// List returns invoices by id.
func (s *Service) List(ctx context.Context, st Store, f InvoiceFilter) ([]Invoice, error) {
	var err error
	if f.Reach, err = reach(ctx); err != nil {
		return nil, err
	}
	if f.Status != "" {
		p := quotient.Problems{}
		p.OneOf("status", f.Status, "draft", Posted, PartiallyPaid, Paid, Void)
		if err := p.Err(); err != nil {
			return nil, quotient.Wrap(err, quotient.Invalid, "bad filter")
		}
	}
	return st.ListInvoices(ctx, f)
}
