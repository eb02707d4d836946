package pricing

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/catalog"
)

func tiers(spec ...string) []catalog.Tier {
	// spec: "from:to:pct", to empty for the last tier
	var out []catalog.Tier
	for _, s := range spec {
		parts := strings.Split(s, ":")
		t := catalog.Tier{From: d(parts[0]), DiscountPct: d(parts[2])}
		if parts[1] != "" {
			t.To = dp(parts[1])
		}
		out = append(out, t)
	}
	return out
}

func TestScheduleBoundaries(t *testing.T) {
	ts := tiers("1:10:0", "10:50:10", "50::20")
	cases := []struct {
		typ       catalog.ScheduleType
		qty, want string
	}{
		{catalog.Range, "0.5", "0"}, {catalog.Range, "1", "0"}, {catalog.Range, "9.999", "0"}, {catalog.Range, "10", "10"},
		{catalog.Range, "10.5", "10"}, {catalog.Range, "49.99", "10"}, {catalog.Range, "50", "20"}, {catalog.Range, "1000", "20"},
		// Slab: positions start at the first tier's from (1), so the first
		// 9 units are in tier 1, the next 40 in tier 2, the rest in tier 3.
		{catalog.Slab, "9", "0"},
		{catalog.Slab, "10", "1"},               // 9×0 + 1×10 over 10
		{catalog.Slab, "9.5", "0.526315789474"}, // 9×0 + 0.5×10 over 9.5
		{catalog.Slab, "49", "8.163265306122"},  // 40×10 over 49
		{catalog.Slab, "50", "8.4"},             // (40×10 + 1×20) / 50
		{catalog.Slab, "100", "14.2"},           // (9×0 + 40×10 + 51×20) / 100
	}
	for _, c := range cases {
		s := catalog.Schedule{Type: c.typ, Tiers: ts}
		got, _ := s.Discount(d(c.qty))
		if !got.Equal(d(c.want)) {
			t.Errorf("%s %s: got %s%%, want %s%%", c.typ, c.qty, got, c.want)
		}
	}
}

func TestScheduleValidation(t *testing.T) {
	cases := []struct {
		ts    []catalog.Tier
		field string
	}{
		{tiers("0:10:0", "10::5"), ""},
		{tiers("0:10:0", "12::5"), "tiers[1].from"}, // gap
		{tiers("0:10:0", "8::5"), "tiers[1].from"},  // overlap
		{tiers("0:10:0", "10:20:5"), "tiers[1].to"}, // last not open
		{tiers("0::0", "10::5"), "tiers[0].to"},     // open before last
		{tiers("5:5:0", "5::1"), "tiers[0].to"},     // empty tier
		{tiers("0::120"), "tiers[0].discount_pct"},
	}
	for i, c := range cases {
		err := catalog.ValidateSchedule(catalog.Schedule{Name: "s", Type: catalog.Range, Family: "hw", Tiers: c.ts})
		got := ""
		if qe, ok := err.(*quotient.Error); ok {
			got = qe.Field
		}
		if got != c.field {
			t.Errorf("case %d: got field %q (%v), want %q", i, got, err, c.field)
		}
	}
}

func TestRuleOrderStackingConflictsAndClamp(t *testing.T) {
	f := newFixture("USD").product("a", "hardware", "100.00", "40").product("b", "software", "10.00", "1")
	f.rule("z-ten-percent", "line.quantity >= 5", PercentDiscount, "10", 10, true).
		rule("a-five-off", "product.family == 'hardware'", AmountDiscount, "5", 10, true). // same priority: name order first
		rule("stop-here", "line.quantity >= 10", SetPrice, "50", 20, false).
		rule("after-stop", "true", PercentDiscount, "50", 30, true).
		rule("never", "line.quantity > 1000", PercentDiscount, "90", 5, true).
		rule("soft-clamp", "product.family == 'software'", AmountDiscount, "25", 40, true)
	res := f.price(t, []LineInput{line("a", "6"), line("a", "12"), line("b", "1")})

	// Line 1: five-off (100→95), then ten-percent (95→85.5); stop-here false.
	l := res.Lines[0]
	if got := names(steps(l, "rule")); got != "a-five-off,z-ten-percent,after-stop" {
		t.Fatalf("line 1 rules applied: %s", got)
	}
	if !l.UnitPrice.Equal(d("42.75")) || !l.NetAmount.Equal(d("256.50")) {
		t.Fatalf("line 1: unit %s net %s", l.UnitPrice, l.NetAmount)
	}
	skipped := steps(l, "rule_skipped")
	if len(skipped) != 2 || skipped[0].Ref.Name != "never" || !strings.Contains(skipped[0].Detail, "condition false: line.quantity > 1000 (line.quantity is 6)") {
		t.Fatalf("line 1 skipped: %+v", skipped)
	}
	// Line 2: stop-here sets 50 and stops; after-stop skipped with reason.
	l = res.Lines[1]
	if got := names(steps(l, "rule")); got != "a-five-off,z-ten-percent,stop-here" || !l.UnitPrice.Equal(d("50")) {
		t.Fatalf("line 2: rules %s, unit %s", got, l.UnitPrice)
	}
	// soft-clamp tests the software family: indexed out, never evaluated.
	last := steps(l, "rule_skipped")
	if len(last) != 2 || last[1].Ref.Name != "after-stop" || !strings.Contains(last[1].Detail, `after non-stackable rule "stop-here"`) {
		t.Fatalf("line 2 skipped: %+v", last)
	}
	// Line 3: 10 − 25 clamps at zero, and the trace says so.
	l = res.Lines[2]
	if !l.UnitPrice.IsZero() || len(steps(l, "clamp")) != 1 || steps(l, "rules_not_applicable") == nil {
		t.Fatalf("line 3: unit %s trace %+v", l.UnitPrice, l.Trace)
	}

	// Two non-stackable matches at one priority are a conflict.
	f.rule("rival", "line.quantity >= 10", SetPrice, "60", 20, false)
	res = f.price(t, []LineInput{line("a", "12")})
	if !res.HasConflicts || len(res.Lines[0].Conflicts) != 1 || !strings.Contains(res.Lines[0].Conflicts[0], `"rival" and "stop-here"`) &&
		!strings.Contains(res.Lines[0].Conflicts[0], `"stop-here" and "rival"`) {
		t.Fatalf("conflict: %+v", res.Lines[0].Conflicts)
	}
}

func TestValidityAndFormula(t *testing.T) {
	f := newFixture("USD").product("a", "hardware", "100", "40")
	f.rules = append(f.rules, Rule{ID: "old", Name: "expired", Condition: "true", Action: PercentDiscount, Value: d("50"), Active: true, Version: 1, ValidTo: quotient.NewDate(2026, 1, 31)})
	f.rule("formula", "account.segment == 'enterprise'", Formula, "round(line.unit_price * 0.9 - 0.01, 2)", 1, true)
	res := f.price(t, []LineInput{line("a", "1")})
	l := res.Lines[0]
	if !l.UnitPrice.Equal(d("89.99")) {
		t.Fatalf("formula: unit %s, trace %+v", l.UnitPrice, l.Trace)
	}
	if s := steps(l, "rule_skipped"); len(s) != 1 || !strings.Contains(s[0].Detail, "outside validity (open to 2026-01-31)") {
		t.Fatalf("validity: %+v", s)
	}
	// A rule for another segment is indexed out and never evaluated.
	res = f.price(t, []LineInput{line("a", "1")}, func(r *Request) { r.Account.Segment = "smb" })
	if !res.Lines[0].UnitPrice.Equal(d("100")) || len(steps(res.Lines[0], "rules_not_applicable")) != 1 {
		t.Fatalf("segment index: %+v", res.Lines[0].Trace)
	}
}

func TestRoundingJPYandUSD(t *testing.T) {
	usd := newFixture("USD").product("a", "x", "0.333", "0").rule("third", "true", PercentDiscount, "50", 1, true)
	res := usd.price(t, []LineInput{line("a", "3"), line("a", "1")})
	// 0.1665 × 3 = 0.4995 → 0.50; 0.1665 → 0.17 (half-up)
	if !res.Lines[0].NetAmount.Equal(d("0.50")) || !res.Lines[1].NetAmount.Equal(d("0.17")) {
		t.Fatalf("USD: %s %s", res.Lines[0].NetAmount, res.Lines[1].NetAmount)
	}
	jpy := newFixture("JPY").product("a", "x", "1235", "0").rule("off", "true", PercentDiscount, "10", 1, true)
	res = jpy.price(t, []LineInput{line("a", "1"), line("a", "3")})
	// 1111.5 → 1112; 3334.5 → 3335
	if !res.Lines[0].NetAmount.Equal(d("1112")) || !res.Lines[1].NetAmount.Equal(d("3335")) {
		t.Fatalf("JPY: %s %s", res.Lines[0].NetAmount, res.Lines[1].NetAmount)
	}
}

func TestTaxPerRateRoundedOnce(t *testing.T) {
	// Japan: 10% standard, 8% reduced; three lines of ¥101 at 8% have tax
	// 24.24 → 24 on the sum (per-line rounding would give 8+8+8 = 24 here,
	// but 3 × ¥105 gives 25.2 → 25, where per line would be 8×3 = 24).
	f := newFixture("JPY").product("food", "grocery", "105", "50").product("tool", "hardware", "1001", "500")
	p := f.book.Products["food"]
	p.TaxCategory = "reduced"
	f.book.Products["food"] = p
	f.taxes = []TaxRate{{ID: "t10", Region: "JP", TaxCategory: "standard", RatePct: d("10"), Name: "消費税 10%"},
		{ID: "t8", Region: "JP", TaxCategory: "reduced", RatePct: d("8"), Name: "軽減税率 8%"}}
	res := f.price(t, []LineInput{line("food", "1"), line("food", "1"), line("food", "1"), line("tool", "1")},
		func(r *Request) { r.Account.TaxRegion = "JP-13" })
	if len(res.Taxes) != 2 || !res.Taxes[0].Tax.Equal(d("100")) || !res.Taxes[1].Tax.Equal(d("25")) {
		t.Fatalf("taxes: %+v", res.Taxes)
	}
	sum := decimal.Zero
	for _, l := range res.Lines[:3] {
		sum = sum.Add(l.TaxAmount)
	}
	if !sum.Equal(d("25")) || !res.TaxTotal.Equal(d("125")) || !res.Total.Equal(d("1441")) {
		t.Fatalf("per-line tax sum %s, tax %s, total %s", sum, res.TaxTotal, res.Total)
	}
}

func TestHeaderDiscountAllocationSumsExactly(t *testing.T) {
	f := newFixture("USD").product("a", "x", "33.33", "0").product("b", "x", "0.01", "0").product("c", "x", "100", "0")
	res := f.price(t, []LineInput{line("a", "1"), line("b", "1"), line("c", "1"), line("a", "2")},
		func(r *Request) { r.HeaderDiscountPct = d("7.5") })
	// sum 200.00 → 15.00 to spread
	shares := decimal.Zero
	for _, l := range res.Lines {
		shares = shares.Add(l.HeaderDiscount)
	}
	if !shares.Equal(d("15.00")) || !res.NetTotal.Equal(d("185.00")) || !res.DiscountTotal.Equal(d("15.00")) {
		t.Fatalf("header: shares %s net %s discount %s", shares, res.NetTotal, res.DiscountTotal)
	}
}

func TestAllocate(t *testing.T) {
	cases := []struct {
		total   int64
		weights []int64
		want    []int64
	}{
		{100, []int64{1, 1, 1}, []int64{34, 33, 33}},
		{1, []int64{1, 1}, []int64{1, 0}},
		{10, []int64{0, 0}, []int64{10, 0}},
		{7, []int64{3, 0, 4}, []int64{3, 0, 4}},
		{-5, []int64{1, 1}, []int64{-3, -2}},
	}
	for _, c := range cases {
		got := allocate(c.total, c.weights)
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("allocate(%d, %v): got %v, want %v", c.total, c.weights, got, c.want)
		}
	}
}

func TestInputProblems(t *testing.T) {
	f := newFixture("USD").product("a", "x", "1", "0")
	rb, _ := NewRulebook(1, nil, nil, nil, nil)
	_, err := Price(Request{Currency: "USD", Date: day, Lines: []LineInput{line("a", "0"), line("zzz", "1")}}, f.book, rb)
	qe, ok := err.(*quotient.Error)
	if !ok || len(qe.Fields) != 2 || qe.Fields[0].Field != "lines[0].quantity" || qe.Fields[1].Field != "lines[1].product_id" {
		t.Fatalf("got %v", err)
	}
}

// TestProperties prices random documents and checks what must always hold.
func TestProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, cur := range []string{"USD", "JPY", "BHD"} {
		f := newFixture(cur)
		for i := range 20 {
			f.product(fmt.Sprint("p", i), []string{"hw", "sw", "svc"}[i%3], fmt.Sprintf("%d.%03d", rng.IntN(5000), rng.IntN(1000)), "1")
		}
		f.rule("hw", "product.family == 'hw'", PercentDiscount, "12.5", 1, true).
			rule("bulk", "line.quantity >= 7", AmountDiscount, "0.35", 2, true).
			rule("formula", "product.family == 'svc'", Formula, "line.unit_price * 0.97", 3, true)
		f.sched = []catalog.Schedule{{ID: "s", Name: "vol", Type: catalog.Slab, Family: "sw", Active: true, Tiers: tiers("0:5:0", "5:20:3", "20::7.25")}}
		f.taxes = []TaxRate{{ID: "t1", Region: "US", TaxCategory: "standard", RatePct: d("7.25"), Name: "sales tax"}}
		for trial := range 30 {
			var lines []LineInput
			for range 1 + rng.IntN(40) {
				lines = append(lines, LineInput{ProductID: fmt.Sprint("p", rng.IntN(20)), Quantity: d(fmt.Sprintf("%d.%d", 1+rng.IntN(30), rng.IntN(10))),
					ManualDiscountPct: d(fmt.Sprint(rng.IntN(15)))})
			}
			hdr := d(fmt.Sprintf("%d.%d", rng.IntN(20), rng.IntN(10)))
			res := f.price(t, lines, func(r *Request) { r.HeaderDiscountPct = hdr })
			c, _ := quotient.LookupCurrency(cur)
			net, tax := decimal.Zero, decimal.Zero
			for _, l := range res.Lines {
				net, tax = net.Add(l.NetAmount), tax.Add(l.TaxAmount)
				if !l.NetAmount.Equal(c.Round(l.NetAmount)) || l.NetAmount.IsNegative() {
					t.Fatalf("%s trial %d: net %s not in minor units or negative", cur, trial, l.NetAmount)
				}
			}
			if !net.Equal(res.Subtotal.Sub(res.DiscountTotal)) || !net.Equal(res.NetTotal) {
				t.Fatalf("%s trial %d: Σnet %s, subtotal %s − discounts %s", cur, trial, net, res.Subtotal, res.DiscountTotal)
			}
			perRate := decimal.Zero
			for _, tl := range res.Taxes {
				if !tl.Tax.Equal(c.Round(tl.Base.Mul(tl.RatePct).Div(decimal.NewFromInt(100)))) {
					t.Fatalf("%s trial %d: tax of rate %s not rounded once", cur, trial, tl.RateID)
				}
				perRate = perRate.Add(tl.Tax)
			}
			if !tax.Equal(perRate) || !perRate.Equal(res.TaxTotal) || !res.Total.Equal(res.NetTotal.Add(res.TaxTotal)) {
				t.Fatalf("%s trial %d: Σline tax %s, per-rate %s, total tax %s", cur, trial, tax, perRate, res.TaxTotal)
			}
			a, _ := json.Marshal(res)
			b, _ := json.Marshal(f.price(t, lines, func(r *Request) { r.HeaderDiscountPct = hdr }))
			if string(a) != string(b) {
				t.Fatalf("%s trial %d: pricing twice gave different results", cur, trial)
			}
		}
	}
}

func TestMarginsUseTheBooksCostRate(t *testing.T) {
	f := newFixture("JPY").product("a", "x", "15000", "60") // cost 60 USD
	res := f.price(t, []LineInput{line("a", "2")}, func(r *Request) { r.CostCurrency = "USD" })
	if res.Margin != nil {
		t.Fatalf("margin without a rate: %v", res.Margin)
	}
	rate := d("150")
	f.book.PriceBook.CostRate = &rate
	res = f.price(t, []LineInput{line("a", "2")}, func(r *Request) { r.CostCurrency = "USD" })
	// cost 60 × 150 × 2 = 18000 yen; net 30000; margin 12000 = 40%
	if !res.Cost.Equal(d("18000")) || !res.Margin.Equal(d("12000")) || !res.MarginPct.Equal(d("40")) {
		t.Fatalf("margin: cost %v margin %v pct %v", res.Cost, res.Margin, res.MarginPct)
	}
}
