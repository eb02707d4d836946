package quotient

import (
	"database/sql/driver"
	"fmt"
	"time"
)

// Date is a calendar day with no time of day and no zone: an invoice's
// issue and due dates, a payment's receipt date, a journal entry's date, a
// quote's expiry. Days are counted in UTC, as the server's clock is read.
// The zero Date means "no date" (an open-ended validity, an opportunity
// never closed); it prints as "" and is stored as NULL.
//
// Dates compare with Before, After and ==, and are written in JSON, in the
// databases and in messages as YYYY-MM-DD.
type Date struct {
	n int32 // days since 0000-12-31: 0001-01-01 is 1, and 0 is no date
}

// unixDay1 is the Unix day number of 0000-12-31 (day 0).
const unixDay1 = 719163

// NewDate returns the date y-m-d, normalized as time.Date does. Years
// before 1 are outside what the databases store and what Date holds.
func NewDate(y int, m time.Month, d int) Date {
	return dateOfUTC(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

// dateOfUTC is the day of t, a time in UTC.
func dateOfUTC(t time.Time) Date {
	days := t.Unix() / 86400
	if t.Unix() < 0 && t.Unix()%86400 != 0 {
		days-- // floor, for times before 1970
	}
	return Date{int32(days + unixDay1)}
}

// DateOf is the calendar day of t in UTC.
func DateOf(t time.Time) Date {
	y, m, d := t.UTC().Date()
	return NewDate(y, m, d)
}

// ParseDate reads a YYYY-MM-DD date that both databases can store (year 1
// or later; PostgreSQL has no year 0).
func ParseDate(s string) (Date, bool) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil || t.Year() < 1 {
		return Date{}, false
	}
	return dateOfUTC(t), true
}

// IsZero reports whether d is "no date".
func (d Date) IsZero() bool { return d.n == 0 }

// String writes YYYY-MM-DD, or "" for no date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.Time().Format(time.DateOnly)
}

// Time is the start of the day in UTC.
func (d Date) Time() time.Time { return time.Unix(int64(d.n-unixDay1)*86400, 0).UTC() }

// Year is the date's year.
func (d Date) Year() int { return d.Time().Year() }

// Month is the date's month.
func (d Date) Month() time.Month { return d.Time().Month() }

// Day is the date's day of the month.
func (d Date) Day() int { return d.Time().Day() }

// YearMonth is the date's month as YYYY-MM: the ledger's period.
func (d Date) YearMonth() string { return d.Time().Format("2006-01") }

// AddDays is the date n days later (earlier when n < 0).
func (d Date) AddDays(n int) Date { return Date{d.n + int32(n)} }

// AddDate adds years, months and days, normalizing as time.AddDate does
// (January 31 plus one month is March 3 or 2).
func (d Date) AddDate(years, months, days int) Date {
	return dateOfUTC(d.Time().AddDate(years, months, days))
}

// Before reports whether d is earlier than o.
func (d Date) Before(o Date) bool { return d.n < o.n }

// After reports whether d is later than o.
func (d Date) After(o Date) bool { return d.n > o.n }

// DaysSince is the number of days from o to d (negative when d is earlier).
func (d Date) DaysSince(o Date) int { return int(d.n - o.n) }

// Within reports whether d falls in a validity from..to, both days
// included; a zero bound is open.
func (d Date) Within(from, to Date) bool {
	return (from.IsZero() || !d.Before(from)) && (to.IsZero() || !d.After(to))
}

// MarshalText writes YYYY-MM-DD ("" for no date), so a Date inside a
// JSON document reads as it always has.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads YYYY-MM-DD; "" is no date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, ok := ParseDate(string(b))
	if !ok {
		return fmt.Errorf("%q is not a date in the form YYYY-MM-DD", b)
	}
	*d = v
	return nil
}

// Value stores the date as YYYY-MM-DD text (a DATE in PostgreSQL), or
// NULL for no date.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan reads a DATE (PostgreSQL), YYYY-MM-DD text (SQLite) or NULL.
func (d *Date) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*d = Date{}
	case time.Time:
		*d = NewDate(x.Date())
	case string:
		return d.scanText(x)
	case []byte:
		return d.scanText(string(x))
	default:
		return fmt.Errorf("cannot scan %T into a date", v)
	}
	return nil
}

func (d *Date) scanText(s string) error {
	if len(s) > 10 {
		s = s[:10] // a timestamp's day
	}
	v, ok := ParseDate(s)
	if !ok {
		return fmt.Errorf("stored date %q is not YYYY-MM-DD", s)
	}
	*d = v
	return nil
}
