package commission

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/billing"
	"github.com/quotient-cpq/quotient/crm"
	"github.com/quotient-cpq/quotient/rules"
)

// Rating and attainment live here once: accrual (as events happen) and
// recalculation (replaying a month) both rate every line with rate, over
// the facts of facts, counting attainment with tally.

// rating is what a plan decides for a line: its rate, the rule that
// decided it, and whether an exclusion took the line out (no commission,
// and its basis does not count toward quota).
type rating struct {
	pct      decimal.Decimal
	rule     string
	excluded bool
}

// rate decides a line's rate under a plan: nothing when an exclusion
// matches, the first matching rule's rate, or the base rate.
func rate(p Plan, env Env) (rating, error) {
	for i, x := range p.Exclusions {
		prog, err := cacheGet(p, "x", i, x.Condition)
		if err != nil {
			return rating{}, err
		}
		if ok, err := prog.Bool(env); err != nil {
			return rating{}, fmt.Errorf("commission: plan %s exclusion %q: %w", p.Name, x.Name, err)
		} else if ok {
			return rating{pct: decimal.Zero, rule: fmt.Sprintf("excluded by %q", x.Name), excluded: true}, nil
		}
	}
	for i, r := range p.Rules {
		prog, err := cacheGet(p, "r", i, r.Condition)
		if err != nil {
			return rating{}, err
		}
		if ok, err := prog.Bool(env); err != nil {
			return rating{}, fmt.Errorf("commission: plan %s rule %q: %w", p.Name, r.Name, err)
		} else if ok {
			return rating{pct: r.RatePct, rule: fmt.Sprintf("rule %q", r.Name)}, nil
		}
	}
	return rating{pct: p.BaseRatePct, rule: "base rate"}, nil
}

var programs = &rules.Cache{}

func cacheGet(p Plan, kind string, i int, src string) (*rules.Program, error) {
	return programs.Get(fmt.Sprintf("%s/%s%d", p.ID, kind, i), p.Version, src, Env{}, rules.Bool)
}

// tally is what a rep has booked toward quota in a month so far: the basis
// of their lines in the quota's currency that no exclusion took out
// (clawbacks count, negative). Accrual starts it from the stored lines
// (Booked); recalculation from zero at the month's start, counting every
// line as it replays them.
type tally struct {
	asg    Assignment
	booked int64 // minor units of asg.Currency
}

// count adds a line (as it is stored, or as it is about to be) to the tally.
func (t *tally) count(basis int64, currency string, excluded bool) {
	if !excluded && currency == t.asg.Currency {
		t.booked += basis
	}
}

// attainment is booked as a percentage of the quota (0 without one).
func (t tally) attainment() decimal.Decimal {
	qc, _ := quotient.LookupCurrency(t.asg.Currency)
	if !t.asg.Quota.IsPositive() {
		return decimal.Zero
	}
	return qc.FromMinor(t.booked).Div(t.asg.Quota).Mul(decimal.NewFromInt(100)).Round(2)
}

// facts is what a plan's rules see of an invoice line, its account and
// the rep (with attainment before this line).
func facts(il billing.InvoiceLine, currency string, acc crm.Account, userID string, share decimal.Decimal, t tally) Env {
	c, _ := quotient.LookupCurrency(currency)
	qc, _ := quotient.LookupCurrency(t.asg.Currency)
	return Env{Line: LineFacts{SKU: il.SKU, ProductID: il.ProductID, Family: il.Family, Quantity: il.Quantity.Decimal(),
		UnitPrice: il.UnitPrice, Net: c.FromMinor(il.Net), Currency: currency},
		Account: AccountFacts{Name: acc.Name, Segment: acc.Segment, Industry: acc.Industry, TaxRegion: acc.TaxRegion, Currency: acc.Currency},
		Rep:     RepFacts{UserID: userID, Quota: t.asg.Quota, Booked: qc.FromMinor(t.booked), AttainmentPct: t.attainment(), SharePct: share}}
}

// pctOf is pct % of an amount in minor units, rounded to the currency.
func pctOf(c quotient.Currency, amount int64, pct decimal.Decimal) int64 {
	return c.RoundMinor(c.FromMinor(amount).Mul(pct).Div(decimal.NewFromInt(100)))
}
