package store

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/quotient-cpq/quotient/store/storetest"
)

// schema is what the two dialects' migrations must agree on: tables, their
// columns and which may be null, the keys (primary and unique, partial or
// not) and the foreign keys. Types differ by design (BOOLEAN and INTEGER,
// NUMERIC and TEXT, TIMESTAMPTZ and TEXT) and are not compared.
type schema map[string][]string // table → sorted facts

func (s schema) add(table, fact string) { s[table] = append(s[table], fact) }

// describeSQLite reads the schema of a migrated SQLite database.
func describeSQLite(ctx context.Context, db *DB) (schema, error) {
	out := schema{}
	var tables []string
	if err := db.r.SelectContext(ctx, &tables, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`); err != nil {
		return nil, err
	}
	for _, t := range tables {
		var cols []struct {
			CID     int     `db:"cid"`
			Name    string  `db:"name"`
			Type    string  `db:"type"`
			NotNull bool    `db:"notnull"`
			Default *string `db:"dflt_value"`
			PK      int     `db:"pk"`
		}
		if err := db.r.SelectContext(ctx, &cols, fmt.Sprintf(`PRAGMA table_info(%q)`, t)); err != nil {
			return nil, err
		}
		pk := make([]string, 0)
		for _, c := range cols {
			out.add(t, fmt.Sprintf("column %s null=%v", c.Name, !c.NotNull && c.PK == 0))
			if c.PK > 0 {
				pk = append(pk, c.Name)
			}
		}
		if len(pk) > 0 {
			out.add(t, "primary key ("+strings.Join(pk, ", ")+")")
		}
		var idx []struct {
			Seq     int    `db:"seq"`
			Name    string `db:"name"`
			Unique  bool   `db:"unique"`
			Origin  string `db:"origin"`
			Partial bool   `db:"partial"`
		}
		if err := db.r.SelectContext(ctx, &idx, fmt.Sprintf(`PRAGMA index_list(%q)`, t)); err != nil {
			return nil, err
		}
		for _, ix := range idx {
			if !ix.Unique || ix.Origin == "pk" {
				continue
			}
			var names []*string
			if err := db.r.SelectContext(ctx, &names, fmt.Sprintf(`SELECT name FROM pragma_index_info(%q) ORDER BY seqno`, ix.Name)); err != nil {
				return nil, err
			}
			out.add(t, uniqueFact(names, ix.Partial))
		}
		var fks []struct {
			ID       int     `db:"id"`
			Seq      int     `db:"seq"`
			Table    string  `db:"table"`
			From     string  `db:"from"`
			To       *string `db:"to"`
			OnUpdate string  `db:"on_update"`
			OnDelete string  `db:"on_delete"`
			Match    string  `db:"match"`
		}
		if err := db.r.SelectContext(ctx, &fks, fmt.Sprintf(`PRAGMA foreign_key_list(%q)`, t)); err != nil {
			return nil, err
		}
		for _, fk := range fks {
			to := "id"
			if fk.To != nil {
				to = *fk.To
			}
			out.add(t, fmt.Sprintf("foreign key %s → %s(%s) on delete %s", fk.From, fk.Table, to, strings.ToLower(fk.OnDelete)))
		}
	}
	for _, facts := range out {
		sort.Strings(facts)
	}
	return out, nil
}

func uniqueFact(cols []*string, partial bool) string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = "(expression)"
		if c != nil {
			names[i] = *c
		}
	}
	kind := "unique"
	if partial {
		kind = "partial unique"
	}
	return kind + " (" + strings.Join(names, ", ") + ")"
}

// describePostgres reads the schema of a migrated PostgreSQL database.
func describePostgres(ctx context.Context, db *DB) (schema, error) {
	out := schema{}
	var cols []struct {
		Table    string `db:"table_name"`
		Column   string `db:"column_name"`
		Nullable string `db:"is_nullable"`
	}
	if err := db.r.SelectContext(ctx, &cols, `SELECT table_name, column_name, is_nullable FROM information_schema.columns
		WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`); err != nil {
		return nil, err
	}
	for _, c := range cols {
		out.add(c.Table, fmt.Sprintf("column %s null=%v", c.Column, c.Nullable == "YES"))
	}
	var idx []struct {
		Table   string  `db:"tbl"`
		Primary bool    `db:"indisprimary"`
		Partial bool    `db:"partial"`
		Cols    *string `db:"cols"`
	}
	if err := db.r.SelectContext(ctx, &idx, `SELECT t.relname AS tbl, i.indisprimary, i.indpred IS NOT NULL AS partial,
		(SELECT string_agg(COALESCE(a.attname, '(expression)'), ', ' ORDER BY k.ord)
		 FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum) AS cols
		FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
		WHERE n.nspname = 'public' AND i.indisunique`); err != nil {
		return nil, err
	}
	for _, ix := range idx {
		c := ""
		if ix.Cols != nil {
			c = *ix.Cols
		}
		switch {
		case ix.Primary:
			out.add(ix.Table, "primary key ("+c+")")
		case ix.Partial:
			out.add(ix.Table, "partial unique ("+c+")")
		default:
			out.add(ix.Table, "unique ("+c+")")
		}
	}
	var fks []struct {
		Table    string `db:"tbl"`
		From     string `db:"from_col"`
		To       string `db:"to_tbl"`
		ToCol    string `db:"to_col"`
		OnDelete string `db:"on_delete"`
	}
	if err := db.r.SelectContext(ctx, &fks, `SELECT t.relname AS tbl, a.attname AS from_col, rt.relname AS to_tbl, ra.attname AS to_col,
		CASE c.confdeltype WHEN 'a' THEN 'no action' WHEN 'r' THEN 'restrict' WHEN 'c' THEN 'cascade' WHEN 'n' THEN 'set null' ELSE 'set default' END AS on_delete
		FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class rt ON rt.oid = c.confrelid
		JOIN pg_namespace n ON n.oid = t.relnamespace
		CROSS JOIN LATERAL unnest(c.conkey, c.confkey) AS k(from_att, to_att)
		JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.from_att
		JOIN pg_attribute ra ON ra.attrelid = rt.oid AND ra.attnum = k.to_att
		WHERE c.contype = 'f' AND n.nspname = 'public'`); err != nil {
		return nil, err
	}
	for _, fk := range fks {
		out.add(fk.Table, fmt.Sprintf("foreign key %s → %s(%s) on delete %s", fk.From, fk.To, fk.ToCol, fk.OnDelete))
	}
	for _, facts := range out {
		sort.Strings(facts)
	}
	return out, nil
}

// TestSchemasAgree fails when the PostgreSQL and SQLite migrations, which
// are written twice, make different tables, columns, nullability, keys or
// foreign keys.
func TestSchemasAgree(t *testing.T) {
	if os.Getenv(storetest.EnvPostgres) == "" {
		t.Skipf("PostgreSQL tests skipped: set %s to compare the two schemas", storetest.EnvPostgres)
	}
	t.Parallel()
	ctx := context.Background()
	describe := map[Dialect]func(context.Context, *DB) (schema, error){SQLite: describeSQLite, Postgres: describePostgres}
	got := map[Dialect]schema{}
	for dialect, url := range map[Dialect]string{SQLite: storetest.SQLiteURL(t), Postgres: storetest.PostgresURL(t)} {
		db, err := Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if got[dialect], err = describe[dialect](ctx, db); err != nil {
			t.Fatalf("%s: %v", dialect, err)
		}
	}
	pg, lite := got[Postgres], got[SQLite]
	t.Logf("PostgreSQL: %d tables, %d facts; SQLite: %d tables, %d facts", len(pg), facts(pg), len(lite), facts(lite))
	if len(pg) < 30 {
		t.Fatalf("PostgreSQL has only %d tables", len(pg))
	}
	tables := map[string]bool{}
	for t := range pg {
		tables[t] = true
	}
	for t := range lite {
		tables[t] = true
	}
	names := make([]string, 0, len(tables))
	for t := range tables {
		names = append(names, t)
	}
	sort.Strings(names)
	for _, table := range names {
		p, l := set(pg[table]), set(lite[table])
		for f := range p {
			if !l[f] {
				t.Errorf("%s: PostgreSQL has %s; SQLite has not", table, f)
			}
		}
		for f := range l {
			if !p[f] {
				t.Errorf("%s: SQLite has %s; PostgreSQL has not", table, f)
			}
		}
	}
}

func set(xs []string) map[string]bool {
	out := make(map[string]bool, len(xs))
	for _, x := range xs {
		out[x] = true
	}
	return out
}

func facts(s schema) int {
	n := 0
	for _, fs := range s {
		n += len(fs)
	}
	return n
}
