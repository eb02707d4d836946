package inventory

import (
	"testing"

	"github.com/shopspring/decimal"
)

func TestMicro(t *testing.T) {
	cases := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"1", 1_000_000, true}, {"2.5", 2_500_000, true}, {"0.000001", 1, true}, {"-3.25", -3_250_000, true},
		{"0.0000001", 0, false}, {"99999999999999", 0, false},
	}
	for _, c := range cases {
		got, ok := Micro(decimal.RequireFromString(c.in))
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("Micro(%s): got %d %v, want %d %v", c.in, got, ok, c.want, c.ok)
		}
		if ok && !FromMicro(got).Equal(decimal.RequireFromString(c.in)) {
			t.Errorf("FromMicro(Micro(%s)) = %s", c.in, FromMicro(got))
		}
	}
	l := Level{OnHand: decimal.NewFromInt(10), Reserved: decimal.RequireFromString("2.5")}
	if !l.Available().Equal(decimal.RequireFromString("7.5")) {
		t.Errorf("Available: %s", l.Available())
	}
}
