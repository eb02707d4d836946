package ledger

import "testing"

func TestIsDayAndDayBefore(t *testing.T) {
	for s, want := range map[string]bool{"2026-02-28": true, "2024-02-29": true, "2026-02-29": false, "0000-12-31": false, "0001-01-01": true, "2026-1-1": false} {
		if got := isDay(s); got != want {
			t.Errorf("isDay(%s) = %v", s, got)
		}
	}
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
