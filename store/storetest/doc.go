// Package storetest gives each test a fresh database on every backend: a
// new SQLite file always, and a new PostgreSQL database when
// QUOTIENT_TEST_POSTGRES_URL is set. Tests on a missing backend are
// reported as skipped, by name.
package storetest
