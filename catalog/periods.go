package catalog

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
)

// Span is one billing period of a subscription, or the part of one that
// the subscription covers: Days of the PeriodDays of the full period it
// lies in.
type Span struct {
	Start, End quotient.Date
	Days       int
	PeriodDays int
}

// Partial reports whether the span covers less than its full period.
func (s Span) Partial() bool { return s.Days < s.PeriodDays }

// AddMonths is d moved by n calendar months, on the same day of the month
// or the month's last day when it has fewer (31 January + 1 = 28 or 29
// February).
func AddMonths(d quotient.Date, n int) quotient.Date {
	t := d.Time()
	first := time.Date(t.Year(), t.Month()+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return quotient.NewDate(first.Year(), first.Month(), min(t.Day(), last))
}

// TermEnd is the last day of a term of months starting on start.
func TermEnd(start quotient.Date, months int) quotient.Date {
	return AddMonths(start, months).AddDays(-1)
}

// firstOfMonth is the first day of d's month.
func firstOfMonth(d quotient.Date) quotient.Date { return quotient.NewDate(d.Year(), d.Month(), 1) }

// Anchor is the day a subscription starting on start is billed from:
// billing follows calendar months, so a start on the 1st is its own
// anchor and any other start is anchored on the 1st of the next month
// (the days before it are a partial first period).
func Anchor(start quotient.Date) quotient.Date {
	if start.Day() == 1 {
		return start
	}
	return AddMonths(firstOfMonth(start), 1)
}

// MaxSpans bounds a schedule: ten years of months.
const MaxSpans = 130

// Spans are the billing periods of frequency that cover start to end
// (both included) for a subscription billed from Anchor(start): see
// SpansFrom.
func Spans(start, end quotient.Date, frequency BillingPeriod) ([]Span, error) {
	return SpansFrom(Anchor(start), start, end, frequency)
}

// SpansFrom are the billing periods of frequency that cover start to end
// (both included) when periods begin on anchor and every frequency months
// before and after it: the first is cut at start and measured against
// the full period it lies in (a partial first period), the last cut at
// end likewise. A contract's later subscriptions (an amendment's seats)
// keep its anchor, so they are billed with it.
func SpansFrom(anchor, start, end quotient.Date, frequency BillingPeriod) ([]Span, error) {
	f := frequency.Months()
	if f == 0 {
		return nil, fmt.Errorf("catalog: unknown billing frequency %q", frequency)
	}
	if end.Before(start) || anchor.IsZero() {
		return nil, nil
	}
	p := anchor
	for i := 0; p.After(start); i++ {
		if i > 12*MaxSpans {
			return nil, fmt.Errorf("catalog: anchor %s is too far after %s", anchor, start)
		}
		p = AddMonths(anchor, -f*(i+1))
	}
	for i := 0; !AddMonths(p, f).After(start); i++ {
		if i > 12*MaxSpans {
			return nil, fmt.Errorf("catalog: anchor %s is too far before %s", anchor, start)
		}
		p = AddMonths(p, f)
	}
	var out []Span
	for !p.After(end) {
		if len(out) >= MaxSpans {
			return nil, fmt.Errorf("catalog: a schedule of more than %d periods", MaxSpans)
		}
		next := AddMonths(p, f)
		from, stop := p, next.AddDays(-1)
		if from.Before(start) {
			from = start
		}
		if end.Before(stop) {
			stop = end
		}
		out = append(out, Span{Start: from, End: stop, Days: stop.DaysSince(from) + 1, PeriodDays: next.DaysSince(p)})
		p = next
	}
	return out, nil
}

// SpanOf is the billing period of frequency that holds day for a
// subscription that starts on start and ends on end, clipped to them.
func SpanOf(start, end, day quotient.Date, frequency BillingPeriod) (Span, bool) {
	spans, err := Spans(start, end, frequency)
	if err != nil {
		return Span{}, false
	}
	for _, s := range spans {
		if day.Within(s.Start, s.End) {
			return s, true
		}
	}
	return Span{}, false
}

// Charge is what a span of a subscription costs: unit price (per billing
// period of the product) × quantity × the frequency's months over the
// period's months × the span's days over its period's days, rounded half
// up to the currency's minor units. It is the only rounding of a
// recurring charge.
func Charge(c quotient.Currency, unit, quantity decimal.Decimal, period, frequency BillingPeriod, s Span) int64 {
	num := unit.Mul(quantity).Mul(decimal.NewFromInt(int64(frequency.Months() * s.Days)))
	den := decimal.NewFromInt(int64(period.Months() * s.PeriodDays))
	if den.IsZero() {
		return 0
	}
	minor, _ := c.ToMinor(num.DivRound(den, c.MinorUnits))
	return minor
}
