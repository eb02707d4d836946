package server

import (
	"context"
	"sort"

	"github.com/gofiber/fiber/v2"
	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient/billing"
	"github.com/quotient-cpq/quotient/crm"
	"github.com/quotient-cpq/quotient/inventory"
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

type accountSummary struct {
	acc      crm.Account
	exp      billing.Exposure
	quotes   map[string][2]int64
	open     int
	held     int
	revenue  int64
	activity billing.Activity
	cases    []crm.Case
}

func (s *Server) accountSummary() fiber.Handler {
	return func(c *fiber.Ctx) error {
		sum, err := read(s, c, func(ctx context.Context, tx Tx) (accountSummary, error) {
			acc, err := s.crm.GetAccount(ctx, tx, c.Params("id"))
			if err != nil {
				return accountSummary{}, err
			}
			out := accountSummary{acc: acc}
			if out.exp, err = s.billing.AccountExposure(ctx, tx, acc, true); err != nil {
				return out, err
			}
			if out.quotes, err = tx.OpenQuotes(ctx, acc.ID); err != nil {
				return out, err
			}
			if out.revenue, err = tx.LifetimeRevenue(ctx, acc.ID, acc.Currency); err != nil {
				return out, err
			}
			if out.activity, err = tx.AccountActivity(ctx, acc.ID, s.billing.CostCurrency); err != nil {
				return out, err
			}
			for _, st := range []string{crm.CaseOpen, crm.CasePending} {
				cs, err := tx.ListCases(ctx, crm.CaseFilter{AccountID: acc.ID, Status: st, Limit: 50})
				if err != nil {
					return out, err
				}
				out.cases = append(out.cases, cs...)
			}
			out.open, out.held, err = tx.OpenOrderCounts(ctx, acc.ID)
			return out, err
		})
		if err != nil {
			return err
		}
		e, cur := sum.exp, sum.exp.Currency
		m := func(n int64) string { return fmtMinor(n, cur) }
		mp := func(n *int64) *string {
			if n == nil {
				return nil
			}
			v := m(*n)
			return &v
		}
		out := AccountSummaryJSON{AccountID: sum.acc.ID, Name: sum.acc.Name, Currency: cur, OpenQuotes: []OpenQuotesJSON{},
			Uninvoiced: m(e.Uninvoiced), ARBalance: m(e.Balance), OpenInvoices: m(e.Receivables.Open), UnappliedCredit: m(e.Receivables.Credits),
			OverdueBalance: m(e.Receivables.Overdue), OldestDueOn: optStr(e.Receivables.OldestDueOn), CreditLimit: mp(e.Limit),
			CreditAvailable: mp(e.Available), LifetimeRevenue: m(sum.revenue),
			OpenOrders: sum.open, OrdersOnHold: sum.held}
		out.OpenCases = mapSlice(sum.cases, caseJSON)
		if out.OpenCases == nil {
			out.OpenCases = []CaseJSON{}
		}
		out.Backorders = []BackorderJSON{}
		for _, b := range sum.activity.Backorders {
			out.Backorders = append(out.Backorders, BackorderJSON{OrderID: b.OrderID, OrderNumber: b.OrderNumber, SKU: b.SKU,
				Quantity: inventory.FromMicro(b.Micro).String()})
		}
		if a := sum.activity; a.LastPaymentOn != "" {
			out.LastPayment = &LastPaymentJSON{ReceivedOn: a.LastPaymentOn, Amount: fmtMinor(a.LastPaymentAmount, a.LastPaymentIn), Currency: a.LastPaymentIn}
		}
		if cur == s.billing.CostCurrency {
			gm := sum.revenue - sum.activity.CostOfGoods
			out.GrossMargin = optStr(m(gm))
			if sum.revenue > 0 {
				out.GrossMarginPct = optStr(decimal.NewFromInt(gm).Mul(decimal.NewFromInt(100)).Div(decimal.NewFromInt(sum.revenue)).Round(1).String())
			}
		}
		for cur, q := range sum.quotes {
			out.OpenQuotes = append(out.OpenQuotes, OpenQuotesJSON{Currency: cur, Count: q[0], Total: fmtMinor(q[1], cur)})
		}
		sort.Slice(out.OpenQuotes, func(i, j int) bool { return out.OpenQuotes[i].Currency < out.OpenQuotes[j].Currency })
		return send(c, fiber.StatusOK, 0, out)
	}
}
