package storetest

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/lib/pq" // the PostgreSQL driver
)

// EnvPostgres names the variable holding an admin URL of a PostgreSQL
// server tests may create databases on.
const EnvPostgres = "QUOTIENT_TEST_POSTGRES_URL"

// Each runs fn as a parallel subtest per backend ("sqlite", "postgres"),
// each with the URL of a fresh, empty database that is dropped afterwards.
func Each(t *testing.T, fn func(t *testing.T, dbURL string)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		fn(t, SQLiteURL(t))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		fn(t, PostgresURL(t))
	})
}

// SQLiteURL returns the URL of a new SQLite file in the test's temp dir.
func SQLiteURL(t testing.TB) string {
	return "sqlite://" + filepath.Join(t.TempDir(), "quotient.db")
}

// PostgresURL creates a fresh database and returns its URL, or skips the
// test when QUOTIENT_TEST_POSTGRES_URL is not set.
func PostgresURL(t testing.TB) string {
	t.Helper()
	admin := os.Getenv(EnvPostgres)
	if admin == "" {
		t.Skipf("PostgreSQL tests skipped: set %s (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable) to run them", EnvPostgres)
	}
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("%s: %v", EnvPostgres, err)
	}
	db, err := sql.Open("postgres", admin)
	if err != nil {
		t.Fatalf("open %s: %v", EnvPostgres, err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "quotient_test_" + hex.EncodeToString(b)
	if _, err := db.Exec("CREATE DATABASE " + name); err != nil {
		db.Close()
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		defer db.Close()
		if _, err := db.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			t.Logf("drop test database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}
