package server

import (
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
)

// The integer formatter writes every decimal it takes exactly as decimal's
// own String does (through fmtBigDec), and gives way for those it cannot.
func TestFmtSmallDecAgreesWithDecimal(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	cases := []decimal.Decimal{decimal.Zero, decimal.New(0, -4), decimal.New(5, 3), decimal.New(-5, 3), decimal.New(1, -18),
		decimal.New(-123456789012345678, -9), decimal.New(999999999999999999, 0), decimal.RequireFromString("100.50"),
		decimal.RequireFromString("-0.001"), decimal.RequireFromString("12345678901234567890.5")}
	for range 200000 {
		coef := rng.Int64N(1<<62) >> rng.IntN(62)
		if rng.IntN(2) == 0 {
			coef = -coef
		}
		cases = append(cases, decimal.New(coef, int32(rng.IntN(30)-20)))
	}
	small := 0
	for _, d := range cases {
		for _, min := range []int32{0, 2, 3, 6} {
			got, ok := fmtSmallDec(d, min)
			if !ok {
				continue
			}
			small++
			if want := fmtBigDec(d, min); got != want {
				t.Fatalf("fmtSmallDec(%s, %d) = %q, want %q", d, min, got, want)
			}
		}
	}
	if small < len(cases) {
		t.Fatalf("only %d of %d formatted in integers", small, len(cases)*4)
	}
}
