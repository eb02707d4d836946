package quotient

import "testing"

func TestParseDateRefusesWhatADatabaseCannotStore(t *testing.T) {
	for s, want := range map[string]bool{"2026-02-28": true, "2024-02-29": true, "2026-02-29": false, "0000-12-31": false, "0001-01-01": true, "2026-1-1": false} {
		if _, got := ParseDate(s); got != want {
			t.Errorf("ParseDate(%s) ok = %v", s, got)
		}
	}
	p := Problems{}
	p.Date("close_date", "0000-06-01", Required)
	if p.Err() == nil {
		t.Error("Problems.Date accepted year 0")
	}
}
