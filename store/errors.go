package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/lib/pq"
	"modernc.org/sqlite"

	"github.com/quotient-cpq/quotient"
)

// dbError marks a driver error with what kind of failure it is, matched by
// SQLSTATE on PostgreSQL and by extended result code on SQLite, never by
// message text.
type dbError struct {
	kind       string // unique, foreign_key, check, retry, ""
	constraint string // PostgreSQL only
	err        error
}

func (e *dbError) Error() string { return e.err.Error() }
func (e *dbError) Unwrap() error { return e.err }

// SQLite extended result codes.
const (
	sqliteBusy        = 5
	sqliteLocked      = 6
	sqliteCheck       = 275
	sqliteForeignKey  = 787
	sqliteNotNull     = 1299
	sqlitePrimaryKey  = 1555
	sqliteUnique      = 2067
	sqliteTriggerFail = 1811
)

func classify(err error) *dbError {
	var pe *pq.Error
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505":
			return &dbError{kind: "unique", constraint: pe.Constraint, err: err}
		case "23503":
			return &dbError{kind: "foreign_key", constraint: pe.Constraint, err: err}
		case "23514", "23502":
			return &dbError{kind: "check", constraint: pe.Constraint, err: err}
		case "40001", "40P01", "55P03":
			return &dbError{kind: "retry", err: err}
		}
		return nil
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch code := se.Code(); {
		case code == sqliteUnique || code == sqlitePrimaryKey:
			return &dbError{kind: "unique", err: err}
		case code == sqliteForeignKey:
			return &dbError{kind: "foreign_key", err: err}
		case code == sqliteCheck || code == sqliteNotNull:
			return &dbError{kind: "check", err: err}
		case code&0xff == sqliteBusy || code&0xff == sqliteLocked:
			return &dbError{kind: "retry", err: err}
		}
	}
	return nil
}

// mapErr turns driver errors into quotient errors: no rows → not_found,
// constraint violations → conflict; anything else stays an internal error.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return quotient.Wrap(err, quotient.NotFound, "not found")
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if de := classify(err); de != nil {
		switch de.kind {
		case "unique":
			return &quotient.Error{Code: quotient.Conflict, Message: "a record with the same unique value exists", Err: de}
		case "foreign_key":
			return &quotient.Error{Code: quotient.Conflict, Message: "a referenced record is missing or still in use", Err: de}
		case "check":
			return &quotient.Error{Code: quotient.Unprocessable, Message: "a value breaks a database rule", Err: de}
		}
		return de
	}
	return err
}

func retryable(err error) bool {
	var de *dbError
	return errors.As(err, &de) && de.kind == "retry"
}

func isUnique(err error) bool {
	var de *dbError
	return errors.As(err, &de) && de.kind == "unique"
}

// conflictAs replaces a unique-violation error with a clearer one naming
// the field; other errors pass through.
func conflictAs(err error, field, format string, args ...any) error {
	if isUnique(err) {
		e := quotient.FieldErrorf(quotient.Conflict, field, format, args...)
		e.Err = err
		return e
	}
	return err
}

// notFound builds the not_found error for a missing record.
func notFound(what, id string) error {
	return quotient.Errorf(quotient.NotFound, "%s %q not found", what, id)
}

// getOr maps a not_found from a single-row read to a named one.
func getOr(err error, what, id string) error {
	if quotient.ErrorCode(err) == quotient.NotFound {
		return notFound(what, id)
	}
	return err
}

func staleErr(what, id string) error {
	return quotient.Errorf(quotient.Stale, "%s %s changed since you read it; fetch it again and reapply your change", what, id)
}

func isNotFound(err error) bool { return quotient.ErrorCode(err) == quotient.NotFound }
