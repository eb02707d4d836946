package contract

import (
	"context"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/catalog"
)

// The subscription metrics: monthly recurring revenue (MRR) and how it
// moved, month by month.
//
// An account's MRR in a month is what its subscriptions bring a month on
// the month's last day (today for the month in progress; a month to come
// shows what is contracted): quantity × price per billing period ÷ the
// period's months, exact. Between one month and the next an account's
// change is new (from nothing), expansion (up), contraction (down) or
// churn (to nothing). Figures are exact; they are rounded to the
// currency's minor unit only where they are shown.

// SubscriptionFact is what the metrics need of a subscription.
type SubscriptionFact struct {
	AccountID     string
	StartDate     quotient.Date
	EndDate       quotient.Date
	Quantity      quotient.Quantity
	UnitPrice     decimal.Decimal
	BillingPeriod catalog.BillingPeriod
}

// MetricsStore reads the facts the metrics need.
type MetricsStore interface {
	// SubscriptionFacts lists the subscriptions in a currency, of
	// accounts and contracts within reach, that run on some day from
	// from to to.
	SubscriptionFacts(ctx context.Context, currency string, r quotient.Reach, from, to quotient.Date) ([]SubscriptionFact, error)
	// RenewalFacts counts, among contracts within reach in a currency,
	// the terms ending from from to to that a renewal extended, and the
	// contracts that ended then unrenewed.
	RenewalFacts(ctx context.Context, currency string, r quotient.Reach, from, to quotient.Date) (renewed, ended int, err error)
}

// MonthMetrics is one month's MRR and its movements.
type MonthMetrics struct {
	Month       string // YYYY-MM
	MRR         decimal.Decimal
	New         decimal.Decimal
	Expansion   decimal.Decimal
	Contraction decimal.Decimal // positive: what was lost
	Churn       decimal.Decimal // positive: what was lost
	Customers   int
}

// Metrics are the subscription metrics of the months from From to To.
type Metrics struct {
	From, To quotient.Date // the first day of the first month, the last of the last
	Currency string
	Months   []MonthMetrics
	// MRR is today's; ARR is twelve times it.
	MRR, ARR decimal.Decimal
	// StartMRR is the MRR the month before From; NRR and GRR compare
	// what the accounts that had it have at the end (nil: no MRR then).
	// GRR counts no account above its start.
	StartMRR       decimal.Decimal
	NRRPct, GRRPct *decimal.Decimal
	// Renewed of RenewalsDue terms ending in the period were renewed.
	Renewed, RenewalsDue int
	RenewalRatePct       *decimal.Decimal
}

func monthStart(d quotient.Date) quotient.Date { return quotient.NewDate(d.Year(), d.Month(), 1) }

func monthEnd(d quotient.Date) quotient.Date { return monthStart(d).AddDate(0, 1, 0).AddDays(-1) }

func pct(n, d decimal.Decimal) *decimal.Decimal {
	if d.IsZero() {
		return nil
	}
	v := n.Mul(decimal.NewFromInt(100)).DivRound(d, 2)
	return &v
}

// MaxMetricMonths is the most months one metrics report covers.
const MaxMetricMonths = 60

// Metrics computes the subscription metrics of the months from from's to
// to's (the last twelve months when both are zero) in a currency (USD
// when empty), over the contracts the actor may read: managers, finance
// and admins.
func (s *Service) Metrics(ctx context.Context, st MetricsStore, currency string, from, to quotient.Date) (Metrics, error) {
	a, err := quotient.RequireActor(ctx)
	if err != nil {
		return Metrics{}, err
	}
	if a.Role == quotient.RoleSalesRep {
		return Metrics{}, quotient.Errorf(quotient.Forbidden, "the subscription metrics are for managers, finance and admins; a rep sees their own contracts")
	}
	if currency == "" {
		currency = "USD"
	}
	today := s.today()
	p := quotient.Problems{Code: quotient.Invalid}
	if _, ok := quotient.LookupCurrency(currency); !ok {
		p.Add("currency", "unknown currency %q", currency)
	}
	if to.IsZero() {
		to = today
	}
	if from.IsZero() {
		from = monthStart(to).AddDate(0, -11, 0)
	}
	from, to = monthStart(from), monthEnd(to)
	if from.After(to) {
		p.Add("from", "must be on or before to")
	} else if n := (to.Year()-from.Year())*12 + int(to.Month()-from.Month()) + 1; n > MaxMetricMonths {
		p.Add("to", "a report covers at most %d months, not %d", MaxMetricMonths, n)
	}
	if err := p.Err(); err != nil {
		return Metrics{}, err
	}
	r := a.Reach()
	before := from.AddDays(-1)
	first := before
	if today.Before(first) {
		first = today
	}
	last := to
	if today.After(last) {
		last = today
	}
	facts, err := st.SubscriptionFacts(ctx, currency, r, first, last)
	if err != nil {
		return Metrics{}, err
	}
	out := Metrics{From: from, To: to, Currency: currency}
	// on is every account's MRR on a day.
	on := func(day quotient.Date) map[string]decimal.Decimal {
		m := map[string]decimal.Decimal{}
		for _, f := range facts {
			if !day.Within(f.StartDate, f.EndDate) {
				continue
			}
			sub := Subscription{Quantity: f.Quantity, UnitPrice: f.UnitPrice, BillingPeriod: f.BillingPeriod}
			m[f.AccountID] = m[f.AccountID].Add(sub.MRR())
		}
		return m
	}
	sum := func(m map[string]decimal.Decimal) decimal.Decimal {
		t := decimal.Zero
		for _, v := range m {
			t = t.Add(v)
		}
		return t
	}
	at := func(d quotient.Date) quotient.Date { // a month's day of measure
		if e := monthEnd(d); monthStart(d) == monthStart(today) && today.Before(e) {
			return today
		}
		return monthEnd(d)
	}
	start := on(at(before))
	prev := start
	var cur map[string]decimal.Decimal
	for m := from; !m.After(to); m = m.AddDate(0, 1, 0) {
		cur = on(at(m))
		mm := MonthMetrics{Month: m.YearMonth(), MRR: sum(cur), New: decimal.Zero, Expansion: decimal.Zero, Contraction: decimal.Zero, Churn: decimal.Zero}
		ids := map[string]bool{}
		for id := range prev {
			ids[id] = true
		}
		for id := range cur {
			ids[id] = true
		}
		for id := range ids {
			was, now := prev[id], cur[id]
			switch {
			case was.IsZero() && now.IsPositive():
				mm.New = mm.New.Add(now)
			case was.IsPositive() && now.IsZero():
				mm.Churn = mm.Churn.Add(was)
			case now.GreaterThan(was):
				mm.Expansion = mm.Expansion.Add(now.Sub(was))
			case now.LessThan(was):
				mm.Contraction = mm.Contraction.Add(was.Sub(now))
			}
			if now.IsPositive() {
				mm.Customers++
			}
		}
		out.Months = append(out.Months, mm)
		prev = cur
	}
	out.MRR = sum(on(today))
	out.ARR = out.MRR.Mul(decimal.NewFromInt(12))
	out.StartMRR = sum(start)
	kept, gross := decimal.Zero, decimal.Zero
	for id, was := range start {
		now := cur[id]
		kept = kept.Add(now)
		gross = gross.Add(decimal.Min(now, was))
	}
	out.NRRPct, out.GRRPct = pct(kept, out.StartMRR), pct(gross, out.StartMRR)
	renewed, ended, err := st.RenewalFacts(ctx, currency, r, from, to)
	if err != nil {
		return Metrics{}, err
	}
	out.Renewed, out.RenewalsDue = renewed, renewed+ended
	out.RenewalRatePct = pct(decimal.NewFromInt(int64(renewed)), decimal.NewFromInt(int64(renewed+ended)))
	return out, nil
}
