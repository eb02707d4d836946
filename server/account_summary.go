package server

import (
	"github.com/gofiber/fiber/v2"
)

// OpenQuotesJSON is an account's open quotes in one currency.
type OpenQuotesJSON struct {
	Currency string `json:"currency"`
	Count    int64  `json:"count"`
	Total    string `json:"total" format:"decimal"`
}

// AccountSummaryJSON is the account 360: what a rep sees before quoting.
// Money is in the account's currency; credit_limit and credit_available
// are null when the account has no limit.
type AccountSummaryJSON struct {
	AccountID       string           `json:"account_id"`
	Name            string           `json:"name"`
	Currency        string           `json:"currency"`
	OpenQuotes      []OpenQuotesJSON `json:"open_quotes"`
	OpenOrders      int              `json:"open_orders"`
	OrdersOnHold    int              `json:"orders_on_hold"`
	Uninvoiced      string           `json:"uninvoiced_orders" format:"decimal"`
	ARBalance       string           `json:"ar_balance" format:"decimal"`
	OpenInvoices    string           `json:"open_invoices" format:"decimal"`
	UnappliedCredit string           `json:"unapplied_credit" format:"decimal"`
	OverdueBalance  string           `json:"overdue_balance" format:"decimal"`
	OldestDueOn     *string          `json:"oldest_due_on" format:"date"`
	CreditLimit     *string          `json:"credit_limit" format:"decimal"`
	CreditAvailable *string          `json:"credit_available" format:"decimal"`
	LifetimeRevenue string           `json:"lifetime_revenue" format:"decimal"`
	// GrossMargin is lifetime revenue less the cost of goods shipped, when
	// the account's currency is the cost currency (null otherwise).
	GrossMargin    *string          `json:"gross_margin" format:"decimal"`
	GrossMarginPct *string          `json:"gross_margin_pct" format:"decimal"`
	LastPayment    *LastPaymentJSON `json:"last_payment"`
	Backorders     []BackorderJSON  `json:"backorders"`
	OpenCases      []CaseJSON       `json:"open_cases"`
}

// LastPaymentJSON is an account's latest payment.
type LastPaymentJSON struct {
	ReceivedOn string `json:"received_on" format:"date"`
	Amount     string `json:"amount" format:"decimal"`
	Currency   string `json:"currency"`
}

// BackorderJSON is what an open order still waits for.
type BackorderJSON struct {
	OrderID     string `json:"order_id"`
	OrderNumber string `json:"order_number"`
	SKU         string `json:"sku"`
	Quantity    string `json:"quantity" format:"decimal"`
}

func (s *Server) accountSummary() fiber.Handler {
	return func(c *fiber.Ctx) error {
		sum, err := s.app.AccountSummary(c.UserContext(), c.Params("id"))
		if err != nil {
			return err
		}
		e, cur := sum.Exposure, sum.Exposure.Currency
		m := func(n int64) string { return fmtMinor(n, cur) }
		mp := func(n *int64) *string {
			if n == nil {
				return nil
			}
			v := m(*n)
			return &v
		}
		out := AccountSummaryJSON{AccountID: sum.Account.ID, Name: sum.Account.Name, Currency: cur, OpenQuotes: []OpenQuotesJSON{},
			Uninvoiced: m(e.Uninvoiced), ARBalance: m(e.Balance), OpenInvoices: m(e.Receivables.Open), UnappliedCredit: m(e.Receivables.Credits),
			OverdueBalance: m(e.Receivables.Overdue), OldestDueOn: optStr(e.Receivables.OldestDueOn.String()), CreditLimit: mp(e.Limit),
			CreditAvailable: mp(e.Available), LifetimeRevenue: m(sum.LifetimeRevenue), OpenOrders: sum.OpenOrders, OrdersOnHold: sum.OnHold,
			GrossMargin: mp(sum.GrossMargin), GrossMarginPct: decPtr(sum.GrossMarginPct), OpenCases: mapSlice(sum.OpenCases, caseJSON),
			Backorders: []BackorderJSON{}}
		for _, b := range sum.Activity.Backorders {
			out.Backorders = append(out.Backorders, BackorderJSON{OrderID: b.OrderID, OrderNumber: b.OrderNumber, SKU: b.SKU,
				Quantity: b.Quantity.String()})
		}
		if a := sum.Activity; !a.LastPaymentOn.IsZero() {
			out.LastPayment = &LastPaymentJSON{ReceivedOn: a.LastPaymentOn.String(), Amount: fmtMinor(a.LastPaymentAmount, a.LastPaymentIn), Currency: a.LastPaymentIn}
		}
		for _, q := range sum.OpenQuotes {
			out.OpenQuotes = append(out.OpenQuotes, OpenQuotesJSON{Currency: q.Currency, Count: q.Count, Total: fmtMinor(q.Total, q.Currency)})
		}
		return send(c, fiber.StatusOK, 0, out)
	}
}
