package store

import (
	"database/sql/driver"
	"fmt"
	"time"

	"github.com/shopspring/decimal"
)

// timeLayout is how SQLite stores times: fixed-width UTC, so text order is
// time order.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// ts converts a time for storage: time.Time for PostgreSQL, fixed text for
// SQLite.
func (t *Tx) ts(v time.Time) any {
	if t.d == Postgres {
		return v.UTC()
	}
	return v.UTC().Format(timeLayout)
}

// tsPtr is ts for an optional time.
func (t *Tx) tsPtr(v *time.Time) any {
	if v == nil {
		return nil
	}
	return t.ts(*v)
}

// dec stores an exact decimal as text on both databases.
func dec(d decimal.Decimal) string { return d.String() }

// dbTime scans a time from either database.
type dbTime struct{ time.Time }

func (d *dbTime) Scan(v any) error {
	switch x := v.(type) {
	case time.Time:
		d.Time = x.UTC()
	case string:
		return d.parse(x)
	case []byte:
		return d.parse(string(x))
	case nil:
		d.Time = time.Time{}
	default:
		return fmt.Errorf("cannot scan %T into a time", v)
	}
	return nil
}

func (d *dbTime) parse(s string) error {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("stored time %q: %w", s, err)
	}
	d.Time = t.UTC()
	return nil
}

// ptr returns nil for the zero time.
func (d dbTime) ptr() *time.Time {
	if d.IsZero() {
		return nil
	}
	t := d.Time
	return &t
}

// dbDec scans an exact decimal from NUMERIC or TEXT.
type dbDec struct{ decimal.Decimal }

func (d *dbDec) Scan(v any) error {
	switch x := v.(type) {
	case string:
		return d.parse(x)
	case []byte:
		return d.parse(string(x))
	case int64:
		d.Decimal = decimal.NewFromInt(x)
	case nil:
		d.Decimal = decimal.Zero
	default:
		return fmt.Errorf("cannot scan %T into a decimal: store decimals as text or NUMERIC", v)
	}
	return nil
}

func (d *dbDec) parse(s string) error {
	v, err := decimal.NewFromString(s)
	if err != nil {
		return fmt.Errorf("stored decimal %q: %w", s, err)
	}
	d.Decimal = v
	return nil
}

// Value lets a dbDec be written back as text.
func (d dbDec) Value() (driver.Value, error) { return d.String(), nil }

// page appends the keyset condition and limit of a list query.
func page(where []string, args []any, after string, limit int) ([]string, []any, int) {
	if after != "" {
		where = append(where, "id > ?")
		args = append(args, after)
	}
	if limit <= 0 {
		limit = 50
	}
	return where, args, limit
}

// like builds a case-insensitive substring pattern with LIKE's wildcards
// escaped.
func like(q string) string {
	r := make([]rune, 0, len(q)+2)
	r = append(r, '%')
	for _, c := range q {
		if c == '%' || c == '_' || c == '\\' {
			r = append(r, '\\')
		}
		r = append(r, c)
	}
	return string(append(r, '%'))
}
