package pricing

import (
	"fmt"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/catalog"
	"github.com/quotient-cpq/quotient/rules"
)

// benchRule is one rule of the benchmark rulebook, in both forms: as an
// expression for the engine and as Go for the hand-written baseline.
type benchRule struct {
	rule Rule
	// Go form of the condition and the action.
	match func(p catalog.Product, segment string, qty decimal.Decimal) bool
	apply func(unit decimal.Decimal) decimal.Decimal
}

var segments = []string{"enterprise", "mid_market", "smb", "public_sector"}

// benchRulebook is a realistic mix of 500 rules: 150 family promotions
// with quantity thresholds (up to 8 stack on a line), 150 product rules,
// 100 segment volume bands, 50 quantity bands that every line evaluates,
// and 50 formulas (a tenth).
func benchRulebook() []benchRule {
	var out []benchRule
	pct := func(v string) func(decimal.Decimal) decimal.Decimal {
		f := decimal.NewFromInt(1).Sub(d(v).Div(hundred))
		return func(u decimal.Decimal) decimal.Decimal { return u.Mul(f) }
	}
	for i := range 500 {
		name := fmt.Sprintf("rule-%03d", i)
		r := Rule{ID: "r" + name, Name: name, Priority: i % 50, Stackable: true, Active: true, Version: 1, Action: PercentDiscount}
		var br benchRule
		switch {
		case i < 150:
			fam, q := fmt.Sprintf("fam%02d", i%20), 1+i%30
			r.Condition = fmt.Sprintf("product.family == '%s' and line.quantity >= %d", fam, q)
			r.Value = d("1.5")
			qd := decimal.NewFromInt(int64(q))
			br = benchRule{match: func(p catalog.Product, _ string, qty decimal.Decimal) bool {
				return p.Family == fam && qty.GreaterThanOrEqual(qd)
			}, apply: pct("1.5")}
		case i < 300:
			sku := fmt.Sprintf("SKU-p%03d", i%200)
			r.Condition = fmt.Sprintf("product.sku == '%s'", sku)
			r.Action, r.Value = AmountDiscount, d("0.25")
			br = benchRule{match: func(p catalog.Product, _ string, _ decimal.Decimal) bool { return p.SKU == sku },
				apply: func(u decimal.Decimal) decimal.Decimal { return u.Sub(d("0.25")) }}
		case i < 400:
			// Segment volume bands: 25 per segment, each 4 units wide.
			seg, lo := segments[i%4], 4*((i-300)/4)
			hi := lo + 4
			r.Condition = fmt.Sprintf("account.segment == '%s' and line.quantity >= %d and line.quantity < %d", seg, lo, hi)
			r.Value = d("0.5")
			lod, hid := decimal.NewFromInt(int64(lo)), decimal.NewFromInt(int64(hi))
			br = benchRule{match: func(_ catalog.Product, s string, qty decimal.Decimal) bool {
				return s == seg && qty.GreaterThanOrEqual(lod) && qty.LessThan(hid)
			}, apply: pct("0.5")}
		case i < 450:
			// Quantity bands for every product: each 2 units wide.
			lo := 2 * (i - 400)
			hi := lo + 2
			r.Condition = fmt.Sprintf("line.quantity >= %d and line.quantity < %d", lo, hi)
			r.Value = d("0.25")
			lod, hid := decimal.NewFromInt(int64(lo)), decimal.NewFromInt(int64(hi))
			br = benchRule{match: func(_ catalog.Product, _ string, qty decimal.Decimal) bool {
				return qty.GreaterThanOrEqual(lod) && qty.LessThan(hid)
			}, apply: pct("0.25")}
		default:
			fam := fmt.Sprintf("fam%02d", i%20)
			r.Condition = fmt.Sprintf("product.family == '%s'", fam)
			r.Action, r.Formula = Formula, "line.unit_price * 0.995"
			f := d("0.995")
			br = benchRule{match: func(p catalog.Product, _ string, _ decimal.Decimal) bool { return p.Family == fam },
				apply: func(u decimal.Decimal) decimal.Decimal { return u.Mul(f) }}
		}
		br.rule = r
		out = append(out, br)
	}
	return out
}

func benchFixture() (*fixture, []LineInput, []benchRule) {
	f := newFixture("USD")
	for i := range 200 {
		f.product(fmt.Sprintf("p%03d", i), fmt.Sprintf("fam%02d", i%20), fmt.Sprintf("%d.99", 10+i*7), "5")
	}
	brs := benchRulebook()
	for _, br := range brs {
		f.rules = append(f.rules, br.rule)
	}
	f.taxes = []TaxRate{{ID: "t", Region: "US", TaxCategory: "standard", RatePct: d("8.25"), Name: "tax"}}
	lines := make([]LineInput, 1000)
	for i := range lines {
		lines[i] = LineInput{ProductID: fmt.Sprintf("p%03d", (i*7)%200), Quantity: decimal.NewFromInt(int64(1 + i%60))}
	}
	return f, lines, brs
}

// BenchmarkPrice1000Lines500Rules prices a 1,000-line quote against 500
// rules, with the full trace.
func BenchmarkPrice1000Lines500Rules(b *testing.B) {
	f, lines, _ := benchFixture()
	rb, err := NewRulebook(1, nil, f.rules, f.taxes, &rules.Cache{})
	if err != nil {
		b.Fatal(err)
	}
	req := Request{Currency: "USD", Date: day, Account: AccountFacts{ID: "a", Segment: "enterprise", TaxRegion: "US-TX"}, Lines: lines, CostCurrency: "USD"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Price(req, f.book, rb); err != nil {
			b.Fatal(err)
		}
	}
}

// handPrice applies the same discounts as the rulebook with plain Go: no
// engine, no trace. It is the baseline the engine is measured against.
func handPrice(f *fixture, lines []LineInput, ordered []benchRule, segment string) decimal.Decimal {
	usd, _ := quotient.LookupCurrency("USD")
	total := decimal.Zero
	for _, l := range lines {
		p := f.book.Products[l.ProductID]
		unit := f.book.Entries[l.ProductID].UnitPrice
		for _, r := range ordered {
			if r.match(p, segment, l.Quantity) {
				unit = r.apply(unit)
				if unit.IsNegative() {
					unit = decimal.Zero
				}
			}
		}
		total = total.Add(usd.Round(unit.Mul(l.Quantity)))
	}
	return total
}

func sortBench(brs []benchRule) {
	for i := 1; i < len(brs); i++ {
		for j := i; j > 0 && less(brs[j].rule, brs[j-1].rule); j-- {
			brs[j], brs[j-1] = brs[j-1], brs[j]
		}
	}
}

func less(a, b Rule) bool {
	if a.Priority != b.Priority {
		return a.Priority < b.Priority
	}
	return a.Name < b.Name
}

// BenchmarkHandWritten1000Lines500Rules is the baseline: the same
// discounts in plain Go.
func BenchmarkHandWritten1000Lines500Rules(b *testing.B) {
	f, lines, brs := benchFixture()
	sortBench(brs) // the engine's order: by priority, then name
	b.ReportAllocs()
	for b.Loop() {
		handPrice(f, lines, brs, "enterprise")
	}
}

// TestEngineMatchesHandWritten: the engine's net total equals the
// hand-written baseline's, so the benchmark compares equal work.
func TestEngineMatchesHandWritten(t *testing.T) {
	f, lines, brs := benchFixture()
	res := f.price(t, lines, func(r *Request) { r.Account.TaxRegion = "US-TX" })
	sortBench(brs)
	if want := handPrice(f, lines, brs, "enterprise"); !res.NetTotal.Equal(want) {
		t.Fatalf("engine net %s, hand-written %s", res.NetTotal, want)
	}
}
