package pricing

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient/rules"
)

// TestFastPathAgreesWithVM evaluates conditions and formulas both as Go
// closures and in expr's VM over random environments: they must agree.
func TestFastPathAgreesWithVM(t *testing.T) {
	conds := []string{
		"line.quantity >= 10", "line.quantity < 10.5", "line.list_price * 2 > 100", "line.unit_price - 5 <= line.list_price",
		"product.family == 'hw' and line.quantity > 3", "product.family != 'hw' or account.segment == 'smb'",
		"not (line.quantity == 7)", "product.sku in ['A', 'B', 'C']", "account.segment not in ['smb']",
		"quote.list_total >= 1000 and product.unit_cost < line.list_price", "-line.quantity < -5", "line.manual_discount_pct > 0",
		"true", "false or line.quantity != 3",
	}
	forms := []string{"line.unit_price * 0.9", "line.list_price - 1.5", "max(line.unit_price - 10, 0)", "min(line.list_price, 99.99) + 1",
		"line.unit_price * 0.97 - product.unit_cost * 0", "-line.unit_price + 200"}
	rng := rand.New(rand.NewPCG(7, 9))
	envs := make([]*LineEnv, 300)
	for i := range envs {
		envs[i] = &LineEnv{
			Line: LineFacts{Quantity: decimal.NewFromInt(int64(rng.IntN(20))), ListPrice: d(fmt.Sprintf("%d.%02d", rng.IntN(200), rng.IntN(100))),
				UnitPrice: d(fmt.Sprintf("%d.%d", rng.IntN(200), rng.IntN(10))), ManualDiscountPct: decimal.NewFromInt(int64(rng.IntN(3)))},
			Product: ProductFacts{Family: []string{"hw", "sw"}[rng.IntN(2)], SKU: []string{"A", "D", "C"}[rng.IntN(3)], UnitCost: d("12.5")},
			Account: AccountFacts{Segment: []string{"smb", "enterprise"}[rng.IntN(2)]},
			Quote:   QuoteFacts{ListTotal: decimal.NewFromInt(int64(rng.IntN(3000)))},
		}
	}
	for _, src := range conds {
		p, err := rules.Compile(src, LineEnv{}, rules.Bool)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		fast, ok := fastBool(p.Node())
		if !ok {
			t.Fatalf("%s: no fast path", src)
		}
		for _, e := range envs {
			want, err := p.Bool(e)
			if err != nil || fast(e) != want {
				t.Fatalf("%s on %+v: fast %v, VM %v (%v)", src, e.Line, fast(e), want, err)
			}
		}
	}
	for _, src := range forms {
		p, err := rules.Compile(src, LineEnv{}, rules.Decimal)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		fast, ok := fastDec(p.Node())
		if !ok {
			t.Fatalf("%s: no fast path", src)
		}
		for _, e := range envs {
			want, err := p.Decimal(e)
			if err != nil || !fast(e).Equal(want) {
				t.Fatalf("%s: fast %s, VM %s (%v)", src, fast(e), want, err)
			}
		}
	}
	// Shapes without a fast path still work, through the VM.
	p, _ := rules.Compile("line.list_price / line.quantity > 1", LineEnv{}, rules.Bool)
	if _, ok := fastBool(p.Node()); ok {
		t.Fatal("division got a fast path; its zero divisor must stay the VM's error")
	}
}
