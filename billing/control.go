package billing

import (
	"context"
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/crm"
)

// Receivables is what an account owes in a currency, in minor units.
type Receivables struct {
	Open        int64 // amount due on its invoices
	Overdue     int64 // of that, past its due date
	PastGrace   int64 // of that, overdue by more than the grace period
	Credits     int64 // unapplied credit: payments' and credit notes'
	OldestDueOn quotient.Date
}

// ControlStore is what credit control needs.
type ControlStore interface {
	Store
	// Receivables sums an account's invoices and credits in a currency as
	// of today; graceDate is the due date before which an invoice is past
	// the grace period.
	Receivables(ctx context.Context, accountID, currency string, today, graceDate quotient.Date) (Receivables, error)
	// UninvoicedOrders is what an account's open orders in a currency
	// (held ones too) will still invoice: their totals less what their
	// lines have invoiced, in minor units. (Cancelling an order closes
	// it, so an open order has nothing cancelled.)
	UninvoicedOrders(ctx context.Context, accountID, currency string) (int64, error)
}

// Exposure is an account's credit position in its currency, in minor units.
type Exposure struct {
	Currency    string
	Receivables Receivables
	// Balance is what it owes: open invoices less unapplied credit.
	Balance int64
	// Uninvoiced is what its open orders will still invoice (when asked).
	Uninvoiced int64
	// Limit is the credit limit; nil when the account has none (0).
	Limit *int64
	// Available is the limit less balance and uninvoiced orders; nil
	// without a limit.
	Available *int64
}

// DefaultGraceDays is how long an invoice may be overdue before the
// account's new orders are held.
const DefaultGraceDays = 15

// AccountExposure works out an account's credit position today: what it
// owes, what its open orders will still invoice, its limit and what is
// left of it.
func (s *Service) AccountExposure(ctx context.Context, st ControlStore, acc crm.Account) (Exposure, error) {
	e, err := s.receivables(ctx, st, acc)
	if err != nil {
		return Exposure{}, err
	}
	return e, s.addOrders(ctx, st, acc, &e)
}

// receivables is an account's exposure from its invoices and credits
// alone.
func (s *Service) receivables(ctx context.Context, st ControlStore, acc crm.Account) (Exposure, error) {
	c, ok := quotient.LookupCurrency(acc.Currency)
	if !ok {
		return Exposure{}, fmt.Errorf("billing: account %s has unknown currency %s", acc.ID, acc.Currency)
	}
	today := quotient.DateOf(s.now())
	r, err := st.Receivables(ctx, acc.ID, c.Code, today, today.AddDays(-s.CreditGraceDays))
	if err != nil {
		return Exposure{}, err
	}
	return Exposure{Currency: c.Code, Receivables: r, Balance: r.Open - r.Credits}, nil
}

// addOrders adds what the account's open orders will still invoice to an
// exposure, and so what credit is available under a limit.
func (s *Service) addOrders(ctx context.Context, st ControlStore, acc crm.Account, e *Exposure) error {
	var err error
	if e.Uninvoiced, err = st.UninvoicedOrders(ctx, acc.ID, e.Currency); err != nil {
		return err
	}
	if acc.CreditLimit.IsPositive() {
		c, _ := quotient.LookupCurrency(e.Currency)
		limit := c.RoundMinor(acc.CreditLimit)
		avail := limit - e.Balance - e.Uninvoiced
		e.Limit, e.Available = &limit, &avail
	}
	return nil
}

// CreditHold decides whether a new order of total for an account is held:
// why, or "" when it may go ahead. An account is held when it has
// invoices overdue past the grace period, or when the order would take it
// over its credit limit (open AR + open uninvoiced orders + this order).
// The limit is in the account's currency; an order in another currency is
// held only for overdue invoices. Open orders are summed only when a limit
// applies.
func (s *Service) CreditHold(ctx context.Context, st ControlStore, acc crm.Account, currency string, total decimal.Decimal) (string, error) {
	e, err := s.receivables(ctx, st, acc)
	if err != nil {
		return "", err
	}
	c, _ := quotient.LookupCurrency(e.Currency)
	if e.Receivables.PastGrace > 0 {
		return fmt.Sprintf("%s %s overdue by more than %d days (oldest due %s)", c.Code, c.Format(c.FromMinor(e.Receivables.PastGrace)),
			s.CreditGraceDays, e.Receivables.OldestDueOn), nil
	}
	if !acc.CreditLimit.IsPositive() || currency != acc.Currency {
		return "", nil
	}
	if err := s.addOrders(ctx, st, acc, &e); err != nil {
		return "", err
	}
	if need := c.RoundMinor(total); need > *e.Available {
		return fmt.Sprintf("credit limit %s %s exceeded: %s owed, %s on open orders, this order %s", c.Code, c.Format(c.FromMinor(*e.Limit)),
			c.Format(c.FromMinor(e.Balance)), c.Format(c.FromMinor(e.Uninvoiced)), c.Format(c.FromMinor(need))), nil
	}
	return "", nil
}

// Backorder is what an open order of an account still waits for.
type Backorder struct {
	OrderID     string
	OrderNumber string
	SKU         string
	Quantity    quotient.Quantity
}

// Activity is what else the account summary shows: the cost of goods
// shipped to the account (in the cost currency), its last payment and its
// backorders.
type Activity struct {
	CostOfGoods       int64
	LastPaymentOn     quotient.Date
	LastPaymentAmount int64
	LastPaymentIn     string
	Backorders        []Backorder
}

// SummaryStore is what an account's summary reads beyond its exposure.
type SummaryStore interface {
	// LifetimeRevenue is an account's invoiced net less credit notes in a
	// currency, in minor units.
	LifetimeRevenue(ctx context.Context, accountID, currency string) (int64, error)
	// AccountActivity is an account's cost of goods (in the cost
	// currency), last payment and backorders.
	AccountActivity(ctx context.Context, accountID, costCurrency string) (Activity, error)
}

// AuditStore is what the invariant check reads of billing.
type AuditStore interface {
	// InvoiceCurrencies lists the currencies anything was invoiced in.
	InvoiceCurrencies(ctx context.Context) ([]string, error)
	// PostingBreaches describes every invoice, payment and credit note not
	// posted exactly once with its own amount, and every such entry
	// without its document.
	PostingBreaches(ctx context.Context) ([]string, error)
}
