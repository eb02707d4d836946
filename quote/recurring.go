package quote

import (
	"context"
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/catalog"
	"github.com/quotient-cpq/quotient/pricing"
)

// DefaultTermMonths is the term of a recurring line whose product names
// none.
const DefaultTermMonths = 12

// recurringTerms fills in and checks the terms of v's lines, which are
// priced: a line of a recurring product starts on StartDate (the pricing
// date unless given), runs TermMonths (the product's default term, else
// 12) or to EndDate, and is invoiced every BillingFrequency (the
// product's billing period unless given). A one-time line has no terms.
func recurringTerms(ctx context.Context, st Store, q Quote, v *Version) error {
	p := quotient.Problems{}
	products := map[string]catalog.Product{}
	var effective, contractEnd quotient.Date
	for _, l := range v.Lines {
		if q.Kind == Amendment && !l.EndDate.IsZero() {
			effective, contractEnd = l.StartDate, l.EndDate
			break
		}
	}
	for i := range v.Lines {
		l := &v.Lines[i]
		f := fmt.Sprintf("lines[%d]", i)
		pr, ok := products[l.ProductID]
		if !ok {
			var err error
			if pr, err = st.GetProduct(ctx, l.ProductID); err != nil {
				return err
			}
			products[l.ProductID] = pr
		}
		if !pr.IsRecurring() {
			if !l.StartDate.IsZero() || !l.EndDate.IsZero() || l.TermMonths != 0 || l.BillingFrequency != "" {
				p.Add(f+".start_date", "start_date, end_date, term_months and billing_frequency apply to recurring products only (%s is sold once)", pr.SKU)
			}
			if !l.PriorQuantity.IsZero() || l.ContractPrice != nil {
				p.Add(f+".prior_quantity", "a one-time product is not on a contract")
			}
			continue
		}
		if q.Kind == Amendment && l.EndDate.IsZero() {
			l.StartDate, l.EndDate = effective, contractEnd
		}
		if l.StartDate.IsZero() {
			l.StartDate = v.PricingDate
		}
		if l.BillingFrequency == "" {
			l.BillingFrequency = pr.BillingPeriod
		}
		if l.BillingFrequency.Months() == 0 {
			p.Add(f+".billing_frequency", "must be one of month, quarter, year (got %q)", l.BillingFrequency)
		}
		if l.PriorQuantity.IsNegative() || (!l.PriorQuantity.IsZero() && q.Kind != Amendment) {
			p.Add(f+".prior_quantity", "only an amendment's lines carry what the contract has")
		}
		switch {
		case q.Kind == Amendment:
			// co-terminated: the contract's end, set when the amendment was made
			if l.EndDate.IsZero() || l.EndDate.Before(l.StartDate) {
				p.Add(f+".start_date", "an amendment's line must start on or before the contract's end (%s)", l.EndDate)
			}
			l.TermMonths = 0
		case l.TermMonths == 0 && !l.EndDate.IsZero():
			n, ok := wholeMonths(l.StartDate, l.EndDate)
			if !ok {
				p.Add(f+".end_date", "must end a whole number of months after start_date (the day before the same day of a later month), or give term_months")
				continue
			}
			l.TermMonths = n
		case l.TermMonths == 0:
			l.TermMonths = pr.DefaultTermMonths
			if l.TermMonths == 0 {
				l.TermMonths = DefaultTermMonths
			}
		}
		if q.Kind != Amendment {
			if l.TermMonths < 1 || l.TermMonths > 120 {
				p.Add(f+".term_months", "must be between 1 and 120 months")
				continue
			}
			end := catalog.TermEnd(l.StartDate, l.TermMonths)
			if !l.EndDate.IsZero() && l.EndDate != end {
				p.Add(f+".end_date", "a term of %d months from %s ends on %s; give one of term_months and end_date", l.TermMonths, l.StartDate, end)
			}
			l.EndDate = end
		}
	}
	return p.Err()
}

// wholeMonths is how many months a term from start to end (included) is,
// when it is a whole number of them.
func wholeMonths(start, end quotient.Date) (int, bool) {
	for n := 1; n <= 120; n++ {
		if e := catalog.TermEnd(start, n); e == end {
			return n, true
		} else if e.After(end) {
			break
		}
	}
	return 0, false
}

// UnitPrice is a recurring line's price per unit and billing period of
// its product, as its subscription keeps it: the line's net amount (after
// every discount, the header's share included) over its quantity, to ten
// decimals.
func UnitPrice(net, quantity decimal.Decimal) decimal.Decimal {
	if quantity.IsZero() {
		return decimal.Zero
	}
	return net.DivRound(quantity, 10)
}

// LineValue is what a line of a quote is worth over time. Amounts are in
// the quote's currency, rounded to it.
type LineValue struct {
	Recurring bool
	// PerPeriod is the net price of one billing period of the product
	// (for the line's whole quantity): the priced net amount.
	PerPeriod decimal.Decimal
	// MRR is the line's monthly recurring revenue; MRRChange what an
	// amendment's line changes of the contract's.
	MRR       decimal.Decimal
	MRRChange decimal.Decimal
	// TCV is what the line charges over its term, period by period as
	// the invoices will (partial periods prorated by days); an
	// amendment's line counts what it adds (or, negative, removes) to
	// the contract's end. FirstYear is the part of it in the first
	// twelve months. A one-time line's TCV and FirstYear are its net.
	TCV       decimal.Decimal
	FirstYear decimal.Decimal
}

// Value is a quote version's worth over time: its recurring revenue, its
// total contract value (recurring and one-time), the annual contract
// value, and the first year's value.
type Value struct {
	Recurring bool
	MRR       decimal.Decimal
	ARR       decimal.Decimal
	MRRChange decimal.Decimal
	TCV       decimal.Decimal
	ACV       decimal.Decimal
	FirstYear decimal.Decimal
	OneTime   decimal.Decimal
	Lines     []LineValue
}

// Worth computes a version's value from its lines and their pricing; an
// amendment's fewer seats count from the next period not invoiced, or
// from their line's start where q credits reductions.
func Worth(q Quote, v Version) Value {
	out := Value{}
	if v.Priced == nil || len(v.Priced.Lines) != len(v.Lines) {
		return out
	}
	c, ok := quotient.LookupCurrency(v.Priced.Currency)
	if !ok {
		return out
	}
	out.Lines = make([]LineValue, len(v.Lines))
	acvSum := decimal.Zero
	for i, l := range v.Lines {
		pl := v.Priced.Lines[i]
		lv := LineValue{PerPeriod: pl.NetAmount, TCV: pl.NetAmount, FirstYear: pl.NetAmount}
		period := catalog.BillingPeriod(pl.BillingPeriod)
		if period.Months() == 0 || l.StartDate.IsZero() || l.BillingFrequency.Months() == 0 {
			out.OneTime = out.OneTime.Add(pl.NetAmount)
			acvSum = acvSum.Add(pl.NetAmount)
			out.Lines[i] = lv
			continue
		}
		lv.Recurring, out.Recurring = true, true
		unit := UnitPrice(pl.NetAmount, l.Quantity)
		months := decimal.NewFromInt(int64(period.Months()))
		lv.MRR = c.Round(pl.NetAmount.Div(months))
		delta := l.Quantity.Sub(l.PriorQuantity)
		lv.MRRChange = c.Round(unit.Mul(delta).Div(months))
		from := l.StartDate
		qty := l.Quantity
		if l.PriorQuantity.IsPositive() {
			qty = delta.Abs()
			if delta.IsNegative() && !q.ReductionsCredited { // a reduction takes effect at the next period
				if s, ok := catalog.SpanOf(l.StartDate, l.EndDate, l.StartDate, l.BillingFrequency); ok {
					from = s.End.AddDays(1)
				}
			}
		}
		tcv, first := charges(c, unit, qty, period, l.BillingFrequency, from, l.EndDate)
		if delta.IsNegative() {
			tcv, first = -tcv, -first
		}
		lv.TCV, lv.FirstYear = c.FromMinor(tcv), c.FromMinor(first)
		out.Lines[i] = lv
		out.MRR = out.MRR.Add(lv.MRR)
		out.MRRChange = out.MRRChange.Add(lv.MRRChange)
		term := l.TermMonths
		if term > 12 {
			acvSum = acvSum.Add(lv.TCV.Mul(decimal.NewFromInt(12)).Div(decimal.NewFromInt(int64(term))))
		} else {
			acvSum = acvSum.Add(lv.TCV)
		}
	}
	for _, lv := range out.Lines {
		out.TCV = out.TCV.Add(lv.TCV)
		out.FirstYear = out.FirstYear.Add(lv.FirstYear)
	}
	out.ARR = out.MRR.Mul(decimal.NewFromInt(12))
	out.ACV = c.Round(acvSum)
	return out
}

// charges is what quantity costs from from to to, period by period, in
// minor units: in all, and in the first twelve months from from.
func charges(c quotient.Currency, unit, quantity decimal.Decimal, period, frequency catalog.BillingPeriod, from, to quotient.Date) (all, first int64) {
	spans, err := catalog.Spans(from, to, frequency)
	if err != nil {
		return 0, 0
	}
	yearEnd := catalog.TermEnd(from, 12)
	for _, s := range spans {
		n := catalog.Charge(c, unit, quantity, period, frequency, s)
		all += n
		if !s.Start.After(yearEnd) {
			if s.End.After(yearEnd) { // the year ends inside the period
				part := s
				part.End, part.Days = yearEnd, yearEnd.DaysSince(s.Start)+1
				n = catalog.Charge(c, unit, quantity, period, frequency, part)
			}
			first += n
		}
	}
	return all, first
}

// lineInputs are a version's lines as the pricing engine takes them.
func lineInputs(v Version) []pricing.LineInput {
	lines := make([]pricing.LineInput, len(v.Lines))
	for i, l := range v.Lines {
		lines[i] = pricing.LineInput{ProductID: l.ProductID, Quantity: l.Quantity, Configuration: l.Configuration,
			ManualDiscountPct: l.ManualDiscountPct, ContractPrice: l.ContractPrice}
	}
	return lines
}

// carryContract keeps, on the lines that replace an amendment's or a
// renewal's, what the contract fixed and the rep does not enter: each
// product's prior quantity and contract price, and an amendment's dates
// (it starts on its effective date and ends with the contract).
func carryContract(q Quote, old, lines []Line) []Line {
	if q.Kind != Amendment && q.Kind != Renewal || len(old) == 0 {
		return lines
	}
	byProduct := map[string]Line{}
	for _, l := range old {
		if _, seen := byProduct[l.ProductID]; !seen {
			byProduct[l.ProductID] = l
		}
	}
	out := make([]Line, len(lines))
	for i, l := range lines {
		o, ok := byProduct[l.ProductID]
		if ok {
			l.PriorQuantity, l.ContractPrice = o.PriorQuantity, o.ContractPrice
		}
		if q.Kind == Amendment && ok {
			l.StartDate, l.EndDate = o.StartDate, o.EndDate
		}
		out[i] = l
	}
	return out
}
