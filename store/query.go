package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/quotient-cpq/quotient"
)

// list runs "SELECT cols FROM table WHERE ... ORDER BY id LIMIT n" with
// keyset pagination on id.
func (t *Tx) list(ctx context.Context, dest any, cols, table string, where []string, args []any, after string, limit int) error {
	where, args, limit = page(where, args, after, limit)
	var b strings.Builder
	b.WriteString("SELECT ")
	b.WriteString(cols)
	b.WriteString(" FROM ")
	b.WriteString(table)
	if len(where) > 0 {
		b.WriteString(" WHERE ")
		b.WriteString(strings.Join(where, " AND "))
	}
	b.WriteString(" ORDER BY id LIMIT ?")
	args = append(args, limit)
	return t.sel(ctx, dest, b.String(), args...)
}

// nameLike adds a case-insensitive name search to a WHERE list.
func nameLike(where []string, args []any, col, q string) ([]string, []any) {
	if q == "" {
		return where, args
	}
	return append(where, "LOWER("+col+") LIKE ? ESCAPE '\\'"), append(args, like(strings.ToLower(q)))
}

// dateRange adds "col >= from" and "col <= to" for the dates given (a
// zero date does not bound).
func dateRange(where []string, args []any, col string, from, to quotient.Date) ([]string, []any) {
	if !from.IsZero() {
		where, args = append(where, col+" >= ?"), append(args, from)
	}
	if !to.IsZero() {
		where, args = append(where, col+" <= ?"), append(args, to)
	}
	return where, args
}

// eq adds "col = ?" when v is not empty.
func eq(where []string, args []any, col, v string) ([]string, []any) {
	if v == "" {
		return where, args
	}
	return append(where, col+" = ?"), append(args, v)
}

// versioned runs an UPDATE whose last two placeholders are id and the
// expected version; no row touched means missing (not_found) or changed
// (stale).
func (t *Tx) versioned(ctx context.Context, table, what, id string, q string, args ...any) error {
	return t.versionedBy(ctx, table, "id", what, id, q, args...)
}

// versionedBy is versioned for a table keyed by another column.
func (t *Tx) versionedBy(ctx context.Context, table, key, what, id string, q string, args ...any) error {
	n, err := t.execN(ctx, q, args...)
	if err != nil {
		return err
	}
	if n == 1 {
		return nil
	}
	var c int
	if err := t.get(ctx, &c, "SELECT COUNT(*) FROM "+table+" WHERE "+key+" = ?", id); err != nil {
		return err
	}
	if c == 0 {
		return notFound(what, id)
	}
	return staleErr(what, id)
}

// deleteByID deletes one row or reports it missing.
func (t *Tx) deleteByID(ctx context.Context, table, what, id string) error {
	n, err := t.execN(ctx, "DELETE FROM "+table+" WHERE id = ?", id)
	if err != nil {
		return err
	}
	if n == 0 {
		return notFound(what, id)
	}
	return nil
}

// exists reports whether a query returns a row.
func (t *Tx) exists(ctx context.Context, q string, args ...any) (bool, error) {
	var n int
	if err := t.get(ctx, &n, "SELECT COUNT(*) FROM ("+q+" LIMIT 1) x", args...); err != nil {
		return false, err
	}
	return n > 0, nil
}

// maxParams bounds the parameters of one statement below both
// databases' limits (PostgreSQL 65,535; SQLite 32,766).
const maxParams = 30000

// insertRows inserts rows, each a value for every one of cols, in as
// few multi-row INSERT statements as the parameter limit allows: one
// round trip for the rows of an invoice instead of one per row.
func (t *Tx) insertRows(ctx context.Context, table, cols string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	width := len(rows[0])
	tuple := "(" + strings.TrimSuffix(strings.Repeat("?, ", width), ", ") + ")"
	per := max(1, maxParams/width)
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(start+per, len(rows))]
		var b strings.Builder
		b.WriteString("INSERT INTO ")
		b.WriteString(table)
		b.WriteString(" (")
		b.WriteString(cols)
		b.WriteString(") VALUES ")
		args := make([]any, 0, len(chunk)*width)
		for i, r := range chunk {
			if len(r) != width {
				return fmt.Errorf("store: a row of %d values for the %d columns of %s", len(r), width, table)
			}
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(tuple)
			args = append(args, r...)
		}
		if _, err := t.exec(ctx, b.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// updateRows changes many rows of table in as few statements as the
// parameter limit allows: UPDATE table SET set FROM (VALUES …) AS v WHERE
// where, where each row of rows is one VALUES tuple, its values cast to
// types (PostgreSQL must know them) and named v.column1, v.column2, … in
// set and where (both databases name a VALUES list's columns so). It
// returns how many rows changed. lead are the values of placeholders in
// set, which come before the list.
func (t *Tx) updateRows(ctx context.Context, table, set, where string, types []string, rows [][]any, lead ...any) (int64, error) {
	if len(rows) == 0 {
		return 0, nil
	}
	width := len(types)
	parts := make([]string, width)
	for i, ty := range types {
		parts[i] = "CAST(? AS " + ty + ")"
	}
	tuple := "(" + strings.Join(parts, ", ") + ")"
	per := max(1, maxParams/width)
	var changed int64
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(start+per, len(rows))]
		var b strings.Builder
		b.WriteString("UPDATE " + table + " SET " + set + " FROM (VALUES ")
		args := append(make([]any, 0, len(lead)+len(chunk)*width), lead...)
		for i, r := range chunk {
			if len(r) != width {
				return changed, fmt.Errorf("store: a row of %d values for %d types updating %s", len(r), width, table)
			}
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(tuple)
			args = append(args, r...)
		}
		b.WriteString(") AS v WHERE " + where)
		// Planned afresh each time, never prepared: a prepared join with
		// a VALUES list keeps the plan made when the table was small (a
		// hash join over all its rows), which took 4 ms per conversion
		// once a benchmark's order lines had grown.
		t.traced(b.String(), args)
		res, err := t.q.ExecContext(ctx, t.rebind(b.String()), args...)
		if err != nil {
			return changed, mapErr(err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return changed, err
		}
		changed += n
	}
	return changed, nil
}
