package quotient

import (
	"testing"

	"github.com/shopspring/decimal"
)

func TestCurrencyRoundingAndMinorUnits(t *testing.T) {
	cases := []struct {
		code, in, rounded string
		minor             int64
	}{
		{"USD", "1234.505", "1234.51", 123451},
		{"USD", "-0.005", "-0.01", -1},
		{"JPY", "1234.5", "1235", 1235},
		{"BHD", "1.2345", "1.235", 1235},
		{"EUR", "0.1", "0.1", 10},
	}
	for _, c := range cases {
		cur, ok := LookupCurrency(c.code)
		if !ok {
			t.Fatalf("%s unknown", c.code)
		}
		got := cur.Round(decimal.RequireFromString(c.in))
		if !got.Equal(decimal.RequireFromString(c.rounded)) {
			t.Errorf("%s Round(%s): got %s, want %s", c.code, c.in, got, c.rounded)
		}
		m, ok := cur.ToMinor(got)
		if !ok || m != c.minor || !cur.FromMinor(m).Equal(got) {
			t.Errorf("%s ToMinor(%s): got %d %v, want %d", c.code, got, m, ok, c.minor)
		}
	}
	if _, ok := LookupCurrency("XYZ"); ok {
		t.Error("XYZ accepted")
	}
	usd, _ := LookupCurrency("USD")
	if _, ok := usd.ToMinor(decimal.RequireFromString("0.001")); ok {
		t.Error("ToMinor accepted a sub-cent amount")
	}
	if _, err := (Money{Amount: decimal.NewFromInt(1), Currency: "USD"}).Add(Money{Amount: decimal.NewFromInt(1), Currency: "EUR"}); err == nil {
		t.Error("adding USD to EUR did not fail")
	}
}

func FuzzParseDecimal(f *testing.F) {
	for _, s := range []string{"1", "-1.50", "+0.0", "1e5", "", ".", "1..2", "99999999999999999999999999999999999999", "0.000000000000000001"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := ParseDecimal(s)
		if !ok {
			return
		}
		back, ok2 := ParseDecimal(d.String())
		if !ok2 || !back.Equal(d) {
			t.Fatalf("%q parsed to %s, which does not parse back", s, d)
		}
	})
}

func TestQuantityIsExactToSixDecimals(t *testing.T) {
	for s, want := range map[string]Quantity{"1": 1_000_000, "0.000001": 1, "2.5": 2_500_000, "-3": -3_000_000} {
		got, ok := QuantityOf(decimal.RequireFromString(s))
		if !ok || got != want {
			t.Errorf("QuantityOf(%s) = %d, %v; want %d", s, got, ok, want)
		}
		if got.String() != decimal.RequireFromString(s).String() {
			t.Errorf("Quantity(%d).String() = %s; want %s", got, got, s)
		}
	}
	for _, s := range []string{"0.0000001", "99999999999999999"} {
		if _, ok := QuantityOf(decimal.RequireFromString(s)); ok {
			t.Errorf("QuantityOf(%s) accepted a quantity it cannot hold", s)
		}
	}
}
