package billing

import (
	"context"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/ledger"
)

// Payment is money received from a customer. What is not allocated to
// invoices stays as the customer's credit (Unallocated) for later.
type Payment struct {
	ID             string
	AccountID      string
	Currency       string
	Amount         int64
	Unallocated    int64
	ReceivedOn     quotient.Date
	Method         string
	Reference      string
	JournalEntryID string
	CreatedBy      string
	Version        int
	CreatedAt      time.Time
	Allocations    []Allocation
}

// Allocation is part of a payment applied to an invoice, with the
// early-payment discount it earned.
type Allocation struct {
	ID        string
	PaymentID string
	InvoiceID string
	Amount    int64
	Discount  int64
	// Base is what the allocation clears of the invoice's base amount due
	// (Invoice.clears); due is the amount due it was computed against.
	Base, due      int64
	AppliedOn      quotient.Date // the payment's receipt date, or the day credit was applied
	JournalEntryID string
	CreatedAt      time.Time
}

// AllocationInput asks to apply an amount to an invoice.
type AllocationInput struct {
	InvoiceID string
	Amount    decimal.Decimal
}

// PaymentInput is a payment to record.
type PaymentInput struct {
	AccountID   string
	Currency    string // the account's when empty
	Amount      decimal.Decimal
	ReceivedOn  quotient.Date // today when zero
	Method      string
	Reference   string
	Allocations []AllocationInput // none: oldest due first
}

// PaymentStore is what payments need beyond Store.
type PaymentStore interface {
	Store
	// OpenInvoices lists an account's invoices in a currency with an
	// amount due, oldest due date first.
	OpenInvoices(ctx context.Context, accountID, currency string) ([]Invoice, error)
	// ApplyToInvoice lowers an invoice's amount due by minor and its base
	// amount due by base if due is still what it owes, setting it
	// partially_paid or paid, and reports whether it did.
	ApplyToInvoice(ctx context.Context, invoiceID string, minor, base, due int64, at time.Time) (bool, error)
	InsertPayment(ctx context.Context, p Payment) error
	InsertAllocation(ctx context.Context, a Allocation) error
	GetPayment(ctx context.Context, id string) (Payment, error)
	ListPayments(ctx context.Context, accountID string, r quotient.Reach, p quotient.Page) ([]Payment, error)
	// UseCredit lowers a payment's unallocated amount by minor if it has
	// that much, and reports whether it did.
	UseCredit(ctx context.Context, paymentID string, minor int64) (bool, error)
}

var methods = []string{"bank_transfer", "card", "cash", "check", "direct_debit", "other"}

func requireFinanceWrite(ctx context.Context) (quotient.Actor, error) {
	a, err := quotient.RequireActor(ctx)
	if err == nil && a.Role != quotient.RoleAdmin && a.Role != quotient.RoleFinance {
		err = quotient.Errorf(quotient.Forbidden, "payments are recorded by finance")
	}
	return a, err
}

// EarlyDiscount is the early-payment discount an invoice offers: its
// percentage of the total, rounded to the currency, in minor units.
func (inv Invoice) EarlyDiscount() int64 {
	c, _ := quotient.LookupCurrency(inv.Currency)
	return c.RoundMinor(c.FromMinor(inv.Total).Mul(inv.DiscountPct).Div(decimal.NewFromInt(100)))
}

// earned is the early-payment discount an invoice grants for a payment
// received on a day: EarlyDiscount when paid within the window and
// nothing was paid before.
func earned(inv Invoice, receivedOn quotient.Date) int64 {
	if inv.DiscountUntil.IsZero() || receivedOn.After(inv.DiscountUntil) || inv.AmountDue != inv.Total || !inv.DiscountPct.IsPositive() {
		return 0
	}
	return inv.EarlyDiscount()
}

// Receive records a payment and applies it: to the allocations given, or
// when none are given to the account's open invoices oldest due date
// first. An invoice paid in full within its early-payment window earns its
// discount. What is left stays as customer credit. It posts one entry:
// debit cash (and sales discounts), credit accounts receivable (and
// customer credits).
func (s *Service) Receive(ctx context.Context, st PaymentStore, in PaymentInput) (Payment, error) {
	a, err := requireFinanceWrite(ctx)
	if err != nil {
		return Payment{}, err
	}
	p := quotient.Problems{}
	acc, err := st.GetAccount(ctx, in.AccountID)
	if quotient.ErrorCode(err) == quotient.NotFound || in.AccountID == "" {
		p.Add("account_id", "no account %q", in.AccountID)
	} else if err != nil {
		return Payment{}, err
	}
	if in.Currency == "" {
		in.Currency = acc.Currency
	}
	c, ok := quotient.LookupCurrency(in.Currency)
	if !ok {
		p.Add("currency", "unknown currency %q", in.Currency)
	}
	now := s.now().UTC()
	if in.ReceivedOn.IsZero() {
		in.ReceivedOn = quotient.DateOf(now)
	}
	if in.ReceivedOn.Year() < 1900 {
		p.Add("received_on", "must be in 1900 or later")
	} else if in.ReceivedOn.After(quotient.DateOf(now)) {
		p.Add("received_on", "cannot be in the future")
	}
	p.OneOf("method", in.Method, methods...)
	p.Text("reference", in.Reference, quotient.Optional, 200)
	amount, okAmt := int64(0), false
	if ok {
		amount, okAmt = c.ToMinor(in.Amount)
		if !okAmt || amount <= 0 {
			p.Add("amount", "must be positive with at most %d decimals in %s", c.MinorUnits, in.Currency)
		}
	}
	if len(in.Allocations) > 1000 {
		p.Add("allocations", "at most 1000 allocations")
	}
	if err := p.Err(); err != nil {
		return Payment{}, err
	}
	pay := Payment{ID: quotient.NewID("pay"), AccountID: acc.ID, Currency: in.Currency, Amount: amount, ReceivedOn: in.ReceivedOn,
		Method: in.Method, Reference: in.Reference, CreatedBy: a.UserID, Version: 1, CreatedAt: now}
	open, err := st.OpenInvoices(ctx, acc.ID, in.Currency)
	if err != nil {
		return Payment{}, err
	}
	left := amount
	if len(in.Allocations) == 0 {
		for _, inv := range open {
			if left == 0 {
				break
			}
			disc := earned(inv, in.ReceivedOn)
			pay.Allocations = append(pay.Allocations, allocate(inv, min(left, inv.AmountDue-disc), disc))
			left -= pay.Allocations[len(pay.Allocations)-1].Amount
		}
	} else {
		pay.Allocations, left = requested(&p, in.Allocations, open, c, left, in.ReceivedOn)
		if err := p.Err(); err != nil {
			return Payment{}, err
		}
	}
	pay.Unallocated = left
	entry, err := s.postPayment(ctx, st, pay, c)
	if err != nil {
		return Payment{}, err
	}
	pay.JournalEntryID = entry.ID
	if err := st.InsertPayment(ctx, pay); err != nil {
		return Payment{}, err
	}
	for i := range pay.Allocations {
		al := &pay.Allocations[i]
		al.PaymentID, al.JournalEntryID, al.CreatedAt, al.AppliedOn = pay.ID, entry.ID, now, pay.ReceivedOn
		if err := s.apply(ctx, st, *al, now); err != nil {
			return Payment{}, err
		}
	}
	return pay, nil
}

// requested checks allocations a client asked for against the account's
// open invoices and the money there is to give, and returns them with the
// money left. receivedOn is the payment's date, for the early-payment
// discount; empty earns none.
func requested(p *quotient.Problems, reqs []AllocationInput, open []Invoice, c quotient.Currency, money int64, receivedOn quotient.Date) ([]Allocation, int64) {
	byID := map[string]Invoice{}
	for _, inv := range open {
		byID[inv.ID] = inv
	}
	var out []Allocation
	seen := map[string]bool{}
	for i, al := range reqs {
		f := fmt.Sprintf("allocations[%d]", i)
		inv, ok := byID[al.InvoiceID]
		if !ok || seen[al.InvoiceID] {
			p.Add(f+".invoice_id", "is not an open invoice of this account in %s (or is named twice)", c.Code)
			continue
		}
		seen[al.InvoiceID] = true
		m, ok := c.ToMinor(al.Amount)
		disc := int64(0)
		if !receivedOn.IsZero() {
			disc = earned(inv, receivedOn)
		}
		switch {
		case !ok || m <= 0:
			p.Add(f+".amount", "must be positive with at most %d decimals", c.MinorUnits)
		case m > inv.AmountDue:
			p.Add(f+".amount", "is more than the %s due on %s", c.Format(c.FromMinor(inv.AmountDue)), inv.Number)
		case m > money:
			p.Add(f+".amount", "the allocations add up to more than the %s there is to apply", c.Format(c.FromMinor(money)))
		default:
			out = append(out, allocate(inv, m, disc))
			money -= m
		}
	}
	return out, money
}

// allocate applies amount to an invoice; the early-payment discount disc
// counts only when the amount settles the rest.
func allocate(inv Invoice, amount, disc int64) Allocation {
	if amount != inv.AmountDue-disc {
		disc = 0
	}
	return Allocation{ID: quotient.NewID("pal"), InvoiceID: inv.ID, Amount: amount, Discount: disc, Base: inv.clears(amount + disc), due: inv.AmountDue}
}

func (s *Service) apply(ctx context.Context, st PaymentStore, al Allocation, now time.Time) error {
	ok, err := st.ApplyToInvoice(ctx, al.InvoiceID, al.Amount+al.Discount, max(al.Base, 0), al.due, now)
	if err != nil {
		return err
	}
	if !ok {
		return quotient.Errorf(quotient.Conflict, "invoice %s was paid meanwhile; record the payment again", al.InvoiceID)
	}
	return st.InsertAllocation(ctx, al)
}

func (s *Service) postPayment(ctx context.Context, st PaymentStore, pay Payment, c quotient.Currency) (ledger.Entry, error) {
	var ar, disc int64
	for _, al := range pay.Allocations {
		ar += al.Amount + al.Discount
		disc += al.Discount
	}
	in := ledger.EntryInput{Date: pay.ReceivedOn, Memo: "Payment " + pay.Reference, Currency: pay.Currency, SourceType: "payment",
		SourceID: pay.ID, Event: "receive", ExchangeAccount: ledger.RealizedExchange}
	in.Lines = addLine(in.Lines, ledger.Cash, pay.Amount, 0)
	in.Lines = addLine(in.Lines, ledger.SalesDiscounts, disc, 0)
	in.Lines = append(in.Lines, clearing(pay.Allocations, ar)...)
	in.Lines = addLine(in.Lines, ledger.CustomerCredits, 0, pay.Unallocated)
	e, _, err := s.ledger.PostOnce(ctx, st, in, pay.CreatedBy)
	return e, err
}

// clearing is the credit to accounts receivable that allocations make, of
// ar in all, at the base amounts the invoices were booked at: what the
// payment's rate makes of it beside them is the realized exchange gain or
// loss. An invoice of unknown base amount clears at the day's rate.
func clearing(als []Allocation, ar int64) []ledger.LineInput {
	if ar == 0 {
		return nil
	}
	l := ledger.LineInput{AccountCode: ledger.AccountsReceivable, Credit: ar, FixedBase: true}
	for _, al := range als {
		if al.Base < 0 {
			return []ledger.LineInput{{AccountCode: ledger.AccountsReceivable, Credit: ar}}
		}
		l.BaseCredit += al.Base
	}
	return []ledger.LineInput{l}
}

// AllocateCredit applies a payment's unallocated credit to open invoices of
// its account, and posts it: debit customer credits, credit accounts
// receivable.
func (s *Service) AllocateCredit(ctx context.Context, st PaymentStore, paymentID string, allocs []AllocationInput) (Payment, error) {
	pay, err := st.GetPayment(ctx, paymentID)
	if err != nil {
		return Payment{}, err
	}
	err = s.spendCredit(ctx, st, credit{kind: "payment", id: pay.ID, name: "payment " + pay.ID, accountID: pay.AccountID,
		currency: pay.Currency, left: pay.Unallocated, use: st.UseCredit,
		record: func(al Allocation, now time.Time) error {
			al.PaymentID = pay.ID
			return s.apply(ctx, st, al, now)
		}}, allocs)
	if err != nil {
		return Payment{}, err
	}
	return st.GetPayment(ctx, pay.ID)
}

// GetPayment returns a payment with its allocations.
func (s *Service) GetPayment(ctx context.Context, st PaymentStore, id string) (Payment, error) {
	pay, err := st.GetPayment(ctx, id)
	if err != nil {
		return Payment{}, err
	}
	return pay, quotient.CheckReach(ctx, st, "payment", id, pay.AccountID)
}

// Payments lists payments by id.
func (s *Service) Payments(ctx context.Context, st PaymentStore, accountID string, p quotient.Page) ([]Payment, error) {
	r, err := reach(ctx)
	if err != nil {
		return nil, err
	}
	return st.ListPayments(ctx, accountID, r, p)
}
