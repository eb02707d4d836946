package rules

import (
	"testing"
)

// FuzzCompileAndEvaluate: no source, however hostile, may crash, hang or
// escape as a panic; it compiles to a program that evaluates (to a value
// or an error) or is a CompileError.
func FuzzCompileAndEvaluate(f *testing.F) {
	for _, s := range []string{
		"line.quantity >= 50", "line.list_price * 3 - 0.01", "round(line.list_price / 7, 2)", "1..1e9", "1..1000000000",
		"((((((1))))))", "product.sku in ['a'] ? 1 : 2", "let x = line.quantity; x * x", "map(tags, # + 'x')",
		"line.quantity / 0", "-(-(-line.list_price))", "'a' matches '('", "pricing_date > date('2026-01-01')",
		"len(map(1..100000, # * 2))", "max(1, 2.5)", "abs(-0.0)", "tags[99]", "line.count % 0",
	} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, src string, cond bool) {
		want := Decimal
		if cond {
			want = Bool
		}
		p, err := Compile(src, env{}, want)
		if err != nil {
			if _, ok := err.(*CompileError); !ok {
				t.Fatalf("%q: error %T %v, want *CompileError", src, err, err)
			}
			return
		}
		if cond {
			_, _ = p.Bool(sample)
		} else {
			_, _ = p.Decimal(sample)
		}
		_ = p.Explain(sample)
	})
}
