package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"syscall"

	"github.com/lib/pq"
	"modernc.org/sqlite"

	"github.com/quotient-cpq/quotient"
)

// dbError marks a driver error with what kind of failure it is, matched by
// SQLSTATE on PostgreSQL and by extended result code on SQLite, never by
// message text.
type dbError struct {
	kind       string // unique, foreign_key, check, retry, unavailable
	constraint string // PostgreSQL only
	err        error
}

func (e *dbError) Error() string { return e.err.Error() }
func (e *dbError) Unwrap() error { return e.err }

// SQLite extended result codes.
const (
	sqliteBusy        = 5
	sqliteLocked      = 6
	sqliteIOErr       = 10
	sqliteCantOpen    = 14
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
		case "57P01", "57P02", "57P03", "53300": // shutdown, crash, starting up, too many connections
			return &dbError{kind: "unavailable", err: err}
		}
		if pe.Code.Class() == "08" { // connection exception
			return &dbError{kind: "unavailable", err: err}
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
		case code&0xff == sqliteIOErr || code&0xff == sqliteCantOpen:
			return &dbError{kind: "unavailable", err: err}
		}
		return nil
	}
	if lostConnection(err) {
		return &dbError{kind: "unavailable", err: err}
	}
	return nil
}

// lostConnection reports an error of the network under the driver: the
// server refused or dropped the connection, or closed it mid-reply.
func lostConnection(err error) bool {
	var ne net.Error
	return errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) || errors.As(err, &ne) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
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
		case "unavailable":
			return &quotient.Error{Code: quotient.Unavailable, Message: "the database is unavailable; retry shortly", Err: de}
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
