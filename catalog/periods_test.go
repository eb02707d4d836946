package catalog

import (
	"testing"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
)

func TestSpansProrateTheFirstAndLastPeriodByDays(t *testing.T) {
	d := func(s string) quotient.Date { v, _ := quotient.ParseDate(s); return v }
	usd, _ := quotient.LookupCurrency("USD")
	start := d("2027-01-17")
	end := TermEnd(start, 12)
	if end != d("2028-01-16") {
		t.Fatalf("term end: got %s, want 2028-01-16", end)
	}
	for _, tc := range []struct {
		freq  BillingPeriod
		spans int
		first Span
		last  Span
		total int64
	}{
		{Month, 13, Span{d("2027-01-17"), d("2027-01-31"), 15, 31}, Span{d("2028-01-01"), d("2028-01-16"), 16, 31}, 2400000},
		{Quarter, 5, Span{d("2027-01-17"), d("2027-01-31"), 15, 92}, Span{d("2027-11-01"), d("2028-01-16"), 77, 92}, 2400000},
	} {
		spans, err := Spans(start, end, tc.freq)
		if err != nil {
			t.Fatal(err)
		}
		if len(spans) != tc.spans || spans[0] != tc.first || spans[len(spans)-1] != tc.last {
			t.Fatalf("%s: got %d spans %+v … %+v, want %d %+v … %+v", tc.freq, len(spans), spans[0], spans[len(spans)-1], tc.spans, tc.first, tc.last)
		}
		var total int64
		for _, s := range spans {
			total += Charge(usd, decimal.NewFromInt(40), decimal.NewFromInt(50), Month, tc.freq, s)
		}
		// 50 × 40.00 × 12 months: the partial first and last periods
		// make one whole month between them here (15/31 + 16/31).
		if tc.freq == Month && total != tc.total {
			t.Errorf("%s: got %d cents over the term, want %d", tc.freq, total, tc.total)
		}
	}
	if got := Charge(usd, decimal.NewFromInt(40), decimal.NewFromInt(50), Month, Month, Span{Days: 15, PeriodDays: 31}); got != 96774 {
		t.Errorf("first partial month: got %d cents, want 96774 (2000 × 15 / 31 = 967.7419…)", got)
	}
	if AddMonths(d("2027-01-31"), 1) != d("2027-02-28") {
		t.Errorf("31 January + 1 month: got %s", AddMonths(d("2027-01-31"), 1))
	}
}
