package billing

import (
	"testing"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/crm"
)

func TestDueDatesAcrossMonthEndsAndLeapYears(t *testing.T) {
	cases := []struct{ terms, issue, due string }{
		{"due_on_receipt", "2026-11-26", "2026-11-26"},
		{"net_30", "2026-01-31", "2026-03-02"},
		{"net_30", "2024-01-31", "2024-03-01"}, // 2024 is a leap year
		{"net_0", "2026-12-31", "2026-12-31"},
		{"net_1", "2026-12-31", "2027-01-01"},
		{"net_365", "2024-01-01", "2024-12-31"},
		{"eom_0", "2026-02-03", "2026-02-28"},
		{"eom_0", "2024-02-03", "2024-02-29"},
		{"eom_15", "2024-02-29", "2024-03-15"},
		{"eom_30", "2026-01-15", "2026-03-02"}, // Jan 31 + 30 days
		{"eom_30", "2026-12-01", "2027-01-30"},
		{"2_10_net_30", "2028-02-20", "2028-03-21"},   // 2028 is a leap year
		{"1.5_15_net_45", "2100-02-01", "2100-03-18"}, // 2100 is not
	}
	for _, c := range cases {
		tm, err := ParseTerms(c.terms)
		if err != nil {
			t.Fatalf("%s: %v", c.terms, err)
		}
		issue, ok := quotient.ParseDate(c.issue)
		if !ok {
			t.Fatalf("case %s: issue date %s", c.terms, c.issue)
		}
		if got := tm.Due(issue).String(); got != c.due {
			t.Errorf("%s issued %s: due %s, want %s", c.terms, c.issue, got, c.due)
		}
	}
}

func TestEarlyPaymentDiscount(t *testing.T) {
	tm, err := ParseTerms("2_10_net_30")
	if err != nil {
		t.Fatal(err)
	}
	until, ok := tm.DiscountUntil(quotient.NewDate(2024, 2, 25))
	if !ok || until.String() != "2024-03-06" || tm.DiscountPct.String() != "2" {
		t.Fatalf("discount: %v %v %s", until, ok, tm.DiscountPct)
	}
	if _, ok := (Terms{}).DiscountUntil(quotient.NewDate(2024, 2, 25)); ok {
		t.Fatal("net terms have no discount")
	}
}

func TestParseTermsRejects(t *testing.T) {
	for _, s := range []string{"", "net_", "net_-1", "net_1000", "eom_x", "2_10_net", "2_40_net_30", "0_10_net_30", "100_10_net_30",
		"1e1_10_net_30", "2_10_gross_30", "net30", "NET_30", "+2_10_net_30"} {
		if _, err := ParseTerms(s); err == nil {
			t.Errorf("%q accepted", s)
		}
	}
}

// TestTermsAgreeWithAccounts: every code an account accepts has a due
// date, and every code an account refuses is refused here too.
func TestTermsAgreeWithAccounts(t *testing.T) {
	for _, s := range []string{"due_on_receipt", "net_0", "net_30", "net_999", "eom_0", "eom_45", "2_10_net_30", "1.5_15_net_45", "99.99_0_net_0",
		"", "net_", "net_1000", "2_40_net_30", "0_10_net_30", "0.00_10_net_30", "2_10_gross_30", "NET_30"} {
		_, err := ParseTerms(s)
		if crm.ValidPaymentTerms(s) != (err == nil) {
			t.Errorf("%q: account accepts %v, billing parses: %v", s, crm.ValidPaymentTerms(s), err)
		}
	}
}
