package quotient

import (
	"encoding/json"
	"testing"
	"time"
)

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

func TestDateArithmeticAndForms(t *testing.T) {
	d, _ := ParseDate("2026-01-31")
	if got := d.AddDays(30).String(); got != "2026-03-02" {
		t.Errorf("2026-01-31 + 30 days = %s, want 2026-03-02", got)
	}
	if got := d.AddDate(0, 1, 0).String(); got != "2026-03-03" {
		t.Errorf("2026-01-31 + 1 month = %s, want 2026-03-03 (time.AddDate's normalization)", got)
	}
	if got := d.AddDays(45).DaysSince(d); got != 45 {
		t.Errorf("DaysSince = %d, want 45", got)
	}
	if !d.Before(d.AddDays(1)) || d.After(d.AddDays(1)) || d != NewDate(2026, time.January, 31) {
		t.Error("comparisons disagree with the calendar")
	}
	late := time.Date(2026, 1, 31, 23, 30, 0, 0, time.FixedZone("UTC-5", -5*3600))
	if got := DateOf(late).String(); got != "2026-02-01" {
		t.Errorf("DateOf(23:30 at UTC-5) = %s, want the UTC day 2026-02-01", got)
	}
	for in, want := range map[string]string{"2026-03-01": "2026-02-28", "2024-03-01": "2024-02-29", "2027-01-01": "2026-12-31"} {
		if d, _ := ParseDate(in); d.AddDays(-1).String() != want {
			t.Errorf("the day before %s is %s, want %s", in, d.AddDays(-1), want)
		}
	}
	if d.YearMonth() != "2026-01" {
		t.Errorf("YearMonth = %s", d.YearMonth())
	}
	first, last := NewDate(1, 1, 1), NewDate(9999, 12, 31)
	if first.IsZero() || first.String() != "0001-01-01" || last.String() != "9999-12-31" || !first.Before(last) {
		t.Errorf("the calendar's ends: %q (zero %v) and %q", first, first.IsZero(), last)
	}
	if got := NewDate(1969, 12, 31).AddDays(1).String(); got != "1970-01-01" {
		t.Errorf("across the Unix epoch: %s", got)
	}
	var zero Date
	if zero.String() != "" || !zero.IsZero() {
		t.Error("the zero Date must print as no date")
	}
	if v, _ := zero.Value(); v != nil {
		t.Errorf("the zero Date stores as %v, want NULL", v)
	}
	b, _ := json.Marshal(struct {
		A, B Date
	}{A: d})
	if string(b) != `{"A":"2026-01-31","B":""}` {
		t.Errorf("JSON form %s", b)
	}
	var back struct{ A, B Date }
	if err := json.Unmarshal(b, &back); err != nil || back.A != d || !back.B.IsZero() {
		t.Errorf("JSON round trip: %+v, %v", back, err)
	}
	for _, v := range []any{"2026-01-31", []byte("2026-01-31T00:00:00Z"), time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC)} {
		var s Date
		if err := s.Scan(v); err != nil || s != d {
			t.Errorf("Scan(%T) = %s, %v", v, s, err)
		}
	}
	var bad Date
	if err := bad.Scan("31/01/2026"); err == nil {
		t.Error("Scan accepted a date that is not YYYY-MM-DD")
	}
}
