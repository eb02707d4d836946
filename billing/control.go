package billing

import (
	"context"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/crm"
	"github.com/quotient-cpq/quotient/order"
)

// Receivables is what an account owes in a currency, in minor units.
type Receivables struct {
	Open        int64 // amount due on its invoices
	Overdue     int64 // of that, past its due date
	PastGrace   int64 // of that, overdue by more than the grace period
	Credits     int64 // unapplied credit: payments' and credit notes'
	Revenue     int64 // invoiced net less credit notes' net, ever
	OldestDueOn string
}

// ControlStore is what credit control needs.
type ControlStore interface {
	Store
	// Receivables sums an account's invoices and credits in a currency as
	// of today; graceDate is the due date before which an invoice is past
	// the grace period.
	Receivables(ctx context.Context, accountID, currency, today, graceDate string) (Receivables, error)
	// OpenOrderLines lists the lines of an account's open orders in a
	// currency (held ones too).
	OpenOrderLines(ctx context.Context, accountID, currency string) ([]order.Line, error)
}

// Exposure is an account's credit position in its currency, in minor units.
type Exposure struct {
	Currency    string
	Receivables Receivables
	// Balance is what it owes: open invoices less unapplied credit.
	Balance int64
	// Uninvoiced is what its open orders will still invoice.
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

// AccountExposure works out an account's credit position today.
func (s *Service) AccountExposure(ctx context.Context, st ControlStore, acc crm.Account) (Exposure, error) {
	c, ok := quotient.LookupCurrency(acc.Currency)
	if !ok {
		return Exposure{}, fmt.Errorf("billing: account %s has unknown currency %s", acc.ID, acc.Currency)
	}
	today := s.now().UTC()
	r, err := st.Receivables(ctx, acc.ID, c.Code, today.Format(time.DateOnly), today.AddDate(0, 0, -s.CreditGraceDays).Format(time.DateOnly))
	if err != nil {
		return Exposure{}, err
	}
	e := Exposure{Currency: c.Code, Receivables: r, Balance: r.Open - r.Credits}
	lines, err := st.OpenOrderLines(ctx, acc.ID, c.Code)
	if err != nil {
		return Exposure{}, err
	}
	for _, l := range lines {
		e.Uninvoiced += uninvoiced(l, c)
	}
	if !acc.CreditLimit.IsPositive() {
		return e, nil
	}
	limit := roundMinor(c, acc.CreditLimit)
	avail := limit - e.Balance - e.Uninvoiced
	e.Limit, e.Available = &limit, &avail
	return e, nil
}

// uninvoiced is what an order line will still invoice: its amount for the
// quantity not cancelled, less what is invoiced already.
func uninvoiced(l order.Line, c quotient.Currency) int64 {
	if l.ParentLineID != "" || l.Quantity == 0 {
		return 0
	}
	gross := l.NetAmount.Add(l.TaxAmount)
	kept := roundMinor(c, gross.Mul(decimal.NewFromInt(l.Quantity-l.Cancelled)).Div(decimal.NewFromInt(l.Quantity)))
	return max(kept-l.InvoicedNet-l.InvoicedTax, 0)
}

// CreditHold decides whether a new order of total for an account is held:
// why, or "" when it may go ahead. An account is held when it has
// invoices overdue past the grace period, or when the order would take it
// over its credit limit (open AR + open uninvoiced orders + this order).
// The limit is in the account's currency; an order in another currency is
// held only for overdue invoices.
func (s *Service) CreditHold(ctx context.Context, st ControlStore, acc crm.Account, currency string, total decimal.Decimal) (string, error) {
	e, err := s.AccountExposure(ctx, st, acc)
	if err != nil {
		return "", err
	}
	c, _ := quotient.LookupCurrency(e.Currency)
	if e.Receivables.PastGrace > 0 {
		return fmt.Sprintf("%s %s overdue by more than %d days (oldest due %s)", c.Code, c.Format(c.FromMinor(e.Receivables.PastGrace)),
			s.CreditGraceDays, e.Receivables.OldestDueOn), nil
	}
	if e.Available != nil && currency == e.Currency {
		if need := roundMinor(c, total); need > *e.Available {
			return fmt.Sprintf("credit limit %s %s exceeded: %s owed, %s on open orders, this order %s", c.Code, c.Format(c.FromMinor(*e.Limit)),
				c.Format(c.FromMinor(e.Balance)), c.Format(c.FromMinor(e.Uninvoiced)), c.Format(c.FromMinor(need))), nil
		}
	}
	return "", nil
}
