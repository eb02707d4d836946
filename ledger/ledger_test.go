package ledger

import "testing"

func TestDayBefore(t *testing.T) {
	for in, want := range map[string]string{"2026-03-01": "2026-02-28", "2024-03-01": "2024-02-29", "2027-01-01": "2026-12-31"} {
		if got := dayBefore(in); got != want {
			t.Errorf("dayBefore(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestStandardChartIsValid(t *testing.T) {
	seen := map[string]bool{}
	for _, a := range StandardChart {
		if err := validateAccount(a); err != nil {
			t.Errorf("%s: %v", a.Code, err)
		}
		if seen[a.Code] {
			t.Errorf("%s twice", a.Code)
		}
		seen[a.Code] = true
	}
}
