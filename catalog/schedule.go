package catalog

import (
	"fmt"
	"sort"
	"time"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
)

// ScheduleType says how a volume discount applies across tiers.
type ScheduleType string

// The schedule types.
const (
	// Range: every unit gets the discount of the tier containing the
	// line's quantity.
	Range ScheduleType = "range"
	// Slab: each unit gets the discount of the tier its own position falls
	// in, like tax brackets.
	Slab ScheduleType = "slab"
)

// Tier is [From, To) with a discount; the last tier has no To.
type Tier struct {
	From        decimal.Decimal
	To          *decimal.Decimal
	DiscountPct decimal.Decimal
}

// Schedule is a volume discount for some products or a family.
type Schedule struct {
	ID         string
	Name       string
	Type       ScheduleType
	Tiers      []Tier
	ProductIDs []string
	Family     string
	Active     bool
	Version    int
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

var hundred = decimal.NewFromInt(100)

// ValidateSchedule checks a schedule: tiers sorted, contiguous, not
// overlapping, the last one open-ended, discounts between 0 and 100; a
// product list or a family to apply to.
func ValidateSchedule(s Schedule) error {
	p := quotient.Problems{}
	p.Text("name", s.Name, quotient.Required, 200)
	p.OneOf("type", string(s.Type), "range", "slab")
	if len(s.ProductIDs) == 0 && s.Family == "" {
		p.Add("product_ids", "give product_ids or a family the schedule applies to")
	}
	if len(s.ProductIDs) > 0 && s.Family != "" {
		p.Add("family", "give either product_ids or a family, not both")
	}
	if s.Family != "" {
		p.MachineCode("family", s.Family)
	}
	if len(s.Tiers) == 0 {
		p.Add("tiers", "at least one tier is required")
	}
	if len(s.Tiers) > 100 {
		p.Add("tiers", "at most 100 tiers")
	}
	for i, t := range s.Tiers {
		f := fmt.Sprintf("tiers[%d]", i)
		if t.From.IsNegative() {
			p.Add(f+".from", "must not be negative")
		}
		p.Scale(f+".from", t.From, 6)
		if t.DiscountPct.IsNegative() || t.DiscountPct.GreaterThan(hundred) {
			p.Add(f+".discount_pct", "must be between 0 and 100")
		}
		p.Scale(f+".discount_pct", t.DiscountPct, 6)
		last := i == len(s.Tiers)-1
		switch {
		case last && t.To != nil:
			p.Add(f+".to", "the last tier is open-ended: leave to out")
		case !last && t.To == nil:
			p.Add(f+".to", "only the last tier may be open-ended")
		case t.To != nil && !t.To.GreaterThan(t.From):
			p.Add(f+".to", "must be greater than from (%s)", t.From)
		}
		if i > 0 && s.Tiers[i-1].To != nil && !s.Tiers[i-1].To.Equal(t.From) {
			if s.Tiers[i-1].To.GreaterThan(t.From) {
				p.Add(f+".from", "overlaps the tier before, which ends at %s", s.Tiers[i-1].To)
			} else {
				p.Add(f+".from", "leaves a gap after the tier before, which ends at %s", s.Tiers[i-1].To)
			}
		}
	}
	return p.Err()
}

// Discount returns the effective discount percent of a quantity under the
// schedule, and the tiers it used with the quantity in each. Quantities
// below the first tier get no discount.
func (s Schedule) Discount(qty decimal.Decimal) (decimal.Decimal, []TierUse) {
	if len(s.Tiers) == 0 || !qty.IsPositive() {
		return decimal.Zero, nil
	}
	if s.Type == Range {
		for i, t := range s.Tiers {
			if qty.GreaterThanOrEqual(t.From) && (t.To == nil || qty.LessThan(*t.To)) {
				return t.DiscountPct, []TierUse{{Index: i, Quantity: qty, DiscountPct: t.DiscountPct}}
			}
		}
		return decimal.Zero, nil
	}
	// Slab: unit positions run from the first tier's from; the part of the
	// quantity inside each tier gets that tier's discount.
	origin := s.Tiers[0].From
	var uses []TierUse
	weighted := decimal.Zero
	for i, t := range s.Tiers {
		lo := t.From.Sub(origin)
		hi := qty
		if t.To != nil {
			hi = decimal.Min(qty, t.To.Sub(origin))
		}
		if !hi.GreaterThan(lo) {
			continue
		}
		part := hi.Sub(lo)
		weighted = weighted.Add(part.Mul(t.DiscountPct))
		uses = append(uses, TierUse{Index: i, Quantity: part, DiscountPct: t.DiscountPct})
	}
	return weighted.DivRound(qty, 12), uses
}

// TierUse is how much of a quantity a tier priced.
type TierUse struct {
	Index       int
	Quantity    decimal.Decimal
	DiscountPct decimal.Decimal
}

// SortTiers orders tiers by from, for input given out of order.
func SortTiers(ts []Tier) {
	sort.SliceStable(ts, func(i, j int) bool { return ts[i].From.LessThan(ts[j].From) })
}
