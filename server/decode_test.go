package server

import (
	"testing"

	"github.com/quotient-cpq/quotient"
)

func TestDecAcceptsExactDecimalsOnly(t *testing.T) {
	cases := []struct {
		json string
		want string // "" means a problem is reported
	}{
		{`"12.50"`, "12.5"},
		{`12.5`, "12.5"},
		{`0.1`, "0.1"},
		{`"-3"`, "-3"},
		{`1e3`, ""},
		{`"1e3"`, ""},
		{`true`, ""},
		{`{}`, ""},
		{`"12,5"`, ""},
		{`" 1"`, ""},
		{`"0.0000000000000000001"`, ""},
		{`"123456789012345678901234567890123456789"`, ""},
	}
	for _, c := range cases {
		var d Dec
		if err := d.UnmarshalJSON([]byte(c.json)); err != nil {
			t.Fatalf("%s: UnmarshalJSON must not fail, got %v", c.json, err)
		}
		p := quotient.Problems{}
		got := d.Value(&p, "amount")
		if c.want == "" {
			if p.Err() == nil {
				t.Errorf("%s: got %s, want a problem", c.json, got)
			}
			continue
		}
		if p.Err() != nil || got.String() != c.want {
			t.Errorf("%s: got %s (%v), want %s", c.json, got, p.Err(), c.want)
		}
	}
}

func TestFmtDec(t *testing.T) {
	cases := []struct {
		in    string
		scale int32
		want  string
	}{
		{"12.5", 2, "12.50"}, {"1.23456", 2, "1.23456"}, {"100", 0, "100"}, {"1035000", 0, "1035000"}, {"0", 2, "0.00"}, {"-1.5", 3, "-1.500"},
	}
	for _, c := range cases {
		d, _ := quotient.ParseDecimal(c.in)
		if got := fmtDec(d, c.scale); got != c.want {
			t.Errorf("fmtDec(%s, %d): got %s, want %s", c.in, c.scale, got, c.want)
		}
	}
}

// FuzzDec checks that no input makes decimal parsing at the edge panic or
// accept something ParseDecimal would not.
func FuzzDec(f *testing.F) {
	for _, s := range []string{`"1.5"`, `12`, `-0.001`, `1e9999999`, `"9999999999999999999999999999999999999999"`, `"--1"`, `"."`, `null`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var d Dec
		_ = d.UnmarshalJSON([]byte(s))
		p := quotient.Problems{}
		v := d.Value(&p, "x")
		if p.Err() == nil && d.isSet {
			if _, ok := quotient.ParseDecimal(d.raw); !ok {
				t.Fatalf("accepted %q", s)
			}
			_ = fmtDec(v, 2)
		}
	})
}
