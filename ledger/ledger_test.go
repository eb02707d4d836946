package ledger

import "testing"

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
