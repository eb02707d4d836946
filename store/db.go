package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq"  // the PostgreSQL driver
	_ "modernc.org/sqlite" // the embedded SQLite driver
)

// Dialect names a supported database.
type Dialect string

// The supported databases.
const (
	Postgres Dialect = "postgres"
	SQLite   Dialect = "sqlite"
)

// DB is a connection to Quotient's database. On SQLite it keeps two pools:
// one connection for writers, whose transactions begin IMMEDIATE so they
// queue instead of failing, and several readers that WAL lets run beside it.
type DB struct {
	Dialect Dialect
	w       *sqlx.DB
	r       *sqlx.DB
	trace   Tracer
	// Prepared statements of each pool (on PostgreSQL one pool serves
	// both).
	ws, rs *stmtCache
}

// Tracer sees every statement a transaction runs, before it runs (tests
// count what a use case reads and locks).
type Tracer func(query string, args []any)

// SetTracer makes t see every statement from now on (nil: none). Set it
// before running transactions, not while they run.
func (db *DB) SetTracer(t Tracer) { db.trace = t }

// Open connects to a database URL: postgres://... selects PostgreSQL;
// sqlite://PATH (sqlite://./quotient.db, sqlite:///abs/path.db) selects
// SQLite, creating the file when missing.
func Open(ctx context.Context, rawURL string) (*DB, error) {
	switch {
	case strings.HasPrefix(rawURL, "postgres://"), strings.HasPrefix(rawURL, "postgresql://"):
		db, err := sqlx.Open("postgres", withDefaultParam(rawURL, "binary_parameters", "yes"))
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		db.SetMaxOpenConns(20)
		db.SetMaxIdleConns(20)
		db.SetConnMaxIdleTime(5 * time.Minute)
		pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := db.PingContext(pctx); err != nil {
			db.Close()
			return nil, fmt.Errorf("connect to postgres: %w", err)
		}
		c := newStmtCache(db)
		return &DB{Dialect: Postgres, w: db, r: db, ws: c, rs: c}, nil
	case strings.HasPrefix(rawURL, "sqlite://"):
		path := strings.TrimPrefix(rawURL, "sqlite://")
		if i := strings.IndexByte(path, '?'); i >= 0 {
			path = path[:i]
		}
		if path == "" {
			return nil, errors.New("sqlite URL needs a file path, e.g. sqlite://./quotient.db")
		}
		if dir := filepath.Dir(path); dir != "." {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, fmt.Errorf("create database folder: %w", err)
			}
		}
		base := "file:" + (&url.URL{Path: path}).EscapedPath() +
			"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)"
		w, err := sqlx.Open("sqlite", base+"&_txlock=immediate")
		if err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		w.SetMaxOpenConns(1)
		w.SetMaxIdleConns(1)
		w.SetConnMaxIdleTime(0)
		w.SetConnMaxLifetime(0)
		if err := w.PingContext(ctx); err != nil {
			w.Close()
			return nil, fmt.Errorf("open sqlite %s: %w", path, err)
		}
		r, err := sqlx.Open("sqlite", base+"&_pragma=query_only(1)")
		if err != nil {
			w.Close()
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		r.SetMaxOpenConns(8)
		r.SetMaxIdleConns(8)
		return &DB{Dialect: SQLite, w: w, r: r, ws: newStmtCache(w), rs: newStmtCache(r)}, nil
	}
	return nil, fmt.Errorf("unsupported database URL %q: use postgres://... or sqlite://PATH", redact(rawURL))
}

// withDefaultParam adds a query parameter to a URL unless it is set.
// binary_parameters=yes lets lib/pq send a parameterised query in one round
// trip instead of two (prepare, then execute), halving read latency.
func withDefaultParam(raw, key, value string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	q := u.Query()
	if q.Get(key) == "" {
		q.Set(key, value)
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// redact hides a password in a URL for messages.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable URL)"
	}
	return u.Redacted()
}

// Close closes every pool.
func (db *DB) Close() error {
	db.ws.close()
	db.rs.close()
	err := db.w.Close()
	if db.r != db.w {
		err = errors.Join(err, db.r.Close())
	}
	return err
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	return db.r.PingContext(ctx)
}

// Pools returns the underlying pools by name, for pool metrics.
func (db *DB) Pools() map[string]*sql.DB {
	if db.r == db.w {
		return map[string]*sql.DB{"main": db.w.DB}
	}
	return map[string]*sql.DB{"writer": db.w.DB, "reader": db.r.DB}
}

const maxAttempts = 6

// InTx runs fn in a read-write transaction: begin, run, commit, and roll
// back on any error. A serialization failure or deadlock (PostgreSQL 40001,
// 40P01) or a busy SQLite database retries fn from the start, so fn must
// do nothing outside the database.
func (db *DB) InTx(ctx context.Context, fn func(*Tx) error) error {
	return db.run(ctx, db.w, nil, fn)
}

// View runs fn in a read-only transaction, a consistent snapshot.
func (db *DB) View(ctx context.Context, fn func(*Tx) error) error {
	opts := &sql.TxOptions{ReadOnly: db.Dialect == Postgres}
	return db.run(ctx, db.r, opts, fn)
}

func (db *DB) run(ctx context.Context, pool *sqlx.DB, opts *sql.TxOptions, fn func(*Tx) error) error {
	var err error
	for attempt := 1; attempt <= maxAttempts; attempt++ {
		err = db.once(ctx, pool, opts, fn)
		if err == nil || !retryable(err) || ctx.Err() != nil {
			return err
		}
		backoff := time.Duration(attempt*attempt) * time.Duration(2+rand.IntN(8)) * time.Millisecond
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff):
		}
	}
	return err
}

func (db *DB) once(ctx context.Context, pool *sqlx.DB, opts *sql.TxOptions, fn func(*Tx) error) (err error) {
	sqlTx, err := pool.BeginTxx(ctx, opts)
	if err != nil {
		return mapErr(fmt.Errorf("begin: %w", err))
	}
	defer func() {
		if p := recover(); p != nil {
			_ = sqlTx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = sqlTx.Rollback()
		}
	}()
	stmts := db.ws
	if pool == db.r {
		stmts = db.rs
	}
	if err = fn(&Tx{q: sqlTx, tx: sqlTx, stmts: stmts, d: db.Dialect, trace: db.trace}); err != nil {
		return err
	}
	if err = sqlTx.Commit(); err != nil {
		return mapErr(fmt.Errorf("commit: %w", err))
	}
	return nil
}

// Read runs fn outside a transaction, each statement on its own: for a
// single-statement read (authentication on every request) this saves the
// BEGIN and COMMIT round trips. Use View when several reads must agree.
func (db *DB) Read(ctx context.Context, fn func(*Tx) error) error {
	return fn(&Tx{q: db.r, stmts: db.rs, d: db.Dialect, trace: db.trace})
}

// querier is what a Tx runs statements on: a transaction or, for Read, the
// pool itself.
type querier interface {
	GetContext(ctx context.Context, dest any, query string, args ...any) error
	SelectContext(ctx context.Context, dest any, query string, args ...any) error
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// Tx is one database transaction. It implements the Store interface of
// every domain package, so a use case spanning several packages commits
// or rolls back as one.
type Tx struct {
	q     querier
	tx    *sqlx.Tx   // nil outside a transaction (Read)
	stmts *stmtCache // nil: prepare nothing
	d     Dialect
	trace Tracer
}

func (t *Tx) traced(q string, args []any) {
	if t.trace != nil {
		t.trace(q, args)
	}
}

func (t *Tx) rebind(q string) string {
	if t.d == Postgres {
		return sqlx.Rebind(sqlx.DOLLAR, q)
	}
	return q
}

func (t *Tx) get(ctx context.Context, dest any, q string, args ...any) error {
	t.traced(q, args)
	q = t.rebind(q)
	if s := t.prepared(ctx, q); s != nil {
		return mapErr(s.GetContext(ctx, dest, args...))
	}
	return mapErr(t.q.GetContext(ctx, dest, q, args...))
}

func (t *Tx) sel(ctx context.Context, dest any, q string, args ...any) error {
	t.traced(q, args)
	q = t.rebind(q)
	if s := t.prepared(ctx, q); s != nil {
		return mapErr(s.SelectContext(ctx, dest, args...))
	}
	return mapErr(t.q.SelectContext(ctx, dest, q, args...))
}

func (t *Tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	t.traced(q, args)
	q = t.rebind(q)
	if s := t.prepared(ctx, q); s != nil {
		res, err := s.ExecContext(ctx, args...)
		return res, mapErr(err)
	}
	res, err := t.q.ExecContext(ctx, q, args...)
	return res, mapErr(err)
}

// prepared returns q's prepared statement for this transaction (or, in
// Read, the pool), or nil to run it unprepared.
func (t *Tx) prepared(ctx context.Context, q string) *sqlx.Stmt {
	if t.stmts == nil {
		return nil
	}
	s := t.stmts.get(q)
	if s == nil || t.tx == nil {
		return s
	}
	return t.tx.StmtxContext(ctx, s)
}

// execOne runs an UPDATE or DELETE that must touch exactly one row.
func (t *Tx) execN(ctx context.Context, q string, args ...any) (int64, error) {
	res, err := t.exec(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
