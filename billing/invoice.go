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

// Invoice statuses (API.md).
const (
	Posted        = "posted"
	PartiallyPaid = "partially_paid"
	Paid          = "paid"
	Void          = "void"
)

// Invoice is a posted invoice. Amounts are in the currency's minor units.
type Invoice struct {
	ID             string
	Number         string // INV-YYYY-NNNNNN, gapless within the year
	OrderID        string
	AccountID      string
	Currency       string
	Status         string
	IssueDate      string
	DueDate        string
	PaymentTerms   string
	DiscountPct    decimal.Decimal
	DiscountUntil  string
	Net            int64
	Tax            int64
	Total          int64
	AmountDue      int64
	JournalEntryID string
	Version        int
	CreatedAt      time.Time
	UpdatedAt      time.Time
	Lines          []InvoiceLine
}

// InvoiceLine is what an invoice charges for an order line.
type InvoiceLine struct {
	OrderLineID string
	ProductID   string
	SKU         string
	Name        string
	Quantity    int64 // micro-units
	UnitPrice   decimal.Decimal
	Net         int64
	Tax         int64
	TaxRateID   string
	TaxRatePct  decimal.Decimal
	Family      string
}

// TaxSummary is an invoice's tax of one rate.
type TaxSummary struct {
	TaxRateID string
	RatePct   decimal.Decimal
	Base      int64
	Tax       int64
}

// Taxes summarizes an invoice's tax per rate, by rate id.
func (inv Invoice) Taxes() []TaxSummary {
	by := map[string]*TaxSummary{}
	var ids []string
	for _, l := range inv.Lines {
		t := by[l.TaxRateID]
		if t == nil {
			t = &TaxSummary{TaxRateID: l.TaxRateID, RatePct: l.TaxRatePct}
			by[l.TaxRateID] = t
			ids = append(ids, l.TaxRateID)
		}
		t.Base += l.Net
		t.Tax += l.Tax
	}
	sort.Strings(ids)
	out := make([]TaxSummary, len(ids))
	for i, id := range ids {
		out[i] = *by[id]
	}
	return out
}

// InvoiceFilter selects invoices.
type InvoiceFilter struct {
	AccountID string
	OrderID   string
	Status    string
	Limit     int
	After     string
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
	SetLineInvoiced(ctx context.Context, l order.Line) error
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
// never (their header carries the price); services, bundle headers and
// every line of an on_order account what is not cancelled; stocked lines
// of an on_fulfillment account what has shipped.
func invoiceable(l order.Line, policy string) int64 {
	if l.ParentLineID != "" {
		return 0
	}
	if l.Stocked && policy != "on_order" {
		return l.Fulfilled - l.Invoiced
	}
	return l.Quantity - l.Cancelled - l.Invoiced
}

// HasInvoiceable reports whether any line of an order can be invoiced now
// under a policy, so callers can skip invoicing without locking the order.
func HasInvoiceable(o order.Order, policy string) bool {
	for _, l := range o.Lines {
		if invoiceable(l, policy) > 0 {
			return true
		}
	}
	return false
}

// share is part of a line amount for q of its quantity, rounded to the
// currency; the last part is what remains, so the parts add up exactly.
func share(total decimal.Decimal, c quotient.Currency, done, q, qty, doneMinor int64) (int64, error) {
	whole, ok := c.ToMinor(c.Round(total))
	if !ok {
		return 0, fmt.Errorf("billing: amount %s does not fit %s", total, c.Code)
	}
	if done+q >= qty {
		return whole - doneMinor, nil
	}
	return c.RoundMinor(total.Mul(decimal.NewFromInt(q)).Div(decimal.NewFromInt(qty))), nil
}

// InvoiceOrder invoices what an order has that is invoiceable now, as the
// account's policy says, and posts it: debit accounts receivable, credit
// revenue by product family and sales tax payable. With nothing to invoice
// it is a conflict (quiet reports that with a zero Invoice instead).
func (s *Service) InvoiceOrder(ctx context.Context, st Store, orderID, actorID string, quiet bool) (Invoice, error) {
	o, err := st.LockOrder(ctx, orderID)
	if err != nil {
		return Invoice{}, err
	}
	if o.Shown() == order.OnHold {
		if quiet {
			return Invoice{}, nil
		}
		return Invoice{}, quotient.Errorf(quotient.Conflict, "order %s is on credit hold (%s); finance releases it first", o.Number, o.HoldReason)
	}
	acc, err := st.GetAccount(ctx, o.AccountID)
	if err != nil {
		return Invoice{}, err
	}
	c, ok := quotient.LookupCurrency(o.Currency)
	if !ok {
		return Invoice{}, fmt.Errorf("billing: order %s has unknown currency %s", o.Number, o.Currency)
	}
	terms, err := ParseTerms(acc.PaymentTerms)
	if err != nil {
		return Invoice{}, quotient.Wrap(err, quotient.Conflict, "account %s has payment terms %q that cannot be invoiced; correct them", acc.Name, acc.PaymentTerms)
	}
	now := s.now().UTC()
	inv := Invoice{ID: quotient.NewID("inv"), OrderID: o.ID, AccountID: o.AccountID, Currency: o.Currency, Status: Posted,
		IssueDate: now.Format(time.DateOnly), DueDate: terms.Due(now).Format(time.DateOnly), PaymentTerms: terms.Code,
		DiscountPct: terms.DiscountPct, Version: 1, CreatedAt: now, UpdatedAt: now}
	if until, ok := terms.DiscountUntil(now); ok {
		inv.DiscountUntil = until.Format(time.DateOnly)
	}
	var changed []order.Line
	for _, l := range o.Lines {
		q := invoiceable(l, acc.InvoicingPolicy)
		if q <= 0 {
			continue
		}
		net, err := share(l.NetAmount, c, l.Invoiced, q, l.Quantity, l.InvoicedNet)
		if err != nil {
			return Invoice{}, err
		}
		tax, err := share(l.TaxAmount, c, l.Invoiced, q, l.Quantity, l.InvoicedTax)
		if err != nil {
			return Invoice{}, err
		}
		inv.Lines = append(inv.Lines, InvoiceLine{OrderLineID: l.ID, ProductID: l.ProductID, SKU: l.SKU, Name: l.Name, Quantity: q,
			UnitPrice: l.UnitPrice, Net: net, Tax: tax, TaxRateID: l.TaxRateID, TaxRatePct: l.TaxRatePct, Family: l.Family})
		inv.Net += net
		inv.Tax += tax
		l.Invoiced, l.InvoicedNet, l.InvoicedTax = l.Invoiced+q, l.InvoicedNet+net, l.InvoicedTax+tax
		changed = append(changed, l)
	}
	if len(inv.Lines) == 0 {
		if quiet {
			return Invoice{}, nil
		}
		return Invoice{}, quotient.Errorf(quotient.Conflict, "order %s has nothing to invoice now (policy %s: shipped goods and services not yet invoiced)", o.Number, acc.InvoicingPolicy)
	}
	inv.Total = inv.Net + inv.Tax
	inv.AmountDue = inv.Total
	if inv.Total == 0 { // free lines: nothing is owed, nothing to post
		if !quiet {
			return Invoice{}, quotient.Errorf(quotient.Conflict, "what order %s can invoice now is free; there is nothing to charge", o.Number)
		}
		for _, l := range changed {
			if err := st.SetLineInvoiced(ctx, l); err != nil {
				return Invoice{}, err
			}
		}
		return Invoice{}, nil
	}
	// Invoicing on its own (quiet: with an acceptance or a shipment) waits
	// while today's period is closed, rather than failing the customer's
	// acceptance; what is invoiceable stays so for POST /orders/{id}/invoice.
	if quiet {
		if open, err := s.ledger.IsOpen(ctx, st, inv.IssueDate); err != nil || !open {
			return Invoice{}, err
		}
	}
	if inv.Number, err = yearNumber(ctx, st, "invoice", "INV", now); err != nil {
		return Invoice{}, err
	}
	entry, err := s.post(ctx, st, inv, actorID)
	if err != nil {
		return Invoice{}, err
	}
	inv.JournalEntryID = entry.ID
	for _, l := range changed {
		if err := st.SetLineInvoiced(ctx, l); err != nil {
			return Invoice{}, err
		}
	}
	if err := st.InsertInvoice(ctx, inv); err != nil {
		return Invoice{}, err
	}
	return inv, nil
}

// yearNumber is the next PREFIX-YYYY-NNNNNN of a gapless yearly counter,
// taken in the caller's transaction.
func yearNumber(ctx context.Context, st Store, counter, prefix string, at time.Time) (string, error) {
	n, err := st.NextYearNumber(ctx, counter, at.Year())
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s-%d-%06d", prefix, at.Year(), n), nil
}

// post books an invoice: debit AR with the total; credit each family's
// revenue account (the general revenue account for a family without one)
// with its net, and sales tax payable with the tax.
func (s *Service) post(ctx context.Context, st Store, inv Invoice, actorID string) (ledger.Entry, error) {
	families, err := s.revenueAccounts(ctx, st)
	if err != nil {
		return ledger.Entry{}, err
	}
	c, _ := quotient.LookupCurrency(inv.Currency)
	revenue := map[string]int64{}
	for _, l := range inv.Lines {
		revenue[families.code(l.Family)] += l.Net
	}
	in := ledger.EntryInput{Date: inv.IssueDate, Memo: "Invoice " + inv.Number, Currency: inv.Currency, SourceType: "invoice",
		SourceID: inv.ID, Event: "post"}
	in.Lines = addLine(in.Lines, c, ledger.AccountsReceivable, inv.Total, 0)
	for _, code := range sortedKeys(revenue) {
		in.Lines = addLine(in.Lines, c, code, 0, revenue[code])
	}
	in.Lines = addLine(in.Lines, c, ledger.SalesTaxPayable, 0, inv.Tax)
	e, _, err := s.ledger.PostOnce(ctx, st, in, actorID)
	return e, err
}

// revenueByFamily maps product families to their revenue accounts.
type revenueByFamily map[string]string

// code is a family's revenue account, or general revenue without one.
func (r revenueByFamily) code(family string) string {
	if code := r[family]; code != "" {
		return code
	}
	return ledger.RevenueOther
}

func (s *Service) revenueAccounts(ctx context.Context, st ledger.Store) (revenueByFamily, error) {
	accs, err := st.ListLedgerAccounts(ctx)
	if err != nil {
		return nil, err
	}
	out := revenueByFamily{}
	for _, a := range accs {
		if a.Type == ledger.Revenue && a.Family != "" && a.Active {
			out[a.Family] = a.Code
		}
	}
	return out, nil
}

func requireReader(ctx context.Context) error {
	_, err := quotient.RequireActor(ctx)
	return err
}

// Get returns an invoice with its lines.
func (s *Service) Get(ctx context.Context, st Store, id string) (Invoice, error) {
	if err := requireReader(ctx); err != nil {
		return Invoice{}, err
	}
	return st.GetInvoice(ctx, id)
}

// List returns invoices by id.
func (s *Service) List(ctx context.Context, st Store, f InvoiceFilter) ([]Invoice, error) {
	if err := requireReader(ctx); err != nil {
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

// Invoice invoices an order on request (finance, admin, or the order's
// owner and their manager).
func (s *Service) Invoice(ctx context.Context, st Store, orderID string) (Invoice, error) {
	a, err := quotient.RequireActor(ctx)
	if err != nil {
		return Invoice{}, err
	}
	o, err := st.GetOrder(ctx, orderID)
	if err != nil {
		return Invoice{}, err
	}
	if a.Role != quotient.RoleFinance && !a.MayWriteOwnedBy(o.OwnerID) {
		return Invoice{}, quotient.Errorf(quotient.Forbidden, "order %s belongs to another rep", o.Number)
	}
	return s.InvoiceOrder(ctx, st, orderID, a.UserID, false)
}
