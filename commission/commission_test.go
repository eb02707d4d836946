package commission

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
)

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// The exclusion wins over every rule, the first matching rule over the
// base rate, and the base rate applies when nothing matches.
func TestRateChoosesExclusionThenFirstRuleThenBase(t *testing.T) {
	p := Plan{ID: "p", Version: 1, BaseRatePct: d("10"),
		Rules: []Rule{{Name: "accelerator", Condition: "rep.attainment_pct >= 100", RatePct: d("12")},
			{Name: "services", Condition: `line.family == "services"`, RatePct: d("4")}},
		Exclusions: []Exclusion{{Name: "fees", Condition: `line.family == "fees"`}}}
	for _, c := range []struct {
		family, att, want, rule string
		excluded                bool
	}{
		{"hardware", "50", "10", "base rate", false},
		{"hardware", "100", "12", `rule "accelerator"`, false},
		{"services", "150", "12", `rule "accelerator"`, false},
		{"services", "10", "4", `rule "services"`, false},
		{"fees", "150", "0", `excluded by "fees"`, true},
	} {
		got, err := rate(p, Env{Line: LineFacts{Family: c.family}, Rep: RepFacts{AttainmentPct: d(c.att)}})
		if err != nil || !got.pct.Equal(d(c.want)) || got.rule != c.rule || got.excluded != c.excluded {
			t.Errorf("%s at %s%%: %s (%s, excluded %v, %v), want %s (%s, excluded %v)", c.family, c.att, got.pct, got.rule, got.excluded, err,
				c.want, c.rule, c.excluded)
		}
	}
}

func TestPlanValidation(t *testing.T) {
	str := func(s string) *string { return &s }
	day := func(y, m, d int) *quotient.Date { v := quotient.NewDate(y, time.Month(m), d); return &v }
	base := func() PlanInput {
		basis := Paid
		return PlanInput{Name: str("p"), Basis: &basis, BaseRatePct: &decimal.Decimal{}, ValidFrom: day(2025, 1, 1)}
	}
	var p Plan
	if err := p.apply(base()); err != nil {
		t.Fatalf("a sound plan: %v", err)
	}
	bad := []func(*PlanInput){
		func(in *PlanInput) { b := Basis("booked"); in.Basis = &b },
		func(in *PlanInput) { r := d("100.5"); in.BaseRatePct = &r },
		func(in *PlanInput) { r := d("1.00001"); in.BaseRatePct = &r },
		func(in *PlanInput) { in.Rules = &[]Rule{{Name: "x", Condition: "line.net", RatePct: d("1")}} }, // not a condition
		func(in *PlanInput) { in.ValidTo = day(2024, 12, 31) },
	}
	for i, mod := range bad {
		in := base()
		mod(&in)
		var q Plan
		if err := q.apply(in); err == nil {
			t.Errorf("bad plan %d accepted", i)
		}
	}
}

func TestOriginOfAdjustments(t *testing.T) {
	if ty, id := origin(Line{SourceType: "recalc:payment_allocation", SourceID: "pal_1#crc_2"}); ty != "payment_allocation" || id != "pal_1" {
		t.Fatalf("origin: %s %s", ty, id)
	}
	if ty, id := origin(Line{SourceType: "invoice", SourceID: "inv_1"}); ty != "invoice" || id != "inv_1" {
		t.Fatalf("origin of an original: %s %s", ty, id)
	}
	if p := pct(1, 3); p == nil || p.String() != "33.3" {
		t.Fatalf("pct: %v", p)
	}
	if pct(1, 0) != nil {
		t.Fatal("pct of nothing")
	}
}
