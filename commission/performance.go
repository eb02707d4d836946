package commission

import (
	"context"
	"time"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/crm"
)

// OpenOpportunity is an open deal in a rep's pipeline.
type OpenOpportunity struct {
	Amount      decimal.Decimal
	Probability decimal.Decimal
}

// SalesFigures are a rep's results in a currency between two dates, in
// minor units: orders booked (net of tax), invoiced (net, less credit
// notes), money applied to their invoices; deals won and lost; the open
// pipeline.
type SalesFigures struct {
	Bookings int64
	Invoiced int64
	Paid     int64
	Won      int
	Lost     int
	Pipeline []OpenOpportunity
}

// PerformanceStore is what performance needs.
type PerformanceStore interface {
	StatementStore
	GetUser(ctx context.Context, id string) (crm.User, error)
	SalesFigures(ctx context.Context, userID, currency string, from, to quotient.Date) (SalesFigures, error)
}

// Performance is a rep's month: quota and attainment, what they booked,
// invoiced and collected, their commission, pipeline and win rate.
type Performance struct {
	UserID           string
	Period           string
	Currency         string
	Quota            decimal.Decimal // for the month
	Figures          SalesFigures
	AttainmentPct    *decimal.Decimal // bookings over quota; nil without a quota
	Commission       Total
	Pipeline         decimal.Decimal
	WeightedPipeline decimal.Decimal
	WinRatePct       *decimal.Decimal // won over closed; nil when nothing closed
}

// UserPerformance works out a user's month (the user, their manager,
// finance, admins) in a currency (USD when empty). The quota is the
// user's, spread evenly over the months of its period.
func (s *Service) UserPerformance(ctx context.Context, st PerformanceStore, userID, period, currency string) (Performance, error) {
	a, err := quotient.RequireActor(ctx)
	if err != nil {
		return Performance{}, err
	}
	if err := checkPeriod(period); err != nil {
		return Performance{}, err
	}
	if currency == "" {
		currency = "USD"
	}
	c, ok := quotient.LookupCurrency(currency)
	if !ok {
		return Performance{}, quotient.FieldErrorf(quotient.Invalid, "currency", "unknown currency %q", currency)
	}
	u, err := st.GetUser(ctx, userID)
	if err != nil {
		return Performance{}, err
	}
	if !mayRead(a, userID) {
		return Performance{}, quotient.Errorf(quotient.Forbidden, "you may see your own performance (and a manager their team's)")
	}
	month, _ := time.Parse("2006-01", period)
	start := quotient.DateOf(month)
	end := start.AddDate(0, 1, -1)
	out := Performance{UserID: userID, Period: period, Currency: currency, Quota: u.Quota}
	switch u.QuotaPeriod {
	case "quarter":
		out.Quota = c.Round(u.Quota.Div(decimal.NewFromInt(3)))
	case "year":
		out.Quota = c.Round(u.Quota.Div(decimal.NewFromInt(12)))
	}
	if out.Figures, err = st.SalesFigures(ctx, userID, currency, start, end); err != nil {
		return Performance{}, err
	}
	if out.Quota.IsPositive() {
		att := c.FromMinor(out.Figures.Bookings).Div(out.Quota).Mul(decimal.NewFromInt(100)).Round(1)
		out.AttainmentPct = &att
	}
	stmt, err := s.UserStatement(ctx, st, userID, period)
	if err != nil {
		return Performance{}, err
	}
	out.Commission = Total{Currency: currency}
	for _, t := range stmt.Totals {
		if t.Currency == currency {
			out.Commission = t
		}
	}
	out.Pipeline, out.WeightedPipeline = decimal.Zero, decimal.Zero
	for _, o := range out.Figures.Pipeline {
		out.Pipeline = out.Pipeline.Add(o.Amount)
		out.WeightedPipeline = out.WeightedPipeline.Add(o.Amount.Mul(o.Probability).Div(decimal.NewFromInt(100)))
	}
	out.WeightedPipeline = c.Round(out.WeightedPipeline)
	if closed := out.Figures.Won + out.Figures.Lost; closed > 0 {
		wr := decimal.NewFromInt(int64(out.Figures.Won)).Mul(decimal.NewFromInt(100)).Div(decimal.NewFromInt(int64(closed))).Round(1)
		out.WinRatePct = &wr
	}
	return out, nil
}
