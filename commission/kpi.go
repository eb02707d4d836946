package commission

import (
	"context"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/ledger"
)

// KPIFacts are the sales facts between two dates in a currency, in minor
// units where they are money.
type KPIFacts struct {
	OrdersNet       int64   // orders booked, total less tax (not cancelled)
	OrdersSubtotal  int64   // their list value before discounts
	OrdersDiscount  int64   // their discounts
	QuotesCreated   int     // quotes made in the period
	QuotesConverted int     // of those, quotes that became orders
	SecondsToAccept []int64 // per order booked: seconds from its quote's creation
	Won, Lost       int     // opportunities closed in the period
	InvoicedTotal   int64   // invoices issued, with tax (credit sales)
	Customers       int     // accounts invoiced up to the end
	NewCustomers    int     // accounts whose first invoice is in the period
}

// KPIStore is what the KPIs need.
type KPIStore interface {
	ledger.Store
	KPIFacts(ctx context.Context, currency string, from, to quotient.Date) (KPIFacts, error)
}

// KPIs are the headline figures of a period.
type KPIs struct {
	From, To            quotient.Date
	Currency            string
	Facts               KPIFacts
	Bookings            int64
	WinRatePct          *decimal.Decimal
	AverageDiscountPct  *decimal.Decimal
	QuoteToOrderPct     *decimal.Decimal
	AverageDaysToAccept *decimal.Decimal
	ARBalance           int64
	DSO                 *decimal.Decimal
	GrossProfit         int64 // revenue less discounts less cost of goods, all time to To
	CLV                 *decimal.Decimal
	SalesCost           int64 // commission expense in the period
	CAC                 *decimal.Decimal
}

func pct(num, den int64) *decimal.Decimal {
	if den == 0 {
		return nil
	}
	d := decimal.NewFromInt(num).Mul(decimal.NewFromInt(100)).Div(decimal.NewFromInt(den)).Round(1)
	return &d
}

// net is an account class's balance from the ledger: debits less credits
// (revenue comes out negative).
func net(bals []ledger.Balance, match func(code string) bool) int64 {
	var n int64
	for _, b := range bals {
		if match(b.AccountCode) {
			n += b.Debit - b.Credit
		}
	}
	return n
}

// KPIReport works out the KPIs of a period (managers, finance, admins);
// README defines each and where its inputs come from.
func (s *Service) KPIReport(ctx context.Context, st KPIStore, currency string, from, to quotient.Date) (KPIs, error) {
	a, err := quotient.RequireActor(ctx)
	if err != nil {
		return KPIs{}, err
	}
	if a.Role == quotient.RoleSalesRep {
		return KPIs{}, quotient.Errorf(quotient.Forbidden, "the KPIs are for managers, finance and admins; see /users/{id}/performance")
	}
	if currency == "" {
		currency = "USD"
	}
	p := quotient.Problems{Code: quotient.Invalid}
	c, ok := quotient.LookupCurrency(currency)
	if !ok {
		p.Add("currency", "unknown currency %q", currency)
	}
	if to.IsZero() {
		to = quotient.DateOf(s.now())
	}
	if from.IsZero() {
		from = to.AddDate(0, -1, 1)
	}
	if from.After(to) {
		p.Add("from", "must be on or before to")
	}
	if err := p.Err(); err != nil {
		return KPIs{}, err
	}
	out := KPIs{From: from, To: to, Currency: currency}
	if out.Facts, err = st.KPIFacts(ctx, currency, from, to); err != nil {
		return KPIs{}, err
	}
	f := out.Facts
	out.Bookings = f.OrdersNet
	out.WinRatePct = pct(int64(f.Won), int64(f.Won+f.Lost))
	out.AverageDiscountPct = pct(f.OrdersDiscount, f.OrdersSubtotal)
	out.QuoteToOrderPct = pct(int64(f.QuotesConverted), int64(f.QuotesCreated))
	if n := len(f.SecondsToAccept); n > 0 {
		var sum int64
		for _, d := range f.SecondsToAccept {
			sum += d
		}
		avg := decimal.NewFromInt(sum).Div(decimal.NewFromInt(int64(n) * 86400)).Round(1)
		out.AverageDaysToAccept = &avg
	}
	atEnd, err := st.Balances(ctx, to, currency)
	if err != nil {
		return KPIs{}, err
	}
	before, err := st.Balances(ctx, from.AddDays(-1), currency)
	if err != nil {
		return KPIs{}, err
	}
	is := func(codes ...string) func(string) bool {
		return func(code string) bool {
			for _, c := range codes {
				if code == c {
					return true
				}
			}
			return false
		}
	}
	revenue := func(code string) bool { return code >= "4000" && code < "5000" } // 4000-4400 revenue, 4900 discounts
	out.ARBalance = net(atEnd, is(ledger.AccountsReceivable))
	days := int64(to.DaysSince(from)) + 1
	if f.InvoicedTotal > 0 {
		dso := decimal.NewFromInt(out.ARBalance).Mul(decimal.NewFromInt(days)).Div(decimal.NewFromInt(f.InvoicedTotal)).Round(1)
		out.DSO = &dso
	}
	out.GrossProfit = -net(atEnd, revenue) - net(atEnd, is(ledger.CostOfGoodsSold))
	if f.Customers > 0 {
		clv := c.Round(c.FromMinor(out.GrossProfit).Div(decimal.NewFromInt(int64(f.Customers))))
		out.CLV = &clv
	}
	out.SalesCost = net(atEnd, is(ledger.CommissionExpense)) - net(before, is(ledger.CommissionExpense))
	if f.NewCustomers > 0 {
		cac := c.Round(c.FromMinor(out.SalesCost).Div(decimal.NewFromInt(int64(f.NewCustomers))))
		out.CAC = &cac
	}
	return out, nil
}
